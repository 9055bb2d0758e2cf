#!/usr/bin/env bash
# Set up and start ils.
#
#   bash tools/run.sh            the desk application (first run: set up the database)
#   bash tools/run.sh --help     any other arguments go to the `ils` command
#
# Creates .venv/ in the repository with a Python 3.11+ found on the machine
# (PYTHON=/path/to/python to choose one) and installs the project into it in
# editable mode. The install is skipped when pyproject.toml and the Python are
# unchanged since the last one, so the second start is quick and works offline.
# The database is the default one in the user data folder, or ILS_DB.
#
# tools/test.sh sources this file for its set-up functions; only a direct
# `bash tools/run.sh` starts ils.

set -euo pipefail

ILS_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ILS_VENV="$ILS_ROOT/.venv"
ILS_STAMP="$ILS_VENV/.ils-install-stamp"
ILS_LOG_NAME="${ILS_LOG_NAME:-run.sh}"
ILS_APT_UPDATED=0

ils_log() { printf '%s: %s\n' "$ILS_LOG_NAME" "$*" >&2; }
ils_die() { ils_log "error: $*"; exit 1; }

# --- Debian packages ----------------------------------------------------------

# Runs a command as root: directly when root, else through sudo (without a
# password prompt when there is no terminal to answer it).
ils_as_root() {
    if [[ $(id -u) -eq 0 ]]; then
        "$@"
    elif command -v sudo >/dev/null 2>&1; then
        if [[ -t 0 ]]; then sudo "$@"; else sudo -n "$@"; fi
    else
        return 127
    fi
}

