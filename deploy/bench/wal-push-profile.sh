#!/usr/bin/env bash
# Where one flowviz-wal push's CPU goes (docs/benchmarks.md, "Where a push's CPU goes"): a real
# 16 MB segment of a pgbench-loaded private PostgreSQL 15 cluster, rsa3072 keys as gpg makes them,
# moto_server on loopback as S3, then WalPushProfile (worker jar): each step of the push charged
# with the process CPU it cost (all threads), run 0 in a fresh JVM, runs 1.. repeated in the same
# JVM (what the resident archiver pays); with the JVM options the one-shot push uses (C1 only) and
# with the default JVM (C2, what flowviz-wal serve uses). Then whole one-shot pushes with and
# without the class-data archive, and through the resident archiver (CPU of the client only; the
# archiver's own is the repeated runs).
# Last, restore_command: whole fetches of those segments into a data directory in recovery, by the
# one-shot JVM and through the resident archiver (client CPU, and the archiver's CPU for them).
#   deploy/bench/wal-push-profile.sh            (about 1 minute; run as root or a user with initdb)
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT="$PWD"
H="${BENCH_HOME:-/tmp/flowviz-dr-walprofile}"
PGBIN="${PGBIN:-/usr/lib/postgresql/15/bin}"
export PATH="$PGBIN:$HOME/.pyenv/shims:$PATH"
for tool in java psql pgbench gpg aws moto_server; do
  command -v "$tool" >/dev/null || { echo "wal-push-profile: $tool is required" >&2; exit 1; }
done
if [ "$(id -u)" = 0 ]; then AS_PG=(setpriv --reuid=postgres --regid=postgres --clear-groups); else AS_PG=(); fi
as_pg() { "${AS_PG[@]}" "$@"; }
JAR="$ROOT/worker/target/flowviz-dr-worker.jar"
[ "${BENCH_SKIP_BUILD:-0}" = 1 ] || mvn -B -q -o -pl worker -am package -DskipTests >/dev/null
PIDS=()
cleanup() {
  set +e
  [ -n "${SERVE_PID:-}" ] && kill "$SERVE_PID"
  as_pg pg_ctl -D "$H/data" -m immediate -w stop >/dev/null 2>&1
  for p in "${PIDS[@]}"; do kill "$p"; done
  gpgconf --kill gpg-agent 2>/dev/null
}
trap cleanup EXIT
rm -rf "$H"; mkdir -p "$H/keys/secrets" "$H/gnupg" "$H/run"; chmod 700 "$H/gnupg" "$H/keys/secrets" "$H/run"
[ "$(id -u)" = 0 ] && chown postgres "$H"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
moto_server -H 127.0.0.1 -p "$port" >"$H/moto.log" 2>&1 & PIDS+=($!)
export AWS_ENDPOINT_URL="http://127.0.0.1:$port" AWS_ACCESS_KEY_ID=x AWS_SECRET_ACCESS_KEY=x AWS_REGION=us-east-1
as_pg initdb -D "$H/data" -U postgres --auth=trust >/dev/null
printf "listen_addresses=''\nunix_socket_directories='%s'\nport=55991\n" "$H" >>"$H/data/postgresql.conf"
as_pg pg_ctl -D "$H/data" -l "$H/pg.log" -w start >/dev/null
pgbench -h "$H" -p 55991 -U postgres -i -q -s 10 postgres >/dev/null 2>&1
pgbench -h "$H" -p 55991 -U postgres -n -T 10 postgres >/dev/null 2>&1
psql -h "$H" -p 55991 -U postgres -qAtc "select pg_switch_wal()" >/dev/null
segs=($(ls "$H/data/pg_wal" | grep -E '^[0-9A-F]{24}$' | sort))
cp "$H/data/pg_wal/${segs[1]}" "$H/segment"
export GNUPGHOME="$H/gnupg"
gpg --batch --quiet --pinentry-mode loopback --passphrase pass --quick-gen-key 'b <bench@localhost>' rsa3072 encr never 2>/dev/null
gpg --batch --quiet --armor --export bench@localhost >"$H/keys/backup-public.asc"
gpg --batch --quiet --pinentry-mode loopback --passphrase pass --armor --export-secret-keys bench@localhost >"$H/keys/backup-private.asc"
printf pass >"$H/keys/backup-passphrase"
gpg --batch --quiet --pinentry-mode loopback --passphrase pass --quick-gen-key 's <signing@localhost>' rsa3072 sign never 2>/dev/null
gpg --batch --quiet --pinentry-mode loopback --passphrase pass --armor --export-secret-keys signing@localhost >"$H/keys/secrets/flowviz_backup_signing-key"
gpg --batch --quiet --armor --export signing@localhost >"$H/keys/signing-public.asc"
printf pass >"$H/keys/secrets/flowviz_backup_signing-key-passphrase"
cp "$JAR" "$H/worker.jar" && cp "$ROOT/deploy/wal/flowviz-wal" "$H/flowviz-wal" # readable by postgres
JAR="$H/worker.jar"
[ "$(id -u)" = 0 ] && chown -R postgres "$H"
aws s3 mb s3://profile >/dev/null
export FLOWVIZ_WAL_BUCKET=profile FLOWVIZ_GPG_PUBLIC_KEY_FILE="$H/keys/backup-public.asc" FLOWVIZ_SECRETS_BACKEND=local \
  FLOWVIZ_SECRETS_LOCAL_DIRECTORY="$H/keys/secrets" FLOWVIZ_DR_JAR="$JAR" FLOWVIZ_WAL_CDS="$H/wal.jsa" \
  FLOWVIZ_WAL_ENV_FILE=/nonexistent FLOWVIZ_WAL_PGDATA="$H/data" FLOWVIZ_WAL_SERVE_FILE="$H/run/serve" \
  FLOWVIZ_GPG_KEY_FILE="$H/keys/backup-private.asc" FLOWVIZ_GPG_PASSPHRASE_FILE="$H/keys/backup-passphrase" \
  FLOWVIZ_GPG_SIGNER_PUBLIC_KEY_FILE="$H/keys/signing-public.asc"
