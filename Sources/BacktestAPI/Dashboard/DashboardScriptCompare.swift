/// The compare screen's script: two or more DONE runs side by side (the best variant's key metrics)
/// and their equity curves overlaid on one canvas, as percent return over time.
extension DashboardScript {
    static let compare = #"""
        const PALETTE = ['#1f6feb', '#d1242f', '#1a7f37', '#bf8700', '#8250df', '#bf3989', '#0a7d8c', '#6e7781'];
        const COMPARE_ROWS = [['data', 'Data'], ['variants', 'Variants'], ['best', 'Best variant'],
          ['total_return_pct', 'Total return'], ['benchmark_return_pct', 'Buy & hold return'], ['cagr_pct', 'CAGR'],
          ['sharpe_ratio', 'Sharpe'], ['sortino_ratio', 'Sortino'], ['max_drawdown_pct', 'Max drawdown'],
          ['win_rate_pct', 'Win rate'], ['profit_factor', 'Profit factor'], ['total_trades', 'Trades'],
          ['end_value', 'End value'], ['duration', 'Run time']];

        async function showCompare(ids) {
          if (ids.length < 2) { comparePicker(); return; }
          const loaded = await Promise.all(ids.slice(0, PALETTE.length).map(async (id) => {
            const [run, results] = await Promise.all([api('GET', '/runs/' + id), api('GET', '/runs/' + id + '/results?limit=1')]);
            const best = results.ok && results.data && results.data.results ? results.data.results[0] : null;
            const equity = best ? await api('GET', '/runs/' + id + '/equity?max_points=500&variant=' + encodeURIComponent(best.variant_key)) : null;
            return { id, status: run.status, run: run.ok ? run.data : null, best, equity: equity && equity.ok ? equity.data : null,
              error: run.ok ? (results.ok ? null : errorText(results)) : errorText(run) };
          }));
          if (loaded.some((x) => x.status === 401)) { showSignIn(); return; }
          const cell = (x, key) => {
            const m = (x.best && x.best.metrics) || {};
            const req = (x.run && x.run.request) || {};
            if (key === 'data') return req.symbol ? req.symbol + ' ' + (req.timeframe || '') : (x.run && x.run.dataset_id) || DASH;
            if (key === 'variants') return fmtInt(x.run && x.run.variants);
            if (key === 'best') return x.best ? keyText(x.best.variant_key).replace(/,/g, ', ') : (x.error || DASH);
            if (key === 'duration') return x.run ? runDuration(x.run) : DASH;
            if (key === 'total_trades') return fmtInt(m[key]);
            if (key === 'end_value') return fmtNum(m[key], 2);
            if (/_pct$/.test(key)) return key === 'max_drawdown_pct' || key === 'win_rate_pct' ? fmtPct(m[key]) : signed(m[key], fmtPct(m[key]));
            return fmtNum(m[key], 2);
          };
          const head = el('tr', {}, el('th', {}, 'Metric'), loaded.map((x, i) => el('th', { class: 'num' },
            el('span', { class: 'swatch', style: 'background:' + PALETTE[i] }), el('a', { href: '#/runs/' + x.id, title: x.id }, x.id.slice(4, 12) + '\u2026'))));
          const rows = COMPARE_ROWS.map(([key, label]) => el('tr', { class: 'compare-row' }, el('th', {}, label),
            loaded.map((x) => el('td', { class: 'num' }, cell(x, key)))));
          const canvas = el('canvas', { id: 'compare-chart', width: '1100', height: '380', 'aria-label': 'Equity curves of the compared runs' });
          const legend = el('div', { id: 'compare-legend' }, loaded.map((x, i) => el('span', {},
            el('span', { class: 'swatch', style: 'background:' + PALETTE[i] }), x.id + (x.best ? ' (' + keyText(x.best.variant_key) + ')' : ''))));
          setKids(app,
            el('section', {}, el('h2', {}, 'Compare ' + loaded.length + ' runs: the best variant of each'),
              el('table', { id: 'compare' }, el('thead', {}, head), el('tbody', {}, rows))),
            el('section', {}, el('h2', {}, 'Equity curves (return % over time)'), canvas, legend));
          drawOverlay(canvas, loaded.map((x) => x.equity));
        }

