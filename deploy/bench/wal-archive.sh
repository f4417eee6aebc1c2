#!/usr/bin/env bash
# WAL archiver benchmark: which archiver keeps the RPO, in one run on one private PostgreSQL 15
# cluster with durable settings (fsync on, synchronous_commit on, full_page_writes on):
#
#   A<t>  archive_command = flowviz-dr's WalCommand (worker jar) with archive_timeout = <t> s
#   B     pg_receivewal with a replication slot into a local spool + an uploader pushing each
#         completed segment with the same command (archive_mode off, archive_timeout 30 s)
#   C     pgBackRest archive-push, async (spool + archive-push-queue), lz4, aes-256-cbc, local repo
#   Cs    pgBackRest archive-push, synchronous, otherwise the same
#   R<t>  archive_command = flowviz-wal push through the resident archiver (flowviz-wal serve, one
#         warm JVM as the server's user; the client is bash, no JVM), archive_timeout = <t> s
#
# Each candidate gets, one after the other on the same cluster:
#   heavy    pgbench -c $BENCH_CLIENTS -T $BENCH_SECONDS (TPC-B-like on scale $BENCH_SCALE)
#   light    pgbench -c 1 -R $BENCH_LIGHT_RATE -T $BENCH_LIGHT_SECONDS: a segment takes minutes to
#            fill, so the exposure is bounded by archive_timeout (or not at all)
#   drain    the archiver paused while pgbench writes for $BENCH_BACKLOG_SECONDS, then resumed:
#            the MB/s it sustains working off a backlog (its capacity, not the load's WAL rate)
# and reports, per candidate (JSON, last line):
#   RPO exposure, sampled each second: now - the time the oldest WAL not yet in the archive was
#     written (the last sample whose insert LSN was <= the archived end: an upper bound, 1 s
#     resolution), max and p95, for heavy and light;
#   WAL MB/s: generated under heavy load, and sustained by the archiver draining the backlog;
#   CPU seconds per segment: the archiver process and everything it forks (archive_command's
#     shell, the JVM or pgbackrest and its async process), from a cpuacct cgroup the archiver is
#     moved into; for B the cgroup holds pg_receivewal + the uploader and its JVMs, and the
#     walsender's own CPU (/proc/<pid>/stat utime+stime) is reported beside it;
#   bytes per segment in the archive (the bucket's objects, or pgBackRest's repo files);
#   for B: the WAL the slot no longer protects (slot restart_lsn - end of what is in S3): the server
#     may recycle it, so it exists only on the receiver's disk.
#
#   deploy/bench/wal-archive.sh                           # all candidates (about 25 minutes)
#   BENCH_CANDIDATES="A30 C" BENCH_SECONDS=30 deploy/bench/wal-archive.sh
#
# Knobs: BENCH_CANDIDATES (default "A30 A5 B C Cs R30 R5"), BENCH_SCALE (30), BENCH_CLIENTS (4),
# BENCH_SECONDS (120), BENCH_LIGHT_SECONDS (60), BENCH_LIGHT_RATE (20 tx/s), BENCH_BACKLOG_SECONDS
# (20), BENCH_HOME (/tmp/flowviz-dr-walbench), BENCH_SKIP_BUILD (1: use the built worker jar).
# Runs as root (the server runs as postgres) or as a user that can run initdb.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT="$PWD"
CANDIDATES="${BENCH_CANDIDATES:-A30 A5 B C Cs R30 R5}"
SCALE="${BENCH_SCALE:-30}"
CLIENTS="${BENCH_CLIENTS:-4}"
HEAVY_SECONDS="${BENCH_SECONDS:-120}"
LIGHT_SECONDS="${BENCH_LIGHT_SECONDS:-60}"
LIGHT_RATE="${BENCH_LIGHT_RATE:-20}"
BACKLOG_SECONDS="${BENCH_BACKLOG_SECONDS:-20}"
BENCH_HOME="${BENCH_HOME:-/tmp/flowviz-dr-walbench}"
OUT="$ROOT/target/bench/wal-archive"
PGBIN="${PGBIN:-/usr/lib/postgresql/15/bin}"
export PATH="$PGBIN:$HOME/.pyenv/shims:$PATH"
log() { printf '[wal-bench %s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

for tool in java mvn psql pgbench pg_receivewal gpg aws moto_server python3 pgbackrest curl; do
  command -v "$tool" >/dev/null || { echo "wal-bench: $tool is required (pgbackrest: apt-get install -y pgbackrest)" >&2; exit 1; }
done

if [ "$(id -u)" = 0 ]; then
  # setpriv execs: the PID of a background as_pg is the program's own (signals reach it).
  as_pg() { setpriv --reuid=postgres --regid=postgres --clear-groups env HOME="$BENCH_HOME" "$@"; }
  AS_PG_PREFIX="setpriv --reuid=postgres --regid=postgres --clear-groups"
  RUN_USER=postgres
else
  as_pg() { "$@"; }
  AS_PG_PREFIX=""
  RUN_USER="$(id -un)"
fi

JAR_SRC="$ROOT/worker/target/flowviz-dr-worker.jar"
if [[ " $CANDIDATES " == *" A"* || " $CANDIDATES " == *" B "* || " $CANDIDATES " == *" R"* ]]; then
  if [ "${BENCH_SKIP_BUILD:-0}" != 1 ]; then
    log "building the worker jar"
    mvn -B -q -o -pl worker -am package -DskipTests >/dev/null
  fi
  [ -f "$JAR_SRC" ] || { echo "wal-bench: $JAR_SRC is missing" >&2; exit 1; }
  unzip -l "$JAR_SRC" 'com/flowviz/dr/worker/wal/WalCommand.class' >/dev/null 2>&1 \
    || { echo "wal-bench: the worker jar has no com.flowviz.dr.worker.wal.WalCommand" >&2; exit 1; }
fi

rm -rf "$BENCH_HOME" "$OUT"
mkdir -p "$BENCH_HOME" "$OUT"
chmod 755 "$BENCH_HOME"
[ "$(id -u)" = 0 ] && chown postgres "$OUT"
CGROOT=/sys/fs/cgroup/cpuacct
PIDS=()
cleanup() {
  set +e
  [ -n "${UPLOADER_PID:-}" ] && kill "$UPLOADER_PID" 2>/dev/null
  [ -n "${RECEIVER_PID:-}" ] && kill "$RECEIVER_PID" 2>/dev/null
  [ -n "${SERVE_PID:-}" ] && kill "$SERVE_PID" 2>/dev/null
  [ -d "$BENCH_HOME/data" ] && as_pg pg_ctl -D "$BENCH_HOME/data" -m immediate -w stop >/dev/null 2>&1
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null; done
  [ -n "${GNUPGHOME:-}" ] && gpgconf --kill gpg-agent 2>/dev/null
  for cg in "$CGROOT"/flowviz-walbench-*; do [ -d "$cg" ] && rmdir "$cg" 2>/dev/null; done
}
trap cleanup EXIT

# --- S3: moto_server on loopback -----------------------------------------------------------------
MOTO_PORT="$(free_port)"
moto_server -H 127.0.0.1 -p "$MOTO_PORT" >"$OUT/moto.log" 2>&1 &
PIDS+=($!)
export AWS_ENDPOINT_URL="http://127.0.0.1:$MOTO_PORT" AWS_ACCESS_KEY_ID=bench AWS_SECRET_ACCESS_KEY=bench AWS_REGION=us-east-1
for _ in $(seq 1 100); do curl -fs "$AWS_ENDPOINT_URL/moto-api/" >/dev/null 2>&1 && break; sleep 0.2; done

# --- keys: the backup recipient's public key and the signing key, as files on the DB host ---------
export GNUPGHOME="$BENCH_HOME/gnupg"
mkdir -p "$GNUPGHOME" && chmod 700 "$GNUPGHOME"
KEYS="$BENCH_HOME/keys"
mkdir -p "$KEYS"
gpg --batch --quiet --passphrase '' --quick-gen-key 'flowviz-dr bench backups <bench@localhost>' rsa3072 encr never 2>/dev/null
gpg --batch --quiet --armor --export 'bench@localhost' >"$KEYS/backup-public.asc"
# The signing key, as the worker keeps it: armored secret key + passphrase in the secret store
# (here the local backend: 0600 files), read by the WAL command on the DB host.
SIGNING_PASS="$(head -c 18 /dev/urandom | base64)"
gpg --batch --quiet --pinentry-mode loopback --passphrase "$SIGNING_PASS" \
  --quick-gen-key 'flowviz-dr bench signing <signing@localhost>' rsa3072 sign never 2>/dev/null
mkdir -p "$KEYS/secrets" && chmod 700 "$KEYS/secrets"
gpg --batch --quiet --pinentry-mode loopback --passphrase "$SIGNING_PASS" --armor \
  --export-secret-keys 'signing@localhost' >"$KEYS/secrets/flowviz_backup_signing-key"
printf '%s' "$SIGNING_PASS" >"$KEYS/secrets/flowviz_backup_signing-key-passphrase"
chmod 600 "$KEYS/secrets"/*
# shellcheck source=deploy/bench/wal-command-env.sh
. "$ROOT/deploy/bench/wal-command-env.sh"

# --- the cluster ---------------------------------------------------------------------------------
PGDATA="$BENCH_HOME/data"
SOCK="$BENCH_HOME"
PGPORT="$(free_port)"
export PGHOST="$SOCK" PGPORT PGUSER=postgres PGDATABASE=postgres
if [ -f "$JAR_SRC" ]; then
  cp "$JAR_SRC" "$BENCH_HOME/worker.jar"
  cp "${BENCH_WAL_SCRIPT:-$ROOT/deploy/wal/flowviz-wal}" "$BENCH_HOME/flowviz-wal"
  chmod 755 "$BENCH_HOME/flowviz-wal"
fi
write_wal_env bench-warm-up # --make-cds's warm-up push needs the keys; it writes no object
chown -R "$RUN_USER" "$BENCH_HOME"
if [ -f "$JAR_SRC" ]; then
  # The class-data archive deploy/wal says to make once (a warm-up push into a temporary directory).
  as_pg env FLOWVIZ_WAL_ENV_FILE="$(wal_env_file bench-warm-up)" \
    "$BENCH_HOME/flowviz-wal" --make-cds >"$OUT/make-cds.log" 2>&1 || true
  [ -f "$BENCH_HOME/flowviz-wal.jsa" ] || log "no class-data archive (see $OUT/make-cds.log): JVMs start without it"
fi
log "initdb + pgbench -i -s $SCALE"
as_pg initdb -D "$PGDATA" -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 >"$OUT/initdb.log"
cat >>"$PGDATA/postgresql.conf" <<EOF
listen_addresses = ''
unix_socket_directories = '$SOCK'
port = $PGPORT
fsync = on
synchronous_commit = on
full_page_writes = on
wal_level = replica
max_wal_senders = 4
max_replication_slots = 4
shared_buffers = '256MB'
max_wal_size = '1GB'
checkpoint_timeout = '5min'
archive_mode = on
archive_command = ''
archive_timeout = 0
log_min_messages = warning
log_line_prefix = '%m [%p] '
EOF
pg_start() { as_pg env AWS_ENDPOINT_URL="$AWS_ENDPOINT_URL" AWS_ACCESS_KEY_ID=bench AWS_SECRET_ACCESS_KEY=bench AWS_REGION=us-east-1 \
  "${WAL_COMMAND_ENV[@]}" pg_ctl -D "$PGDATA" -l "$OUT/server.log" -w -t 120 start >/dev/null; }
pg_restart() { as_pg pg_ctl -D "$PGDATA" -m fast -w stop >/dev/null; pg_start; }
pg_start
psqlq() { psql -X -q -At -v ON_ERROR_STOP=1 "$@"; }
pgbench -i -q -s "$SCALE" postgres >"$OUT/pgbench-init.log" 2>&1
SYSID="$(psqlq -c "SELECT system_identifier FROM pg_control_system()")"
export BENCH_SYSID="$SYSID"
DB_BYTES="$(psqlq -c "SELECT pg_database_size('postgres')")"
log "cluster $SYSID, $DB_BYTES bytes"

# --- pgBackRest: local repo, lz4, aes-256-cbc; passphrase in its config file (never argv) -------
BR_CONF="$BENCH_HOME/pgbackrest.conf"
cat >"$BR_CONF" <<EOF
[global]
repo1-path=$BENCH_HOME/pgbackrest-repo
repo1-cipher-type=aes-256-cbc
repo1-cipher-pass=$(head -c 24 /dev/urandom | base64)
compress-type=lz4
process-max=2
log-path=$BENCH_HOME/pgbackrest-log
lock-path=$BENCH_HOME/pgbackrest-lock
spool-path=$BENCH_HOME/pgbackrest-spool
log-level-console=warn
log-level-file=info
archive-async=n
start-fast=y

[bench]
pg1-path=$PGDATA
pg1-socket-path=$SOCK
pg1-port=$PGPORT
pg1-user=postgres
EOF
mkdir -p "$BENCH_HOME/pgbackrest-repo" "$BENCH_HOME/pgbackrest-log" "$BENCH_HOME/pgbackrest-lock" "$BENCH_HOME/pgbackrest-spool"
chown -R "$RUN_USER" "$BENCH_HOME"
chmod 600 "$BR_CONF"
as_pg pgbackrest --config="$BR_CONF" --stanza=bench stanza-create >"$OUT/pgbackrest-stanza.log" 2>&1

# --- sampling --------------------------------------------------------------------------------------
SAMPLE_SQL="SELECT extract(epoch FROM clock_timestamp()), pg_current_wal_lsn() - '0/0'::pg_lsn,
  coalesce(a.last_archived_wal, '-'), a.archived_count, a.failed_count,
  coalesce((SELECT flush_lsn - '0/0'::pg_lsn FROM pg_stat_replication LIMIT 1), -1),
  coalesce((SELECT restart_lsn - '0/0'::pg_lsn FROM pg_replication_slots LIMIT 1), -1)
  FROM pg_stat_archiver a"
sampler() { # phase file -> runs until killed; one CSV row a second
  local phase="$1" file="$2"
  set +e
  while :; do
    local row up spool
    row="$(psql -X -At -F, -c "$SAMPLE_SQL" 2>/dev/null || true)"
    up="$(cat "$BENCH_HOME/uploaded-last" 2>/dev/null || echo -)"
    spool="$(find "$BENCH_HOME/spool" -maxdepth 1 -regextype posix-extended -regex '.*/[0-9A-F]{24}' 2>/dev/null | wc -l)"
    [ -n "$row" ] && echo "$phase,$row,$up,$spool" >>"$file"
    sleep 1
  done
}
start_sampler() { sampler "$1" "$2" & SAMPLER_PID=$!; }
stop_sampler() { kill "$SAMPLER_PID" 2>/dev/null; wait "$SAMPLER_PID" 2>/dev/null || true; }

