#!/usr/bin/env bash
# Base backup benchmark, one run, one private durable cluster holding a FlowViz-like database:
#   bare      - pg_basebackup -Ft -X none -D - > /dev/null: the limit
#   project   - BaseBackupActivitiesImpl.takeBaseBackup through the real code (pg_basebackup ->
#               SHA-256 -> zstd-1 -> OpenPGP AES-256 -> signing store -> S3 multipart to moto on
#               loopback), from the call to the return (flowviz-dr's manifest, the last object, written)
#   project_zlib - the same with flowviz.base-backup.compression = openpgp-zlib (OpenPGP's zlib-1
#               inside the encryption; what the project did before zstd): the in-run baseline
#   pgbackrest - pgbackrest backup --type=full, repo on local disk, lz4, aes-256-cbc, process-max=2
#   pgbackrest_s3 - the same into an S3 repo in the same moto_server, through stunnel (TLS, which
#               pgBackRest insists on; a self-signed certificate, verify-tls=n), archive-check=n
#               (its WAL goes to the local repo, where the local row checks it)
# Wall time, CPU s (user+sys of the client process tree, /usr/bin/time), bytes stored, MB/s of the
# cluster, and ratios from this run. Optional: a JFR profile of a second project run (BENCH_JFR=1).
#
#   deploy/bench/base-backup.sh                    # ~1.7 GB cluster (340000 lots)
#   BENCH_LOTS=20000 deploy/bench/base-backup.sh   # a quick try (~150 MB)
#
# Knobs: BENCH_LOTS (default 340000), BENCH_PART_MIB (multipart part size, default 16, the worker's),
# BENCH_JFR (0/1, default 1), BENCH_BR_S3 (0/1, default 1: the pgbackrest_s3 row), BENCH_ZLIB (0/1, default 1: the project_zlib row),
# BENCH_WARM (0/1, default 1: a second project backup in the same JVM, the warm worker's row), BENCH_HOME (default /tmp/flowviz-dr-bbbench).
# Runs as root (the server and pgbackrest run as postgres) or as a user that can run initdb.
# The last line of output is one JSON object.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT="$PWD"
LOTS="${BENCH_LOTS:-340000}"
PART_MIB="${BENCH_PART_MIB:-16}"
JFR="${BENCH_JFR:-1}"
BENCH_HOME="${BENCH_HOME:-/tmp/flowviz-dr-bbbench}"
OUT="$ROOT/target/bench/base-backup"
PGBIN="${PGBIN:-/usr/lib/postgresql/15/bin}"
export PATH="$PGBIN:$HOME/.pyenv/shims:$PATH"
log() { printf '[bb-bench %s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

for tool in java mvn psql pg_basebackup gpg aws moto_server python3 pgbackrest curl openssl /usr/bin/time; do
  command -v "$tool" >/dev/null || { echo "bb-bench: $tool is required (pgbackrest: apt-get install -y pgbackrest)" >&2; exit 1; }
done
if [ "$(id -u)" = 0 ]; then
  AS_PG=(setpriv --reuid=postgres --regid=postgres --clear-groups env HOME="$BENCH_HOME")
  as_pg() { "${AS_PG[@]}" "$@"; }
  RUN_USER=postgres
else
  AS_PG=(env)
  as_pg() { "$@"; }
  RUN_USER="$(id -un)"
fi

# A fresh output directory: a row turned off must not report an earlier run's files.
rm -rf "$OUT"; mkdir -p "$OUT"
log "building (test classes of activities) and its test classpath"
# The compiler's debug output names the test classpath (the dependency plugin is not in the offline
# repository): touch the harness so that testCompile runs and prints it.
touch activities/src/test/java/com/flowviz/dr/activities/bench/BaseBackupBench.java
mvn -B -X -o -pl activities -am test-compile >"$OUT/build.log" 2>&1 || { echo "bb-bench: build failed, see $OUT/build.log" >&2; exit 1; }
awk '/^\[DEBUG\] Classpath:/ {on=1; cp=""; next} on && /^\[DEBUG\] Source roots:/ {on=0; last=cp; next}
     on {sub(/^\[DEBUG\] +/, ""); cp = cp (cp ? ":" : "") $0} END {print last}' "$OUT/build.log" >"$OUT/classpath"
CP="$(cat "$OUT/classpath")"
[[ "$CP" == *activities/target/test-classes* ]] || { echo "bb-bench: no test classpath in $OUT/build.log" >&2; exit 1; }
# shellcheck disable=SC2086
harness() { java -cp "$CP" ${HARNESS_JVM:-} com.flowviz.dr.activities.bench.BaseBackupBench "$@"; }

rm -rf "$BENCH_HOME"
mkdir -p "$BENCH_HOME"
chmod 755 "$BENCH_HOME"
PIDS=()
cleanup() {
  set +e
  [ -d "$BENCH_HOME/data" ] && as_pg pg_ctl -D "$BENCH_HOME/data" -m immediate -w stop >/dev/null 2>&1
  for d in "$BENCH_HOME"/instances/pitr-bench*/data "$BENCH_HOME/br-restore"; do
    [ -f "$d/postmaster.pid" ] && as_pg pg_ctl -D "$d" -m immediate -w stop >/dev/null 2>&1
  done
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null; done
  [ -n "${GNUPGHOME:-}" ] && gpgconf --kill gpg-agent 2>/dev/null
}
trap cleanup EXIT

MOTO_PORT="$(free_port)"
moto_server -H 127.0.0.1 -p "$MOTO_PORT" >"$OUT/moto.log" 2>&1 &
MOTO_PID=$!
PIDS+=("$MOTO_PID")
export AWS_ENDPOINT_URL="http://127.0.0.1:$MOTO_PORT" AWS_ACCESS_KEY_ID=bench AWS_SECRET_ACCESS_KEY=bench AWS_REGION=us-east-1
for _ in $(seq 1 100); do curl -fs "$AWS_ENDPOINT_URL/moto-api/" >/dev/null 2>&1 && break; sleep 0.2; done
aws s3api create-bucket --bucket bb-bench >/dev/null
aws s3api create-bucket --bucket bb-bench-zlib >/dev/null
aws s3api create-bucket --bucket bb-bench-warm >/dev/null

BR_S3="${BENCH_BR_S3:-1}"
if [ "$BR_S3" = 1 ]; then
  # pgBackRest speaks only TLS to S3. moto's own TLS (werkzeug) ends connections without a TLS
  # close, which pgBackRest's OpenSSL 3 refuses ("unexpected eof"): stunnel terminates TLS in
  # front of the plain moto_server instead.
  command -v stunnel4 >/dev/null || { echo "bb-bench: stunnel4 is required for the pgbackrest_s3 row (apt-get install -y stunnel4; or BENCH_BR_S3=0)" >&2; exit 1; }
  openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=127.0.0.1 \
    -keyout "$OUT/moto-tls.key" -out "$OUT/moto-tls.crt" >/dev/null 2>&1
  MOTO_TLS_PORT="$(free_port)"
  printf '%s\n' "foreground = yes" "pid =" "[s3]" "accept = 127.0.0.1:$MOTO_TLS_PORT" \
    "connect = 127.0.0.1:$MOTO_PORT" "cert = $OUT/moto-tls.crt" "key = $OUT/moto-tls.key" >"$OUT/stunnel.conf"
  stunnel4 "$OUT/stunnel.conf" >"$OUT/stunnel.log" 2>&1 &
  PIDS+=("$!")
  for _ in $(seq 1 100); do curl -fsk "https://127.0.0.1:$MOTO_TLS_PORT/moto-api/" >/dev/null 2>&1 && break; sleep 0.2; done
  aws s3api create-bucket --bucket br-bench >/dev/null
fi

# Keys: the recipient's public key (RSA 3072, as in wal-archive.sh) and the signing key in a local
# secret store (0600 files), as the worker keeps it.
export GNUPGHOME="$BENCH_HOME/gnupg"
mkdir -p "$GNUPGHOME" && chmod 700 "$GNUPGHOME"
KEYS="$BENCH_HOME/keys"
mkdir -p "$KEYS/secrets" && chmod -R 700 "$KEYS"
gpg --batch --quiet --passphrase '' --quick-gen-key 'flowviz-dr bench backups <bench@localhost>' rsa3072 encr never 2>/dev/null
gpg --batch --quiet --armor --export 'bench@localhost' >"$KEYS/backup-public.asc"
SIGNING_PASS="$(head -c 18 /dev/urandom | base64)"
gpg --batch --quiet --pinentry-mode loopback --passphrase "$SIGNING_PASS" \
  --quick-gen-key 'flowviz-dr bench signing <signing@localhost>' rsa3072 sign never 2>/dev/null
gpg --batch --quiet --pinentry-mode loopback --passphrase "$SIGNING_PASS" --armor \
  --export-secret-keys 'signing@localhost' >"$KEYS/secrets/flowviz_backup_signing-key"
printf '%s' "$SIGNING_PASS" >"$KEYS/secrets/flowviz_backup_signing-key-passphrase"
chmod 600 "$KEYS/secrets"/*

# The cluster: durable settings, WAL archived by pgbackrest (the project takes WAL from the archive).
PGDATA="$BENCH_HOME/data"
PGPORT="$(free_port)"
# TCP on loopback: the JDBC driver does not take a socket directory as PGHOST.
export PGHOST=127.0.0.1 PGPORT PGUSER=postgres PGDATABASE=postgres
BR_CONF="$BENCH_HOME/pgbackrest.conf"
RESTORE="${BENCH_RESTORE:-0}"
WAL_COPY="$BENCH_HOME/wal-copy"
WAL_COPY_CMD=""
if [ "$RESTORE" = 1 ]; then
  # The restore rows: each segment also copied aside, pushed to the bucket by the project's push
  # before its point-in-time recovery (the project's own archiver is measured by wal-archive.sh).
  mkdir -p "$WAL_COPY"
  WAL_COPY_CMD="cp %p $WAL_COPY/%f &&"
fi
chown -R "$RUN_USER" "$BENCH_HOME"
chown -R "$(id -un)" "$GNUPGHOME" "$KEYS"
as_pg initdb -D "$PGDATA" -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 >"$OUT/initdb.log"
cat >>"$PGDATA/postgresql.conf" <<EOF
listen_addresses = '127.0.0.1'
unix_socket_directories = '$BENCH_HOME'
port = $PGPORT
fsync = on
synchronous_commit = on
full_page_writes = on
wal_level = replica
max_wal_senders = 4
shared_buffers = '256MB'
max_wal_size = '2GB'
archive_mode = on
archive_command = '$WAL_COPY_CMD pgbackrest --config=$BR_CONF --stanza=bench archive-push %p'
log_min_messages = warning
EOF
cat >"$BR_CONF" <<EOF
[global]
repo1-path=$BENCH_HOME/pgbackrest-repo
repo1-cipher-type=aes-256-cbc
repo1-cipher-pass=$(head -c 24 /dev/urandom | base64)
compress-type=lz4
process-max=2
log-path=$BENCH_HOME/pgbackrest-log
lock-path=$BENCH_HOME/pgbackrest-lock
log-level-console=warn
start-fast=y

[bench]
pg1-path=$PGDATA
pg1-socket-path=$BENCH_HOME
pg1-port=$PGPORT
pg1-user=postgres
EOF
BR_S3_CONF="$BENCH_HOME/pgbackrest-s3.conf"
if [ "$BR_S3" = 1 ]; then
  sed -e "s|^repo1-path=.*|repo1-type=s3\nrepo1-path=/repo\nrepo1-s3-bucket=br-bench\nrepo1-s3-endpoint=127.0.0.1\nrepo1-storage-port=$MOTO_TLS_PORT\nrepo1-s3-region=us-east-1\nrepo1-s3-key=bench\nrepo1-s3-key-secret=bench\nrepo1-s3-uri-style=path\nrepo1-storage-verify-tls=n\narchive-check=n|" "$BR_CONF" >"$BR_S3_CONF"
  chown "$RUN_USER" "$BR_S3_CONF"; chmod 600 "$BR_S3_CONF"
fi
mkdir -p "$BENCH_HOME/pgbackrest-repo" "$BENCH_HOME/pgbackrest-log" "$BENCH_HOME/pgbackrest-lock"
chown -R "$RUN_USER" "$BR_CONF" "$BENCH_HOME/pgbackrest-repo" "$BENCH_HOME/pgbackrest-log" "$BENCH_HOME/pgbackrest-lock"
chmod 600 "$BR_CONF"
as_pg pg_ctl -D "$PGDATA" -l "$BENCH_HOME/server.log" -w -t 120 start >/dev/null
as_pg pgbackrest --config="$BR_CONF" --stanza=bench stanza-create >"$OUT/pgbackrest-stanza.log" 2>&1
[ "$BR_S3" = 1 ] && as_pg pgbackrest --config="$BR_S3_CONF" --stanza=bench stanza-create >"$OUT/pgbackrest-s3-stanza.log" 2>&1
psqlq() { psql -X -q -At -v ON_ERROR_STOP=1 "$@"; }

log "generating the FlowViz database ($LOTS lots)"
harness generate flowviz "$LOTS" >"$OUT/generate.json"
psqlq -c "VACUUM ANALYZE" -d flowviz
psqlq -c CHECKPOINT
SYSID="$(psqlq -c "SELECT system_identifier FROM pg_control_system()")"
CLUSTER_BYTES="$(psqlq -c "SELECT sum(pg_database_size(oid)) FROM pg_database")"
log "cluster $SYSID: $CLUSTER_BYTES bytes in its databases"

settle() { psqlq -c CHECKPOINT; sync; }
timed() { # name cmd... -> writes $OUT/$name.time: "wall user sys"
  local name="$1"; shift
  /usr/bin/time -f '%e %U %S' -o "$OUT/$name.time" "$@"
}
LOAD=()
load() { LOAD+=("$1=$(cut -d' ' -f1-3 /proc/loadavg)"); }
moto_cpu() { awk '{print ($14 + $15)}' "/proc/$MOTO_PID/stat"; }
TICKS="$(getconf CLK_TCK)"

log "bare: pg_basebackup -Ft -X none -D - > /dev/null"
settle; load bare
timed bare pg_basebackup -D - -Ft -X none --manifest-checksums=CRC32C --checkpoint=fast --no-password >/dev/null
log "bare: $(cat "$OUT/bare.time")"

log "project: BaseBackupActivitiesImpl.takeBaseBackup -> moto"
settle; load project
M0="$(moto_cpu)"
BENCH_T0_MS="$(date +%s%3N)" BENCH_MOTO_PID="$MOTO_PID" BENCH_BB_WARM="${BENCH_WARM:-1}" \
  timed project java -cp "$CP" com.flowviz.dr.activities.bench.BaseBackupBench backup bb-bench "$SYSID" "$KEYS/backup-public.asc" "$KEYS/secrets" "$PART_MIB" >"$OUT/project.json" 2>"$OUT/project.log"
M1="$(moto_cpu)"
log "project: $(cat "$OUT/project.time")"
PROJECT_BYTES="$(aws s3 ls --recursive --summarize s3://bb-bench/ | awk '/Total Size/ {print $3}')"

if [ "${BENCH_ZLIB:-1}" = 1 ]; then
  log "project_zlib: the same, compression openpgp-zlib"
  settle; load project_zlib
  timed project_zlib java -cp "$CP" com.flowviz.dr.activities.bench.BaseBackupBench backup bb-bench-zlib "$SYSID" "$KEYS/backup-public.asc" "$KEYS/secrets" "$PART_MIB" openpgp-zlib >"$OUT/project_zlib.json" 2>"$OUT/project_zlib.log"
  log "project_zlib: $(cat "$OUT/project_zlib.time")"
  ZLIB_BYTES="$(aws s3 ls --recursive --summarize s3://bb-bench-zlib/ | awk '/Total Size/ {print $3}')"
else
  ZLIB_BYTES=0
fi

log "pgbackrest backup --type=full"
settle; load pgbackrest
timed pgbackrest "${AS_PG[@]}" pgbackrest --config="$BR_CONF" --stanza=bench backup --type=full
log "pgbackrest: $(cat "$OUT/pgbackrest.time")"
BR_BYTES="$(du -sb "$BENCH_HOME/pgbackrest-repo/backup" | cut -f1)"

if [ "$BR_S3" = 1 ]; then
  log "pgbackrest backup --type=full into S3 (moto, TLS)"
  settle; load pgbackrest_s3
  B0="$(moto_cpu)"
  timed pgbackrest_s3 "${AS_PG[@]}" pgbackrest --config="$BR_S3_CONF" --stanza=bench backup --type=full
  B1="$(moto_cpu)"
  log "pgbackrest_s3: $(cat "$OUT/pgbackrest_s3.time")"
  BR_S3_BYTES="$(aws s3 ls --recursive --summarize s3://br-bench/repo/backup/ | awk '/Total Size/ {print $3}')"
else
  B0=0 B1=0 BR_S3_BYTES=0
fi

if [ "$RESTORE" = 1 ]; then
  # Every segment the backups needed is archived (and copied aside) before the restores start.
  LAST_WAL="$(psqlq -c "SELECT pg_walfile_name(pg_switch_wal())")"
  for _ in $(seq 1 600); do
    [ -f "$WAL_COPY/$LAST_WAL" ] && [ "$(psqlq -c "SELECT coalesce(last_archived_wal >= '$LAST_WAL', false) FROM pg_stat_archiver")" = t ] && break
    sleep 0.2
  done
  gpg --batch --quiet --armor --export-secret-keys 'bench@localhost' >"$KEYS/backup-secret.asc"
  gpg --batch --quiet --armor --export 'signing@localhost' >"$KEYS/signing-public.asc"
  chmod 600 "$KEYS/backup-secret.asc"


  log "project_pitr: WAL pushed (untimed inside), then RestoreToPointInTime's activities to latest and a first query"
  INSTANCES="$BENCH_HOME/instances"
  mkdir -p "$INSTANCES"; chmod 755 "$INSTANCES"
  settle; load project_pitr
  BENCH_T0_MS="$(date +%s%3N)" timed project_pitr java -cp "$CP" com.flowviz.dr.activities.bench.PitrRestoreBench bb-bench "$SYSID" \
    "$KEYS/backup-public.asc" "$KEYS/backup-secret.asc" "$KEYS/signing-public.asc" "$KEYS/secrets" \
    "$WAL_COPY" "$INSTANCES" pitr-bench flowviz lots >"$OUT/project_pitr.json" 2>"$OUT/project_pitr.log"
  log "project_pitr: $(cat "$OUT/project_pitr.time")"
  for d in "$INSTANCES"/pitr-bench*/data; do as_pg pg_ctl -D "$d" -m fast -w stop >/dev/null 2>&1 || true; done

  log "pgbackrest_restore: restore into a new directory, start, recover to the end of the archive, first query"
  BR_RESTORE="$BENCH_HOME/br-restore"
  mkdir -p "$BR_RESTORE"; chmod 700 "$BR_RESTORE"; chown "$RUN_USER" "$BR_RESTORE"
  BR_PORT="$(free_port)"
  {
    echo "set -e"
    echo "${AS_PG[*]} pgbackrest --config=$BR_CONF --stanza=bench --pg1-path=$BR_RESTORE --archive-mode=off restore"
    echo "${AS_PG[*]} pg_ctl -D $BR_RESTORE -l $BENCH_HOME/br-restore.log -o '-p $BR_PORT -c archive_mode=off' -w -t 600 start >/dev/null"
    echo "until [ \"\$(psql -X -At -h 127.0.0.1 -p $BR_PORT -U postgres -d flowviz -c 'SELECT pg_is_in_recovery()')\" = f ]; do sleep 0.1; done"
    echo "psql -X -At -h 127.0.0.1 -p $BR_PORT -U postgres -d flowviz -c 'SELECT count(*) FROM lots'"
  } >"$OUT/br-restore.sh"
  settle; load pgbackrest_restore
  timed pgbackrest_restore bash "$OUT/br-restore.sh" >"$OUT/pgbackrest_restore.out" 2>&1
  log "pgbackrest_restore: $(cat "$OUT/pgbackrest_restore.time")"
  as_pg pg_ctl -D "$BR_RESTORE" -m fast -w stop >/dev/null 2>&1 || true

  # Last: its 1.6 GB of restored rows go through this cluster's WAL into both archives, which
  # the physical restores above would otherwise replay too.
  log "bare_restore: pg_dump -Fd -Z0 (untimed), then pg_restore -j2 into a new database"
  pg_dump -Fd -Z0 -j2 -f "$OUT/dump" -d flowviz
  psqlq -c "CREATE DATABASE restored_bare"
  settle; load bare_restore
  timed bare_restore pg_restore -j2 -d restored_bare "$OUT/dump"
  log "bare_restore: $(cat "$OUT/bare_restore.time")"
  psqlq -c "DROP DATABASE restored_bare"
  rm -rf "$OUT/dump"
fi

PROFILE="{}"
if [ "$JFR" = 1 ]; then
  log "project again, under JFR (not timed against the others)"
  settle
  HARNESS_JVM="-XX:StartFlightRecording=filename=$OUT/project.jfr,settings=profile" \
    harness backup bb-bench "$SYSID" "$KEYS/backup-public.asc" "$KEYS/secrets" "$PART_MIB" >"$OUT/project-jfr.json" 2>"$OUT/project-jfr.log"
  jfr print --json --events jdk.ExecutionSample "$OUT/project.jfr" >"$OUT/samples.json"
  PROFILE="$(python3 "$ROOT/deploy/bench/jfr_top.py" "$OUT/samples.json")"
fi
UPTIME="$(uptime)"

python3 - "$OUT" "$CLUSTER_BYTES" "$PROJECT_BYTES" "$ZLIB_BYTES" "$BR_BYTES" "$BR_S3_BYTES" "$(( B1 - B0 ))" "$LOTS" "$PART_MIB" "$(( M1 - M0 ))" "$TICKS" \
  "$PROFILE" "$UPTIME" "${LOAD[@]}" <<'PY'
import json, sys
import os
out, cluster, project_bytes, zlib_bytes, br_bytes, br_s3_bytes, br_s3_moto_ticks, lots, part, moto_ticks, ticks, profile, uptime, *loads = sys.argv[1:]
cluster = int(cluster)
def t(name):
    wall, user, sys_ = (float(x) for x in open(f"{out}/{name}.time").read().split()[-3:])
    return {"wall_s": wall, "cpu_s": round(user + sys_, 2), "MBps": round(cluster / 1e6 / wall, 1)}
bare, project, br = t("bare"), t("project"), t("pgbackrest")
def harness(name):  # log lines, then the harness's JSON
    text = open(f"{out}/{name}.json").read()
    return json.loads(text[text.index("\n{") + 1:] if not text.startswith("{") else text)
taken = harness("project")
# From the launch of its JVM to the return of the first backup in it (the harness may take a
# second one after it, the warm row; /usr/bin/time covers both).
project["wall_s"] = taken.get("wall_from_launch_seconds", project["wall_s"])
project["MBps"] = round(cluster / 1e6 / project["wall_s"], 1)
project["cpu_s_both_backups" if taken.get("warm") else "cpu_s"] = project.pop("cpu_s")
project["inside_call_s"] = taken["seconds"]
warm = taken.get("warm")
project_warm = None
if warm:
    project_warm = {"wall_s": warm["seconds"], "jvm_cpu_s": warm["jvm_cpu_seconds"],
                    "moto_cpu_s": warm["moto_cpu_seconds"],
                    "MBps": round(cluster / 1e6 / warm["seconds"], 1)}
zlib = None
if os.path.exists(f"{out}/project_zlib.time"):
    zlib = t("project_zlib")
    zlib["inside_call_s"] = harness("project_zlib")["seconds"]
    zlib["bytes_stored"] = int(zlib_bytes)
project["bytes_stored"] = int(project_bytes)
project["moto_cpu_s"] = taken.get("moto_cpu_seconds") or round(int(moto_ticks) / int(ticks), 2)
br["bytes_stored"] = int(br_bytes)
br_s3 = None
if os.path.exists(f"{out}/pgbackrest_s3.time"):
    br_s3 = t("pgbackrest_s3")
    br_s3["bytes_stored"] = int(br_s3_bytes or 0)
    br_s3["moto_cpu_s"] = round(int(br_s3_moto_ticks) / int(ticks), 2)
restore = None
if os.path.exists(f"{out}/project_pitr.time"):
    pitr = t("project_pitr")
    inner = harness("project_pitr")
    # From the launch of its JVM to the first query of the first restore in it, less the WAL push
    # before it (it stands in for the archiver that ran all along: not part of a restore). The
    # harness then restores again in the same JVM (the warm row); /usr/bin/time covers both.
    pitr["wall_s"] = inner["wall_from_launch_seconds"]
    pitr["cpu_s_both_restores"] = pitr.pop("cpu_s")
    pitr.pop("MBps")
    pitr["inside_call_s"] = inner["seconds"]
    pitr["steps_s"] = {k: inner[k] for k in ("choose_seconds", "restore_seconds", "recover_seconds", "first_query_seconds")}
    pitr["first_query_rows"] = inner["first_query_rows"]
    pitr["wal_files"] = inner["restored"]["walFilesSpooled"]
    bare_restore, br_restore = t("bare_restore"), t("pgbackrest_restore")
    br_restore["first_query_rows"] = int(open(f"{out}/pgbackrest_restore.out").read().split()[-1])
    warm = inner.get("warm")
    warm_row = None
    if warm:
        warm_row = {"wall_s": warm["seconds"],
                    "steps_s": {k: warm[k] for k in ("choose_seconds", "restore_seconds", "recover_seconds", "first_query_seconds")},
                    "first_query_rows": warm["first_query_rows"]}
    restore = {"bare_pg_restore_j2": bare_restore, "project_pitr_latest": pitr,
               "project_pitr_latest_warm_worker": warm_row, "pgbackrest_restore": br_restore,
               "ratios": {"pitr_vs_bare_pg_restore": round(pitr["wall_s"] / bare_restore["wall_s"], 3),
                          "pitr_vs_pgbackrest_restore": round(pitr["wall_s"] / br_restore["wall_s"], 3),
                          "pitr_warm_vs_pgbackrest_restore": round(warm_row["wall_s"] / br_restore["wall_s"], 3) if warm_row else None},
               "goal_pitr_le_0.35x_bare": pitr["wall_s"] / bare_restore["wall_s"] <= 0.35,
               "goal_pitr_le_1.25x_pgbackrest": pitr["wall_s"] / br_restore["wall_s"] <= 1.25}
print(json.dumps({
    "benchmark": "base-backup", "lots": int(lots), "cluster_bytes": cluster, "part_mib": int(part),
    "bare_pg_basebackup": bare, "project": project, "project_warm_worker": project_warm,
    "project_zlib": zlib, "pgbackrest_full": br,
    "pgbackrest_full_s3": br_s3,
    "taken": taken["taken"],
    "ratios": {"project_vs_bare": round(project["wall_s"] / bare["wall_s"], 3),
               "project_vs_pgbackrest": round(project["wall_s"] / br["wall_s"], 3),
               "project_inside_call_vs_pgbackrest": round(project["inside_call_s"] / br["wall_s"], 3),
               "project_warm_vs_pgbackrest": round(project_warm["wall_s"] / br["wall_s"], 3) if project_warm else None,
               "project_warm_vs_pgbackrest_s3": round(project_warm["wall_s"] / br_s3["wall_s"], 3) if project_warm and br_s3 else None,
               "project_vs_pgbackrest_s3": round(project["wall_s"] / br_s3["wall_s"], 3) if br_s3 else None,
               "project_vs_project_zlib": round(project["wall_s"] / zlib["wall_s"], 3) if zlib else None},
    "goal_project_le_1.25x_pgbackrest": project["wall_s"] / br["wall_s"] <= 1.25,
    "goal_project_warm_le_1.25x_pgbackrest": project_warm["wall_s"] / br["wall_s"] <= 1.25 if project_warm else None,
    "loadavg_before": dict(l.split("=", 1) for l in loads), "uptime_at_end": uptime.strip(),
    "jfr_top": json.loads(profile),
    "restore": restore,
}))
PY
