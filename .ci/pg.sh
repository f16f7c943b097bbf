# A throwaway PostgreSQL cluster for the tests. Sourced by .ci/test.
# It listens only on a Unix socket in a private directory (mode 0700), so trust
# authentication reaches nobody but this user; pg_stop removes everything.

pg_start() {
  local bindir run=()
  bindir=$(pg_bindir)
  [ -n "$bindir" ] || die "no PostgreSQL server binaries under /usr/lib/postgresql"
  PG_DIR=$(mktemp -d "${TMPDIR:-/tmp}/frontline-pg.XXXXXX")
  if [ "$(id -u)" = 0 ]; then
    chown postgres:postgres "$PG_DIR"
    run=(runuser -u postgres --)
  fi
  chmod 700 "$PG_DIR"
  "${run[@]}" "$bindir/initdb" -D "$PG_DIR/data" -U postgres -A trust -E UTF8 --no-sync >/dev/null
  "${run[@]}" "$bindir/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w -s \
    -o "-k $PG_DIR -c listen_addresses='' -c max_connections=500 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
    start
  export TEST_POSTGRES_URL="postgres://postgres@localhost/postgres?host=$PG_DIR"
  say "PostgreSQL $("$bindir/postgres" --version | awk '{print $3}') on socket $PG_DIR"
}

pg_stop() {
  local bindir run=()
  [ -n "${PG_DIR:-}" ] && [ -d "$PG_DIR" ] || return 0
  bindir=$(pg_bindir)
  if [ "$(id -u)" = 0 ]; then run=(runuser -u postgres --); fi
  "${run[@]}" "$bindir/pg_ctl" -D "$PG_DIR/data" -m immediate -s stop >/dev/null 2>&1 || true
  rm -rf "$PG_DIR"
}
