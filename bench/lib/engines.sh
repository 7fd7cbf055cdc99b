# The engines of a scaled-out store for the benchmarks (sourced, not run): a PostgreSQL cluster made with initdb in a
# folder of the run (as the postgres user when run as root, since initdb refuses root) and s3rver with the buckets
# the run names, both on loopback ports of their own, and how much CPU they have used. stop_engines removes both.
# PostgreSQL keeps its durable defaults (fsync, synchronous_commit), as SQLite keeps synchronous=FULL.

pg_bin=""
pg_dir=""
pg_port=""
s3_pid=""
s3_port=""

free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

as_postgres() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

# start_postgres: a new cluster in a temporary folder of its own (the postgres user's when root: a folder inside the
# run's private one could not be entered by it), started; the superuser is "store" (trust on loopback).
start_postgres() {
  pg_bin=$(compgen -G '/usr/lib/postgresql/*/bin/initdb' | sort | tail -1 | xargs -r dirname)
  [ -n "$pg_bin" ] || { echo "PostgreSQL is missing: scripts/install-tools --tests installs it"; return 1; }
  pg_dir=$(mktemp -d /tmp/store-bench-pg.XXXXXX)
  pg_port=$(free_port)
  if [ "$(id -u)" = 0 ]; then chown postgres "$pg_dir"; fi
  as_postgres "$pg_bin/initdb" -D "$pg_dir/data" -A trust -U store -E UTF8 --locale=C.UTF-8 >/dev/null
  as_postgres "$pg_bin/pg_ctl" -D "$pg_dir/data" -w -l "$pg_dir/log" \
    -o "-p $pg_port -k $pg_dir -c listen_addresses=127.0.0.1 -c max_connections=200" start >/dev/null
}

# psql_admin SQL: runs SQL in the cluster's postgres database.
psql_admin() { "$pg_bin/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$pg_port" -U store -d postgres -c "$1" >/dev/null; }

# new_database NAME [TEMPLATE]: an empty database, or a copy of TEMPLATE; prints its DATABASE_URL.
new_database() {
  psql_admin "CREATE DATABASE $1${2:+ TEMPLATE $2}"
  echo "postgres://store@127.0.0.1:$pg_port/$1"
}

# start_s3rver DIR BUCKET...: s3rver with its data in DIR and those buckets made at its start.
start_s3rver() {
  local dir=$1 bin="${STORE_S3RVER:-$HOME/.cache/store-tools/s3rver}/node_modules/.bin/s3rver" args=() bucket
  shift
  [ -x "$bin" ] || { echo "s3rver is missing: scripts/install-tools --tests installs it"; return 1; }
  for bucket in "$@"; do args+=(--configure-bucket "$bucket"); done
  s3_port=$(free_port)
  mkdir -p "$dir"
  "$bin" -d "$dir" -a 127.0.0.1 -p "$s3_port" --silent --no-vhost-buckets "${args[@]}" >"$dir.log" 2>&1 &
  s3_pid=$!
  for _ in $(seq 1 300); do
    curl -s -o /dev/null "http://127.0.0.1:$s3_port/" && return 0
    sleep 0.1
  done
  echo "s3rver did not start:"; cat "$dir.log"; return 1
}

# s3_env BUCKET: the settings that put a store's files into BUCKET (s3rver's own account).
s3_env() {
  echo "MEDIA_STORE=s3 S3_ENDPOINT=http://127.0.0.1:$s3_port S3_BUCKET=$1 S3_ACCESS_KEY=S3RVER S3_SECRET_KEY=S3RVER S3_REGION=us-east-1"
}

# CPU clock ticks of a process, its live children and the children it has reaped (cutime, cstime): a postmaster's
# backends come and go, and their CPU is added to it when they exit.
tree_ticks() {
  local total=0 pid
  [ -n "$1" ] || { echo 0; return; }
  for pid in "$1" $(ps --ppid "$1" -o pid= 2>/dev/null); do
    total=$((total + $(awk '{print $14 + $15 + $16 + $17}' "/proc/$pid/stat" 2>/dev/null || echo 0)))
  done
  echo "$total"
}

# CPU ticks PostgreSQL and s3rver have used so far.
engine_ticks() {
  local postmaster=""
  [ -n "$pg_dir" ] && [ -f "$pg_dir/data/postmaster.pid" ] && postmaster=$(head -1 "$pg_dir/data/postmaster.pid")
  echo $(( $(tree_ticks "$postmaster") + $(tree_ticks "$s3_pid") ))
}

stop_engines() {
  if [ -n "$s3_pid" ]; then kill "$s3_pid" 2>/dev/null && wait "$s3_pid" 2>/dev/null || true; fi
  s3_pid=""
  if [ -n "$pg_dir" ] && [ -f "$pg_dir/data/postmaster.pid" ]; then
    as_postgres "$pg_bin/pg_ctl" -D "$pg_dir/data" -m immediate stop >/dev/null 2>&1 || true
  fi
  [ -n "$pg_dir" ] && rm -rf "$pg_dir"
  pg_dir=""
  return 0
}
