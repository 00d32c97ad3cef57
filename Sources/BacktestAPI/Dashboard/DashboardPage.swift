/// The dashboard's HTML shell and style sheet; the scripts are appended from their own files.
enum DashboardPage {
    static var html: String {
        shell.replacingOccurrences(
            of: "/*SCRIPTS*/",
            with: DashboardScript.core + DashboardScript.runs + DashboardScript.runPage + DashboardScript.charts)
    }

    // `data:,` as the icon keeps the browser from asking for /favicon.ico (a 404 in the console).
    static let shell = #"""
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <meta name="color-scheme" content="light dark">
        <link rel="icon" href="data:,">
        <title>backtestd</title>
        <style>
        :root { --bg: #ffffff; --fg: #1b1f24; --muted: #5c6670; --line: #d8dde3; --card: #f6f8fa;
          --accent: #1f6feb; --good: #1a7f37; --bad: #cf222e; --warn: #9a6700; }
        @media (prefers-color-scheme: dark) {
          :root { --bg: #0f1217; --fg: #e6edf3; --muted: #8b949e; --line: #30363d; --card: #161b22;
            --accent: #4493f8; --good: #3fb950; --bad: #f85149; --warn: #d29922; }
        }
        * { box-sizing: border-box; }
        body { margin: 0; background: var(--bg); color: var(--fg);
          font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; }
        header { display: flex; gap: 1rem; align-items: center; padding: .6rem 1rem;
          border-bottom: 1px solid var(--line); }
        header h1 { font-size: 1.1rem; margin: 0; }
        header a { color: var(--fg); }
        #who { margin-left: auto; color: var(--muted); }
        main { padding: 1rem; max-width: 1200px; margin: 0 auto; }
        section { background: var(--card); border: 1px solid var(--line); border-radius: 6px;
          padding: .8rem 1rem; margin-bottom: 1rem; overflow-x: auto; }
        h2 { font-size: 1rem; margin: 0 0 .6rem; }
        a { color: var(--accent); }
        table { border-collapse: collapse; width: 100%; font-variant-numeric: tabular-nums; }
        th, td { text-align: left; padding: .25rem .5rem; border-bottom: 1px solid var(--line); }
        td.num, th.num { text-align: right; }
        label { display: inline-flex; flex-direction: column; gap: .15rem; margin: 0 .8rem .6rem 0;
          color: var(--muted); font-size: .85rem; }
        input, select, button { font: inherit; color: var(--fg); background: var(--bg);
          border: 1px solid var(--line); border-radius: 4px; padding: .3rem .45rem; }
        button { cursor: pointer; }
        button.primary { background: var(--accent); color: #fff; border-color: var(--accent); }
        button:disabled { opacity: .55; cursor: default; }
        :focus-visible { outline: 2px solid var(--accent); outline-offset: 1px; }
        .err { color: var(--bad); font-size: .8rem; }
        .muted { color: var(--muted); }
        .bar { height: 8px; background: var(--line); border-radius: 4px; overflow: hidden; min-width: 80px; }
        .bar > div { height: 100%; background: var(--accent); }
        .status { font-weight: 600; font-size: .8rem; }
        .s-DONE { color: var(--good); } .s-ERROR, .s-CANCELLED { color: var(--bad); }
        .s-RUNNING, .s-VALIDATING { color: var(--accent); } .s-QUEUED { color: var(--warn); }
        .grid2 { display: grid; grid-template-columns: 1fr 1fr; gap: 1rem; }
        @media (max-width: 800px) { .grid2 { grid-template-columns: 1fr; } }
        canvas { width: 100%; display: block; }
        code { font-size: .8rem; word-break: break-all; }
        #top-k tbody tr { cursor: pointer; }
        #top-k tbody tr.selected td { background: var(--line); }
        .pager { display: flex; gap: .5rem; align-items: center; margin-top: .5rem; }
        </style>
        </head>
        <body>
        <header><h1><a href="#/">backtestd</a></h1><span id="who"></span></header>
        <main id="app"><p class="muted">Loading…</p></main>
        <script>
        /*SCRIPTS*/
        </script>
        </body>
        </html>
        """#
}
