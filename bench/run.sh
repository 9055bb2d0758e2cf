#!/usr/bin/env bash
# Every benchmark at full size, each figure beside its raw floor: bash bench/run.sh [DB] [SCALE]
#
# Builds the full-size library once at DB (default /tmp/ils-bench/full.sqlite; SCALE 1 = 1,000,000
# items, 100,000 readers, 3,000,000 loans; about 20 minutes on 2 cores) and reuses it after, then
# runs the benchmarks on it and writes everything they print to DB's folder as results.txt.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
python=.venv/bin/python
[ -x "$python" ] || { echo "run 'bash tools/test.sh' first: it sets up .venv/" >&2; exit 1; }
db="${1:-/tmp/ils-bench/full.sqlite}"
scale="${2:-1}"
mkdir -p "$(dirname "$db")"
results="$(dirname "$db")/results.txt"
{
  echo "# $(date -Iseconds) $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GB, $($python -V)," \
       "SQLite $($python -c 'import sqlite3; print(sqlite3.sqlite_version)'), commit $(git rev-parse --short HEAD)"
  [ -f "$db" ] || $python bench/generate.py --db "$db" --scale "$scale"
  $python bench/bench_circulation.py --db "$db"
  $python bench/bench_readers.py --db "$db"
  $python bench/bench_report.py --db "$db"
  $python bench/bench_annual.py --db "$db"
  $python bench/bench_search.py --db "$db"
  $python bench/bench_tui.py --db "$db"
  $python bench/bench_import.py
  $python bench/bench_marc_read.py
  $python bench/bench_write.py
} 2>&1 | tee "$results"
