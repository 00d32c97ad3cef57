/// The run page's heatmap, drawn by hand on a canvas, and what every chart shares (theme redraws).
extension DashboardScript {
    static let charts = #"""
        // Canvases keep the colours they were drawn with: redraw them when the system theme changes.
        const redraws = new Map();
        matchMedia('(prefers-color-scheme: dark)').addEventListener('change', () => {
          redraws.forEach((draw, id) => { if (document.getElementById(id)) draw(); else redraws.delete(id); });
        });

        // Canvases are drawn at the size they are shown (a canvas pixel per CSS pixel), so their labels stay
        // legible on a phone; a resize redraws them.
        function fitCanvas(canvas, aspect, minHeight) {
          const w = Math.round(canvas.clientWidth);
          if (w <= 0) return;
          const h = Math.max(minHeight || 0, Math.round(w * aspect));
          if (canvas.width !== w || canvas.height !== h) { canvas.width = w; canvas.height = h; }
        }
        let resizeTimer = null;
        window.addEventListener('resize', () => {
          clearTimeout(resizeTimer);
          resizeTimer = setTimeout(() => redraws.forEach((draw, id) => { if (document.getElementById(id)) draw(); else redraws.delete(id); }), 100);
        });

        function themeColor(name) { return getComputedStyle(document.documentElement).getPropertyValue(name).trim(); }

        // Red below zero, green above, brightness by the size of the return relative to the largest one.
        function heatColor(v, scale) {
          const t = Math.max(-1, Math.min(1, scale > 0 ? v / scale : 0));
          const a = 0.15 + 0.85 * Math.abs(t);
          return t >= 0 ? 'rgba(26,160,70,' + a + ')' : 'rgba(210,40,50,' + a + ')';
        }

        const heatCursor = new WeakMap();
        // A disabled stop is null on its axis.
        function heatLabel(v) { return v === null ? 'off' : fmtValue(v); }

