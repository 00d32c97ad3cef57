/// The form's research fields: the ranking objective, min_trades, warmup_bars, top_trades_n, the
/// risk and execution grid axes (stops may list "off", a disabled stop) and the heatmap's two axes.
/// Each block of extra fields plugs into `formFields` the same way: layout, body, fill and a factor
/// the live variant count is multiplied by.
extension DashboardScript {
    static let formAxes = #"""
        const RANK_BY = ['total_return_pct', 'sharpe_ratio', 'sortino_ratio', 'calmar_ratio', 'profit_factor',
          'max_drawdown_pct', 'cagr_pct'];
        const RANK_LABEL = { total_return_pct: 'Total return %', sharpe_ratio: 'Sharpe ratio', sortino_ratio: 'Sortino ratio',
          calmar_ratio: 'Calmar ratio', profit_factor: 'Profit factor', max_drawdown_pct: 'Max drawdown %', cagr_pct: 'CAGR %' };
        function rankLabel(k) { return RANK_LABEL[k] || humanize(k); }
        // The risk and execution axes of a grid, by their full paths; the stops may list null (disabled).
        const EXTRA_AXES = [['risk.stop_loss_pct', 'Stop loss (%)', true], ['risk.take_profit_pct', 'Take profit (%)', true],
          ['risk.params.fraction', 'Position fraction', false], ['execution.fee_bps', 'Fee (bps)', false],
          ['execution.slippage_bps', 'Slippage (bps)', false]];

        // "1,2.5,off" → distinct values, null ("off") first; blank → no axis; unreadable → { error }.
        function parseValueAxis(text, allowOff) {
          const parts = text.split(',').map((s) => s.trim()).filter((s) => s);
          if (!parts.length) return null;
          let off = false;
          const nums = [];
          for (const p of parts) {
            if (/^(off|none|null)$/i.test(p)) { if (!allowOff) return { error: '"off" only on a stop' }; off = true; continue; }
            if (!/^\d+(\.\d+)?$/.test(p)) return { error: 'numbers separated by commas' + (allowOff ? ', or off' : '') };
            nums.push(Number(p));
          }
          const values = (off ? [null] : []).concat([...new Set(nums)].sort((a, b) => a - b));
          return { spec: { values }, values };
        }

        function rankSelect(id, blank) {
          return el('select', { id }, el('option', { value: '' }, blank),
            RANK_BY.map((k) => el('option', { value: k }, rankLabel(k) + (k === 'max_drawdown_pct' ? ' (smallest first)' : ''))));
        }

        function researchFields(field, num) {
          const r = { axes: {} };
          r.rank_by = rankSelect('rank_by', 'Total return % (default)');
          r.min_trades = num('min_trades', { min: '0', step: '1', placeholder: '0' });
          r.warmup_bars = num('warmup_bars', { min: '0', step: '1', placeholder: '0' });
          r.top_trades_n = num('top_trades_n', { min: '0', max: '1000', step: '1', placeholder: '0' });
          for (const [path, , off] of EXTRA_AXES) {
            r.axes[path] = el('input', { id: 'axis-' + path.replace(/\./g, '-'), size: '14',
              placeholder: off ? 'e.g. off,2,5' : 'e.g. 5,10,20' });
          }
          r.heatX = el('select', { id: 'heatmap-x' });
          r.heatY = el('select', { id: 'heatmap-y' });
          const value = (node) => (node.value.trim() === '' ? undefined : Number(node.value));
          const parsed = () => EXTRA_AXES.map(([path, , off]) => [path, parseValueAxis(r.axes[path].value, off)]);
          // The heatmap's choices follow the axes the grid has now; a choice still on offer stays.
          r.refreshHeatmap = () => {
            const names = ['fast', 'slow'].concat(parsed().filter(([, a]) => a && !a.error).map(([p]) => p));
            for (const [sel, blank] of [[r.heatX, 'default (fast)'], [r.heatY, 'default (slow)']]) {
              const keep = sel.value;
              setKids(sel, el('option', { value: '' }, blank), names.map((n) => el('option', { value: n }, n)));
              sel.value = names.includes(keep) ? keep : '';
            }
          };
          r.refreshHeatmap();
          // Multiplies the fast × slow count: every extra axis value runs with every pair. null: unreadable.
          r.factor = () => parsed().reduce((n, [, a]) => (n === null || (a && a.error) ? null : n * (a ? a.values.length : 1)), 1);
          r.problem = () => { const bad = parsed().find(([, a]) => a && a.error); return bad ? bad[0] + ': ' + bad[1].error : null; };
          r.inputs = () => Object.values(r.axes);
          r.body = (body) => {
            for (const [path, a] of parsed()) {
              if (!a) continue;
              body.grid[path] = a.spec;
              // An axis replaces the fixed value of the same field.
              const [group, ...rest] = path.split('.');
              if (group === 'execution' && body.execution) delete body.execution[rest.join('.')];
              if (group === 'risk' && body.risk && rest.length === 1) delete body.risk[rest[0]];
            }
            if (body.risk && !Object.keys(body.risk).length) delete body.risk;
            if (r.rank_by.value) body.rank_by = r.rank_by.value;
            for (const k of ['min_trades', 'warmup_bars', 'top_trades_n']) { const v = value(r[k]); if (v !== undefined) body[k] = v; }
            if (r.heatX.value || r.heatY.value) body.heatmap = { x: r.heatX.value || 'fast', y: r.heatY.value || 'slow' };
          };
          const text = (axis) => (axis && Array.isArray(axis.values) ? axis.values.map((v) => (v === null ? 'off' : String(v))).join(',') : '');
          r.fill = (c) => {
            const grid = c.grid || {};
            for (const [path] of EXTRA_AXES) r.axes[path].value = text(grid[path]);
            r.rank_by.value = RANK_BY.includes(c.rank_by) ? c.rank_by : '';
            for (const k of ['min_trades', 'warmup_bars', 'top_trades_n']) r[k].value = isNum(c[k]) ? String(c[k]) : '';
            r.refreshHeatmap();
            r.heatX.value = c.heatmap && c.heatmap.x ? c.heatmap.x : '';
            r.heatY.value = c.heatmap && c.heatmap.y ? c.heatmap.y : '';
          };
          r.layout = () => [
            el('fieldset', {}, el('legend', {}, 'More grid axes (each value runs with every fast \u00d7 slow pair)'),
              EXTRA_AXES.map(([path, label]) => field('grid.' + path, label, r.axes[path])),
              el('div', { class: 'note muted' }, 'Values separated by commas; a stop may list off (no stop). An axis replaces the fixed value above.'),
              field('heatmap.x', 'Heatmap rows', r.heatX), field('heatmap.y', 'Heatmap columns', r.heatY),
              el('div', { class: 'note muted' }, 'The heatmap shows any two axes; with more axes each cell is the best (max) return over the others.')),
            el('fieldset', {}, el('legend', {}, 'Ranking'), field('rank_by', 'Rank by', r.rank_by),
              field('min_trades', 'Min trades', r.min_trades), field('warmup_bars', 'Warm-up bars', r.warmup_bars),
              field('top_trades_n', 'Trade lists of the top', r.top_trades_n))];
          return r;
        }

        """#
}