# --- the CPU accounting: a cpuacct cgroup for the archiving side ---------------------------------
cg_new() { local cg="$CGROOT/flowviz-walbench-$1"; mkdir -p "$cg"; echo "$cg"; }
cg_usage() { awk '{printf "%.3f", $1 / 1e9}' "$1/cpuacct.usage"; }
proc_cpu() { # pid -> utime+stime seconds
  awk -v hz="$(getconf CLK_TCK)" '{print ($14 + $15) / hz}' "/proc/$1/stat" 2>/dev/null || echo 0
}
archiver_pid() { psqlq -c "SELECT pid FROM pg_stat_activity WHERE backend_type = 'archiver'"; }
walsender_pid() { psqlq -c "SELECT pid FROM pg_stat_replication LIMIT 1"; }

# --- what "archived" means per candidate ------------------------------------------------------------
archived_segments() { # candidate -> count of segments in the archive so far
  case "$1" in
    A* | R*) psqlq -c "SELECT archived_count FROM pg_stat_archiver" ;;
    B) cat "$BENCH_HOME/uploaded-count" 2>/dev/null || echo 0 ;;
    C*) psqlq -c "SELECT archived_count FROM pg_stat_archiver" ;;
  esac
}
archive_bytes() { # candidate -> "objects bytes" of WAL segments in the archive
  case "$1" in
    A* | B | R*) aws s3api list-objects-v2 --bucket "bench-$(echo "$1" | tr A-Z a-z)" --prefix "wal/" \
      --query '[length(Contents[?!contains(Key, `.sig`)]), sum(Contents[?!contains(Key, `.sig`)].Size)]' --output text 2>/dev/null \
      | awk '{print ($1 == "None" ? 0 : $1), ($2 == "None" ? 0 : $2)}' ;;
    C*) find "$BENCH_HOME/pgbackrest-repo/archive" -type f -regextype posix-extended -regex '.*/[0-9A-F]{24}-[0-9a-f]{40}.*' -printf '%s\n' \
      | awk '{n++; s+=$1} END {print n+0, s+0}' ;;
  esac
}
caught_up() { # candidate -> true when everything written so far (before a switch) is archived
  python3 "$ROOT/deploy/bench/wal_exposure.py" caught-up "$1" "x,$(psql -X -At -F, -c "$SAMPLE_SQL"),$(cat "$BENCH_HOME/uploaded-last" 2>/dev/null || echo -),0"
}
wait_caught_up() { # candidate seconds
  local until=$(( $(date +%s) + $2 ))
  while [ "$(date +%s)" -lt "$until" ]; do
    caught_up "$1" && return 0
    sleep 0.5
  done
  return 1
}

