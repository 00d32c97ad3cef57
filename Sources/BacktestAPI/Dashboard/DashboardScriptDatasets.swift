/// The datasets screen's script: the list, an upload with a real progress bar (XMLHttpRequest's
/// upload progress) and the server's bad lines inline, and a candle/close preview chart.
extension DashboardScript {
    static let datasets = #"""
        const TIMEFRAMES = ['1m', '5m', '15m', '30m', '1h', '4h', '1d', '1w', '1mo'];

        // The list and the preview refresh after an upload; the upload form (its bar and message) stays.
        async function showDatasets() {
          const listBox = el('section', { id: 'datasets-section' }, el('p', { class: 'muted' }, 'Loading\u2026'));
          const preview = el('section', { id: 'preview' }, el('h2', {}, 'Preview'), el('p', { class: 'muted' }, 'Select a dataset.'));
          setKids(app, listBox, uploadForm((id) => loadDatasets(listBox, preview, id)), preview);
          loadDatasets(listBox, preview, null);
        }

        async function loadDatasets(listBox, preview, selectID) {
          const r = await api('GET', '/datasets');
          if (r.status === 401) { showSignIn(); return; }
          if (!listBox.isConnected) return;
          const list = (r.data && r.data.datasets) || [];
          const open = (d) => {
            listBox.querySelectorAll('tbody tr').forEach((tr) => {
              const on = tr.getAttribute('data-dataset') === d.dataset_id;
              tr.classList.toggle('selected', on);
              tr.setAttribute('aria-selected', on ? 'true' : 'false');
            });
            showPreview(preview, d);
          };
          const rows = list.map((d) => el('tr', { 'data-dataset': d.dataset_id, tabindex: '0', class: 'pick', on: {
            click: () => open(d), keydown: (ev) => { if (ev.key === 'Enter' || ev.key === ' ') { ev.preventDefault(); open(d); } } } },
            el('td', {}, d.symbol), el('td', {}, d.timeframe), el('td', { class: 'num' }, fmtInt(d.rows)),
            el('td', { class: 'time wide' }, fmtTime(d.first)), el('td', {}, fmtTime(d.last)),
            el('td', { class: 'wide' }, el('code', {}, d.dataset_id))));
          setKids(listBox, el('h2', {}, 'Datasets ', el('span', { class: 'muted' }, '(select one for its chart)')),
            el('table', { id: 'datasets' }, el('thead', {}, el('tr', {}, ['Symbol', 'Timeframe', 'Bars', 'First', 'Last', 'ID'].map((h, i) =>
              el('th', { class: (i === 2 ? 'num' : '') + (i === 3 || i === 5 ? ' wide' : '') }, h)))), el('tbody', {}, rows)),
            list.length ? null : el('p', { class: 'muted' }, 'No datasets yet.'));
          const chosen = list.find((d) => d.dataset_id === selectID) || list[0];
          if (chosen) open(chosen);
        }

        function uploadForm(stored) {
          const file = el('input', { type: 'file', id: 'upload-file', accept: '.csv,.gz,text/csv,application/gzip' });
          const symbol = el('input', { id: 'upload-symbol', size: '10', placeholder: 'e.g. GOOG' });
          const timeframe = el('select', { id: 'upload-timeframe' }, TIMEFRAMES.map((t) => el('option', { value: t }, t)));
          timeframe.value = '1d';
          const fill = el('div', { style: 'width:0%' });
          const bar = el('div', { class: 'bar', id: 'upload-bar', role: 'progressbar', 'aria-valuemin': '0',
            'aria-valuemax': '100', 'aria-valuenow': '0', 'data-events': '0' }, fill);
          const text = el('span', { id: 'upload-progress', class: 'muted' });
          const message = el('div', { id: 'upload-message', role: 'status' });
          const errors = el('ul', { id: 'upload-errors', class: 'errors err' });
          const send = el('button', { class: 'primary', type: 'submit', id: 'upload-send' }, 'Upload');
          const form = el('form', { id: 'upload', on: { submit: (ev) => {
            ev.preventDefault();
            setKids(errors); message.textContent = ''; message.className = '';
            const f = file.files && file.files[0];
            if (!f || !symbol.value.trim()) { message.className = 'err'; message.textContent = 'Choose a file and name its symbol.'; return; }
            const gz = /\.gz$/i.test(f.name);
            const xhr = new XMLHttpRequest();
            xhr.open('POST', '/datasets?symbol=' + encodeURIComponent(symbol.value.trim()) + '&timeframe=' + encodeURIComponent(timeframe.value));
            xhr.setRequestHeader('Content-Type', gz ? 'application/gzip' : 'text/csv');
            xhr.setRequestHeader('Accept', 'application/json');
            let events = 0;
            xhr.upload.onprogress = (e) => {
              events += 1;
              const pct = e.lengthComputable && e.total > 0 ? 100 * e.loaded / e.total : 0;
              fill.style.width = pct + '%';
              bar.setAttribute('aria-valuenow', pct.toFixed(0));
              bar.setAttribute('data-events', String(events));
              text.textContent = fmtBytes(e.loaded) + (e.lengthComputable ? ' of ' + fmtBytes(e.total) + ' (' + fmtPct(pct) + ')' : '');
            };
            xhr.onload = () => {
              send.disabled = false;
              let data = null;
              try { data = JSON.parse(xhr.responseText); } catch (e) { data = null; }
              if (xhr.status === 200 || xhr.status === 201) {
                text.textContent = fmtBytes(f.size) + ' sent, checked and stored.';
                message.className = 'ok';
                message.textContent = (xhr.status === 201 ? 'Added ' : 'Already stored: ') + data.symbol + ' ' + data.timeframe
                  + ', ' + fmtInt(data.rows) + ' bars (' + data.dataset_id + ').';
                stored(data.dataset_id);
                return;
              }
              if (xhr.status === 401) { showSignIn(); return; }
              message.className = 'err';
              message.textContent = errorText({ status: xhr.status, data });
              const details = (data && data.error && data.error.details) || [];
              setKids(errors, ...details.map((d) => el('li', {}, el('strong', {}, d.path), ': ', d.message)));
            };
            xhr.onerror = () => { send.disabled = false; message.className = 'err'; message.textContent = 'The upload failed (network).'; };
            send.disabled = true;
            text.textContent = 'Uploading ' + f.name + '\u2026';
            xhr.send(f);
          } } },
            el('div', {}, el('label', {}, 'CSV or .csv.gz (timestamp,open,high,low,close,volume)', file),
              el('label', {}, 'Symbol', symbol), el('label', {}, 'Timeframe', timeframe)),
            el('div', { class: 'row' }, send, el('div', { style: 'flex: 1 1 200px' }, bar), text), message, errors);
          return el('section', {}, el('h2', {}, 'Upload a dataset'), form);
        }

