#!/usr/bin/env bash
# A throwaway PostgreSQL cluster on a loopback port, for running the tests against a real server.
#   bash tools/pg_cluster.sh start DIR [PORT]   initdb in DIR (must not exist), start; prints the URL
#   bash tools/pg_cluster.sh stop DIR           stop it and remove DIR
# The server runs as the `postgres` user when this runs as root (PostgreSQL refuses to run as root),
# else as the current user. Durability is switched off: the cluster lives for one test run.
set -euo pipefail

bindir() {
  local dir
  dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
  if [ -z "$dir" ]; then
    dir=$(dirname "$(command -v pg_ctl || command -v initdb || echo /nonexistent/x)")
  fi
  [ -x "$dir/pg_ctl" ] || { echo "找不到 PostgreSQL 服务器程序（pg_ctl），请安装 postgresql" >&2; exit 1; }
  echo "$dir"
}

as_server_user() {
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

case "${1:-}" in
  start)
    dir=${2:?folder}
    port=${3:-$(free_port)}
    bin=$(bindir)
    mkdir -p "$dir"
    [ "$(id -u)" -ne 0 ] || chown postgres: "$dir"
    as_server_user "$bin/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 ||
      { cat "$dir/initdb.log" >&2; exit 1; }
    as_server_user "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 start -o \
      "-c listen_addresses=127.0.0.1 -p $port -c unix_socket_directories='$dir' -c max_connections=300 \
       -c fsync=off -c synchronous_commit=off -c full_page_writes=off" >/dev/null ||
      { cat "$dir/server.log" >&2; exit 1; }
    echo "postgresql+psycopg://postgres@127.0.0.1:$port/postgres"
    ;;
  stop)
    dir=${2:?folder}
    bin=$(bindir)
    [ ! -d "$dir/data" ] || as_server_user "$bin/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true
    rm -rf "$dir"
    ;;
  *)
    echo "用法：bash tools/pg_cluster.sh start 文件夹 [端口] | stop 文件夹" >&2
    exit 2
    ;;
esac
