/// The run page's canvas charts, drawn by hand: the fast × slow heatmap and equity/drawdown/benchmark.
extension DashboardScript {
    static let charts = #"""
        // Canvases keep the colours they were drawn with: redraw them when the system theme changes.
        const redraws = new Map();
        matchMedia('(prefers-color-scheme: dark)').addEventListener('change', () => {
          redraws.forEach((draw, id) => { if (document.getElementById(id)) draw(); else redraws.delete(id); });
        });

        function themeColor(name) { return getComputedStyle(document.documentElement).getPropertyValue(name).trim(); }

        // Red below zero, green above, brightness by the size of the return relative to the largest one.
        function heatColor(v, scale) {
          const t = Math.max(-1, Math.min(1, scale > 0 ? v / scale : 0));
          const a = 0.15 + 0.85 * Math.abs(t);
          return t >= 0 ? 'rgba(26,160,70,' + a + ')' : 'rgba(210,40,50,' + a + ')';
        }

        function drawHeatmap(canvas, heat, open) {
          redraws.set(canvas.id, () => drawHeatmap(canvas, heat, open));
          const info = document.getElementById('heat-info');
          if (!heat || !Array.isArray(heat.values) || !Array.isArray(heat.rows) || !Array.isArray(heat.cols)) {
            info.textContent = 'A heatmap needs a grid over exactly two parameters.';
            return;
          }
          const ctx = canvas.getContext('2d');
          const W = canvas.width, H = canvas.height, left = 48, top = 10, bottom = 40, right = 10;
          const cw = (W - left - right) / Math.max(1, heat.cols.length), ch = (H - top - bottom) / Math.max(1, heat.rows.length);
          let scale = 0;
          heat.values.forEach((row) => row.forEach((v) => { if (isNum(v)) scale = Math.max(scale, Math.abs(v)); }));
          ctx.clearRect(0, 0, W, H);
          ctx.font = '11px system-ui, sans-serif';
          ctx.fillStyle = themeColor('--fg');
          ctx.textAlign = 'right'; ctx.textBaseline = 'middle';
          heat.rows.forEach((r, i) => ctx.fillText(fmtValue(r), left - 6, top + i * ch + ch / 2));
          ctx.textAlign = 'center'; ctx.textBaseline = 'top';
          heat.cols.forEach((c, j) => ctx.fillText(fmtValue(c), left + j * cw + cw / 2, H - bottom + 4));
          ctx.fillText(humanize(heat.col_param || 'columns') + ' \u2192', left + (W - left - right) / 2, H - 16);
          heat.values.forEach((row, i) => row.forEach((v, j) => {
            ctx.fillStyle = isNum(v) ? heatColor(v, scale) : themeColor('--line');
            ctx.fillRect(left + j * cw + 1, top + i * ch + 1, cw - 2, ch - 2);
          }));
          info.textContent = humanize(heat.row_param || 'rows') + ' (rows) \u00d7 ' + humanize(heat.col_param || 'columns')
            + ' (columns); grey: skipped. Hover a cell for its value.';
          const cellAt = (ev) => {
            const box = canvas.getBoundingClientRect();
            const x = (ev.clientX - box.left) * W / box.width, y = (ev.clientY - box.top) * H / box.height;
            return [Math.floor((y - top) / ch), Math.floor((x - left) / cw)];
          };
          canvas.onclick = (ev) => {
            const [i, j] = cellAt(ev);
            if (i < 0 || j < 0 || i >= heat.rows.length || j >= heat.cols.length) return;
            open({ [heat.row_param]: heat.rows[i], [heat.col_param]: heat.cols[j] });
          };
          canvas.onmousemove = (ev) => {
            const box = canvas.getBoundingClientRect();
            const x = (ev.clientX - box.left) * W / box.width, y = (ev.clientY - box.top) * H / box.height;
            const j = Math.floor((x - left) / cw), i = Math.floor((y - top) / ch);
            const row = heat.values[i];
            if (!row || j < 0 || j >= row.length) return;
            info.textContent = (heat.row_param || 'row') + ' ' + fmtValue(heat.rows[i]) + ', ' + (heat.col_param || 'col') + ' '
              + fmtValue(heat.cols[j]) + ': ' + (isNum(row[j]) ? fmtPct(row[j]) : 'skipped');
          };
        }

