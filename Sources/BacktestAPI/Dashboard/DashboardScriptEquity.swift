/// The equity chart: equity, buy & hold and drawdown of one variant on a canvas, the max-drawdown
/// span marked, zoomed by dragging across it, by the wheel or by keys (+, -, arrows, 0 resets).
extension DashboardScript {
    static let equityChart = #"""
        // `/equity` as parallel arrays; anything unreadable is left out rather than drawn as NaN.
        function series(data, name) { return Array.isArray(data[name]) ? data[name].map((v) => (isNum(v) ? v : null)) : []; }

        // The deepest fall from a running peak: [peak index, trough index, depth in percent].
        function maxDrawdownSpan(equity) {
          let peak = -1, best = [0, 0, 0];
          equity.forEach((v, i) => {
            if (!isNum(v)) return;
            if (peak < 0 || v > equity[peak]) peak = i;
            const depth = equity[peak] > 0 ? 100 * (equity[peak] - v) / equity[peak] : 0;
            if (depth > best[2]) best = [peak, i, depth];
          });
          return best;
        }

        const equityState = new WeakMap();
        function drawEquity(canvas, data) {
          equityState.set(canvas, { data, view: null, drag: null });
          redraws.set(canvas.id, () => renderEquity(canvas));
          if (!canvas.dataset.zoomable) { canvas.dataset.zoomable = '1'; zoomHandlers(canvas); }
          renderEquity(canvas);
        }
        // view: [first, last] point indices shown, or null for all of them.
        function zoomEquity(canvas, view) {
          const st = equityState.get(canvas);
          if (!st) return;
          const n = series(st.data, 'equity').length;
          if (view) {
            let [a, b] = view.map(Math.round);
            if (b - a < 4) { const mid = (a + b) / 2; a = Math.round(mid - 2); b = a + 4; }
            if (a < 0) { b -= a; a = 0; }
            if (b > n - 1) { a -= b - (n - 1); b = n - 1; }
            view = a <= 0 && b >= n - 1 ? null : [Math.max(0, a), b];
          }
          st.view = view;
          renderEquity(canvas);
        }

        function zoomHandlers(canvas) {
          const geometry = () => { const st = equityState.get(canvas); return st && st.geometry; };
          const indexAt = (ev) => {
            const g = geometry(); if (!g) return 0;
            const box = canvas.getBoundingClientRect();
            const x = (ev.clientX - box.left) * canvas.width / box.width;
            return Math.max(g.i0, Math.min(g.i1, g.i0 + (x - g.left) / g.plotW * (g.i1 - g.i0)));
          };
          const around = (center, factor) => {
            const g = geometry(); if (!g) return;
            zoomEquity(canvas, [center - (center - g.i0) * factor, center + (g.i1 - center) * factor]);
          };
          canvas.addEventListener('mousedown', (ev) => {
            if (ev.button !== 0) return;
            const st = equityState.get(canvas); if (!st) return;
            st.drag = [indexAt(ev), indexAt(ev)];
            ev.preventDefault();
          });
          canvas.addEventListener('mousemove', (ev) => {
            const st = equityState.get(canvas);
            if (st && st.drag) { st.drag[1] = indexAt(ev); renderEquity(canvas); }
          });
          // Letting go, or leaving the chart while dragging, zooms to the span dragged across.
          const release = () => {
            const st = equityState.get(canvas);
            if (!st || !st.drag) return;
            const [a, b] = st.drag.slice().sort((x, y) => x - y);
            st.drag = null;
            if (b - a >= 1) zoomEquity(canvas, [a, b]); else renderEquity(canvas);
          };
          canvas.addEventListener('mouseup', release);
          canvas.addEventListener('mouseleave', release);
          canvas.addEventListener('wheel', (ev) => {
            ev.preventDefault();
            around(indexAt(ev), ev.deltaY < 0 ? 0.8 : 1.25);
          }, { passive: false });
          canvas.addEventListener('keydown', (ev) => {
            const g = geometry(); if (!g) return;
            const span = g.i1 - g.i0, step = Math.max(1, Math.round(span / 5));
            const moves = { '+': () => around((g.i0 + g.i1) / 2, 0.8), '=': () => around((g.i0 + g.i1) / 2, 0.8),
              '-': () => around((g.i0 + g.i1) / 2, 1.25), '0': () => zoomEquity(canvas, null),
              ArrowLeft: () => zoomEquity(canvas, [g.i0 - step, g.i1 - step]),
              ArrowRight: () => zoomEquity(canvas, [g.i0 + step, g.i1 + step]) };
            if (moves[ev.key]) { ev.preventDefault(); moves[ev.key](); }
          });
        }

