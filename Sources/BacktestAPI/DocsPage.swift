import BacktestService
import HTTPServer

/// `GET /docs`: the OpenAPI document as one page, rendered on the server so everything but the
/// "try it" forms reads without JavaScript. Hand-written HTML, CSS and a little script; no
/// request to any other origin.
enum DocsPage {
    static func render(_ document: OpenAPIDocument) -> String {
        let components = OpenAPISchemas.parsed
        var html = head
        html += "<header><h1>backtestd API</h1><p>OpenAPI 3.1 document: <a href=\"/openapi.json\">/openapi.json</a>. "
        html += "With API keys configured, operations need <code>Authorization: Bearer &lt;key&gt;</code>; enter yours "
        html += "to try them here (kept in this tab only).</p>"
        html +=
            "<label>API key <input id=\"key\" type=\"password\" autocomplete=\"off\" placeholder=\"bt_…\"></label></header>"
        html += "<nav>"
        for (tag, _) in OpenAPIDocument.tags {
            html += "<h3>\(escape(tag))</h3><ul>"
            for operation in document.operations where operation.tag == tag {
                html +=
                    "<li><a href=\"#\(operation.id)\"><span class=\"m \(operation.method.lowercased())\">\(operation.method)</span> \(escape(operation.path))</a></li>"
            }
            html += "</ul>"
        }
        html +=
            "<h3>reference</h3><ul><li><a href=\"#schemas\">schemas</a></li><li><a href=\"#errors\">error codes</a></li></ul></nav><main>"
        for (tag, description) in OpenAPIDocument.tags {
            html += "<h2 id=\"tag-\(tag)\">\(escape(tag))</h2><p>\(escape(description))</p>"
            for operation in document.operations where operation.tag == tag { html += section(operation) }
        }
        html += "<h2 id=\"schemas\">Schemas</h2>"
        for (name, schema) in components["schemas"]?.objectMembers ?? [] {
            html +=
                "<details id=\"schema-\(escape(name))\"><summary>\(escape(name))</summary><pre>\(escape(pretty(schema)))</pre></details>"
        }
        html +=
            "<h2 id=\"errors\">Error codes</h2><p>Every error is <code>{\"error\":{\"code\",\"message\",\"details\":[{\"path\",\"message\"}],\"retryable\"}}</code>.</p><table><tr><th>code</th><th>status</th></tr>"
        for (code, status) in ErrorMapping.statuses.sorted(by: { ($0.value, $0.key) < ($1.value, $1.key) }) {
            html += "<tr><td><code>\(escape(code))</code></td><td>\(status)</td></tr>"
        }
        html += "</table></main><script>\(script)</script></body></html>"
        return html
    }

    static func section(_ operation: APIOperation) -> String {
        var html =
            "<section id=\"\(operation.id)\" data-method=\"\(operation.method)\" data-path=\"\(escape(operation.path))\">"
        html +=
            "<h4><span class=\"m \(operation.method.lowercased())\">\(operation.method)</span> <code>\(escape(operation.path))</code> — \(escape(operation.summary))</h4>"
        if let description = operation.description { html += "<p>\(escape(description))</p>" }
        if !operation.parameters.isEmpty {
            html += "<table><tr><th>parameter</th><th>in</th><th>schema</th><th></th></tr>"
            for parameter in operation.parameters.map(resolve) {
                let name = parameter["name"]?.string ?? ""
                let place = parameter["in"]?.string ?? ""
                let required = parameter["required"] == .bool(true) ? " <b>required</b>" : ""
                html += "<tr><td><code>\(escape(name))</code>\(required)</td><td>\(escape(place))</td>"
                html += "<td><code>\(escape(JSONWriter.compact(parameter["schema"] ?? .null)))</code></td>"
                html += "<td>\(escape(parameter["description"]?.string ?? ""))</td></tr>"
            }
            html += "</table>"
        }
        if let body = operation.body {
            html +=
                "<p>Body <code>\(escape(body.type))</code> \(schemaLink(body.schema))</p><pre>\(escape(body.type == "application/json" ? pretty(body.example) : body.example.string ?? ""))</pre>"
        }
        html += "<table><tr><th>status</th><th>meaning</th></tr>"
        for (status, response) in operation.responses {
            let reference = response["$ref"]?.string.map { String($0.split(separator: "/").last ?? "") }
            let text = reference.map { "error envelope (\($0))" } ?? response["description"]?.string ?? ""
            var cell = escape(text)
            if let content = response["content"]?.objectMembers?.first {
                cell += " — <code>\(escape(content.0))</code> \(schemaLink(content.1["schema"] ?? .null))"
                if let example = content.1["example"] {
                    cell +=
                        "<details><summary>example</summary><pre>\(escape(example.string ?? pretty(example)))</pre></details>"
                }
            }
            html += "<tr><td>\(escape(status))</td><td>\(cell)</td></tr>"
        }
        html += "</table>"
        html += "<form class=\"try\"><noscript>Trying an operation needs JavaScript.</noscript>"
        for parameter in operation.parameters.map(resolve)
        where ["path", "query"].contains(parameter["in"]?.string ?? "") {
            let name = escape(parameter["name"]?.string ?? "")
            html +=
                "<label>\(name) <input name=\"\(name)\" data-in=\"\(escape(parameter["in"]?.string ?? ""))\"></label>"
        }
        if let body = operation.body {
            let example = body.type == "application/json" ? pretty(body.example) : body.example.string ?? ""
            html +=
                "<textarea name=\"body\" data-type=\"\(escape(body.type))\" rows=\"6\">\(escape(example))</textarea>"
        }
        html += "<button type=\"submit\">Try it</button><pre class=\"out\"></pre></form></section>"
        return html
    }