        // `/equity` as parallel arrays; anything unreadable is left out rather than drawn as NaN.
        function series(data, name) { return Array.isArray(data[name]) ? data[name].map((v) => (isNum(v) ? v : null)) : []; }

        function drawEquity(canvas, data) {
          redraws.set(canvas.id, () => drawEquity(canvas, data));
          const equity = series(data, 'equity'), bench = series(data, 'benchmark'), dd = series(data, 'drawdown');
          const legend = document.getElementById('equity-legend');
          const n = equity.length;
          if (n < 2) { legend.textContent = 'No equity curve.'; return; }
          const ctx = canvas.getContext('2d');
          const W = canvas.width, H = canvas.height, left = 70, right = 10, split = Math.round(H * 0.7);
          const values = equity.concat(bench).filter(isNum);
          const lo = Math.min(...values), hi = Math.max(...values);
          // Drawdown comes as a positive percent below the running peak; drawn downwards from zero.
          const ddMax = Math.max(0, ...dd.filter(isNum));
          const x = (i) => left + (i / (n - 1)) * (W - left - right);
          const y = (v) => 8 + (hi === lo ? 0.5 : (hi - v) / (hi - lo)) * (split - 16);
          const yd = (v) => split + 8 + (ddMax === 0 ? 0 : v / ddMax) * (H - split - 30);
          ctx.clearRect(0, 0, W, H);
          ctx.strokeStyle = themeColor('--line'); ctx.lineWidth = 1;
          ctx.beginPath(); ctx.moveTo(left, split); ctx.lineTo(W - right, split); ctx.stroke();
          ctx.fillStyle = themeColor('--muted'); ctx.font = '11px system-ui, sans-serif';
          ctx.textAlign = 'right'; ctx.textBaseline = 'middle';
          ctx.fillText(fmtNum(hi, 0), left - 6, y(hi)); ctx.fillText(fmtNum(lo, 0), left - 6, y(lo));
          ctx.fillText('\u2212' + fmtPct(ddMax), left - 6, yd(ddMax));
          const t = Array.isArray(data.t) ? data.t : [];
          ctx.textBaseline = 'top';
          ctx.textAlign = 'left'; ctx.fillText(fmtTime(t[0]).slice(0, 10), left, H - 12);
          ctx.textAlign = 'right'; ctx.fillText(fmtTime(t[t.length - 1]).slice(0, 10), W - right, H - 12);
          const line = (points, map, color, width) => {
            ctx.strokeStyle = color; ctx.lineWidth = width; ctx.beginPath();
            let open = false;
            points.forEach((v, i) => {
              if (!isNum(v)) { open = false; return; }
              if (open) ctx.lineTo(x(i), map(v)); else { ctx.moveTo(x(i), map(v)); open = true; }
            });
            ctx.stroke();
          };
          // Drawdown as a filled area under the zero line.
          ctx.fillStyle = 'rgba(210,40,50,0.35)';
          ctx.beginPath(); ctx.moveTo(x(0), yd(0));
          dd.forEach((v, i) => ctx.lineTo(x(i), yd(isNum(v) ? v : 0)));
          ctx.lineTo(x(n - 1), yd(0)); ctx.closePath(); ctx.fill();
          line(bench, y, themeColor('--muted'), 1);
          line(equity, y, themeColor('--accent'), 2);
          const last = equity[n - 1], lastBench = bench[bench.length - 1];
          legend.textContent = (typeof data.variant_key === 'string' ? data.variant_key + ': ' : '') + 'strategy (blue) ' + fmtNum(last) + ' \u00b7 buy & hold (grey) ' + fmtNum(lastBench)
            + ' \u00b7 max drawdown (red) \u2212' + fmtPct(ddMax);
        }

        """#
}