        function renderEquity(canvas) {
          const st = equityState.get(canvas);
          if (!st) return;
          const data = st.data;
          const equity = series(data, 'equity'), bench = series(data, 'benchmark'), dd = series(data, 'drawdown');
          const legend = document.getElementById(canvas.dataset.legend || 'equity-legend');
          const n = equity.length;
          fitCanvas(canvas, 0.64, 260);
          const ctx = canvas.getContext('2d');
          const W = canvas.width, H = canvas.height, left = 70, right = 10, split = Math.round(H * 0.7);
          ctx.clearRect(0, 0, W, H);
          if (n < 2) { legend.textContent = 'No equity curve.'; return; }
          const [i0, i1] = st.view || [0, n - 1];
          const plotW = W - left - right;
          st.geometry = { i0, i1, left, plotW };
          canvas.dataset.view = i0 + '-' + i1;
          const inView = (arr) => arr.slice(i0, i1 + 1).filter(isNum);
          const values = inView(equity).concat(inView(bench));
          const lo = Math.min(...values), hi = Math.max(...values);
          // Drawdown comes as a positive percent below the running peak; drawn downwards from zero.
          const ddMax = Math.max(0, ...inView(dd));
          const x = (i) => left + ((i - i0) / Math.max(1, i1 - i0)) * plotW;
          // A curve that grows many times over reads on a log scale (else its early years are a flat line).
          const logScale = lo > 0 && hi / lo >= 20;
          const f = logScale ? Math.log : (v) => v;
          const y = (v) => 8 + (hi === lo ? 0.5 : (f(hi) - f(v)) / (f(hi) - f(lo))) * (split - 16);
          const yd = (v) => split + 8 + (ddMax === 0 ? 0 : v / ddMax) * (H - split - 30);
          ctx.save();
          ctx.beginPath(); ctx.rect(left, 0, plotW, H); ctx.clip();
          // The max-drawdown span (of the whole curve): peak to trough, shaded.
          const [peak, trough, depth] = maxDrawdownSpan(equity);
          if (depth > 0 && trough >= i0 && peak <= i1) {
            ctx.fillStyle = 'rgba(210,40,50,0.12)';
            ctx.fillRect(x(peak), 0, Math.max(2, x(trough) - x(peak)), split);
            ctx.strokeStyle = 'rgba(210,40,50,0.8)'; ctx.lineWidth = 1; ctx.setLineDash([4, 3]);
            ctx.beginPath(); ctx.moveTo(x(peak), y(equity[peak])); ctx.lineTo(x(trough), y(equity[peak]));
            ctx.lineTo(x(trough), y(equity[trough])); ctx.stroke(); ctx.setLineDash([]);
          }
          const line = (points, map, color, width) => {
            ctx.strokeStyle = color; ctx.lineWidth = width; ctx.beginPath();
            let open = false;
            for (let i = Math.max(0, i0 - 1); i <= Math.min(points.length - 1, i1 + 1); i += 1) {
              const v = points[i];
              if (!isNum(v)) { open = false; continue; }
              if (open) ctx.lineTo(x(i), map(v)); else { ctx.moveTo(x(i), map(v)); open = true; }
            }
            ctx.stroke();
          };
          ctx.fillStyle = 'rgba(210,40,50,0.35)';
          ctx.beginPath(); ctx.moveTo(x(i0), yd(0));
          for (let i = i0; i <= i1; i += 1) ctx.lineTo(x(i), yd(isNum(dd[i]) ? dd[i] : 0));
          ctx.lineTo(x(i1), yd(0)); ctx.closePath(); ctx.fill();
          line(bench, y, themeColor('--muted'), 1);
          line(equity, y, themeColor('--accent'), 2);
          if (st.drag) {
            const [a, b] = st.drag.slice().sort((p, q) => p - q);
            ctx.fillStyle = 'rgba(31,111,235,0.18)';
            ctx.fillRect(x(a), 0, Math.max(1, x(b) - x(a)), H);
          }
          ctx.restore();
          ctx.strokeStyle = themeColor('--line'); ctx.lineWidth = 1;
          ctx.beginPath(); ctx.moveTo(left, split); ctx.lineTo(W - right, split); ctx.stroke();
          ctx.fillStyle = themeColor('--muted'); ctx.font = '11px system-ui, sans-serif';
          ctx.textAlign = 'right'; ctx.textBaseline = 'middle';
          ctx.fillText(fmtNum(hi, 0), left - 6, y(hi)); ctx.fillText(fmtNum(lo, 0), left - 6, y(lo));
          ctx.fillText('\u2212' + fmtPct(ddMax), left - 6, yd(ddMax));
          const t = Array.isArray(data.t) ? data.t : [];
          ctx.textBaseline = 'top';
          ctx.textAlign = 'left'; ctx.fillText(fmtTime(t[i0]).slice(0, 10), left, H - 12);
          ctx.textAlign = 'right'; ctx.fillText(fmtTime(t[i1]).slice(0, 10), W - right, H - 12);
          legend.textContent = (typeof data.variant_key === 'string' ? keyText(data.variant_key) + ': ' : '')
            + 'strategy (blue) ' + fmtNum(equity[i1]) + ' \u00b7 buy & hold (grey) ' + fmtNum(bench[i1])
            + ' \u00b7 drawdown (red) \u2212' + fmtPct(ddMax) + ' \u00b7 max drawdown span (shaded) \u2212' + fmtPct(depth)
            + (depth > 0 ? ' from ' + fmtTime(t[peak]).slice(0, 10) + ' to ' + fmtTime(t[trough]).slice(0, 10) : '')
            + (logScale ? ' \u00b7 log scale' : '')
            + (st.view ? ' \u00b7 zoomed to ' + fmtTime(t[i0]).slice(0, 10) + ' \u2013 ' + fmtTime(t[i1]).slice(0, 10) : '');
        }

        """#
}
