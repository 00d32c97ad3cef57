/// The run page's tables: top-K (sortable by any column, by mouse or keyboard), the selected
/// variant's trades (paginated, from/to filter), its report rows and the artifact links.
extension DashboardScript {
    static let runTables = #"""
        const TOP_COLS = [['rank', '#'], ['variant_key', 'Parameters'], ['total_return_pct', 'Total return'],
          ['cagr_pct', 'CAGR'], ['sharpe_ratio', 'Sharpe'], ['max_drawdown_pct', 'Max drawdown'],
          ['win_rate_pct', 'Win rate'], ['total_trades', 'Trades']];
        // Columns that give way on a phone (the table then fits without scrolling sideways).
        const TOP_WIDE = ['cagr_pct', 'sharpe_ratio', 'win_rate_pct', 'total_trades'];
        const TRADE_WIDE = [1, 3, 5, 6, 9, 10];
        function topClass(col) { return (col === 'rank' || col === 'variant_key' ? '' : 'num') + (TOP_WIDE.includes(col) ? ' wide' : ''); }
        function topValue(v, col) {
          if (col === 'rank') return v.rank;
          if (col === 'variant_key') return v.variant_key;
          return v.metrics ? v.metrics[col] : null;
        }
        function topCell(v, col) {
          const x = topValue(v, col);
          if (col === 'rank' || col === 'total_trades') return fmtInt(x);
          if (col === 'variant_key') return keyText(x).replace(/,/g, ', ');
          if (col === 'total_return_pct' || col === 'cagr_pct') return signed(x, fmtPct(x));
          return /_pct$/.test(col) ? fmtPct(x) : fmtNum(x, 2);
        }

        // The ranking objective gets a column of its own when it is not one of the usual ones.
        function topCols(view) {
          const rank = view.rankBy || 'total_return_pct';
          return TOP_COLS.some(([c]) => c === rank) ? TOP_COLS : TOP_COLS.slice(0, 3).concat([[rank, humanize(rank)]], TOP_COLS.slice(3));
        }
        function topTable(view) {
          const sort = { col: 'rank', dir: 1 };
          const cols = topCols(view);
          const tbody = el('tbody', {});
          const heads = cols.map(([col, label]) => el('th', { class: topClass(col) + (col === view.rankBy ? ' objective' : ''), 'data-col': col,
            title: col === view.rankBy ? 'The ranking objective' : null },
            el('button', { class: 'sort', type: 'button', on: { click: () => {
              sort.dir = sort.col === col ? -sort.dir : (col === 'rank' || col === 'variant_key' || col === 'max_drawdown_pct' ? 1 : -1);
              sort.col = col;
              render();
            } } }, label, el('span', { class: 'arrow', 'aria-hidden': 'true' }))));
          const render = () => {
            // Missing numbers sort last either way; ties keep the server's rank order.
            const rows = view.ranked.slice().sort((a, b) => {
              const x = topValue(a, sort.col), y = topValue(b, sort.col);
              const xm = x === null || x === undefined, ym = y === null || y === undefined;
              if (xm || ym) return xm === ym ? a.rank - b.rank : (xm ? 1 : -1);
              const c = typeof x === 'string' ? x.localeCompare(y, 'en', { numeric: true }) : x - y;
              return c !== 0 ? c * sort.dir : a.rank - b.rank;
            });
            heads.forEach((th) => {
              const on = th.getAttribute('data-col') === sort.col;
              th.setAttribute('aria-sort', on ? (sort.dir > 0 ? 'ascending' : 'descending') : 'none');
              th.querySelector('.arrow').textContent = on ? (sort.dir > 0 ? ' \u25b2' : ' \u25bc') : '';
            });
            setKids(tbody, ...rows.map((v) => {
              const on = view.selected && view.selected.variant_key === v.variant_key;
              return el('tr', { 'data-variant': v.variant_key, tabindex: '0', class: 'pick' + (on ? ' selected' : '') + (v.below_min_trades ? ' below-min' : ''),
                'aria-selected': on ? 'true' : 'false', on: {
                  click: () => selectVariant(view, v),
                  keydown: (ev) => { if (ev.key === 'Enter' || ev.key === ' ') { ev.preventDefault(); selectVariant(view, v); } } } },
                cols.map(([col]) => el('td', { class: topClass(col) }, topCell(v, col),
                  col === 'variant_key' && v.below_min_trades ? el('span', { class: 'badge', title: 'Fewer closed trades than min_trades: ranked last' }, 'below min trades') : null)));
            }));
          };
          render();
          return el('table', { id: 'top-k' }, el('thead', {}, el('tr', {}, heads)), tbody);
        }

        function tradesFilter(view) {
          const from = el('input', { type: 'date', id: 'trades-from' }), to = el('input', { type: 'date', id: 'trades-to' });
          const apply = () => {
            view.trades.from = from.value ? from.value + 'T00:00:00Z' : '';
            view.trades.to = to.value ? to.value + 'T23:59:59Z' : '';
            view.trades.offset = 0;
            loadTrades(view);
          };
          return el('form', { class: 'row', id: 'trades-filter', on: { submit: (ev) => { ev.preventDefault(); apply(); } } },
            el('label', {}, 'Entered from', from), el('label', {}, 'to', to),
            el('button', { type: 'submit' }, 'Filter'),
            el('button', { type: 'button', on: { click: () => { from.value = ''; to.value = ''; apply(); } } }, 'Clear'));
        }