# --- B's receiver and uploader ---------------------------------------------------------------------
start_receiver() {
  mkdir -p "$BENCH_HOME/spool" "$BENCH_HOME/uploaded"
  chown "$RUN_USER" "$BENCH_HOME/spool" "$BENCH_HOME/uploaded"
  as_pg pg_receivewal -D "$BENCH_HOME/spool" -S flowviz_bench --synchronous -n -v >>"$OUT/receiver.log" 2>&1 &
  RECEIVER_PID=$!
  echo "$RECEIVER_PID" >"$1/cgroup.procs" 2>/dev/null || true
}
start_uploader() {
  as_pg env AWS_ENDPOINT_URL="$AWS_ENDPOINT_URL" AWS_ACCESS_KEY_ID=bench AWS_SECRET_ACCESS_KEY=bench AWS_REGION=us-east-1 \
    "${WAL_COMMAND_ENV[@]}" WAL_BUCKET=bench-b BENCH_HOME="$BENCH_HOME" BENCH_SYSID="$SYSID" bash "$ROOT/deploy/bench/wal-uploader.sh" >>"$OUT/uploader.log" 2>&1 &
  UPLOADER_PID=$!
  echo "$UPLOADER_PID" >"$1/cgroup.procs" 2>/dev/null || true
}
stop_receiver_and_uploader() {
  kill "$UPLOADER_PID" "$RECEIVER_PID" 2>/dev/null || true
  wait "$UPLOADER_PID" "$RECEIVER_PID" 2>/dev/null || true
  UPLOADER_PID="" RECEIVER_PID=""
  # The walsender lets go of the slot a moment after the receiver is gone.
  for _ in $(seq 1 100); do
    [ "$(psqlq -c "SELECT count(*) FROM pg_replication_slots WHERE active")" = 0 ] && break
    sleep 0.1
  done
}

