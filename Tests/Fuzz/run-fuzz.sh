#!/usr/bin/env bash
# Builds the HTTP parser with libFuzzer and runs it for $1 seconds (default 60).
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds=${1:-60}
out=.build-fuzz
mkdir -p "$out/corpus"
parser=Sources/HTTPServer
swiftc -sanitize=fuzzer,address -parse-as-library -O -module-name HTTPParserFuzz \
  "$parser/HTTPRequestParser.swift" "$parser/HTTPParserLimits.swift" "$parser/HTTPParseError.swift" \
  "$parser/HTTPParserEvent.swift" "$parser/HTTPHeaders.swift" "$parser/HTTPRequestHead.swift" \
  "$parser/HTTPCharacters.swift" "$parser/RequestTarget.swift" Tests/Fuzz/HTTPParserFuzz.swift \
  -o "$out/http-parser-fuzz"
# Seeds: a few well-formed and hostile requests.
printf 'GET /a?b=c HTTP/1.1\r\nHost: x\r\n\r\n' > "$out/corpus/get"
printf 'POST /p HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n' > "$out/corpus/chunked"
printf 'POST /p HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabcGET / HTTP/1.0\r\n\r\n' > "$out/corpus/pipelined"
if ! "$out/http-parser-fuzz" -max_total_time="$seconds" -max_len=4096 -print_final_stats=1 \
  -artifact_prefix="$out/" "$out/corpus" >"$out/fuzz.log" 2>&1; then
  grep -v "ld.gold" "$out/fuzz.log" | grep -E "Fatal|fatal|ERROR|crash|Test unit written" | head -n 20
  echo "fuzz: crash; reproduce with $out/http-parser-fuzz $out/crash-*"
  exit 1
fi
tail -n 8 "$out/fuzz.log"
echo "fuzz: no crash in ${seconds}s"
