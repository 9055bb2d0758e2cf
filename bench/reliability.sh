#!/usr/bin/env bash
# The reliability suite at full size, with a table of figures: bash bench/reliability.sh [WORK] [SIZE]
#
# Kill -9 ×300 during checkouts and ×300 during MARC imports, 8 desks racing, backups during
# writes, a full disk (a tmpfs when this user may mount one, else RLIMIT_FSIZE), fuzzed MARC
# ×1,000, injection strings at the command line, and a scan of every file written for the raw
# ID and phone numbers of the readers it created. WORK (default /tmp/ils-reliability) holds the
# demo library it attacks copies of (built once, kept) and the last run's results.md; SIZE is
# full (default) or ci. About an hour on 2 cores. Exits 1 when a figure that must be 0 is not.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
python=.venv/bin/python
[ -x "$python" ] || { echo "run 'bash tools/test.sh' first: it sets up .venv/" >&2; exit 1; }
exec "$python" bench/reliability.py --work "${1:-/tmp/ils-reliability}" --size "${2:-full}"