echo "# load average: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "# WalPushProfile, one-shot JVM options (-XX:TieredStopAtLevel=1 -XX:+UseSerialGC)"
java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xss512k -XX:-UsePerfData -cp "$JAR" com.flowviz.dr.worker.wal.WalPushProfile "$H/segment" 4
echo "# WalPushProfile, default JVM (C2)"
java -XX:+UseSerialGC -cp "$JAR" com.flowviz.dr.worker.wal.WalPushProfile "$H/segment" 6
cd "$H/data"
as_pg env "PATH=$PATH" "$H/flowviz-wal" --make-cds >"$H/make-cds.log" 2>&1
timed() { # label, then the command: one JSON line with the process tree's CPU
  local label="$1" u s e rc=0; shift
  /usr/bin/time -f '%U %S %e' -o "$H/time" "$@" >/dev/null 2>"$H/push.err" || rc=$?
  read -r u s e < <(tail -1 "$H/time")
  echo "{\"push\": \"$label\", \"exit\": $rc, \"cpu_s\": $(python3 -c "print(round($u + $s, 2))"), \"wall_s\": $e}"
}
for i in 2 3; do timed "one-shot, class-data archive" "${AS_PG[@]}" env "PATH=$PATH" FLOWVIZ_WAL_SERVE=off "$H/flowviz-wal" push "pg_wal/${segs[$i]}" "${segs[$i]}"; done
for i in 4 5; do timed "one-shot, no class-data archive" "${AS_PG[@]}" env "PATH=$PATH" FLOWVIZ_WAL_SERVE=off FLOWVIZ_WAL_CDS=/none "$H/flowviz-wal" push "pg_wal/${segs[$i]}" "${segs[$i]}"; done
"${AS_PG[@]}" env "PATH=$PATH" "$H/flowviz-wal" serve >"$H/serve.log" 2>&1 & SERVE_PID=$!
for _ in $(seq 1 300); do [ -s "$H/run/serve" ] && break; sleep 0.1; done
for i in 6 7 8; do timed "resident archiver, client side" "${AS_PG[@]}" env "PATH=$PATH" "$H/flowviz-wal" push "pg_wal/${segs[$i]}" "${segs[$i]}"; done
echo "{\"resident_archiver_total_cpu_s\": $(awk -v hz="$(getconf CLK_TCK)" '{print ($14 + $15) / hz}' /proc/$SERVE_PID/stat), \"pushes\": 3, \"note\": \"includes its JVM start and first (cold) push\"}"
# restore_command: a copy of the cluster's control file in a data directory in recovery, as a
# restore has it; each segment fetched to pg_wal/RECOVERYXLOG (decrypted, signature and SHA-256
# checked), then removed as PostgreSQL does.
mkdir -p "$H/restore/global" "$H/restore/pg_wal"
cp "$H/data/global/pg_control" "$H/restore/global/"; cp "$H/data/PG_VERSION" "$H/restore/"
touch "$H/restore/recovery.signal"; chmod 700 "$H/restore"
[ "$(id -u)" = 0 ] && chown -R postgres "$H/restore"
cd "$H/restore"
timed_fetch() { # label, then the command
  local label="$1" u s e rc=0; shift
  /usr/bin/time -f '%U %S %e' -o "$H/time" "$@" >/dev/null 2>"$H/fetch.err" || rc=$?
  read -r u s e < <(tail -1 "$H/time")
  echo "{\"fetch\": \"$label\", \"exit\": $rc, \"cpu_s\": $(python3 -c "print(round($u + $s, 2))"), \"wall_s\": $e}"
  rm -f "$H/restore/pg_wal/RECOVERYXLOG"
}
for i in 2 3; do timed_fetch "one-shot JVM, class-data archive" "${AS_PG[@]}" env "PATH=$PATH" FLOWVIZ_WAL_SERVE=off "$H/flowviz-wal" fetch "${segs[$i]}" pg_wal/RECOVERYXLOG; done
timed_fetch "one-shot JVM, missing file" "${AS_PG[@]}" env "PATH=$PATH" FLOWVIZ_WAL_SERVE=off "$H/flowviz-wal" fetch 00000001000000FF000000FF pg_wal/RECOVERYXLOG
before=$(awk '{print $14 + $15}' /proc/$SERVE_PID/stat)
for i in 2 3 4 5 6 7 8; do timed_fetch "resident archiver, client side" "${AS_PG[@]}" env "PATH=$PATH" "$H/flowviz-wal" fetch "${segs[$i]}" pg_wal/RECOVERYXLOG; done
after=$(awk '{print $14 + $15}' /proc/$SERVE_PID/stat)
timed_fetch "resident archiver, missing file" "${AS_PG[@]}" env "PATH=$PATH" "$H/flowviz-wal" fetch 00000001000000FF000000FF pg_wal/RECOVERYXLOG
echo "{\"resident_archiver_fetch_cpu_s\": $(python3 -c "print(round(($after - $before) / $(getconf CLK_TCK) / 7, 3))"), \"fetches\": 7, \"note\": \"per fetch, the archiver's own CPU (the first one pays the decryption path's warm-up)\"}"
