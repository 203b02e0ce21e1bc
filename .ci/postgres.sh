# PostgreSQL for the test suite's second pass: a throwaway cluster of our own on 127.0.0.1.
# Sourced by .ci/run. `pg_start DIR` sets PG_URL (SQLAlchemy URL of an empty database) and
# PG_BIN; `pg_stop` stops exactly that cluster (pg_ctl on its data folder, i.e. its postmaster pid).
# Debian's packages are installed if no server binaries are found; any failure returns non-zero
# so that the caller can skip the pass with a loud message.

pg_find_bin() {
  local dir
  for dir in /usr/lib/postgresql/*/bin; do
    [[ -x "$dir/initdb" && -x "$dir/pg_ctl" ]] && PG_BIN="$dir"
  done
  [[ -n "${PG_BIN:-}" ]]
}

pg_install() {
  pg_find_bin && return 0
  echo "ci: installing PostgreSQL from Debian's packages"
  export DEBIAN_FRONTEND=noninteractive
  timeout 600 apt-get update -qq &&
    timeout 600 apt-get install -y -qq --no-install-recommends postgresql >/dev/null &&
    pg_find_bin
}

pg_free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

pg_as_owner() {
  # initdb and postgres refuse to run as root: run them as the `postgres` user then.
  if [[ "$(id -u)" == 0 ]]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

pg_start() {
  local root="$1" port
  PG_DATA="$root/data"
  port="$(pg_free_port)"
  mkdir -p "$root"
  [[ "$(id -u)" == 0 ]] && chown postgres "$root"
  pg_as_owner "$PG_BIN/initdb" -D "$PG_DATA" -U hoso --auth=trust -E UTF8 --locale=C.UTF-8 \
    >"$root/initdb.log" 2>&1 || { cat "$root/initdb.log"; return 1; }
  pg_as_owner "$PG_BIN/pg_ctl" -D "$PG_DATA" -l "$root/server.log" -w -t 60 start \
    -o "-c listen_addresses=127.0.0.1 -p $port -k $root -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
    >/dev/null || { cat "$root/server.log"; return 1; }
  "$PG_BIN/createdb" -h 127.0.0.1 -p "$port" -U hoso hoso_test || return 1
  PG_URL="postgresql+psycopg://hoso@127.0.0.1:$port/hoso_test"
}

pg_stop() {
  [[ -n "${PG_DATA:-}" && -f "$PG_DATA/postmaster.pid" ]] || return 0
  pg_as_owner "$PG_BIN/pg_ctl" -D "$PG_DATA" -m fast -w stop >/dev/null || true
}