# --- R's resident archiver: as the server's user, in the candidate's cgroup (its CPU counts) ----------
start_serve() { # candidate bucket
  local serve_file="$BENCH_HOME/run-$1/serve"
  mkdir -p "$(dirname "$serve_file")" && chmod 700 "$(dirname "$serve_file")" && chown "$RUN_USER" "$(dirname "$serve_file")"
  # Into the cgroup before the exec chain (setpriv, env, the wrapper, java: one PID), so the JVM and
  # every thread it starts are counted; moving it afterwards would race its start.
  CG_FILE="$CG/cgroup.procs" bash -c 'echo $$ >"$CG_FILE"; exec "$@"' serve \
    $AS_PG_PREFIX env HOME="$BENCH_HOME" FLOWVIZ_WAL_ENV_FILE="$(wal_env_file "$2")" FLOWVIZ_WAL_PGDATA="$PGDATA" \
    "$BENCH_HOME/flowviz-wal" serve >>"$OUT/serve-$1.log" 2>&1 &
  SERVE_PID=$!
  for _ in $(seq 1 300); do [ -s "$serve_file" ] && return 0; sleep 0.1; done
  log "$1: the resident archiver did not start (see $OUT/serve-$1.log)"
}
stop_serve() {
  if [ -n "${SERVE_PID:-}" ]; then kill "$SERVE_PID" 2>/dev/null || true; wait "$SERVE_PID" 2>/dev/null || true; fi
  SERVE_PID=""
}

