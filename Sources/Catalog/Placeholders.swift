/// The catalog's SQL is written once with `?` placeholders (SQLite's); PostgreSQL numbers them
/// (`$1`, `$2`, …). Question marks inside quoted literals, quoted identifiers and `--` comments
/// are left alone.
enum Placeholders {
    static func numbered(_ sql: String) -> String {
        var output = ""
        output.reserveCapacity(sql.utf8.count + 16)
        var number = 0
        var quote: Character?
        var inComment = false
        var previous: Character?
        for character in sql {
            defer { previous = character }
            if inComment {
                if character == "\n" { inComment = false }
                output.append(character)
                continue
            }
            if let open = quote {
                // A doubled quote ('' or "") closes and reopens: the net effect is still inside.
                if character == open { quote = nil }
                output.append(character)
                continue
            }
            switch character {
            case "'", "\"":
                quote = character
                output.append(character)
            case "-" where previous == "-":
                inComment = true
                output.append(character)
            case "?":
                number += 1
                output += "$\(number)"
            default:
                output.append(character)
            }
        }
        return output
    }
}