        async function comparePicker() {
          const r = await api('GET', '/runs?status=DONE&limit=100');
          if (r.status === 401) { showSignIn(); return; }
          const runs = (r.data && r.data.runs) || [];
          const picked = new Set();
          const go = el('button', { class: 'primary', id: 'compare-go', on: { click: () => { location.hash = '#/compare/' + [...picked].join(','); } } }, 'Compare');
          go.disabled = true;
          const rows = runs.map((run) => {
            const box = el('input', { type: 'checkbox', 'aria-label': 'Compare ' + run.run_id, on: { change: () => {
              if (box.checked) picked.add(run.run_id); else picked.delete(run.run_id);
              go.disabled = picked.size < 2;
            } } });
            const best = run.best && isNum(run.best.total_return_pct) ? run.best.total_return_pct : null;
            return el('tr', { 'data-run': run.run_id }, el('td', {}, box), el('td', {}, run.run_id), el('td', { class: 'num' }, fmtInt(run.variants)),
              el('td', { class: 'num' }, best === null ? DASH : signed(best, fmtPct(best))), el('td', {}, fmtTime(run.created_at)));
          });
          setKids(app, el('section', {}, el('h2', {}, 'Compare runs'), el('p', { class: 'muted' }, 'Pick two or more finished runs.'),
            el('table', { id: 'compare-pick' }, el('thead', {}, el('tr', {}, ['', 'Run', 'Variants', 'Best return', 'Created'].map((h, i) =>
              el('th', { class: i === 2 || i === 3 ? 'num' : '' }, h)))), el('tbody', {}, rows)),
            runs.length ? null : el('p', { class: 'muted' }, 'No finished runs yet.'), el('div', { class: 'row' }, go)));
        }

        // Each curve as percent return from its own start, on one shared time axis.
        function drawOverlay(canvas, curves) {
          redraws.set(canvas.id, () => drawOverlay(canvas, curves));
          fitCanvas(canvas, 0.35, 240);
          const ctx = canvas.getContext('2d');
          const W = canvas.width, H = canvas.height, left = 70, right = 10, top = 10, bottom = 24;
          ctx.clearRect(0, 0, W, H);
          const lines = curves.map((c) => {
            if (!c || !Array.isArray(c.t) || !Array.isArray(c.equity)) return [];
            const base = c.equity.find(isNum);
            return c.t.map((t, i) => [Date.parse(t), isNum(c.equity[i]) && base > 0 ? 100 * (c.equity[i] / base - 1) : null])
              .filter(([t, v]) => !Number.isNaN(t) && isNum(v));
          });
          const all = lines.flat();
          if (!all.length) return;
          const t0 = Math.min(...all.map((p) => p[0])), t1 = Math.max(...all.map((p) => p[0]));
          const lo = Math.min(0, ...all.map((p) => p[1])), hi = Math.max(0, ...all.map((p) => p[1]));
          const x = (t) => left + (t1 === t0 ? 0.5 : (t - t0) / (t1 - t0)) * (W - left - right);
          const y = (v) => top + (hi === lo ? 0.5 : (hi - v) / (hi - lo)) * (H - top - bottom);
          ctx.strokeStyle = themeColor('--line'); ctx.lineWidth = 1;
          ctx.beginPath(); ctx.moveTo(left, y(0)); ctx.lineTo(W - right, y(0)); ctx.stroke();
          ctx.fillStyle = themeColor('--muted'); ctx.font = '11px system-ui, sans-serif';
          ctx.textAlign = 'right'; ctx.textBaseline = 'middle';
          ctx.fillText(fmtPct(hi), left - 6, y(hi)); ctx.fillText(fmtPct(lo), left - 6, y(lo));
          // Zero gets its own label only where it would not sit on top of the lowest or highest one.
          if (lo < 0 && hi > 0 && y(lo) - y(0) > 14 && y(0) - y(hi) > 14) ctx.fillText('0 %', left - 6, y(0));
          ctx.textBaseline = 'top';
          ctx.textAlign = 'left'; ctx.fillText(new Date(t0).toISOString().slice(0, 10), left, H - 14);
          ctx.textAlign = 'right'; ctx.fillText(new Date(t1).toISOString().slice(0, 10), W - right, H - 14);
          lines.forEach((points, k) => {
            ctx.strokeStyle = PALETTE[k % PALETTE.length]; ctx.lineWidth = 2; ctx.beginPath();
            points.forEach(([t, v], i) => (i ? ctx.lineTo(x(t), y(v)) : ctx.moveTo(x(t), y(v))));
            ctx.stroke();
          });
        }

        """#
}
