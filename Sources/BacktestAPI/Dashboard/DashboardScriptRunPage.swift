/// The run page's script: live progress over SSE, then the selected variant (top-K row or heatmap
/// cell) drives the equity chart, the trades table and "save as preset".
extension DashboardScript {
    static let runPage = #"""
        async function showRun(id) {
          const r = await api('GET', '/runs/' + id);
          if (r.status === 401) { showSignIn(); return; }
          if (!r.ok || !r.data) { setKids(app, el('section', {}, el('p', { class: 'err' }, errorText(r)))); return; }
          const run = r.data;
          const status = el('span', { id: 'run-status', class: 'status s-' + run.status }, run.status);
          const bar = el('div', { style: 'width:0%' });
          const detail = el('span', { id: 'run-progress', class: 'muted' });
          const body = el('div', { id: 'run-body' });
          // The rate is measured here, between the first progress event seen and the latest one; times
          // the dataset's bars (when the run takes all of them) it is bar-variants/s.
          let first = null, rate = null, bars = null;
          const req = run.request || {};
          // A run over several datasets lists their ids joined by commas: no single bar count then.
          if (ACTIVE.includes(run.status) && run.dataset_id && !run.dataset_id.includes(',') && !req.from && !req.to) {
            api('GET', '/datasets/' + run.dataset_id).then((d) => { if (d.ok && d.data && isNum(d.data.rows)) bars = d.data.rows; });
          }
          const setProgress = (p) => {
            if (!p) return;
            const pct = isNum(p.pct) ? p.pct : 0;
            if (isNum(p.done)) {
              if (!first) first = { t: performance.now(), done: p.done };
              else if (performance.now() > first.t + 200) rate = (p.done - first.done) / ((performance.now() - first.t) / 1000);
            }
            bar.style.width = Math.min(100, pct) + '%';
            bar.parentNode.setAttribute('aria-valuenow', String(pct));
            detail.textContent = fmtPct(pct) + ' \u00b7 ' + fmtInt(p.done) + ' / ' + fmtInt(p.total) + ' variants'
              + (isNum(p.eta_s) ? ' \u00b7 ETA ' + fmtDuration(p.eta_s) : '')
              + (isNum(rate) && rate > 0 && pct < 100 ? ' \u00b7 ' + fmtNum(rate, rate < 10 ? 1 : 0) + ' variants/s'
                + (isNum(bars) ? ' (' + fmtInt(rate * bars) + ' bar-variants/s)' : '') : '');
          };
          const cancel = ACTIVE.includes(run.status)
            ? el('button', { id: 'cancel', on: { click: () => api('POST', '/runs/' + id + '/cancel') } }, 'Cancel') : null;
          setKids(app, el('section', {},
            el('h2', {}, 'Run ', el('code', {}, run.run_id), ' ', status),
            el('div', { class: 'bar', role: 'progressbar', 'aria-valuemin': '0', 'aria-valuemax': '100' }, bar), detail,
            hashesTable(run),
            run.error && run.error.message ? el('p', { class: 'err' }, run.error.message) : null,
            cancel),
            body);
          setProgress(run.progress);
          const finish = (final) => {
            status.textContent = final; status.className = 'status s-' + final;
            if (cancel) cancel.remove();
            if (final === 'DONE') {
              const total = run.progress && run.progress.total;
              setProgress({ pct: 100, done: total, total });
              showResults(id, body, run);
            }
          };
          if (!ACTIVE.includes(run.status)) { finish(run.status); return; }
          // Live: the stream replays from the start, so nothing is missed between the GET and here;
          // EventSource resumes by itself with Last-Event-ID after a dropped connection.
          const source = new EventSource('/runs/' + id + '/events?follow=1');
          state.source = source;
          const data = (ev) => { try { return JSON.parse(ev.data); } catch (e) { return {}; } };
          const inner = (d) => (d && typeof d.data === 'object' && d.data ? d.data : d);
          source.addEventListener('stage', (ev) => { const d = inner(data(ev)); const s = d.stage || d.status;
            if (s) { status.textContent = s; status.className = 'status s-' + s; } });
          source.addEventListener('progress', (ev) => setProgress(inner(data(ev))));
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

        async function showResults(id, body, run) {
          const [results, artifacts] = await Promise.all([
            api('GET', '/runs/' + id + '/results'), api('GET', '/runs/' + id + '/artifacts')]);
          if (!body.isConnected) return;
          if (!results.ok || !results.data) { setKids(body, el('p', { class: 'err' }, errorText(results))); return; }
          const req = (run && run.request) || {};
          const view = { id, ranked: results.data.results || [], selected: null, trades: { offset: 0, limit: 20 },
            rankBy: req.rank_by || 'total_return_pct', minTrades: isNum(req.min_trades) ? req.min_trades : 0 };
          const grid = results.data.grid || {};
          // Several datasets: the results are the aggregate ranking; top-K and heatmap are per dataset.
          const sets = Array.isArray(grid.datasets) && grid.datasets.length ? grid.datasets : null;
          if (sets) { view.sets = sets; view.aggregate = view.ranked; view.dataset = 0; view.ranked = sets[0].top || []; }
          view.heatData = sets ? sets[0].heatmap : grid.heatmap;
          view.topBox = el('div', {}, topTable(view));
          view.heat = el('canvas', { id: 'heatmap', width: '560', height: '360', tabindex: '0',
            'aria-label': 'Heatmap of total return by fast and slow; click a cell, or move with the arrow keys and press Enter, to open its variant' });
          view.chart = el('canvas', { id: 'equity-chart', width: '560', height: '360', tabindex: '0',
            'aria-label': 'Equity chart: drag or wheel to zoom, 0 to reset' });
          const reset = el('button', { id: 'zoom-reset', on: { click: () => zoomEquity(view.chart, null) } }, 'Reset zoom');
          view.title = el('span', { id: 'selected-variant' });
          view.report = el('div', {});
          view.tradesBox = el('div', {});
          setKids(body,
            sets ? aggregateSection(view, view.aggregate) : null,
            sets ? el('section', { id: 'dataset-section' }, el('h2', {}, 'Per dataset'), datasetPicker(view, (i) => showDataset(view, i))) : null,
            el('div', { class: 'grid2' },
              el('section', {}, el('h2', {}, 'Equity, drawdown and buy & hold: ', view.title), view.chart,
                el('div', { class: 'row' }, reset, el('span', { class: 'muted' }, 'Drag across the chart, use the wheel, or focus it and press + - \u2190 \u2192 0.')),
                el('div', { id: 'equity-legend', class: 'muted' })),
              el('section', {}, el('h2', { id: 'heat-title' }, sets ? heatTitle(view.heatData, null) + ' \u2014 ' + datasetName(sets[0]) : heatTitle(view.heatData, grid)), view.heat,
                el('div', { id: 'heat-info', class: 'muted' }))),
            el('section', {}, el('h2', {}, 'Top variants ', el('span', { id: 'top-dataset' }, sets ? 'on ' + datasetShort(sets[0]) + ' ' : ''),
              el('span', { class: 'muted' }, '(select a row; sort by a column header)')),
              rankNote(view), view.topBox, savePreset(view)),
            results.data.walk_forward ? walkForwardSection(view, results.data.walk_forward) : null,
            el('section', {}, el('h2', {}, 'Trades'), tradesFilter(view), view.tradesBox),
            el('div', { class: 'grid2' },
              el('section', {}, el('h2', {}, 'Report'), view.report),
              el('section', {}, el('h2', {}, 'Artifacts'), artifactList(id, artifacts))));
          drawHeatmap(view.heat, view.heatData, (params) => openCell(view, params), null);
          if (view.ranked.length) selectVariant(view, view.ranked[0]);
          else setKids(view.report, el('p', { class: 'muted' }, 'No ranked variant.'));
        }

        // Which axes the heatmap crosses, and how the other axes were folded into each cell.
        function heatTitle(heat, grid) {
          if (!heat || !heat.row_param || !heat.col_param) return 'Heatmap: total return %';
          const how = (heat.aggregate === 'max' ? ', max over the other axes' : '')
            + (grid && typeof grid.heatmap_aggregate === 'string' ? ' (' + grid.heatmap_aggregate + ')' : '');
          return 'Heatmap: ' + humanize(heat.metric || 'total_return_pct') + ' by ' + heat.row_param + ' \u00d7 ' + heat.col_param + how;
        }
        function rankNote(view) {
          return el('p', { id: 'rank-note', class: 'muted' }, 'Ranked by ', el('strong', {}, rankLabel(view.rankBy)),
            view.rankBy === 'max_drawdown_pct' ? ' (smallest first)' : ' (largest first)',
            view.minTrades > 0 ? '; variants with fewer than ' + fmtInt(view.minTrades) + ' closed trades rank last, marked \u201cbelow min trades\u201d.' : '.');
        }

        // A heatmap cell opens its variant when it is among the kept (top-K) ones: only those can be replayed.
        function openCell(view, params) {
          const hit = view.ranked.find((v) => Object.entries(params).every(([k, x]) => v.params && v.params[k] === x));
          if (hit) { selectVariant(view, hit); return; }
          document.getElementById('heat-info').textContent = paramText(params)
            + ' is not among the ' + fmtInt(view.ranked.length) + ' kept variants (raise top K to keep it).';
        }

        function selectVariant(view, v) {
          view.selected = v;
          view.title.textContent = keyText(v.variant_key);
          document.querySelectorAll('#top-k tbody tr').forEach((tr) => {
            const on = tr.getAttribute('data-variant') === v.variant_key;
            tr.classList.toggle('selected', on);
            tr.setAttribute('aria-selected', on ? 'true' : 'false');
          });
          drawHeatmap(view.heat, view.heatData, (params) => openCell(view, params), v.params);
          setKids(view.report, reportTable(v));
          view.trades.offset = 0;
          loadEquity(view);
          loadTrades(view);
        }

        function paramText(params) {
          return Object.entries(params || {}).map(([k, v]) => k + ' ' + fmtValue(v)).join(', ');
        }
        async function loadEquity(view) {
          const key = view.selected.variant_key;
          const r = await api('GET', '/runs/' + view.id + '/equity?max_points=800&variant=' + encodeURIComponent(key)
            + (isNum(view.dataset) ? '&dataset=' + view.dataset : ''));
          if (!r.ok || !r.data || !view.chart.isConnected || view.selected.variant_key !== key) return;
          drawEquity(view.chart, r.data);
        }

        function savePreset(view) {
          const name = el('input', { id: 'variant-preset-name', size: '20', placeholder: 'preset name' });
          const note = el('span', { id: 'variant-preset-message', role: 'status' });
          const save = el('button', { id: 'variant-preset-save', on: { click: async () => {
            const v = view.selected;
            if (!v) { note.className = 'err'; note.textContent = 'No variant selected.'; return; }
            // A dataset's own top-K rows carry no spec: the aggregate ranking's rows do.
            if (!v.spec) { note.className = 'err'; note.textContent = 'This row has no spec to save; pick it in the aggregate ranking.'; return; }
            if (!name.value.trim()) { note.className = 'err'; note.textContent = 'Name the preset first.'; return; }
            const r = await api('POST', '/presets', { name: name.value.trim(), config: v.spec });
            note.className = r.ok ? 'ok' : 'err';
            note.textContent = r.ok && r.data ? 'Saved ' + keyText(v.variant_key) + ' as preset ' + r.data.name + ' (' + r.data.preset_id + ').' : errorText(r);
          } } }, 'Save selected variant as preset');
          return el('div', { class: 'row' }, el('label', {}, 'Preset name', name), save, note);
        }

        """#
}
