#!/usr/bin/env bash
# Set up everything the tests need and run the whole suite.
#
#   bash tools/test.sh                      all tests (2 workers on 2 cores)
#   bash tools/test.sh -k barcode -x        any arguments go to pytest
#
# 1. Debian packages the tests use, when missing: poppler-utils (pdffonts,
#    pdftotext, pdftoppm), zbar-tools (zbarimg), tmux (the TUI driven for
#    real), fonts-wqy-zenhei, binutils (objcopy, for PyInstaller), espeak-ng
#    and sox (the blind room's spoken feedback, spoken to a WAV and measured).
#    As root apt-get runs directly, otherwise through sudo.
# 2. .venv/ with the project installed editable with its `test` extra
#    (skipped when pyproject.toml has not changed since the last install).
# 3. ruff check (lint), ruff format --check, mypy: their settings are in
#    pyproject.toml.
# 4. lint-imports: the layer contracts in pyproject.toml.
# 5. A throwaway PostgreSQL server (ils_pg_start in tools/run.sh: Debian's package
#    when missing, a temporary folder, a free port, stopped at exit) whose URL
#    pytest gets as ILS_TEST_PG_URL: the union tests run on it and on SQLite.
#    An ILS_TEST_PG_URL already set (a developer's own server) is used instead.
# 6. pytest -n auto over tests/ (--dist loadfile), the screen snapshots in
#    tests/ui/__snapshots__/ included. No test collected counts as a failure.
#
# Works unattended (CI=true, no terminal, no standard input).

set -euo pipefail

ILS_LOG_NAME=test.sh
# shellcheck source=tools/run.sh
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/run.sh"

# 1 once the whole tree has been through `ruff format` (issue 13: done once, after
# the branches that change many files are merged, so none of them conflicts with it).
format_check=1

debs=(poppler-utils zbar-tools tmux fonts-wqy-zenhei binutils espeak-ng sox)

ils_ensure_venv
# PyInstaller needs the interpreter's shared library; Debian's own Python
# keeps it in a separate package (libpython3.N).
libpython="$("$ILS_VENV/bin/python" - <<'PY'
import os, sys, sysconfig
name = sysconfig.get_config_var("INSTSONAME") or ""
libdir = sysconfig.get_config_var("LIBDIR") or ""
if sys.base_prefix == "/usr" and not os.path.exists(os.path.join(libdir, name)):
    print("libpython%d.%d" % sys.version_info[:2])
PY
)"
[[ -n $libpython ]] && debs+=("$libpython")
ils_ensure_debs "${debs[@]}"
ils_ensure_installed test

cd "$ILS_ROOT"

ils_log "ruff check"
"$ILS_VENV/bin/ruff" check --no-cache .
if [[ $format_check -eq 1 ]]; then
    ils_log "ruff format --check"
    "$ILS_VENV/bin/ruff" format --check --no-cache .
else
    ils_log "ruff format --check: off until the tree has been formatted (format_check in tools/test.sh)"
fi
ils_log "mypy"
"$ILS_VENV/bin/mypy"

ils_log "lint-imports"
"$ILS_VENV/bin/lint-imports"

ils_pg_start

ils_log "pytest -n auto $*"
set +e
# --dist loadfile keeps each file's tests on one worker, so the tests that share
# one built executable (or one wheel) do not wait for each other's build.
"$ILS_VENV/bin/python" -m pytest -n auto --dist loadfile --durations=10 "$@"
status=$?
set -e
if [[ $status -eq 5 ]]; then
    ils_log "error: pytest collected no test"
    exit 1
fi
exit $status
