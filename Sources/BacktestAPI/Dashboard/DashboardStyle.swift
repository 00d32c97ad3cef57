/// The dashboard's style sheet: light and dark from the system setting, one column on a phone.
enum DashboardStyle {
    static let css = #"""
        :root { --bg: #ffffff; --fg: #1b1f24; --muted: #5c6670; --line: #d8dde3; --card: #f6f8fa;
          --accent: #1f6feb; --good: #1a7f37; --bad: #cf222e; --warn: #9a6700; }
        @media (prefers-color-scheme: dark) {
          :root { --bg: #0f1217; --fg: #e6edf3; --muted: #8b949e; --line: #30363d; --card: #161b22;
            --accent: #4493f8; --good: #3fb950; --bad: #f85149; --warn: #d29922; }
        }
        * { box-sizing: border-box; }
        [hidden] { display: none !important; }
        body { margin: 0; background: var(--bg); color: var(--fg);
          font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; }
        header { display: flex; flex-wrap: wrap; gap: .4rem 1rem; align-items: center; padding: .6rem 1rem;
          border-bottom: 1px solid var(--line); }
        header h1 { font-size: 1.1rem; margin: 0; }
        header a { color: var(--fg); }
        nav { display: flex; flex-wrap: wrap; gap: .2rem .9rem; }
        nav a { text-decoration: none; padding: .1rem 0; }
        nav a[aria-current=page] { border-bottom: 2px solid var(--accent); font-weight: 600; }
        #who { margin-left: auto; color: var(--muted); }
        main { padding: 1rem; max-width: 1200px; margin: 0 auto; }
        section { background: var(--card); border: 1px solid var(--line); border-radius: 6px;
          padding: .8rem 1rem; margin-bottom: 1rem; overflow-x: auto; min-width: 0; }
        h2 { font-size: 1rem; margin: 0 0 .6rem; }
        h3 { font-size: .9rem; margin: .4rem 0; }
        a { color: var(--accent); }
        table { border-collapse: collapse; width: 100%; font-variant-numeric: tabular-nums; }
        th, td { text-align: left; padding: .25rem .5rem; border-bottom: 1px solid var(--line); }
        td.num, th.num { text-align: right; white-space: nowrap; }
        td.time { white-space: nowrap; }
        th button.sort { all: unset; cursor: pointer; font-weight: 600; }
        th button.sort:focus-visible { outline: 2px solid var(--accent); }
        label { display: inline-flex; flex-direction: column; gap: .15rem; margin: 0 .8rem .6rem 0;
          color: var(--muted); font-size: .85rem; vertical-align: top; }
        label.check { flex-direction: row; align-items: center; }
        fieldset { border: 1px solid var(--line); border-radius: 6px; margin: 0 0 .7rem; padding: .4rem .8rem 0; }
        legend { color: var(--fg); font-weight: 600; font-size: .85rem; padding: 0 .3rem; }
        input, select, button { font: inherit; color: var(--fg); background: var(--bg);
          border: 1px solid var(--line); border-radius: 4px; padding: .3rem .45rem; max-width: 100%; }
        button { cursor: pointer; }
        button.primary { background: var(--accent); color: #fff; border-color: var(--accent); }
        button:disabled { opacity: .55; cursor: default; }
        :focus-visible { outline: 2px solid var(--accent); outline-offset: 1px; }
        .err { color: var(--bad); font-size: .8rem; }
        .ok { color: var(--good); font-size: .85rem; }
        .muted { color: var(--muted); }
        .bar { height: 8px; background: var(--line); border-radius: 4px; overflow: hidden; min-width: 80px; }
        .bar > div { height: 100%; background: var(--accent); }
        .status { font-weight: 600; font-size: .8rem; }
        .s-DONE { color: var(--good); } .s-ERROR, .s-CANCELLED { color: var(--bad); }
        .s-RUNNING, .s-VALIDATING { color: var(--accent); } .s-QUEUED { color: var(--warn); }
        .pos { color: var(--good); } .neg { color: var(--bad); }
        .grid2 { display: grid; grid-template-columns: minmax(0, 1fr) minmax(0, 1fr); gap: 1rem; }
        @media (max-width: 800px) { .grid2 { grid-template-columns: minmax(0, 1fr); } }
        canvas { width: 100%; display: block; }
        canvas:focus-visible { outline: 2px solid var(--accent); }
        code { font-size: .8rem; word-break: break-all; }
        tr.pick { cursor: pointer; }
        tr.selected td { background: var(--line); }
        tr.below-min td { color: var(--muted); }
        .badge { display: inline-block; margin-left: .4rem; padding: 0 .35rem; border: 1px solid var(--warn);
          border-radius: 3px; color: var(--warn); font-size: .75rem; white-space: nowrap; }
        .nowrap { white-space: nowrap; }
        th.objective { border-bottom: 2px solid var(--accent); }
        .pager, .row { display: flex; flex-wrap: wrap; gap: .5rem; align-items: center; margin-top: .5rem; }
        .swatch { display: inline-block; width: .8rem; height: .8rem; border-radius: 2px; margin: 0 .3rem 0 .8rem;
          vertical-align: middle; }
        .errors { margin: .4rem 0 0; padding-left: 1.2rem; }
        .note { margin: -.3rem 0 .6rem; }
        #compare td.num { white-space: normal; }
        #compare-legend > span { display: inline-block; margin-right: .8rem; }
        #compare-legend .swatch { margin-left: 0; }
        /* A phone keeps the columns that matter: the run, its status, its best return and the actions. */
        @media (max-width: 600px) {
          .wide { display: none; }
          .rid { display: inline-block; max-width: 8ch; overflow: hidden; text-overflow: ellipsis;
            white-space: nowrap; vertical-align: bottom; }
          th, td { padding: .25rem .3rem; }
          th.num { white-space: normal; }
          td button { padding: .2rem .35rem; }
        }
        @media (max-width: 480px) {
          main { padding: .5rem; }
          section { padding: .6rem; }
          label { margin-right: .5rem; }
          #hashes th { white-space: normal; }
        }
        """#
}
