#!/usr/bin/env bash
# Builds the four libFuzzer targets and runs each for $1 seconds (default 60):
#   http-parser   the HTTP request parser (whole input vs byte by byte)
#   websocket-frames  the WebSocket frame parser (whole vs byte by byte vs pieces of three)
#   csv-reader    CSVSeriesReader (1 chunk, N chunks, N chunks on threads) vs the reference reader
#   request       bytes → JSONParser → RequestParser → canonical JSON → SHA-256 input hash
# Targets are built with swiftc from the source files they need (no fuzz-only product in the
# package). The request target links swift-crypto's objects from the SwiftPM debug build
# (`swift build --target Crypto`, a no-op after `make test`); that code is not instrumented,
# which only means the fuzzer gets no coverage feedback from inside SHA-256.
# Corpora and crash inputs: .build-fuzz/<target>/. Exit status 1 if any target crashed.
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds=${1:-60}
out=.build-fuzz
flags=(-sanitize=fuzzer,address -parse-as-library -O)
# Swift's own crash backtracer hangs reading memory under AddressSanitizer; let libFuzzer
# report the crash and write the input instead.
export SWIFT_BACKTRACE=enable=no
mkdir -p "$out/modules"

build_http() {
  local parser=Sources/HTTPServer
  swiftc "${flags[@]}" -module-name HTTPParserFuzz \
    "$parser/HTTPRequestParser.swift" "$parser/HTTPParserLimits.swift" "$parser/HTTPParseError.swift" \
    "$parser/HTTPParserEvent.swift" "$parser/HTTPHeaders.swift" "$parser/HTTPRequestHead.swift" \
    "$parser/HTTPCharacters.swift" "$parser/RequestTarget.swift" Tests/Fuzz/HTTPParserFuzz.swift \
    -o "$out/http-parser-fuzz"
}

build_websocket() {
  local ws=Sources/HTTPServer/WebSocket
  swiftc "${flags[@]}" -module-name WebSocketFrameFuzz \
    "$ws/WebSocketFrameParser.swift" "$ws/WebSocketOpcode.swift" "$ws/UTF8Validator.swift" \
    Tests/Fuzz/WebSocketFrameFuzz.swift -o "$out/websocket-frames-fuzz"
}