    /// A shared parameter's definition in place of its reference.
    static func resolve(_ parameter: JSONValue) -> JSONValue {
        guard let reference = parameter["$ref"]?.string, let name = reference.split(separator: "/").last else {
            return parameter
        }
        return OpenAPISchemas.parsed["parameters"]?[String(name)] ?? parameter
    }

    static func schemaLink(_ schema: JSONValue) -> String {
        guard let reference = schema["$ref"]?.string, let name = reference.split(separator: "/").last else {
            return "<code>\(escape(JSONWriter.compact(schema)))</code>"
        }
        return "<a href=\"#schema-\(escape(String(name)))\">\(escape(String(name)))</a>"
    }

    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            default: out.append(character)
            }
        }
        return out
    }

    /// Indented JSON for reading.
    static func pretty(_ value: JSONValue, indent: String = "") -> String {
        let inner = indent + "  "
        switch value {
        case .object(let members) where !members.isEmpty:
            return "{\n"
                + members.map { inner + JSONWriter.compact(.string($0.0)) + ": " + pretty($0.1, indent: inner) }
                .joined(separator: ",\n") + "\n" + indent + "}"
        case .array(let items) where !items.isEmpty && items.contains(where: { $0.objectMembers != nil }):
            return "[\n" + items.map { inner + pretty($0, indent: inner) }.joined(separator: ",\n") + "\n" + indent
                + "]"
        default:
            return JSONWriter.compact(value)
        }
    }

    static let head = """
        <!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
        <title>backtestd API</title><style>
        body{margin:0;font:14px/1.45 system-ui,sans-serif;color:#1d2330;display:grid;grid-template-columns:17rem 1fr;grid-template-rows:auto 1fr}
        header{grid-column:1/3;padding:.8rem 1.2rem;background:#16202e;color:#e8edf4}header a{color:#9cc4ff}header h1{margin:0 0 .3rem;font-size:1.3rem}
        header input{margin-left:.4rem;width:22rem;max-width:60vw}
        nav{padding:1rem;border-right:1px solid #dde2ea;overflow:auto;position:sticky;top:0;max-height:100vh}nav ul{list-style:none;padding:0;margin:0 0 .8rem}
        nav a{text-decoration:none;color:#1d2330;display:block;padding:.1rem 0;font-size:.85rem}nav h3{margin:.6rem 0 .2rem;font-size:.8rem;text-transform:uppercase;color:#66708a}
        main{padding:1rem 1.6rem;min-width:0}section{border:1px solid #dde2ea;border-radius:6px;padding:.4rem 1rem;margin:0 0 1rem}
        h4{margin:.5rem 0}table{border-collapse:collapse;margin:.4rem 0;width:100%}td,th{border-bottom:1px solid #eef1f5;padding:.25rem .4rem;text-align:left;vertical-align:top}
        pre{background:#f5f7fa;padding:.5rem;overflow:auto;max-height:22rem;margin:.3rem 0}code{font-size:.85em}
        .m{display:inline-block;min-width:3.6rem;text-align:center;border-radius:3px;color:#fff;font-size:.75rem;font-weight:600;padding:.05rem .3rem}
        .get{background:#2f7d4f}.post{background:#2c63b5}.delete{background:#b53a2c}
        form.try{border-top:1px dashed #dde2ea;margin-top:.5rem;padding-top:.5rem}form.try label{margin-right:.6rem}form.try input{width:9rem}
        form.try textarea{display:block;width:100%;font:12px monospace;margin:.3rem 0}
        </style></head><body>
        """

    static let script = """
        const keyInput = document.getElementById('key');
        keyInput.value = sessionStorage.getItem('backtestd-key') || '';
        keyInput.addEventListener('change', () => sessionStorage.setItem('backtestd-key', keyInput.value));
        for (const form of document.querySelectorAll('form.try')) {
          form.addEventListener('submit', async (event) => {
            event.preventDefault();
            const section = form.closest('section');
            let path = section.dataset.path;
            const query = new URLSearchParams();
            for (const input of form.querySelectorAll('input')) {
              if (!input.value) continue;
              if (input.dataset.in === 'path') path = path.replace('{' + input.name + '}', encodeURIComponent(input.value));
              else query.append(input.name, input.value);
            }
            const headers = {};
            if (keyInput.value) headers['Authorization'] = 'Bearer ' + keyInput.value;
            const options = {method: section.dataset.method, headers};
            const body = form.querySelector('textarea');
            if (body) { options.body = body.value; headers['Content-Type'] = body.dataset.type; }
            const out = form.querySelector('.out');
            out.textContent = '…';
            try {
              const response = await fetch(path + (query.toString() ? '?' + query : ''), options);
              const text = await response.text();
              let shown = text;
              try { shown = JSON.stringify(JSON.parse(text), null, 2); } catch (_) {}
              out.textContent = response.status + ' ' + response.statusText + '\\n\\n' + shown;
            } catch (error) { out.textContent = String(error); }
          });
        }
        """
}
