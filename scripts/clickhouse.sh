#!/usr/bin/env bash
# A throwaway ClickHouse for the tests: `scripts/clickhouse.sh start DIR PORT` runs
# clickhouse-server as a plain process on 127.0.0.1:PORT (HTTP; PORT+1 native) with
# tests/clickhouse/{config,users}.xml and its data under DIR, waits until it answers, and writes
# its pid to DIR/pid; `scripts/clickhouse.sh stop DIR` stops that process (by its pid only).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"

start() {
    local dir="$1" port="$2"
    mkdir -p "$dir"/{data,tmp,user_files,format_schemas}
    sed -e "s#@HTTP_PORT@#$port#" -e "s#@TCP_PORT@#$((port + 1))#" -e "s#@DIR@#$dir#g" \
        -e "s#@USERS@#$dir/users.xml#" "$ROOT/tests/clickhouse/config.xml" >"$dir/config.xml"
    cp "$ROOT/tests/clickhouse/users.xml" "$dir/users.xml"
    clickhouse-server --config-file="$dir/config.xml" >"$dir/server.log" 2>&1 &
    echo $! >"$dir/pid"
    for _ in $(seq 1 100); do
        if curl -sf "http://127.0.0.1:$port/?query=SELECT%201" >/dev/null 2>&1; then
            echo "clickhouse: ready on 127.0.0.1:$port (pid $(cat "$dir/pid"))"
            return 0
        fi
        if ! kill -0 "$(cat "$dir/pid")" 2>/dev/null; then
            echo "clickhouse: the server exited; its log:" >&2
            tail -20 "$dir/server.log" >&2
            return 1
        fi
        sleep 0.2
    done
    echo "clickhouse: no answer on port $port after 20 s" >&2
    return 1
}

stop() {
    local dir="$1"
    [ -f "$dir/pid" ] || return 0
    local pid
    pid="$(cat "$dir/pid")"
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 50); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.2
    done
    kill -9 "$pid" 2>/dev/null || true
    rm -f "$dir/pid"
}

case "${1:-}" in
    start) start "$2" "$3" ;;
    stop) stop "$2" ;;
    *) echo "usage: $0 start DIR PORT | stop DIR" >&2; exit 2 ;;
esac
