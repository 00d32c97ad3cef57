/// Runs over several datasets in the dashboard: the form's dataset multi-select (`datasets`), and on
/// the run page a dataset selector (that dataset's top-K, heatmap, trades and equity, `dataset=`)
/// and the aggregate ranking by the objective's mean, median and min across the datasets.
extension DashboardScript {
    static let multiDataset = #"""
        function multiDatasetFields(field, datasets) {
          const m = {};
          m.pick = el('select', { id: 'datasets', multiple: '', size: String(Math.min(6, Math.max(2, datasets.length))) },
            datasets.map((d) => el('option', { value: d.dataset_id }, d.symbol + ' ' + d.timeframe + ' \u00b7 ' + fmtInt(d.rows) + ' bars')));
          m.chosen = () => [...m.pick.selectedOptions].map((o) => o.value);
          // Several datasets replace the single selection (the server refuses both at once).
          m.body = (body) => {
            const ids = m.chosen();
            if (!ids.length) return;
            for (const k of ['dataset_id', 'symbol', 'timeframe', 'from', 'to']) delete body[k];
            body.datasets = ids;
          };
          m.fill = (c) => {
            const ids = Array.isArray(c.datasets) ? c.datasets : [];
            [...m.pick.options].forEach((o) => { o.selected = ids.includes(o.value); });
          };
          m.layout = () => el('fieldset', {}, el('legend', {}, 'Several datasets (optional: every variant runs on each)'),
            field('datasets', 'Datasets (Ctrl or \u2318 click for more)', m.pick),
            el('div', { class: 'note muted' }, 'When any are picked they replace the data selection above (from/to included).'));
          return m;
        }

        // Symbol and timeframe name a dataset; its id (shortened) when they are missing.
        function datasetShort(d) { return d.symbol ? d.symbol + ' ' + (d.timeframe || '') : String(d.dataset_id).slice(0, 11) + '\u2026'; }
        function datasetName(d) { return datasetShort(d) + ' \u00b7 ' + fmtInt(d.bars) + ' bars'; }

        // The run page over several datasets: `view.sets` is `grid.datasets`, `view.dataset` the one on show.
        function datasetPicker(view, show) {
          const pick = el('select', { id: 'dataset-pick', on: { change: () => show(Number(pick.value)) } },
            view.sets.map((d, i) => el('option', { value: String(i) }, (i + 1) + '. ' + datasetName(d))));
          return el('div', { class: 'row' }, el('label', {}, 'Dataset on show ', pick),
            el('span', { class: 'muted' }, 'its own top-K, heatmap, equity and trades'));
        }

        function showDataset(view, i) {
          const d = view.sets[i];
          if (!d) return;
          view.dataset = i;
          view.ranked = Array.isArray(d.top) ? d.top : [];
          view.heatData = d.heatmap;
          document.getElementById('heat-title').textContent = heatTitle(d.heatmap, null) + ' \u2014 ' + datasetName(d);
          const info = document.getElementById('heat-info');
          delete info.dataset.hovered;
          document.getElementById('top-dataset').textContent = 'on ' + datasetShort(d) + ' ';
          setKids(view.topBox, topTable(view));
          drawHeatmap(view.heat, view.heatData, (params) => openCell(view, params), null);
          if (view.ranked.length) selectVariant(view, view.ranked[0]);
        }

        function aggregateSection(view, rows) {
          const objective = (rows[0] && rows[0].objective) || view.rankBy;
          const heads = ['#', 'Parameters', 'Mean', 'Median', 'Min'].concat(view.sets.map((d, i) => (i + 1) + '. ' + datasetShort(d)));
          const body = rows.map((r) => {
            const m = r.metrics || {};
            const per = view.sets.map((d, i) => {
              const hit = (r.datasets || []).find((x) => x.index === i);
              return hit && hit.metrics ? hit.metrics[objective] : null;
            });
            // A row opens on the dataset on show: its metrics there, replayed with dataset= like any row.
            const open = () => {
              const hit = (r.datasets || []).find((x) => x.index === view.dataset);
              selectVariant(view, { rank: r.rank, variant_key: r.variant_key, params: r.params,
                metrics: hit ? hit.metrics : {}, spec: r.spec });
            };
            return el('tr', { class: 'pick', tabindex: '0', 'data-variant': r.variant_key, on: { click: open,
              keydown: (ev) => { if (ev.key === 'Enter' || ev.key === ' ') { ev.preventDefault(); open(); } } } },
              el('td', { class: 'num' }, fmtInt(r.rank)), el('td', {}, keyText(r.variant_key).replace(/,/g, ', ')),
              [m.mean, m.median, m.min].concat(per).map((v) => el('td', { class: 'num' }, metricText(objective, v))));
          });
          return el('section', { id: 'aggregate-section' },
            el('h2', {}, 'Aggregate ranking across ' + fmtInt(view.sets.length) + ' datasets'),
            el('p', { class: 'muted' }, 'By the mean of ', el('strong', {}, rankLabel(objective)),
              objective === 'max_drawdown_pct' ? ' (smallest first)' : ' (largest first)', ' over the datasets; click a row to show it on the dataset on show.'),
            el('table', { id: 'aggregate' }, el('thead', {}, el('tr', {}, heads.map((h, i) => el('th', { class: i === 1 ? '' : 'num' }, h)))),
              el('tbody', {}, body)));
        }

        """#
}
