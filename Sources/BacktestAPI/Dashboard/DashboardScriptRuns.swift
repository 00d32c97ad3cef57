/// The home screen's script: the new-backtest form (grid axes with a live variant count) and the runs list.
extension DashboardScript {
    static let runs = #"""
        const ACTIVE = ['QUEUED', 'RUNNING', 'VALIDATING'];
        const home = { status: '', offset: 0, limit: 20 };

        // "5,10,20" or "5-50:5" (start-stop:step) → the sorted distinct values, or null when unreadable.
        function parseAxis(text) {
          const t = text.trim();
          const range = t.match(/^(\d+)\s*-\s*(\d+)\s*(?::\s*(\d+))?$/);
          if (range) {
            const start = +range[1], stop = +range[2], step = range[3] ? +range[3] : 1;
            if (step < 1 || stop < start || (stop - start) / step > 10000) return null;
            return { spec: { range: { start, stop, step } }, values: Array.from(
              { length: Math.floor((stop - start) / step) + 1 }, (_, i) => start + i * step) };
          }
          const parts = t.split(',').map((s) => s.trim()).filter((s) => s);
          if (!parts.length || parts.some((s) => !/^\d+$/.test(s))) return null;
          const values = [...new Set(parts.map(Number))].sort((a, b) => a - b);
          return { spec: { values }, values };
        }
        function countVariants(fast, slow) {
          if (!fast || !slow) return null;
          let n = 0;
          for (const f of fast.values) for (const s of slow.values) if (f < s) n += 1;
          return { run: n, skipped: fast.values.length * slow.values.length - n };
        }

        async function showHome() {
          const datasets = await api('GET', '/datasets');
          if (datasets.status === 401) { showSignIn(); return; }
          const list = (datasets.data && datasets.data.datasets) || [];
          const runsBox = el('div', {});
          app.replaceChildren(newBacktestForm(list), el('section', {}, el('h2', {}, 'Runs'), runFilter(runsBox), runsBox));
          loadRuns(runsBox);
        }

        function newBacktestForm(datasets) {
          const field = (name, label, input) => {
            const wrap = el('label', {}, label, input, el('span', { class: 'err', 'data-path': name }));
            return wrap;
          };
          const symbols = [...new Set(datasets.map((d) => d.symbol))].sort();
          const symbol = el('select', { id: 'symbol', name: 'symbol' }, symbols.map((s) => el('option', { value: s }, s)));
          const timeframe = el('select', { id: 'timeframe', name: 'timeframe' });
          const fillTimeframes = () => {
            const tfs = datasets.filter((d) => d.symbol === symbol.value).map((d) => d.timeframe);
            timeframe.replaceChildren(...[...new Set(tfs)].map((t) => el('option', { value: t }, t)));
          };
          symbol.addEventListener('change', fillTimeframes);
          fillTimeframes();
          const fast = el('input', { id: 'fast', value: '5-50:5', size: '12' });
          const slow = el('input', { id: 'slow', value: '20,50,100,200', size: '16' });
          const fee = el('input', { id: 'fee_bps', type: 'number', min: '0', step: '0.5', value: '10', size: '6' });
          const topK = el('input', { id: 'top_k', type: 'number', min: '1', value: '10', size: '5' });
          const count = el('span', { id: 'variant-count', class: 'muted' });
          const message = el('div', { class: 'err', role: 'alert' });
          const submit = el('button', { class: 'primary', type: 'submit', id: 'submit' }, 'Run backtest');
          const update = () => {
            const c = countVariants(parseAxis(fast.value), parseAxis(slow.value));
            count.textContent = c ? fmtInt(c.run) + ' variants (' + fmtInt(c.skipped) + ' skipped: fast \u2265 slow)'
              : 'Axes: values "5,10,20" or a range "5-50:5".';
          };
          fast.addEventListener('input', update);
          slow.addEventListener('input', update);
          update();
          const form = el('form', { id: 'new-backtest', on: { submit: async (ev) => {
            ev.preventDefault();
            if (submit.disabled) return;
            form.querySelectorAll('[data-path]').forEach((n) => { n.textContent = ''; });
            message.textContent = '';
            const f = parseAxis(fast.value), s = parseAxis(slow.value);
            if (!f || !s) { message.textContent = 'Both grid axes need values or a range.'; return; }
            const body = { symbol: symbol.value, timeframe: timeframe.value, strategy: { name: 'dual_sma' },
              grid: { fast: f.spec, slow: s.spec }, execution: { fee_bps: Number(fee.value) }, top_k: Number(topK.value) };
            // One key per submission: a double click or a retry finds the same run instead of a second one.
            submit.disabled = true;
            const r = await api('POST', '/backtests', body, { 'Idempotency-Key': crypto.randomUUID() });
            submit.disabled = false;
            if (r.ok && r.data && r.data.run_id) { location.hash = '#/runs/' + r.data.run_id; return; }
            message.textContent = errorText(r);
            for (const d of (r.data && r.data.error && r.data.error.details) || []) {
              const head = String(d.path || '').split('.').slice(0, 2);
              const target = form.querySelector('[data-path="' + head.join('.') + '"]')
                || form.querySelector('[data-path="' + head[0] + '"]')
                || form.querySelector('[data-path="' + String(d.path).split('.').pop() + '"]');
              if (target) target.textContent = (target.textContent ? target.textContent + '; ' : '') + d.message;
            }
          } } },
            el('div', {}, field('symbol', 'Symbol', symbol), field('timeframe', 'Timeframe', timeframe)),
            el('div', {}, field('grid.fast', 'Fast SMA', fast), field('grid.slow', 'Slow SMA', slow), count),
            el('div', {}, field('execution', 'Fee (bps)', fee), field('top_k', 'Top K', topK)),
            submit, message);
          return el('section', {}, el('h2', {}, 'New backtest'), form);
        }

