/// The run page's script: live progress over SSE, then report rows, top-K, hashes and artifact links.
extension DashboardScript {
    static let runPage = #"""
        async function showRun(id) {
          const r = await api('GET', '/runs/' + id);
          if (r.status === 401) { showSignIn(); return; }
          if (!r.ok || !r.data) { app.replaceChildren(el('section', {}, el('p', { class: 'err' }, errorText(r)))); return; }
          const run = r.data;
          const status = el('span', { id: 'run-status', class: 'status s-' + run.status }, run.status);
          const bar = el('div', { style: 'width:0%' });
          const detail = el('span', { id: 'run-progress', class: 'muted' });
          const body = el('div', { id: 'run-body' });
          const setProgress = (p) => {
            if (!p) return;
            const pct = isNum(p.pct) ? p.pct : 0;
            bar.style.width = Math.min(100, pct) + '%';
            detail.textContent = fmtPct(pct) + ' \u00b7 ' + fmtInt(p.done) + ' / ' + fmtInt(p.total)
              + (isNum(p.eta_s) ? ' \u00b7 ETA ' + fmtDuration(p.eta_s) : '');
          };
          setProgress(run.progress);
          const cancel = ACTIVE.includes(run.status)
            ? el('button', { id: 'cancel', on: { click: () => api('POST', '/runs/' + id + '/cancel') } }, 'Cancel') : null;
          app.replaceChildren(el('section', {},
            el('h2', {}, 'Run ', el('code', {}, run.run_id), ' ', status),
            el('div', { class: 'bar' }, bar), detail, hashesTable(run),
            run.error && run.error.message ? el('p', { class: 'err' }, run.error.message) : null,
            cancel),
            body);
          const finish = (final) => {
            status.textContent = final; status.className = 'status s-' + final;
            if (cancel) cancel.remove();
            if (final === 'DONE') { setProgress({ pct: 100, done: run.progress && run.progress.total, total: run.progress && run.progress.total }); showResults(id, body); }
          };
          if (!ACTIVE.includes(run.status)) { finish(run.status); return; }
          // Live: the stream replays from the start, so nothing is missed between the GET and here.
          const source = new EventSource('/runs/' + id + '/events?follow=1');
          state.source = source;
          const data = (ev) => { try { return JSON.parse(ev.data); } catch (e) { return {}; } };
          source.addEventListener('stage', (ev) => { const d = data(ev); if (d.stage) { status.textContent = d.stage; status.className = 'status s-' + d.stage; } });
          source.addEventListener('progress', (ev) => setProgress(data(ev)));
          const end = (final) => () => { source.close(); state.source = null; finish(final); };
          source.addEventListener('completed', end('DONE'));
          source.addEventListener('failed', end('ERROR'));
          source.addEventListener('cancelled', end('CANCELLED'));
        }

        function hashesTable(run) {
          // spec_hash is null unless the run came from a preset.
          const rows = ['input_hash', 'spec_hash', 'grid_request_hash', 'engine_params_hash'].map((k) =>
            el('tr', {}, el('th', {}, humanize(k)), el('td', {}, typeof run[k] === 'string' ? el('code', {}, run[k])
              : el('span', { class: 'muted' }, k === 'spec_hash' ? 'none (not from a preset)' : DASH))));
          return el('table', { id: 'hashes' }, el('tbody', {}, rows));
        }

