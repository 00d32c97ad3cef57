/// The dashboard's shared script: formatting, the same-origin API helper, sign-in and the hash router.
enum DashboardScript {
    static let core = #"""
        'use strict';
        const app = document.getElementById('app');
        const state = { timer: null, source: null };

        function el(tag, attrs, ...kids) {
          const node = document.createElement(tag);
          for (const [k, v] of Object.entries(attrs || {})) {
            if (v === null || v === undefined) continue;
            if (k === 'on') { for (const [ev, fn] of Object.entries(v)) node.addEventListener(ev, fn); }
            else if (k === 'class') node.className = v;
            else node.setAttribute(k, v);
          }
          for (const kid of kids.flat()) {
            if (kid === null || kid === undefined) continue;
            node.append(kid instanceof Node ? kid : document.createTextNode(String(kid)));
          }
          return node;
        }

        // replaceChildren would print a null or undefined child as the word: leave those out.
        function setKids(node, ...kids) {
          node.replaceChildren(...kids.flat().filter((k) => k !== null && k !== undefined));
        }

        // Every number on screen goes through these: a missing or non-finite value shows as a dash.
        const DASH = '\u2013';
        function isNum(v) { return typeof v === 'number' && Number.isFinite(v); }
        function fmtNum(v, digits) {
          if (!isNum(v)) return DASH;
          const d = digits === undefined ? 2 : digits;
          return v.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d });
        }
        function fmtInt(v) { return isNum(v) ? Math.round(v).toLocaleString('en-US') : DASH; }
        function fmtPct(v) { return isNum(v) ? fmtNum(v, 2) + ' %' : DASH; }
        function fmtDuration(s) {
          if (!isNum(s) || s < 0) return DASH;
          if (s < 60) return s.toFixed(s < 10 ? 1 : 0) + ' s';
          if (s < 3600) return Math.floor(s / 60) + ' min ' + Math.round(s % 60) + ' s';
          if (s < 172800) return Math.floor(s / 3600) + ' h ' + Math.round((s % 3600) / 60) + ' min';
          return fmtInt(s / 86400) + ' days';
        }
        function fmtTime(t) {
          if (typeof t !== 'string' || !t) return DASH;
          const d = new Date(t);
          if (Number.isNaN(d.getTime())) return t;
          const text = d.toISOString().replace('T', ' ').slice(0, 19);
          return text.endsWith(' 00:00:00') ? text.slice(0, 10) : text;
        }
        function fmtValue(v) {
          if (isNum(v)) return Number.isInteger(v) ? fmtInt(v) : fmtNum(v, 4);
          if (typeof v === 'boolean') return v ? 'yes' : 'no';
          if (typeof v === 'string' && v) return /^\d{4}-\d\d-\d\dT/.test(v) ? fmtTime(v) : v;
          return DASH;
        }
        function fmtBytes(n) {
          if (!isNum(n) || n < 0) return DASH;
          if (n < 1024) return fmtInt(n) + ' B';
          if (n < 1048576) return fmtNum(n / 1024, 1) + ' KiB';
          return fmtNum(n / 1048576, 1) + ' MiB';
        }
        // A disabled stop is null in a variant key: it reads "off" on screen (the key itself is kept for requests).
        function keyText(key) { return typeof key === 'string' ? key.replace(/=null(?=,|$)/g, '=off') : DASH; }
        function humanize(key) { return String(key).replace(/_/g, ' ').replace(/\bpct\b/, '%'); }

        // Same-origin only; writes always say JSON so a cookie-authenticated request is accepted.
        async function api(method, path, body, headers) {
          const h = Object.assign({ Accept: 'application/json' }, headers || {});
          if (method !== 'GET') h['Content-Type'] = 'application/json';
          const init = { method, headers: h, credentials: 'same-origin' };
          if (body !== undefined) init.body = JSON.stringify(body);
          const response = await fetch(path, init);
          const text = await response.text();
          let data = null;
          if (text) { try { data = JSON.parse(text); } catch (e) { data = null; } }
          return { status: response.status, ok: response.ok, data };
        }
        function errorText(r) {
          const e = r.data && r.data.error;
          return e && e.message ? e.message : 'The server answered ' + r.status + '.';
        }

        function stopLive() {
          if (state.timer) { clearTimeout(state.timer); state.timer = null; }
          if (state.source) { state.source.close(); state.source = null; }
        }

        function showSignIn(message) {
          stopLive();
          // Every screen needs the session: the links come back once signed in.
          document.getElementById('nav').hidden = true;
          const key = el('input', { type: 'password', id: 'key', autocomplete: 'off', size: '44' });
          const error = el('div', { class: 'err', role: 'alert' }, message || '');
          const form = el('form', { on: { submit: async (ev) => {
            ev.preventDefault();
            const r = await api('POST', '/session', { key: key.value.trim() });
            if (r.ok) route(); else error.textContent = errorText(r);
          } } }, el('label', {}, 'API key', key), el('button', { class: 'primary', type: 'submit' }, 'Sign in'), error);
          setKids(app, el('section', {}, el('h2', {}, 'Sign in'), form));
          key.focus();
        }

        async function checkSession() {
          const r = await api('GET', '/session');
          const who = document.getElementById('who');
          if (r.status === 401) { who.textContent = ''; return false; }
          if (r.ok && r.data) {
            setKids(who, r.data.mode === 'single_user' ? 'single user' : (r.data.owner || ''));
            if (r.data.mode !== 'single_user') {
              who.append(' ', el('button', { on: { click: async () => {
                await api('DELETE', '/session'); showSignIn();
              } } }, 'Sign out'));
            }
          }
          return true;
        }

        // Screens by hash: #/ runs, #/new form, #/datasets, #/compare/ID,ID…, #/runs/ID one run.
        const SCREENS = [['#/', 'Runs'], ['#/new', 'New backtest'], ['#/datasets', 'Datasets'], ['#/compare', 'Compare']];
        function markNav(hash) {
          document.querySelectorAll('#nav a').forEach((a) => {
            const here = a.getAttribute('href') === hash || (a.getAttribute('href') === '#/compare' && hash.startsWith('#/compare'));
            if (here) a.setAttribute('aria-current', 'page'); else a.removeAttribute('aria-current');
          });
        }
        async function route() {
          stopLive();
          if (!(await checkSession())) { showSignIn(); return; }
          const hash = location.hash || '#/';
          document.getElementById('nav').hidden = false;
          markNav(hash);
          const run = hash.match(/^#\/runs\/([A-Za-z0-9_-]+)$/);
          const compare = hash.match(/^#\/compare(?:\/([A-Za-z0-9_,-]*))?$/);
          if (run) showRun(run[1]);
          else if (hash === '#/new') showNewBacktest();
          else if (hash === '#/datasets') showDatasets();
          else if (compare) showCompare((compare[1] || '').split(',').filter((s) => s));
          else showHome();
        }
        window.addEventListener('DOMContentLoaded', () => {
          document.getElementById('nav').replaceChildren(...SCREENS.map(([href, label]) => el('a', { href }, label)));
        });
        window.addEventListener('hashchange', route);
        window.addEventListener('DOMContentLoaded', route);

        """#
}