configure() { # candidate -> archive settings, restart, cgroup; sets CG
  local cand="$1" cmd timeout mode=on
  local bucket="bench-$(echo "$cand" | tr A-Z a-z)"
  case "$cand" in
    A*) timeout="${cand#A}"; cmd="$(wal_archive_command "$bucket")"; aws s3 mb "s3://$bucket" >/dev/null; write_wal_env "$bucket" ;;
    R*) timeout="${cand#R}"; cmd="$(wal_archive_command "$bucket")"; aws s3 mb "s3://$bucket" >/dev/null
      write_wal_env "$bucket" "$BENCH_HOME/run-$cand/serve" ;;
    B) timeout=30; mode=off; cmd=""; aws s3 mb "s3://$bucket" >/dev/null; write_wal_env "$bucket" ;;
    C) timeout=30; cmd="pgbackrest --config=$BR_CONF --stanza=bench --archive-async=y archive-push %p" ;;
    Cs) timeout=30; cmd="pgbackrest --config=$BR_CONF --stanza=bench archive-push %p" ;;
  esac
  psqlq -c "ALTER SYSTEM SET archive_mode = '$mode'" -c "ALTER SYSTEM SET archive_timeout = '${timeout}s'" \
    -c "ALTER SYSTEM SET archive_command = '${cmd//\'/\'\'}'"
  ARCHIVE_COMMAND="$cmd"
  pg_restart
  CG="$(cg_new "$cand")"
  if [ "$cand" = B ]; then
    psqlq -c "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots" >/dev/null
    as_pg pg_receivewal -S flowviz_bench --create-slot >>"$OUT/receiver.log" 2>&1
    rm -rf "$BENCH_HOME/spool" "$BENCH_HOME/uploaded" "$BENCH_HOME/uploaded-last" "$BENCH_HOME/uploaded-count"
    start_receiver "$CG"
    start_uploader "$CG"
    sleep 2
  else
    archiver_pid >"$CG/cgroup.procs"
  fi
  if [[ $cand == R* ]]; then start_serve "$cand" "$bucket"; fi
  psqlq -c "SELECT pg_switch_wal()" >/dev/null
  wait_caught_up "$cand" 120 || log "$cand: not caught up after the first switch"
}