        async function showResults(id, body) {
          const [results, equity, artifacts] = await Promise.all([
            api('GET', '/runs/' + id + '/results'), api('GET', '/runs/' + id + '/equity?max_points=800'),
            api('GET', '/runs/' + id + '/artifacts')]);
          if (!body.isConnected) return;
          if (!results.ok || !results.data) { body.replaceChildren(el('p', { class: 'err' }, errorText(results))); return; }
          const ranked = results.data.results || [];
          const best = ranked[0];
          const heat = el('canvas', { id: 'heatmap', width: '560', height: '360' });
          const chart = el('canvas', { id: 'equity-chart', width: '560', height: '360' });
          body.replaceChildren(
            el('div', { class: 'grid2' },
              el('section', {}, el('h2', {}, 'Equity, drawdown and buy & hold'), chart, el('div', { id: 'equity-legend', class: 'muted' })),
              el('section', {}, el('h2', {}, 'Heatmap: total return %'), heat, el('div', { id: 'heat-info', class: 'muted' }))),
            el('section', {}, el('h2', {}, 'Top variants ', el('span', { class: 'muted' }, '(select a row for its equity)')),
              topTable(ranked, (v) => loadEquity(id, v.variant_key, chart))),
            el('div', { class: 'grid2' },
              el('section', {}, el('h2', {}, 'Best variant report'), reportTable(best)),
              el('section', {}, el('h2', {}, 'Artifacts'), artifactList(id, artifacts))));
          // A heatmap cell opens its variant when it is among the ranked ones (only those keep an equity curve).
          drawHeatmap(heat, results.data.grid && results.data.grid.heatmap, (params) => {
            const hit = ranked.find((v) => Object.entries(params).every(([k, x]) => v.params && v.params[k] === x));
            if (hit) loadEquity(id, hit.variant_key, chart);
          });
          if (equity.ok && equity.data) drawEquity(chart, equity.data);
        }

        function paramText(params) {
          return Object.entries(params || {}).map(([k, v]) => k + ' ' + fmtValue(v)).join(', ');
        }
        async function loadEquity(id, variant, chart) {
          const r = await api('GET', '/runs/' + id + '/equity?max_points=800&variant=' + encodeURIComponent(variant));
          if (!r.ok || !r.data || !chart.isConnected) return;
          drawEquity(chart, r.data);
          document.querySelectorAll('#top-k tbody tr').forEach((tr) =>
            tr.classList.toggle('selected', tr.getAttribute('data-variant') === variant));
        }

        function topTable(ranked, select) {
          const cols = ['total_return_pct', 'cagr_pct', 'sharpe_ratio', 'max_drawdown_pct', 'win_rate_pct', 'total_trades'];
          const head = el('tr', {}, el('th', {}, '#'), el('th', {}, 'Parameters'), cols.map((c) => el('th', { class: 'num' }, humanize(c))));
          const rows = ranked.map((v, i) => el('tr', { 'data-variant': v.variant_key, tabindex: '0',
            class: i === 0 ? 'selected' : '', on: {
              click: () => select(v), keydown: (ev) => { if (ev.key === 'Enter') select(v); } } },
            el('td', {}, fmtInt(v.rank)), el('td', {}, paramText(v.params)),
            cols.map((c) => el('td', { class: 'num' }, c === 'total_trades' ? fmtInt(v.metrics && v.metrics[c]) : fmtNum(v.metrics && v.metrics[c], 2)))));
          return el('table', { id: 'top-k' }, el('thead', {}, head), el('tbody', {}, rows));
        }
        function reportTable(best) {
          if (!best) return el('p', { class: 'muted' }, 'No ranked variant.');
          const source = best.report || best.metrics || {};
          const entries = Array.isArray(source) ? source.map((row) => [row.name || row.label || row.key, row.value]) : Object.entries(source);
          // Durations come in seconds; everything else is a number, a time or a word.
          const show = (k, v) => (/duration|period/i.test(k) && isNum(v) ? fmtDuration(v) : fmtValue(v));
          return el('table', { id: 'report' }, el('tbody', {}, entries.map(([k, v]) =>
            el('tr', { class: 'report-row' }, el('th', {}, humanize(k)), el('td', { class: 'num' }, show(k, v))))));
        }
        function artifactList(id, r) {
          if (!r.ok || !r.data || !Array.isArray(r.data.files)) return el('p', { class: 'muted' }, 'No artifacts yet.');
          return el('ul', { id: 'artifacts' }, el('li', {}, el('a', { href: '/runs/' + id + '/artifacts' }, 'manifest.json')),
            r.data.files.map((f) => el('li', {}, el('a', { href: '/runs/' + id + '/artifacts/' + encodeURIComponent(f.name) }, f.name),
              ' ', el('span', { class: 'muted' }, fmtInt(f.size) + ' bytes'))));
        }

        """#
}
