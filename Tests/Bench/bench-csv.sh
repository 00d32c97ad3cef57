#!/usr/bin/env bash
# CSV ingest: pandas (read_csv + to_datetime, csv_peer.py) versus `backtestd bench-csv` on the
# same file in one run, median of 3 each, and the ratio pandas_s / our_s.
#   Tests/Bench/bench-csv.sh [path/to/backtestd] [file.csv] [python]
# Without a file, /tmp/SYNTH_1m_1M.csv (1,000,000 one-minute bars, 66 MB) is generated.
# pandas comes from $PYTHON or the venv in .build/venv (python3 -m venv .build/venv &&
# .build/venv/bin/pip install pandas numpy).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
binary=${1:-$root/.build/release/backtestd}
file=${2:-/tmp/SYNTH_1m_1M.csv}
python=${3:-${PYTHON:-$root/.build/venv/bin/python}}
bench=${BENCH_DIR:-$root/../shared/bench} # gen_synth.py and csv_peer.py
[ -x "$python" ] || python=python3
if [ ! -f "$file" ]; then "$python" "$bench/gen_synth.py" --rows 1000000 --out "$file" >/dev/null; fi
cat "$file" >/dev/null # both read from the page cache
peer=$("$python" "$bench/csv_peer.py" "$file" 3)
ours=$(/usr/bin/time -f "%M" -o /tmp/bench-csv-rss.$$ "$binary" bench-csv "$file" --runs 3)
rss_kb=$(cat /tmp/bench-csv-rss.$$)
rm -f /tmp/bench-csv-rss.$$
echo "$peer"
echo "$ours"
pandas_s=$(sed -E 's/^pandas: ([0-9.]+) s.*/\1/' <<<"$peer")
our_s=$(sed -E 's/^ours: ([0-9.]+) s.*/\1/' <<<"$ours")
parse_s=$(sed -E 's/.*parse alone ([0-9.]+) s.*/\1/' <<<"$ours")
python3 -c "print(f'ratio pandas_s/our_s = {$pandas_s / $our_s:.1f}x (parse alone {$pandas_s / $parse_s:.1f}x); peak RSS {$rss_kb / 1024:.0f} MB for {__import__(\"os\").path.getsize(\"$file\") / 1e6:.0f} MB of CSV')"