        // A row that carries its trades (top_trades_n) is paged and filtered here; others ask the server.
        function localTrades(view) {
          const t = view.trades, all = view.selected.trades;
          const at = (s) => (typeof s === 'string' ? Date.parse(s) : NaN);
          const kept = all.filter((x) => (!t.from || at(x.entry_time) >= at(t.from)) && (!t.to || at(x.entry_time) <= at(t.to)));
          return { ok: true, local: true, data: { trades: kept.slice(t.offset, t.offset + t.limit), total: kept.length } };
        }
        async function loadTrades(view) {
          const t = view.trades, key = view.selected.variant_key;
          const q = '?variant=' + encodeURIComponent(key) + '&limit=' + t.limit + '&offset=' + t.offset
            + (t.from ? '&from=' + encodeURIComponent(t.from) : '') + (t.to ? '&to=' + encodeURIComponent(t.to) : '')
            + (isNum(view.dataset) ? '&dataset=' + view.dataset : '');
          const r = Array.isArray(view.selected.trades) ? localTrades(view) : await api('GET', '/runs/' + view.id + '/trades' + q);
          if (!view.tradesBox.isConnected || view.selected.variant_key !== key) return;
          if (!r.ok || !r.data) { setKids(view.tradesBox, el('p', { class: 'err' }, errorText(r))); return; }
          const trades = r.data.trades || [];
          const total = isNum(r.data.total) ? r.data.total : trades.length;
          const money = (v) => fmtNum(v, 2);
          const cls = (i) => ([0, 3, 5, 6, 7, 8, 9].includes(i) ? 'num' : '') + (TRADE_WIDE.includes(i) ? ' wide' : '');
          const rows = trades.map((x, i) => el('tr', {}, [
            fmtInt(t.offset + i + 1), x.side || DASH, fmtTime(x.entry_time), money(x.entry_price),
            x.exit_time ? fmtTime(x.exit_time) : 'open', money(x.exit_price), fmtNum(x.size, 4), signed(x.pnl, money(x.pnl)),
            signed(x.pnl_pct, fmtPct(x.pnl_pct)), money(x.fees), x.exit_reason ? humanize(x.exit_reason) : DASH,
          ].map((cell, k) => el('td', { class: cls(k) }, cell))));
          const prev = el('button', { id: 'trades-prev', on: { click: () => { t.offset = Math.max(0, t.offset - t.limit); loadTrades(view); } } }, 'Previous');
          const next = el('button', { id: 'trades-next', on: { click: () => { t.offset += t.limit; loadTrades(view); } } }, 'Next');
          prev.disabled = t.offset === 0;
          next.disabled = t.offset + t.limit >= total;
          const shown = trades.length ? fmtInt(t.offset + 1) + '\u2013' + fmtInt(t.offset + trades.length) : '0';
          const heads = ['#', 'Side', 'Entry', 'Entry price', 'Exit', 'Exit price', 'Size', 'P&L', 'P&L %', 'Fees', 'Exit reason'];
          setKids(view.tradesBox,
            el('table', { id: 'trades' }, el('thead', {}, el('tr', {}, heads.map((h, i) => el('th', { class: cls(i) }, h)))),
              el('tbody', {}, rows)),
            el('div', { class: 'pager' }, prev, next, el('span', { class: 'muted', id: 'trades-count', 'data-source': r.local ? 'results' : 'server' },
              shown + ' of ' + fmtInt(total) + ' trades of ' + keyText(key) + (r.local ? ' (listed in the results)' : ''))));
        }

        function reportTable(v) {
          const source = v.report || v.metrics || {};
          const entries = Array.isArray(source) ? source.map((row) => [row.name || row.label || row.key, row.value]) : Object.entries(source);
          // Durations come in seconds; everything else is a number, a time or a word.
          const show = (k, x) => {
            if (!isNum(x)) return fmtValue(x);
            if (/duration|period/i.test(k)) return fmtDuration(x);
            if (/\[%\]|_pct(_|$)/.test(k)) return fmtPct(x);
            return Number.isInteger(x) ? fmtInt(x) : fmtNum(x, Math.abs(x) >= 1 ? 2 : 4);
          };
          return el('table', { id: 'report' }, el('caption', { class: 'muted' }, keyText(v.variant_key)), el('tbody', {}, entries.map(([k, x]) =>
            el('tr', { class: 'report-row' }, el('th', {}, humanize(k)), el('td', { class: 'num' }, show(k, x)))),
            validationRows(v.validation, [], show)));
        }
        // The validation block (permutation p-values, bootstrap percentiles) flattened to one row per number.
        function validationRows(node, path, show) {
          if (node === null || node === undefined) return [];
          if (typeof node === 'object' && !Array.isArray(node)) {
            return Object.entries(node).flatMap(([k, x]) => validationRows(x, path.concat(k), show));
          }
          const name = path.map(humanize).join(' \u00b7 ');
          return [el('tr', { class: 'validation-row' }, el('th', {}, 'Validation: ' + name), el('td', { class: 'num' }, show(path.join('_'), node)))];
        }
        function artifactList(id, r) {
          if (!r.ok || !r.data || !Array.isArray(r.data.files)) return el('p', { class: 'muted' }, 'No artifacts yet.');
          return el('ul', { id: 'artifacts' }, el('li', {}, el('a', { href: '/runs/' + id + '/artifacts' }, 'manifest.json')),
            r.data.files.map((f) => el('li', {}, el('a', { href: '/runs/' + id + '/artifacts/' + encodeURIComponent(f.name) }, f.name),
              ' ', el('span', { class: 'muted' }, fmtBytes(f.size)))));
        }

        """#
}
