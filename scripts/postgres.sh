#!/usr/bin/env bash
# The project-local PostgreSQL server for `boernedata build --target postgres` and `make test-engines`
# (docs/engines.md). Debian's server (installed when missing, as install_chromium.sh does for Chromium),
# a data directory inside the project, listening on 127.0.0.1 only, trust authentication for the local
# user `boernedata` (a throwaway development server: no secrets, no real data).
#
#   scripts/postgres.sh start    initdb when needed, start on BOERNEDATA_PG_PORT (default 55432, or the
#                                next free port), print the environment to use
#   scripts/postgres.sh stop     stop it (the data directory stays; delete it to start afresh)
#   scripts/postgres.sh status   exit 0 when it runs
#
# initdb refuses to run as root, so as root the server runs as Debian's `postgres` user.
set -euo pipefail
cd "$(dirname "$0")/.."
DATA="${BOERNEDATA_PG_DATA:-$PWD/.postgres}"
PORT="${BOERNEDATA_PG_PORT:-55432}"
DB="${BOERNEDATA_PG_DATABASE:-boernedata}"
USER_NAME="${BOERNEDATA_PG_USER:-boernedata}"

bindir() {
    local d
    d=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
    if [ -z "$d" ]; then
        local SUDO=""
        if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
        export DEBIAN_FRONTEND=noninteractive
        $SUDO apt-get update -qq
        $SUDO apt-get install -y -qq --no-install-recommends postgresql >/dev/null
        d=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
    fi
    echo "$d"
}

as_owner() {
    if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

port_free() {
    python3 -c "import socket,sys; s=socket.socket(); s.bind(('127.0.0.1', int(sys.argv[1])))" "$1" 2>/dev/null
}

case "${1:-}" in
start)
    BIN=$(bindir)
    if [ ! -f "$DATA/PG_VERSION" ]; then
        mkdir -p "$DATA"
        if [ "$(id -u)" -eq 0 ]; then chown postgres: "$DATA"; fi
        chmod 700 "$DATA"
        as_owner "$BIN/initdb" -D "$DATA" -U "$USER_NAME" --auth=trust --encoding=UTF8 --locale=C.UTF-8 >/dev/null
    fi
    if as_owner "$BIN/pg_ctl" -D "$DATA" status >/dev/null 2>&1; then
        PORT=$(sed -n 4p "$DATA/postmaster.pid")
    else
        while ! port_free "$PORT"; do PORT=$((PORT + 1)); done
        # Sized for an analytical build on one machine, not for many clients.
        as_owner "$BIN/pg_ctl" -D "$DATA" -l "$DATA/server.log" -w start \
            -o "-p $PORT -k $DATA -c listen_addresses=127.0.0.1 -c shared_buffers=512MB -c work_mem=256MB -c max_wal_size=4GB -c synchronous_commit=off -c fsync=off -c full_page_writes=off" >/dev/null
        as_owner "$BIN/psql" -h 127.0.0.1 -p "$PORT" -U "$USER_NAME" -d postgres -qtAc \
            "select 1 from pg_database where datname = '$DB'" | grep -q 1 ||
            as_owner "$BIN/createdb" -h 127.0.0.1 -p "$PORT" -U "$USER_NAME" "$DB"
    fi
    echo "$PORT" >"$DATA/boernedata.port"
    echo "PostgreSQL runs on 127.0.0.1:$PORT (data: $DATA)"
    echo "export BOERNEDATA_PG_HOST=127.0.0.1 BOERNEDATA_PG_PORT=$PORT BOERNEDATA_PG_USER=$USER_NAME BOERNEDATA_PG_DATABASE=$DB"
    ;;
stop)
    BIN=$(bindir)
    if [ -f "$DATA/PG_VERSION" ] && as_owner "$BIN/pg_ctl" -D "$DATA" status >/dev/null 2>&1; then
        as_owner "$BIN/pg_ctl" -D "$DATA" -m fast -w stop >/dev/null
        echo "PostgreSQL stopped (data kept in $DATA)"
    else
        echo "PostgreSQL is not running (data: $DATA)"
    fi
    ;;
status)
    BIN=$(bindir)
    as_owner "$BIN/pg_ctl" -D "$DATA" status
    ;;
*)
    echo "usage: scripts/postgres.sh start|stop|status" >&2
    exit 2
    ;;
esac