pause_archiver() {
  case "$1" in
    B) stop_receiver_and_uploader ;;
    *) psqlq -c "ALTER SYSTEM SET archive_command = ''" -c "SELECT pg_reload_conf()" >/dev/null ;;
  esac
}
resume_archiver() {
  case "$1" in
    B) start_receiver "$CG"; start_uploader "$CG" ;;
    *) psqlq -c "ALTER SYSTEM SET archive_command = '${ARCHIVE_COMMAND//\'/\'\'}'" -c "SELECT pg_reload_conf()" >/dev/null ;;
  esac
}

RESULTS="$OUT/results.jsonl"
: >"$RESULTS"
for cand in $CANDIDATES; do
  log "$cand: configuring"
  configure "$cand"
  samples="$OUT/samples-$cand.csv"
  : >"$samples"
  wsp=""
  [ "$cand" = B ] && wsp="$(walsender_pid)"

  log "$cand: load average $(cut -d' ' -f1-3 /proc/loadavg) (other work on this machine)"
  log "$cand: heavy load, pgbench -c $CLIENTS -T $HEAVY_SECONDS"
  seg0="$(archived_segments "$cand")"; cpu0="$(cg_usage "$CG")"; ws0="$( [ -n "$wsp" ] && proc_cpu "$wsp" || echo 0)"
  read -r obj0 bytes0 <<<"$(archive_bytes "$cand")"
  lsn0="$(psqlq -c "SELECT pg_current_wal_lsn() - '0/0'::pg_lsn")"
  start_sampler heavy "$samples"
  pgbench -n -c "$CLIENTS" -j 2 -T "$HEAVY_SECONDS" postgres >"$OUT/pgbench-heavy-$cand.log" 2>&1
  lsn1="$(psqlq -c "SELECT pg_current_wal_lsn() - '0/0'::pg_lsn")"
  wait_caught_up "$cand" 300 || log "$cand: still behind 300 s after the heavy load"
  stop_sampler
  seg1="$(archived_segments "$cand")"; cpu1="$(cg_usage "$CG")"; ws1="$( [ -n "$wsp" ] && proc_cpu "$wsp" || echo 0)"
  read -r obj1 bytes1 <<<"$(archive_bytes "$cand")"
  tps="$(grep -oP 'tps = \K[0-9.]+' "$OUT/pgbench-heavy-$cand.log" | tail -1)"

  log "$cand: light load, pgbench -c 1 -R $LIGHT_RATE -T $LIGHT_SECONDS"
  start_sampler light "$samples"
  pgbench -n -c 1 -R "$LIGHT_RATE" -T "$LIGHT_SECONDS" postgres >"$OUT/pgbench-light-$cand.log" 2>&1
  stop_sampler

  log "$cand: backlog of $BACKLOG_SECONDS s of writes with the archiver paused, then the drain"
  pause_archiver "$cand"
  pgbench -n -c "$CLIENTS" -j 2 -T "$BACKLOG_SECONDS" postgres >"$OUT/pgbench-backlog-$cand.log" 2>&1
  psqlq -c "SELECT pg_switch_wal()" >/dev/null
  dseg0="$(archived_segments "$cand")"; dcpu0="$(cg_usage "$CG")"
  t0="$(date +%s.%N)"
  start_sampler drain "$samples"
  resume_archiver "$cand"
  wait_caught_up "$cand" 600 || log "$cand: backlog not drained after 600 s"
  t1="$(date +%s.%N)"
  stop_sampler
  dseg1="$(archived_segments "$cand")"; dcpu1="$(cg_usage "$CG")"
  failed="$(psqlq -c "SELECT failed_count FROM pg_stat_archiver")"
  [ "$cand" = B ] && stop_receiver_and_uploader
  if [[ $cand == R* ]]; then
    stop_serve
    fallbacks="$(grep -c 'one-shot JVM' "$OUT/server.log" || true)"
    log "$cand: pushes that fell back to the one-shot JVM so far (whole run): $fallbacks"
  fi

  python3 "$ROOT/deploy/bench/wal_exposure.py" summary "$cand" "$samples" \
    "heavy_seconds=$HEAVY_SECONDS" "tps=$tps" "wal_bytes_heavy=$((lsn1 - lsn0))" \
    "segments_heavy=$((seg1 - seg0))" "cpu_heavy=$(python3 -c "print($cpu1 - $cpu0)")" \
    "walsender_cpu_heavy=$(python3 -c "print($ws1 - $ws0)")" \
    "objects_heavy=$((obj1 - obj0))" "archive_bytes_heavy=$((bytes1 - bytes0))" \
    "drain_segments=$((dseg1 - dseg0))" "drain_seconds=$(python3 -c "print($t1 - $t0)")" \
    "cpu_drain=$(python3 -c "print($dcpu1 - $dcpu0)")" "failed_count=$failed" >>"$RESULTS"
  tail -1 "$RESULTS" >&2
done

python3 - "$RESULTS" "$SCALE" "$CLIENTS" "$DB_BYTES" "$(cat /proc/loadavg)" <<'EOF'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
# Ratios against pgBackRest's async archive-push (C) of this same run: the figures to compare.
base = next((r for r in rows if r["candidate"] == "C"), None)
if base:
    for r in rows:
        for k in ("cpu_s_per_segment", "cpu_s_per_segment_drain"):
            if r.get(k) is not None and base.get(k):
                r[k + "_vs_C"] = round(r[k] / base[k], 2)
        if r.get("drain_mb_s") and base.get("drain_mb_s"):
            r["drain_mb_s_vs_C"] = round(r["drain_mb_s"] / base["drain_mb_s"], 3)
print(json.dumps({"benchmark": "wal-archive", "scale": int(sys.argv[2]), "clients": int(sys.argv[3]),
                  "db_bytes": int(sys.argv[4]), "loadavg_at_end": sys.argv[5], "candidates": rows}))
EOF
