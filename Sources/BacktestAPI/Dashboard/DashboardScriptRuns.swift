/// The runs screen's script: a live list with status filter, pagination, best return, cancel, delete
/// and checkboxes that pick runs to compare. Columns marked `wide` give way on a phone.
extension DashboardScript {
    static let runs = #"""
        const ACTIVE = ['QUEUED', 'RUNNING', 'VALIDATING'];
        const home = { status: '', offset: 0, limit: 20, picked: new Set() };

        async function showHome() {
          const runsBox = el('div', {});
          const compare = el('button', { id: 'compare-picked', on: { click: () => {
            location.hash = '#/compare/' + [...home.picked].join(',');
          } } }, 'Compare selected');
          home.compareButton = compare;
          setKids(app, el('section', { id: 'runs-section' }, el('h2', {}, 'Runs'),
            el('div', { class: 'row' }, runFilter(runsBox), compare, el('a', { href: '#/new' }, 'New backtest')), runsBox));
          updateCompareButton();
          loadRuns(runsBox);
        }
        function updateCompareButton() {
          if (!home.compareButton) return;
          home.compareButton.disabled = home.picked.size < 2;
          home.compareButton.textContent = 'Compare selected (' + home.picked.size + ')';
        }

        function runFilter(box) {
          const select = el('select', { id: 'status-filter', on: { change: () => {
            home.status = select.value; home.offset = 0; loadRuns(box);
          } } }, ['', 'QUEUED', 'RUNNING', 'DONE', 'ERROR', 'CANCELLED'].map((s) =>
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
        function signed(v, text) { return el('span', { class: isNum(v) ? (v < 0 ? 'neg' : 'pos') : '' }, text); }

        async function loadRuns(box) {
          if (state.timer) { clearTimeout(state.timer); state.timer = null; }
          const q = '?limit=' + home.limit + '&offset=' + home.offset + (home.status ? '&status=' + home.status : '');
          const r = await api('GET', '/runs' + q);
          if (!box.isConnected) return;
          if (!r.ok || !r.data) { setKids(box, el('p', { class: 'err' }, errorText(r))); return; }
          const runs = r.data.runs || [];
          const rows = runs.map((run) => {
            const p = run.progress || {};
            const active = ACTIVE.includes(run.status);
            const act = async (method, path) => { await api(method, path); loadRuns(box); };
            const best = run.best && isNum(run.best.total_return_pct) ? run.best.total_return_pct : null;
            const pick = el('input', { type: 'checkbox', 'aria-label': 'Compare ' + run.run_id, on: { change: () => {
              if (pick.checked) home.picked.add(run.run_id); else home.picked.delete(run.run_id);
              updateCompareButton();
            } } });
            pick.checked = home.picked.has(run.run_id);
            pick.disabled = run.status !== 'DONE';
            return el('tr', { 'data-run': run.run_id },
              el('td', {}, pick),
              el('td', {}, el('a', { href: '#/runs/' + run.run_id, class: 'rid', title: run.run_id }, run.run_id)),
              el('td', {}, el('span', { class: 'status s-' + run.status }, run.status)),
              el('td', { class: 'wide' }, el('div', { class: 'bar', role: 'progressbar', 'aria-valuenow': String(isNum(p.pct) ? p.pct : 0),
                'aria-valuemin': '0', 'aria-valuemax': '100', title: fmtPct(p.pct) },
                el('div', { style: 'width:' + (isNum(p.pct) ? p.pct : 0) + '%' }))),
              el('td', { class: 'num wide' }, fmtInt(run.variants)),
              el('td', { class: 'num best' }, best === null ? DASH : signed(best, fmtPct(best))),
              el('td', { class: 'num wide' }, run.best && run.best.variant_key ? keyText(run.best.variant_key) : DASH),
              el('td', { class: 'num wide' }, runDuration(run)),
              el('td', { class: 'wide time' }, fmtTime(run.created_at)),
              el('td', {}, active ? el('button', { on: { click: () => act('POST', '/runs/' + run.run_id + '/cancel') } }, 'Cancel') : null,
                ' ', el('button', { on: { click: () => { if (confirm('Delete ' + run.run_id + '?')) act('DELETE', '/runs/' + run.run_id); } } }, 'Delete')));
          });
          const total = isNum(r.data.total) ? r.data.total : runs.length;
          const prev = el('button', { on: { click: () => { home.offset = Math.max(0, home.offset - home.limit); loadRuns(box); } } }, 'Previous');
          const next = el('button', { on: { click: () => { home.offset += home.limit; loadRuns(box); } } }, 'Next');
          prev.disabled = home.offset === 0;
          next.disabled = home.offset + home.limit >= total;
          const shown = runs.length ? fmtInt(home.offset + 1) + '\u2013' + fmtInt(home.offset + runs.length) : '0';
          const heads = ['', 'Run', 'Status', 'Progress', 'Variants', 'Best return', 'Best variant', 'Duration', 'Created', ''];
          setKids(box,
            el('table', { id: 'runs' }, el('thead', {}, el('tr', {}, heads.map((h, i) =>
              el('th', { class: ([4, 5, 6, 7].includes(i) ? 'num' : '') + ([3, 4, 6, 7, 8].includes(i) ? ' wide' : '') }, h)))),
              el('tbody', {}, rows)),
            runs.length ? null : el('p', { class: 'muted' }, 'No runs yet.'),
            el('div', { class: 'pager' }, prev, next, el('span', { class: 'muted' }, shown + ' of ' + fmtInt(total))));
          // Refresh while something is still moving.
          if (runs.some((run) => ACTIVE.includes(run.status))) state.timer = setTimeout(() => loadRuns(box), 1000);
        }

        """#
}
