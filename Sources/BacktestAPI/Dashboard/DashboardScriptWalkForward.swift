/// Walk-forward analysis in the dashboard: the form's `walk_forward` fields, and the run page's
/// section — overall out-of-sample metrics and efficiency, the windows table, and the stitched
/// out-of-sample equity curve (`GET /runs/{id}/equity?variant=oos`).
extension DashboardScript {
    static let walkForward = #"""
        function walkForwardFields(field, num) {
          const w = {};
          w.train = num('wf-train', { min: '2', step: '1', placeholder: 'off' });
          w.test = num('wf-test', { min: '1', step: '1', placeholder: 'off' });
          w.step = num('wf-step', { min: '1', step: '1', placeholder: '= test bars' });
          w.anchored = el('input', { id: 'wf-anchored', type: 'checkbox' });
          w.objective = rankSelect('wf-objective', 'as Rank by');
          const value = (node) => (node.value.trim() === '' ? undefined : Number(node.value));
          // Train and test bars switch it on; the rest is left to the server's defaults when blank.
          w.body = (body) => {
            if (value(w.train) === undefined && value(w.test) === undefined) return;
            const wf = { train_bars: value(w.train), test_bars: value(w.test) };
            if (value(w.step) !== undefined) wf.step_bars = value(w.step);
            if (w.anchored.checked) wf.anchored = true;
            if (w.objective.value) wf.objective = w.objective.value;
            body.walk_forward = wf;
          };
          w.fill = (c) => {
            const wf = c.walk_forward || {};
            w.train.value = isNum(wf.train_bars) ? String(wf.train_bars) : '';
            w.test.value = isNum(wf.test_bars) ? String(wf.test_bars) : '';
            w.step.value = isNum(wf.step_bars) && wf.step_bars !== wf.test_bars ? String(wf.step_bars) : '';
            w.anchored.checked = wf.anchored === true;
            w.objective.value = RANK_BY.includes(wf.objective) && wf.objective !== (c.rank_by || 'total_return_pct') ? wf.objective : '';
          };
          w.layout = () => el('fieldset', {}, el('legend', {}, 'Walk-forward analysis (optional)'),
            field('walk_forward.train_bars', 'Train bars', w.train), field('walk_forward.test_bars', 'Test bars', w.test),
            field('walk_forward.step_bars', 'Step bars', w.step), field('walk_forward.objective', 'Objective', w.objective),
            el('label', { class: 'check' }, w.anchored, ' Anchored (train from the first bar)',
              el('span', { class: 'err', 'data-path': 'walk_forward.anchored' })),
            el('span', { class: 'err', 'data-path': 'walk_forward' }));
          return w;
        }

        const WF_KEYS = [['total_return_pct', 'total return'], ['cagr_pct', 'CAGR'], ['sharpe_ratio', 'Sharpe ratio'],
          ['max_drawdown_pct', 'max drawdown'], ['win_rate_pct', 'win rate'], ['total_trades', 'trades']];
        function metricText(k, v) {
          if (k === 'total_trades') return fmtInt(v);
          if (k === 'total_return_pct' || k === 'cagr_pct') return signed(v, fmtPct(v));
          return /_pct$/.test(k) ? fmtPct(v) : fmtNum(v, 2);
        }
        function boundsText(b) {
          if (!b) return DASH;
          return [el('div', { class: 'nowrap' }, fmtTime(b.start) + ' \u2013'), el('div', { class: 'nowrap' }, fmtTime(b.end)),
            el('div', { class: 'muted nowrap', title: 'bars ' + fmtInt(b.first_bar) + '\u2013' + fmtInt(b.last_bar) + ' of the selection' },
              fmtInt(b.bars) + ' bars')];
        }