        function runFilter(box) {
          const select = el('select', { id: 'status-filter', on: { change: () => {
            home.status = select.value; home.offset = 0; loadRuns(box);
          } } }, ['', 'QUEUED', 'RUNNING', 'VALIDATING', 'DONE', 'ERROR', 'CANCELLED'].map((s) =>
            el('option', { value: s }, s || 'All')));
          select.value = home.status;
          return el('label', {}, 'Status', select);
        }

        // Started to finished, or to now while it runs; a queued run has none yet.
        function runDuration(run) {
          const start = Date.parse(run.started_at);
          if (Number.isNaN(start)) return DASH;
          const end = run.finished_at ? Date.parse(run.finished_at) : Date.now();
          return Number.isNaN(end) ? DASH : fmtDuration(Math.max(0, end - start) / 1000);
        }

        async function loadRuns(box) {
          if (state.timer) { clearTimeout(state.timer); state.timer = null; }
          const q = '?limit=' + home.limit + '&offset=' + home.offset + (home.status ? '&status=' + home.status : '');
          const r = await api('GET', '/runs' + q);
          if (!box.isConnected) return;
          if (!r.ok || !r.data) { box.replaceChildren(el('p', { class: 'err' }, errorText(r))); return; }
          const runs = r.data.runs || [];
          const rows = runs.map((run) => {
            const p = run.progress || {};
            const active = ACTIVE.includes(run.status);
            const act = async (method, path) => { await api(method, path); loadRuns(box); };
            return el('tr', { 'data-run': run.run_id },
              el('td', {}, el('a', { href: '#/runs/' + run.run_id }, run.run_id)),
              el('td', {}, el('span', { class: 'status s-' + run.status }, run.status)),
              el('td', {}, el('div', { class: 'bar', title: fmtPct(p.pct) }, el('div', { style: 'width:' + (isNum(p.pct) ? p.pct : 0) + '%' }))),
              el('td', { class: 'num' }, fmtInt(run.variants)),
              el('td', { class: 'num' }, runDuration(run)),
              el('td', {}, fmtTime(run.created_at)),
              el('td', {}, active ? el('button', { on: { click: () => act('POST', '/runs/' + run.run_id + '/cancel') } }, 'Cancel') : null,
                ' ', el('button', { on: { click: () => { if (confirm('Delete ' + run.run_id + '?')) act('DELETE', '/runs/' + run.run_id); } } }, 'Delete')));
          });
          const total = isNum(r.data.total) ? r.data.total : runs.length;
          const prev = el('button', { on: { click: () => { home.offset = Math.max(0, home.offset - home.limit); loadRuns(box); } } }, 'Previous');
          const next = el('button', { on: { click: () => { home.offset += home.limit; loadRuns(box); } } }, 'Next');
          prev.disabled = home.offset === 0;
          next.disabled = home.offset + home.limit >= total;
          const shown = runs.length ? fmtInt(home.offset + 1) + '\u2013' + fmtInt(home.offset + runs.length) : '0';
          box.replaceChildren(
            el('table', { id: 'runs' }, el('thead', {}, el('tr', {}, ['Run', 'Status', 'Progress', 'Variants', 'Duration', 'Created', ''].map((h) => el('th', {}, h)))),
              el('tbody', {}, rows)),
            el('div', { class: 'pager' }, prev, next, el('span', { class: 'muted' }, shown + ' of ' + fmtInt(total))));
          // Refresh while something is still moving.
          if (runs.some((run) => ACTIVE.includes(run.status))) state.timer = setTimeout(() => loadRuns(box), 1000);
        }

        """#
}