ils_deb_installed() {
    [[ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null || true)" == "install ok installed" ]]
}

# ils_ensure_debs PACKAGE...: installs those not installed yet (apt-get update once first).
ils_ensure_debs() {
    command -v dpkg-query >/dev/null 2>&1 || {
        ils_log "warning: not a Debian system; make sure these are installed: $*"
        return 0
    }
    local missing=() pkg
    for pkg in "$@"; do
        ils_deb_installed "$pkg" || missing+=("$pkg")
    done
    [[ ${#missing[@]} -eq 0 ]] && return 0
    ils_log "installing Debian packages: ${missing[*]}"
    if [[ $(id -u) -ne 0 ]] && ! command -v sudo >/dev/null 2>&1; then
        ils_die "missing Debian packages: ${missing[*]}. Not root and no sudo: ask an administrator to run
    apt-get update && apt-get install -y ${missing[*]}"
    fi
    if [[ $ILS_APT_UPDATED -eq 0 ]]; then
        ils_as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q \
            || ils_die "apt-get update failed (is sudo allowed without a password? missing: ${missing[*]})"
        ILS_APT_UPDATED=1
    fi
    ils_as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" \
        || ils_die "could not install ${missing[*]}; install them with: sudo apt-get install ${missing[*]}"
}

# --- A throwaway PostgreSQL server for the union's tests ------------------------
#
# ils_pg_start: when ILS_TEST_PG_URL is not set already, start PostgreSQL (Debian's
# `postgresql` package, installed when missing) in a temporary folder, on 127.0.0.1
# and a free port, with fsync off, and export ILS_TEST_PG_URL for pytest; ils_pg_stop
# (run by a trap) stops it and removes the folder. initdb refuses root, so the server
# runs as the `postgres` user; pytest stays as it is and connects over TCP.

ILS_PG_DIR=""

ils_pg_bin() {
    local dir
    for dir in /usr/lib/postgresql/*/bin; do
        [[ -x $dir/initdb ]] && { printf '%s\n' "$dir"; return 0; }
    done
    return 1
}

ils_pg_start() {
    [[ -n ${ILS_TEST_PG_URL:-} ]] && return 0
    ils_pg_bin >/dev/null || ils_ensure_debs postgresql
    local bin port owner=()
    bin="$(ils_pg_bin)" || ils_die "PostgreSQL is not installed and could not be installed"
    ILS_PG_DIR="$(mktemp -d "${TMPDIR:-/tmp}/ils-pg.XXXXXX")"
    if [[ $(id -u) -eq 0 ]]; then
        chown postgres: "$ILS_PG_DIR"
        owner=(runuser -u postgres --)
    fi
    port="$("$ILS_VENV/bin/python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
    "${owner[@]}" "$bin/initdb" -D "$ILS_PG_DIR/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 --no-sync \
        >"$ILS_PG_DIR/initdb.log" 2>&1 || ils_die "initdb failed: see $ILS_PG_DIR/initdb.log"
    "${owner[@]}" "$bin/pg_ctl" -D "$ILS_PG_DIR/data" -w -l "$ILS_PG_DIR/server.log" \
        -o "-c listen_addresses=127.0.0.1 -p $port -k $ILS_PG_DIR -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
        start >/dev/null || ils_die "PostgreSQL did not start: see $ILS_PG_DIR/server.log"
    trap ils_pg_stop EXIT
    export ILS_TEST_PG_URL="postgresql://postgres@127.0.0.1:$port/postgres"
    ils_log "PostgreSQL for the union tests at $ILS_TEST_PG_URL"
}

ils_pg_stop() {
    [[ -n $ILS_PG_DIR && -d $ILS_PG_DIR ]] || return 0
    local bin owner=()
    bin="$(ils_pg_bin)" || return 0
    [[ $(id -u) -eq 0 ]] && owner=(runuser -u postgres --)
    "${owner[@]}" "$bin/pg_ctl" -D "$ILS_PG_DIR/data" -m fast -w stop >/dev/null 2>&1 || true
    rm -rf "$ILS_PG_DIR"
    ILS_PG_DIR=""
}

# --- Python and the virtual environment -----------------------------------------

ils_python_ok() {
    "$1" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' >/dev/null 2>&1
}

# Prints a Python 3.11+ interpreter's path: $PYTHON, else python3, else python3.N.
ils_find_python() {
    local candidate
    for candidate in "${PYTHON:-}" python3 python3.14 python3.13 python3.12 python3.11; do
        [[ -n $candidate ]] || continue
        command -v "$candidate" >/dev/null 2>&1 || continue
        if ils_python_ok "$candidate"; then
            command -v "$candidate"
            return 0
        fi
    done
    return 1
}

# Debian splits venv/ensurepip out of its Python: install python3.N-venv if needed.
ils_ensure_venv_module() {
    local python=$1
    "$python" -c 'import venv, ensurepip' >/dev/null 2>&1 && return 0
    local version
    version="$("$python" -c 'import sys; print("%d.%d" % sys.version_info[:2])')"
    ils_ensure_debs "python${version}-venv"
    "$python" -c 'import venv, ensurepip' >/dev/null 2>&1 \
        || ils_die "$python cannot create virtual environments (no venv/ensurepip module)"
}

# Creates .venv unless a working one is there.
ils_ensure_venv() {
    if [[ -x "$ILS_VENV/bin/python" ]] && ils_python_ok "$ILS_VENV/bin/python"; then
        return 0
    fi
    local python
    python="$(ils_find_python)" || ils_die "Python 3.11 or newer is needed: apt-get install python3 python3-venv (or set PYTHON=/path/to/python3.11)"
    ils_ensure_venv_module "$python"
    if [[ -e "$ILS_VENV" ]]; then
        ils_log "replacing the broken virtual environment $ILS_VENV"
        rm -rf "$ILS_VENV"
    fi
    ils_log "creating $ILS_VENV with $python ($("$python" --version 2>&1))"
    "$python" -m venv "$ILS_VENV"
}

# What an install depends on: pyproject.toml and the interpreter.
ils_install_key() {
    {
        cat "$ILS_ROOT/pyproject.toml"
        "$ILS_VENV/bin/python" -c 'import sys; print(sys.version, sys.base_prefix)'
    } | sha256sum | cut -d' ' -f1
}

# ils_ensure_installed [EXTRA]: editable install of the project (with that extra).
# Skipped when the stamp says the same pyproject.toml and Python were installed
# with at least that extra.
ils_ensure_installed() {
    local extra=${1:-} key stamp_key="" stamp_extras=""
    key="$(ils_install_key)"
    if [[ -f "$ILS_STAMP" ]]; then
        read -r stamp_key stamp_extras <"$ILS_STAMP" || true
    fi
    if [[ "$stamp_key" == "$key" ]] && { [[ -z $extra ]] || [[ ",$stamp_extras," == *",$extra,"* ]]; }; then
        return 0
    fi
    local target="."
    [[ -n $extra ]] && target=".[$extra]"
    ils_log "installing ils into $ILS_VENV (pip install -e '$target')"
    rm -f "$ILS_STAMP"
    (
        cd "$ILS_ROOT"
        PIP_DISABLE_PIP_VERSION_CHECK=1 "$ILS_VENV/bin/python" -m pip install -q --progress-bar off -e "$target"
    ) || ils_die "pip install -e '$target' failed"
    printf '%s %s\n' "$key" "$extra" >"$ILS_STAMP"
}

ils_run_main() {
    ils_ensure_venv
    ils_ensure_installed ""
    if [[ $# -eq 0 ]] && { [[ ! -t 0 ]] || [[ ! -t 1 ]]; }; then
        ils_die "the desk application needs a terminal; without one, give a command, e.g. bash tools/run.sh --help"
    fi
    exec "$ILS_VENV/bin/ils" "$@"
}

if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
    ils_run_main "$@"
fi
