/// The dashboard's HTML shell; the style sheet and the scripts are spliced in from their own files.
enum DashboardPage {
    static var html: String {
        let scripts = [
            DashboardScript.core, DashboardScript.runs, DashboardScript.form, DashboardScript.formFields,
            DashboardScript.formAxes, DashboardScript.runPage, DashboardScript.runTables, DashboardScript.charts,
            DashboardScript.equityChart, DashboardScript.walkForward, DashboardScript.multiDataset,
            DashboardScript.datasets, DashboardScript.compare,
        ]
        return shell.replacingOccurrences(of: "/*STYLE*/", with: DashboardStyle.css)
            .replacingOccurrences(of: "/*SCRIPTS*/", with: scripts.joined())
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
        /*STYLE*/
        </style>
        </head>
        <body>
        <header><h1><a href="#/">backtestd</a></h1><nav id="nav" aria-label="Screens"></nav><span id="who"></span></header>
        <main id="app"><p class="muted">Loading…</p></main>
        <script>
        /*SCRIPTS*/
        </script>
        </body>
        </html>
        """#
}