        function walkForwardSection(view, wf) {
          const o = wf.overall || {}, oos = o.out_of_sample || {};
          const objective = wf.objective || view.rankBy;
          const rows = [['Windows', fmtInt(o.windows)], ['Out-of-sample bars', fmtInt(o.bars)],
            ['Variants per window', fmtInt(o.variants_per_window)],
            ['Parameter changes', fmtInt(o.parameter_changes) + ' of ' + fmtInt(Math.max(0, (o.windows || 0) - 1))],
            ['In-sample annualized return', signed(o.in_sample_annualized_return_pct, fmtPct(o.in_sample_annualized_return_pct))],
            ['Out-of-sample annualized return', signed(o.out_of_sample_annualized_return_pct, fmtPct(o.out_of_sample_annualized_return_pct))],
            ['Walk-forward efficiency', isNum(o.efficiency) ? fmtNum(o.efficiency, 2) : DASH + ' (in-sample return not positive)']]
            .concat(WF_KEYS.map(([k, label]) => ['Out-of-sample ' + label, metricText(k, oos[k])]));
          const overall = el('table', { id: 'wf-overall' }, el('tbody', {}, rows.map(([k, v]) =>
            el('tr', {}, el('th', {}, k), el('td', { class: 'num' }, v)))));
          const heads = ['#', 'Train', 'Test', 'Chosen parameters', 'IS ' + humanize(objective), 'IS return',
            'OOS return', 'OOS Sharpe', 'OOS max DD', 'OOS trades'];
          // Columns 5, 7 and 9 give way on a phone.
          const cls = (i) => (i > 3 || i === 0 ? 'num' : '') + ([5, 7, 9].includes(i) ? ' wide' : '');
          const windows = (wf.windows || []).map((w) => {
            const is = w.in_sample || {}, os = w.out_of_sample || {};
            return el('tr', { class: 'wf-window' }, [fmtInt(w.index + 1), boundsText(w.train), boundsText(w.test),
              keyText(w.variant_key).replace(/,/g, ', '), metricText(objective, is[objective]),
              metricText('total_return_pct', is.total_return_pct), metricText('total_return_pct', os.total_return_pct),
              metricText('sharpe_ratio', os.sharpe_ratio), metricText('max_drawdown_pct', os.max_drawdown_pct),
              metricText('total_trades', os.total_trades)].map((cell, i) => el('td', { class: cls(i) }, cell)));
          });
          const chart = el('canvas', { id: 'oos-chart', width: '560', height: '300', tabindex: '0', 'data-legend': 'oos-legend',
            'aria-label': 'Stitched out-of-sample equity: wheel or + - to zoom, 0 to reset' });
          const section = el('section', { id: 'walk-forward' },
            el('h2', {}, 'Walk-forward analysis'),
            el('p', { class: 'muted', id: 'wf-config' }, 'Train ' + fmtInt(wf.train_bars) + ' bars, test ' + fmtInt(wf.test_bars)
              + ' bars, step ' + fmtInt(wf.step_bars) + (wf.anchored ? ', anchored' : ', rolling') + '; each window picks the best by '
              + rankLabel(objective) + (wf.min_trades > 0 ? ' (at least ' + fmtInt(wf.min_trades) + ' closed trades)' : '') + '.'),
            el('div', { class: 'grid2' },
              el('div', {}, el('h3', {}, 'Overall (out of sample)'), overall),
              el('div', {}, el('h3', {}, 'Stitched out-of-sample equity'), chart, el('div', { id: 'oos-legend', class: 'muted' }))),
            el('h3', {}, 'Windows'),
            el('table', { id: 'wf-windows' }, el('thead', {}, el('tr', {}, heads.map((h, i) => el('th', { class: cls(i) }, h)))),
              el('tbody', {}, windows)));
          api('GET', '/runs/' + view.id + '/equity?variant=oos&max_points=800').then((r) => {
            if (!chart.isConnected) return;
            if (r.ok && r.data) drawEquity(chart, r.data);
            else document.getElementById('oos-legend').textContent = errorText(r);
          });
          return section;
        }

        """#
}