        // `selected`: the params of the variant on show, outlined when it is a cell of this grid.
        function drawHeatmap(canvas, heat, open, selected) {
          redraws.set(canvas.id, () => drawHeatmap(canvas, heat, open, selected));
          const info = document.getElementById(canvas.dataset.info || 'heat-info');
          if (!heat || !Array.isArray(heat.values) || !Array.isArray(heat.rows) || !Array.isArray(heat.cols)) {
            info.textContent = 'No heatmap for this run: it needs two grid axes (by default fast \u00d7 slow; any two axes can be chosen in the form).';
            canvas.hidden = true;
            return;
          }
          fitCanvas(canvas, 0.64, 220);
          const ctx = canvas.getContext('2d');
          const W = canvas.width, H = canvas.height, left = 48, top = 10, bottom = 40, right = 10;
          const cw = (W - left - right) / Math.max(1, heat.cols.length), ch = (H - top - bottom) / Math.max(1, heat.rows.length);
          let scale = 0;
          heat.values.forEach((row) => row.forEach((v) => { if (isNum(v)) scale = Math.max(scale, Math.abs(v)); }));
          ctx.clearRect(0, 0, W, H);
          ctx.font = '11px system-ui, sans-serif';
          ctx.fillStyle = themeColor('--fg');
          ctx.textAlign = 'right'; ctx.textBaseline = 'middle';
          // Labels thin out when the cells are too small to hold one each.
          const rowEvery = Math.max(1, Math.ceil(14 / ch)), colEvery = Math.max(1, Math.ceil(30 / cw));
          heat.rows.forEach((r, i) => { if (i % rowEvery === 0) ctx.fillText(heatLabel(r), left - 6, top + i * ch + ch / 2); });
          ctx.textAlign = 'center'; ctx.textBaseline = 'top';
          heat.cols.forEach((c, j) => { if (j % colEvery === 0) ctx.fillText(heatLabel(c), left + j * cw + cw / 2, H - bottom + 4); });
          ctx.textAlign = 'left';
          ctx.fillText(humanize(heat.col_param || 'columns') + ' \u2192', left, H - 16);
          ctx.textAlign = 'center';
          ctx.save(); ctx.translate(10, top + (H - top - bottom) / 2); ctx.rotate(-Math.PI / 2);
          ctx.fillText(humanize(heat.row_param || 'rows') + ' \u2192', 0, -6); ctx.restore();
          heat.values.forEach((row, i) => row.forEach((v, j) => {
            ctx.fillStyle = isNum(v) ? heatColor(v, scale) : themeColor('--line');
            ctx.fillRect(left + j * cw + 1, top + i * ch + 1, cw - 2, ch - 2);
          }));
          // The colour scale, red (−scale) through pale (0) to green (+scale), in the bottom-right corner.
          const lx = W - right - 120, ly = H - 14;
          for (let k = 0; k < 120; k += 1) { ctx.fillStyle = heatColor((k / 119 * 2 - 1) * scale, scale); ctx.fillRect(lx + k, ly, 1, 8); }
          ctx.fillStyle = themeColor('--muted'); ctx.textBaseline = 'middle';
          ctx.textAlign = 'right'; ctx.fillText('scale \u00b1' + fmtPct(scale), lx - 4, ly + 4);
          const si = selected ? heat.rows.indexOf(selected[heat.row_param]) : -1;
          const sj = selected ? heat.cols.indexOf(selected[heat.col_param]) : -1;
          if (si >= 0 && sj >= 0) {
            ctx.strokeStyle = themeColor('--fg'); ctx.lineWidth = 2;
            ctx.strokeRect(left + sj * cw + 1, top + si * ch + 1, cw - 2, ch - 2);
          }
          // Keyboard: arrows move a dashed cursor over the cells, Enter or Space opens the cell under it.
          const cursor = heatCursor.get(canvas);
          if (cursor && document.activeElement === canvas) {
            ctx.strokeStyle = themeColor('--accent'); ctx.lineWidth = 2; ctx.setLineDash([4, 3]);
            ctx.strokeRect(left + cursor[1] * cw + 3, top + cursor[0] * ch + 3, cw - 6, ch - 6); ctx.setLineDash([]);
          }
          const describe = (i, j) => {
            const v = heat.values[i] ? heat.values[i][j] : null;
            info.dataset.hovered = '1';
            info.textContent = (heat.row_param || 'row') + ' ' + heatLabel(heat.rows[i]) + ', ' + (heat.col_param || 'col') + ' '
              + heatLabel(heat.cols[j]) + ': ' + (isNum(v) ? fmtPct(v) : 'skipped');
          };
          const redraw = () => drawHeatmap(canvas, heat, open, selected);
          canvas.onfocus = redraw;
          canvas.onblur = redraw;
          canvas.onkeydown = (ev) => {
            const c = heatCursor.get(canvas) || [Math.max(0, si), Math.max(0, sj)];
            const moves = { ArrowUp: [-1, 0], ArrowDown: [1, 0], ArrowLeft: [0, -1], ArrowRight: [0, 1] };
            if (moves[ev.key]) {
              ev.preventDefault();
              c[0] = Math.max(0, Math.min(heat.rows.length - 1, c[0] + moves[ev.key][0]));
              c[1] = Math.max(0, Math.min(heat.cols.length - 1, c[1] + moves[ev.key][1]));
              heatCursor.set(canvas, c);
              redraw();
              describe(c[0], c[1]);
            } else if (ev.key === 'Enter' || ev.key === ' ') {
              ev.preventDefault();
              open({ [heat.row_param]: heat.rows[c[0]], [heat.col_param]: heat.cols[c[1]] });
            }
          };
          if (!info.dataset.hovered) {
            info.textContent = humanize(heat.row_param || 'rows') + ' (rows) \u00d7 ' + humanize(heat.col_param || 'columns')
              + ' (columns), scale \u00b1' + fmtPct(scale) + '; grey: skipped. Hover a cell for its value, click it (or arrows and Enter) to open it.';
          }
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
            const [i, j] = cellAt(ev);
            if (i >= 0 && j >= 0 && i < heat.rows.length && j < heat.cols.length) describe(i, j);
          };
        }

        """#
}
