/// The new-backtest screen's script: the form's layout, the live variant count, submission with an
/// Idempotency-Key, the server's `details[].path` next to each field, and presets (load, save).
extension DashboardScript {
    static let form = #"""
        // "5,10,20" or "5-50:5" (start-stop:step) → the sorted distinct values, or null when unreadable.
        function parseAxis(text) {
          const t = text.trim();
          const range = t.match(/^(\d+)\s*-\s*(\d+)\s*(?::\s*(\d+))?$/);
          if (range) {
            const start = +range[1], stop = +range[2], step = range[3] ? +range[3] : 1;
            if (step < 1 || stop < start || (stop - start) / step > 10000) return null;
            return { spec: { range: { start, stop, step } }, values: Array.from(
              { length: Math.floor((stop - start) / step) + 1 }, (_, i) => start + i * step) };
          }
          const parts = t.split(',').map((s) => s.trim()).filter((s) => s);
          if (!parts.length || parts.some((s) => !/^\d+$/.test(s))) return null;
          const values = [...new Set(parts.map(Number))].sort((a, b) => a - b);
          return { spec: { values }, values };
        }
        function countVariants(fast, slow) {
          if (!fast || !slow) return null;
          let n = 0;
          for (const f of fast.values) for (const s of slow.values) if (f < s) n += 1;
          return { run: n, skipped: fast.values.length * slow.values.length - n };
        }

        async function showNewBacktest() {
          const [datasets, presets] = await Promise.all([api('GET', '/datasets'), api('GET', '/presets?limit=200')]);
          if (datasets.status === 401) { showSignIn(); return; }
          const list = (datasets.data && datasets.data.datasets) || [];
          const saved = (presets.data && presets.data.presets) || [];
          setKids(app, newBacktestForm(list, saved));
        }

        // A server message lands next to the field whose data-path is the longest prefix of its path.
        function showDetails(form, details, general) {
          let unplaced = 0;
          for (const d of details || []) {
            const parts = String(d.path || '').split('.');
            let target = null;
            for (let n = parts.length; n > 0 && !target; n -= 1) {
              target = form.querySelector('[data-path="' + parts.slice(0, n).join('.') + '"]');
            }
            if (!target) { unplaced += 1; target = general; }
            const text = (target === general ? d.path + ': ' : '') + d.message;
            target.textContent = (target.textContent ? target.textContent + '; ' : '') + text;
          }
          return unplaced;
        }

        function newBacktestForm(datasets, presets) {
          const f = formFields(datasets);
          const count = el('span', { id: 'variant-count', class: 'muted' });
          const message = el('div', { class: 'err', role: 'alert', id: 'form-message' });
          const submit = el('button', { class: 'primary', type: 'submit', id: 'submit' }, 'Run backtest');
          const update = () => {
            const c = countVariants(parseAxis(f.fast.value), parseAxis(f.slow.value));
            // Every value of every other axis runs with every fast < slow pair, so the count stays exact.
            const k = f.research.factor();
            f.research.refreshHeatmap();
            count.textContent = c && k !== null ? fmtInt(c.run * k) + ' variants (' + fmtInt(c.skipped * k) + ' skipped: fast \u2265 slow)'
              : (f.research.problem() || 'Axes: values "5,10,20" or a range "5-50:5".');
          };
          [f.fast, f.slow, ...f.research.inputs()].forEach((n) => n.addEventListener('input', update));
          update();
          const clear = () => {
            form.querySelectorAll('[data-path]').forEach((n) => { n.textContent = ''; });
            message.textContent = '';
          };
          const form = el('form', { id: 'new-backtest', novalidate: '', on: { submit: async (ev) => {
            ev.preventDefault();
            if (submit.disabled) return;
            clear();
            const body = f.body();
            if (!body) { message.textContent = f.research.problem() || 'Both grid axes need values or a range.'; return; }
            // One key per submission: a double click or a retry finds the same run instead of a second one.
            submit.disabled = true;
            const r = await api('POST', '/backtests', body, { 'Idempotency-Key': crypto.randomUUID() });
            submit.disabled = false;
            if (r.ok && r.data && r.data.run_id) { location.hash = '#/runs/' + r.data.run_id; return; }
            message.textContent = errorText(r);
            showDetails(form, r.data && r.data.error && r.data.error.details, message);
          } } },
            f.layout(count), el('div', { class: 'row' }, submit), message);
          return el('div', {}, el('section', {}, el('h2', {}, 'New backtest'), form),
            presetBox(presets, f, form, clear, update));
        }

        function presetBox(presets, f, form, clear, update) {
          const pick = el('select', { id: 'preset' }, el('option', { value: '' }, 'Choose a preset'),
            presets.map((p) => el('option', { value: p.preset_id }, p.name + ' (' + p.preset_id.slice(0, 12) + '\u2026)')));
          const name = el('input', { id: 'preset-name', placeholder: 'name', size: '20' });
          const note = el('div', { id: 'preset-message', role: 'status' });
          const load = el('button', { type: 'button', id: 'preset-load', on: { click: () => {
            const p = presets.find((x) => x.preset_id === pick.value);
            if (!p) { note.className = 'err'; note.textContent = 'Choose a preset first.'; return; }
            clear(); f.fill(p.config || {}); update();
            note.className = 'ok'; note.textContent = 'Loaded ' + p.name + '.';
          } } }, 'Load into the form');
          const save = el('button', { type: 'button', id: 'preset-save', on: { click: async () => {
            clear();
            const body = f.body();
            if (!body || !name.value.trim()) { note.className = 'err'; note.textContent = 'A name and both grid axes are needed.'; return; }
            const r = await api('POST', '/presets', { name: name.value.trim(), config: body });
            if (r.ok && r.data) {
              note.className = 'ok'; note.textContent = 'Saved as preset ' + r.data.name + ' (' + r.data.preset_id + ').';
              if (!presets.some((p) => p.preset_id === r.data.preset_id)) {
                presets.push(r.data);
                pick.append(el('option', { value: r.data.preset_id }, r.data.name));
              }
              return;
            }
            note.className = 'err'; note.textContent = errorText(r);
            showDetails(form, ((r.data && r.data.error && r.data.error.details) || []).map((d) =>
              ({ path: String(d.path).replace(/^config\./, ''), message: d.message })), note);
          } } }, 'Save form as preset');
          return el('section', { id: 'presets' }, el('h2', {}, 'Presets'),
            el('div', { class: 'row' }, el('label', {}, 'Preset', pick), load),
            el('div', { class: 'row' }, el('label', {}, 'Save the form as', name), save), note);
        }

        """#
}
