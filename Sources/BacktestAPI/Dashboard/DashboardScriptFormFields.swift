/// The new-backtest form's fields: built from the request schema's names (docs/api.md, OpenAPI
/// `BacktestRequest`), read into a request body, and filled back from a preset's config.
extension DashboardScript {
    static let formFields = #"""
        function formFields(datasets) {
          const input = (id, attrs) => el('input', Object.assign({ id, name: id }, attrs || {}));
          const num = (id, attrs) => input(id, Object.assign({ type: 'number', size: '8' }, attrs || {}));
          const field = (path, label, node) => el('label', {}, label, node, el('span', { class: 'err', 'data-path': path }));
          const f = {};
          f.dataset = el('select', { id: 'dataset' }, el('option', { value: '' }, 'By symbol and timeframe (newest)'),
            datasets.map((d) => el('option', { value: d.dataset_id }, d.symbol + ' ' + d.timeframe + ' \u00b7 ' + fmtInt(d.rows) + ' bars')));
          const symbols = [...new Set(datasets.map((d) => d.symbol))].sort();
          f.symbol = el('select', { id: 'symbol' }, symbols.map((s) => el('option', { value: s }, s)));
          f.timeframe = el('select', { id: 'timeframe' });
          const fillTimeframes = () => {
            const tfs = datasets.filter((d) => d.symbol === f.symbol.value).map((d) => d.timeframe);
            setKids(f.timeframe, ...[...new Set(tfs)].map((t) => el('option', { value: t }, t)));
          };
          const byDataset = () => { f.symbol.disabled = f.timeframe.disabled = f.dataset.value !== ''; };
          f.symbol.addEventListener('change', fillTimeframes);
          f.dataset.addEventListener('change', byDataset);
          fillTimeframes();
          f.from = input('from', { type: 'date' });
          f.to = input('to', { type: 'date' });
          f.fast = input('fast', { value: '5-50:5', size: '12' });
          f.slow = input('slow', { value: '20,50,100,200', size: '16' });
          f.threshold_bp = num('threshold_bp', { min: '0', step: '1', value: '0' });
          f.delay_bars = num('delay_bars', { min: '0', step: '1', value: '0' });
          f.long_only = input('long_only', { type: 'checkbox' });
          f.long_only.checked = true;
          f.fill_price = el('select', { id: 'fill_price' }, el('option', { value: 'close' }, 'close'), el('option', { value: 'open_next' }, 'next open'));
          f.initial_cash = num('initial_cash', { min: '0', step: '100', value: '10000' });
          f.fee_bps = num('fee_bps', { min: '0', step: '0.5', value: '10' });
          f.slippage_bps = num('slippage_bps', { min: '0', step: '0.5', value: '0' });
          f.stop_loss_pct = num('stop_loss_pct', { min: '0', step: '0.5', placeholder: 'none' });
          f.take_profit_pct = num('take_profit_pct', { min: '0', step: '0.5', placeholder: 'none' });
          f.permutation_n = num('permutation_n', { min: '1', step: '1', placeholder: 'off' });
          f.bootstrap_n = num('bootstrap_n', { min: '1', step: '1', placeholder: 'off' });
          f.block_size = num('block_size', { min: '1', step: '1', placeholder: 'auto' });
          f.top_k = num('top_k', { min: '1', max: '1000', value: '10' });
          f.seed = num('seed', { min: '0', step: '1', value: '42' });
          f.research = researchFields(field, num);
          f.walkForward = walkForwardFields(field, num);
          f.multi = multiDatasetFields(field, datasets);
          // Blank optional numbers are left out; the server applies its defaults.
          const value = (node) => (node.value.trim() === '' ? undefined : Number(node.value));
          const prune = (o) => {
            for (const k of Object.keys(o)) if (o[k] === undefined) delete o[k];
            return Object.keys(o).length ? o : undefined;
          };
          f.body = () => {
            const fast = parseAxis(f.fast.value), slow = parseAxis(f.slow.value);
            if (!fast || !slow || f.research.problem()) return null;
            const body = {};
            if (f.dataset.value) body.dataset_id = f.dataset.value;
            else { body.symbol = f.symbol.value; body.timeframe = f.timeframe.value; }
            if (f.from.value) body.from = f.from.value + 'T00:00:00Z';
            if (f.to.value) body.to = f.to.value + 'T23:59:59Z';
            body.strategy = { name: 'dual_sma', params: prune({ threshold_bp: value(f.threshold_bp),
              delay_bars: value(f.delay_bars), long_only: f.long_only.checked }) };
            body.grid = { fast: fast.spec, slow: slow.spec };
            body.execution = prune({ fill_price: f.fill_price.value, initial_cash: value(f.initial_cash),
              fee_bps: value(f.fee_bps), slippage_bps: value(f.slippage_bps) });
            const risk = prune({ stop_loss_pct: value(f.stop_loss_pct), take_profit_pct: value(f.take_profit_pct) });
            if (risk) body.risk = risk;
            const permutation = prune({ n: value(f.permutation_n) });
            const bootstrap = prune({ n: value(f.bootstrap_n), block_size: value(f.block_size) });
            if (permutation || bootstrap) body.validation = prune({ permutation, block_bootstrap: bootstrap });
            const topK = value(f.top_k), seed = value(f.seed);
            if (topK !== undefined) body.top_k = topK;
            if (seed !== undefined) body.seed = seed;
            f.research.body(body);
            f.walkForward.body(body);
            f.multi.body(body);
            return body;
          };
          // A preset's config back into the fields; what it leaves out goes back to the defaults above.
          const axisText = (axis, single) => {
            if (axis && Array.isArray(axis.values)) {
              // Evenly spaced values (the server stores ranges that way) read back as a range.
              const v = axis.values, step = v.length > 2 ? v[1] - v[0] : 0;
              if (step > 0 && v.every((x, i) => x === v[0] + i * step)) return v[0] + '-' + v[v.length - 1] + ':' + step;
              return v.join(',');
            }
            if (axis && axis.range) return axis.range.start + '-' + axis.range.stop + ':' + axis.range.step;
            return isNum(single) ? String(single) : '';
          };
          const put = (node, v, blank) => { node.value = v === undefined || v === null ? (blank || '') : String(v); };
          f.fill = (c) => {
            const params = (c.strategy && c.strategy.params) || {}, grid = c.grid || {}, ex = c.execution || {};
            const risk = c.risk || {}, val = c.validation || {};
            put(f.dataset, c.dataset_id || '');
            if (c.symbol) { put(f.symbol, c.symbol); fillTimeframes(); }
            if (c.timeframe) put(f.timeframe, c.timeframe);
            byDataset();
            put(f.from, typeof c.from === 'string' ? c.from.slice(0, 10) : '');
            put(f.to, typeof c.to === 'string' ? c.to.slice(0, 10) : '');
            f.fast.value = axisText(grid.fast, params.fast);
            f.slow.value = axisText(grid.slow, params.slow);
            put(f.threshold_bp, params.threshold_bp, '0'); put(f.delay_bars, params.delay_bars, '0');
            f.long_only.checked = params.long_only !== false;
            put(f.fill_price, ex.fill_price, 'close'); put(f.initial_cash, ex.initial_cash, '10000');
            put(f.fee_bps, ex.fee_bps, '0'); put(f.slippage_bps, ex.slippage_bps, '0');
            put(f.stop_loss_pct, risk.stop_loss_pct); put(f.take_profit_pct, risk.take_profit_pct);
            put(f.permutation_n, val.permutation && val.permutation.n);
            put(f.bootstrap_n, val.block_bootstrap && val.block_bootstrap.n);
            put(f.block_size, val.block_bootstrap && val.block_bootstrap.block_size);
            put(f.top_k, c.top_k, '10'); put(f.seed, c.seed, '42');
            f.research.fill(c);
            f.walkForward.fill(c);
            f.multi.fill(c);
          };
          f.layout = (count) => [
            el('fieldset', {}, el('legend', {}, 'Data'), field('dataset_id', 'Dataset', f.dataset),
              field('symbol', 'Symbol', f.symbol), field('timeframe', 'Timeframe', f.timeframe),
              field('from', 'From', f.from), field('to', 'To', f.to)),
            f.multi.layout(),
            el('fieldset', {}, el('legend', {}, 'Strategy: dual SMA crossover'),
              field('grid.fast', 'Fast SMA', f.fast), field('grid.slow', 'Slow SMA', f.slow), el('div', { class: 'note' }, count),
              field('strategy.params.threshold_bp', 'Threshold (bp)', f.threshold_bp),
              field('strategy.params.delay_bars', 'Delay (bars)', f.delay_bars),
              el('label', { class: 'check' }, f.long_only, ' Long only', el('span', { class: 'err', 'data-path': 'strategy.params.long_only' }))),
            el('fieldset', {}, el('legend', {}, 'Execution'), field('execution.fill_price', 'Fill at', f.fill_price),
              field('execution.initial_cash', 'Initial cash', f.initial_cash), field('execution.fee_bps', 'Fee (bps)', f.fee_bps),
              field('execution.slippage_bps', 'Slippage (bps)', f.slippage_bps)),
            el('fieldset', {}, el('legend', {}, 'Risk'), field('risk.stop_loss_pct', 'Stop loss (%)', f.stop_loss_pct),
              field('risk.take_profit_pct', 'Take profit (%)', f.take_profit_pct)),
            ...f.research.layout(), f.walkForward.layout(),
            el('fieldset', {}, el('legend', {}, 'Validation of the top variants'),
              field('validation.permutation.n', 'Permutations', f.permutation_n),
              field('validation.block_bootstrap.n', 'Bootstrap samples', f.bootstrap_n),
              field('validation.block_bootstrap.block_size', 'Block size (bars)', f.block_size)),
            el('fieldset', {}, el('legend', {}, 'Output'), field('top_k', 'Top K kept', f.top_k), field('seed', 'Seed', f.seed)),
            el('span', { class: 'err', 'data-path': 'strategy' }), el('span', { class: 'err', 'data-path': 'grid' }),
            el('span', { class: 'err', 'data-path': 'execution' }), el('span', { class: 'err', 'data-path': 'validation' }),
            el('span', { class: 'err', 'data-path': 'heatmap' })];
          return f;
        }

        """#
}