        async function showPreview(box, d) {
          const canvas = el('canvas', { id: 'candles', width: '1100', height: '320',
            'aria-label': 'Price chart of ' + d.symbol + ' ' + d.timeframe });
          const note = el('div', { class: 'muted', id: 'preview-note' }, 'Loading\u2026');
          setKids(box, el('h2', {}, 'Preview: ' + d.symbol + ' ' + d.timeframe), canvas, note);
          // Pages of 20,000 bars (about 2 MB of JSON each), each starting just after the last one, up to
          // 60,000: the whole of most datasets, the start of the largest.
          let candles = [], total = 0, from = '';
          for (let page = 0; page < 3; page += 1) {
            const r = await api('GET', '/datasets/' + d.dataset_id + '/candles?limit=20000' + (from ? '&from=' + encodeURIComponent(from) : ''));
            if (!canvas.isConnected) return;
            if (!r.ok || !r.data) { note.className = 'err'; note.textContent = errorText(r); return; }
            const got = r.data.candles || [];
            if (page === 0) total = isNum(r.data.total) ? r.data.total : got.length;
            candles = candles.concat(got.filter((c) => isNum(c.open) && isNum(c.high) && isNum(c.low) && isNum(c.close)));
            const last = Date.parse(got.length ? got[got.length - 1].t : '');
            if (got.length < 20000 || candles.length >= total || Number.isNaN(last)) break;
            from = new Date(last + 1).toISOString();
          }
          drawCandles(canvas, candles);
          note.textContent = (candles.length < total ? 'The first ' + fmtInt(candles.length) + ' of ' : '') + fmtInt(total) + ' bars, '
            + fmtTime(candles.length ? candles[0].t : null) + ' to ' + fmtTime(candles.length ? candles[candles.length - 1].t : null)
            + (candles.length > 240 ? ' (close line; candles show for 240 bars or fewer).' : ' (candles).');
        }

        function drawCandles(canvas, candles) {
          redraws.set(canvas.id, () => drawCandles(canvas, candles));
          fitCanvas(canvas, 0.3, 220);
          const ctx = canvas.getContext('2d');
          const W = canvas.width, H = canvas.height, left = 70, right = 10, top = 8, bottom = 22;
          ctx.clearRect(0, 0, W, H);
          if (!candles.length) return;
          let lo = Infinity, hi = -Infinity;
          for (const c of candles) { lo = Math.min(lo, c.low); hi = Math.max(hi, c.high); }
          const n = candles.length, step = (W - left - right) / n;
          const x = (i) => left + (i + 0.5) * step;
          const y = (v) => top + (hi === lo ? 0.5 : (hi - v) / (hi - lo)) * (H - top - bottom);
          ctx.fillStyle = themeColor('--muted'); ctx.font = '11px system-ui, sans-serif';
          ctx.textAlign = 'right'; ctx.textBaseline = 'middle';
          ctx.fillText(fmtNum(hi, 2), left - 6, y(hi)); ctx.fillText(fmtNum(lo, 2), left - 6, y(lo));
          ctx.textBaseline = 'top';
          ctx.textAlign = 'left'; ctx.fillText(fmtTime(candles[0].t).slice(0, 10), left, H - 14);
          ctx.textAlign = 'right'; ctx.fillText(fmtTime(candles[n - 1].t).slice(0, 10), W - right, H - 14);
          if (n > 240) {
            ctx.strokeStyle = themeColor('--accent'); ctx.lineWidth = 1.5; ctx.beginPath();
            candles.forEach((c, i) => (i ? ctx.lineTo(x(i), y(c.close)) : ctx.moveTo(x(i), y(c.close))));
            ctx.stroke();
            return;
          }
          const good = themeColor('--good'), bad = themeColor('--bad');
          candles.forEach((c, i) => {
            const color = c.close >= c.open ? good : bad;
            ctx.strokeStyle = color; ctx.fillStyle = color; ctx.lineWidth = 1;
            ctx.beginPath(); ctx.moveTo(x(i), y(c.high)); ctx.lineTo(x(i), y(c.low)); ctx.stroke();
            const top2 = y(Math.max(c.open, c.close)), h = Math.max(1, Math.abs(y(c.open) - y(c.close)));
            ctx.fillRect(x(i) - Math.max(1, step * 0.35), top2, Math.max(2, step * 0.7), h);
          });
        }

        """#
}