build_csv() {
  # The engine and the reference reader in one module, so the harness reaches internals
  # (chunk count, sequential or parallel) the way the unit tests do.
  swiftc "${flags[@]}" -module-name CSVReaderFuzz Sources/BacktestEngine/*.swift \
    Tests/BacktestEngineTests/ReferenceCSVReader.swift Tests/Fuzz/CSVReaderFuzz.swift -o "$out/csv-reader-fuzz"
}

build_request() {
  swift build --target Crypto >/dev/null
  local bin service=Sources/BacktestService
  bin=$(swift build --show-bin-path)
  swiftc "${flags[@]}" -wmo -module-name BacktestEngine -emit-module \
    -emit-module-path "$out/modules/BacktestEngine.swiftmodule" -c Sources/BacktestEngine/*.swift \
    -o "$out/modules/BacktestEngine.o"
  local crypto=()
  while IFS= read -r object; do crypto+=("$object"); done < <(
    find "$bin/Crypto.build" "$bin/CryptoBoringWrapper.build" "$bin/CCryptoBoringSSL.build" \
      "$bin/CCryptoBoringSSLShims.build" "$bin/CXKCP.build" "$bin/CXKCPShims.build" -name '*.o' \
      ! -name '*.swiftmodule.o' | sort)
  swiftc "${flags[@]}" -module-name RequestFuzz -I "$out/modules" -I "$bin/Modules" \
    "$service/JSONParser.swift" "$service/JSONValue.swift" "$service/JSONWriter.swift" \
    "$service/ECMAScriptNumber.swift" "$service/ObjectReader.swift" "$service"/RequestParser*.swift \
    "$service/BacktestRequest.swift" "$service/ServiceError.swift" "$service/InputHash.swift" \
    Tests/Fuzz/RequestFuzz.swift "$out/modules/BacktestEngine.o" "${crypto[@]}" -o "$out/request-fuzz"
}

seed() { # target name, then the file's bytes as printf format
  mkdir -p "$out/$1/corpus"
  # shellcheck disable=SC2059
  printf "$3" >"$out/$1/corpus/$2"
}

seed_all() {
  seed http-parser get 'GET /a?b=c HTTP/1.1\r\nHost: x\r\n\r\n'
  seed http-parser chunked 'POST /p HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n'
  seed http-parser pipelined 'POST /p HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabcGET / HTTP/1.0\r\n\r\n'
  # A masked "Hello" (RFC 6455 §5.7), a fragmented text with a ping between, a close 1000.
  seed websocket-frames hello '\x81\x85\x37\xfa\x21\x3d\x7f\x9f\x4d\x51\x58'
  seed websocket-frames fragments '\x01\x83\x01\x02\x03\x04\x60\x60\x60\x89\x80\x00\x00\x00\x00\x80\x82\x00\x00\x00\x00\x61\x62'
  seed websocket-frames close '\x88\x82\x00\x00\x00\x00\x03\xe8'
  mkdir -p "$out/csv-reader/corpus"
  head -n 40 Tests/Fixtures/GOOG_1d.csv >"$out/csv-reader/corpus/goog"
  seed csv-reader mixed '\xef\xbb\xbfTimestamp, Open,high,low,close,volume\r\n1700000000000,1,2,0.5,1.5,10\r\n2023-11-14T23:14:21.5+01:00, 1.25 ,2e0,0.5,+1.5,10\r\n2023-11-14t23:15:00z,1,2,0.5,1.5,0\n\n'
  seed csv-reader bad 'timestamp,open,high,low,close,volume\n2020-01-01T00:00:00Z,1,2,0.5,1.5,10\n2020-01-01T00:00:00Z,1,2,0.5,1.5,10\n2020-01-03T00:00:00Z,1,2\n2020-01-04T00:00:00+99:99,1,x,0.5,nan,-3\n2020-01-05 00:00:00.123456Z,-1,0.4,0.5,inf,1\n\n2020-01-06T00:00:00Z,1,2,0.5,1.5,10'
  seed request minimal '{"symbol":"GOOG","timeframe":"1d","strategy":{"name":"dual_sma"}}'
  seed request grid '{"symbol":"GOOG","timeframe":"1d","strategy":{"name":"dual_sma","params":{"fast":10,"slow":50,"threshold_bp":0,"delay_bars":0,"long_only":true}},"grid":{"fast":{"range":{"start":5,"stop":50,"step":5}},"slow":{"values":[20,50,100,200]},"threshold_bp":{"range":{"start":0,"stop":1,"step":0.25}}},"top_k":10,"seed":42}'
  seed request grid4 '{"symbol":"GOOG","timeframe":"1d","strategy":{"name":"dual_sma"},"grid":{"fast":{"range":{"start":1,"stop":100,"step":1}},"slow":{"range":{"start":2,"stop":200,"step":1}},"delay_bars":{"range":{"start":0,"stop":10,"step":1}},"threshold_bp":{"range":{"start":0,"stop":10,"step":0.5}}}}'
  # Issue 7's remote crash (the grid's size overflowed Int) and the product that wraps to 0.
  seed request overflow '{"symbol":"GOOG","timeframe":"1d","strategy":{"name":"dual_sma"},"grid":{"fast":{"range":{"start":1,"stop":43000,"step":1}},"slow":{"range":{"start":2,"stop":43001,"step":1}},"delay_bars":{"range":{"start":0,"stop":99762,"step":1}},"threshold_bp":{"range":{"start":0,"stop":10000,"step":0.1}}}}'
  seed request wraps '{"symbol":"GOOG","timeframe":"1d","strategy":{"name":"dual_sma"},"grid":{"fast":{"range":{"start":1,"stop":65536,"step":1}},"slow":{"range":{"start":2,"stop":65537,"step":1}},"delay_bars":{"range":{"start":0,"stop":65535,"step":1}},"threshold_bp":{"range":{"start":0,"stop":6553.5,"step":0.1}}}}'
  seed request research '{"symbol":"GOOG","timeframe":"1d","strategy":{"name":"dual_sma"},"grid":{"fast":{"values":[5,10]},"slow":{"values":[50,100]},"risk.stop_loss_pct":{"values":[null,2]},"risk.take_profit_pct":{"values":[null,5]},"risk.params.fraction":{"values":[0.5,1]},"execution.fee_bps":{"range":{"start":0,"stop":10,"step":5}},"execution.slippage_bps":{"values":[0,1]}},"heatmap":{"x":"fast","y":"risk.stop_loss_pct"},"rank_by":"max_drawdown_pct","min_trades":3,"warmup_bars":50,"top_k":5,"top_trades_n":2}'
  seed request full '{"dataset_id":"ds_0123","from":"2005-01-01T00:00:00Z","to":"2012-12-31T00:00:00+01:00","strategy":{"name":"dual_sma","params":{"fast":20,"slow":50}},"execution":{"fill_price":"open_next","initial_cash":10000,"fee_bps":1.5,"commission_per_share":0,"slippage_bps":2,"borrow_bps":0},"risk":{"name":"fixed_fraction","params":{"fraction":0.5,"max_leverage":1.0},"stop_loss_pct":5,"take_profit_pct":null},"validation":{"permutation":{"n":100},"block_bootstrap":{"n":100,"block_size":24}},"top_k":3,"seed":7}'
}

run() { # target, max_len, extra libFuzzer flags
  local target=$1 max_len=$2 dir="$out/$1"
  shift 2
  mkdir -p "$dir/corpus"
  if "$out/$target-fuzz" -max_total_time="$seconds" -max_len="$max_len" -print_final_stats=1 \
    -dict="Tests/Fuzz/$target.dict" -artifact_prefix="$dir/" "$@" "$dir/corpus" >"$dir/fuzz.log" 2>&1; then
    echo "fuzz $target: no crash in ${seconds}s; $(grep -E '^stat::number_of_executed_units' "$dir/fuzz.log" | awk '{print $2}') execs"
  else
    grep -v "ld.gold" "$dir/fuzz.log" | grep -E "Fatal|fatal|ERROR|crash|Test unit written" | head -n 20
    echo "fuzz $target: crash; reproduce with $out/$target-fuzz $dir/crash-*"
    failed=1
  fi
}

build_http
build_websocket
build_csv
build_request
seed_all
failed=0
run http-parser 4096
run websocket-frames 4096
# Dispatch's worker threads upset libFuzzer's per-input malloc/free balance, so with leak
# checking every input ends in a full LeakSanitizer scan (~170 inputs/s instead of ~1,800).
# The reader's own allocations are freed on every path (CSVColumns) and covered by the tests.
run csv-reader 4096 -detect_leaks=0
run request 2048
exit "$failed"
