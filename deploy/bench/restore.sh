#!/usr/bin/env bash
# End-to-end restore benchmark, side by side in one run on one PostgreSQL cluster:
#   project  - runbook 4.1 through the worker: workflow start -> restored copy verified
#              (download from S3 overlapped with decryption, pg_restore -j N, runbook 5.x checks)
#   runbook  - the runbook's shell pipeline: aws s3 cp; gpg --decrypt | pg_restore
#   bare     - pg_restore -j N from a local plaintext dump: the limit
# plus the decrypt throughput of gpg and of the project (JMH, deploy/bench/decrypt.sh) and the
# worker's peak RSS (it runs in its own JVM with a small heap).
#
#   deploy/bench/restore.sh                                   # ~1.7 GB FlowViz database
#   BENCH_LOTS=100000 BENCH_ATTACHMENTS_MB=700 deploy/bench/restore.sh   # + 700 MB of incompressible attachments
#
# Knobs: BENCH_LOTS (FlowViz database size, default 340000 lots, about 1.7 GB), BENCH_ATTACHMENTS_MB (a qc_attachments
# table of random bytes, default 0), BENCH_JOBS (pg_restore -j for both the worker and bare, default 4),
# BENCH_WORKER_HEAP (default 64m), BENCH_EXTRA_JOBS ("1 2": also time bare pg_restore with these -j),
# BENCH_DECRYPT_MIB (JMH file size, default 1024; 0 skips), BENCH_HOME (default /tmp/flowviz-dr-bench).
# The last line of output is one JSON object.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT="$PWD"
LOTS="${BENCH_LOTS:-340000}"
ATTACHMENTS_MB="${BENCH_ATTACHMENTS_MB:-0}"
JOBS="${BENCH_JOBS:-4}"
HEAP="${BENCH_WORKER_HEAP:-64m}"
EXTRA_JOBS="${BENCH_EXTRA_JOBS:-}"
DECRYPT_MIB="${BENCH_DECRYPT_MIB:-1024}"
BENCH_HOME="${BENCH_HOME:-/tmp/flowviz-dr-bench}"
OUT="$ROOT/target/bench"
export PATH="$HOME/.pyenv/shims:$PATH"
mkdir -p "$OUT"
log() { printf '[bench %s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }
now() { date +%s.%N; }
since() { python3 -c "import sys; print(round($(now) - $1, 2))"; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

for tool in java mvn psql pg_restore gpg aws moto_server python3; do
  command -v "$tool" >/dev/null || { echo "bench: $tool is required" >&2; exit 1; }
done

log "building"
mvn -q -B -DskipTests install >/dev/null

PIDS=()
cleanup() {
  [ -n "${GNUPGHOME:-}" ] && gpgconf --kill gpg-agent 2>/dev/null || true
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
}
trap cleanup EXIT

MOTO_PORT="$(free_port)"
moto_server -H 127.0.0.1 -p "$MOTO_PORT" >"$OUT/moto.log" 2>&1 &
PIDS+=($!)
export AWS_ENDPOINT_URL="http://127.0.0.1:$MOTO_PORT" AWS_ACCESS_KEY_ID=bench AWS_SECRET_ACCESS_KEY=bench AWS_REGION=us-east-1
# aws s3 cp splits large objects into parallel ranged GETs, which moto serves at a fraction of the
# speed of one GET (docs/benchmarks.md): one stream is the runbook pipeline's fastest choice here.
export AWS_CONFIG_FILE="$OUT/aws-config"
printf '[default]\ns3 =\n  multipart_threshold = 64GB\n' >"$AWS_CONFIG_FILE"
for _ in $(seq 1 50); do curl -fs "$AWS_ENDPOINT_URL/moto-api/" >/dev/null 2>&1 && break; sleep 0.2; done

log "starting the dev stack without its worker ($LOTS lots)"
TEMPORAL_PORT="$(free_port)"
rm -f "$BENCH_HOME/dev.env"
java -cp worker/target/flowviz-dr-worker.jar com.flowviz.dr.worker.dev.DevStack \
  --fresh --no-worker --lots "$LOTS" --temporal-port "$TEMPORAL_PORT" --home "$BENCH_HOME" >"$OUT/dev-stack.log" 2>&1 &
PIDS+=($!)
for _ in $(seq 1 1800); do [ -f "$BENCH_HOME/dev.env" ] && break; sleep 1; done
[ -f "$BENCH_HOME/dev.env" ] || { echo "bench: the dev stack did not start; see $OUT/dev-stack.log" >&2; exit 1; }
# shellcheck disable=SC1091
source "$BENCH_HOME/dev.env"
psqlq() { psql -X -q -v ON_ERROR_STOP=1 "$@"; }

if [ "$ATTACHMENTS_MB" -gt 0 ]; then
  log "adding $ATTACHMENTS_MB MB of incompressible QC attachments"
  psqlq -d flowviz -c "CREATE EXTENSION IF NOT EXISTS pgcrypto" \
    -c "CREATE TABLE qc_attachments (id bigint PRIMARY KEY, created_at timestamptz NOT NULL DEFAULT now(), content bytea NOT NULL)" \
    -c "ALTER TABLE qc_attachments ALTER COLUMN content SET STORAGE EXTERNAL" \
    -c "INSERT INTO qc_attachments (id, content) SELECT i, gen_random_bytes(1024) || gen_random_bytes(1024) || gen_random_bytes(1024) || gen_random_bytes(1024) FROM generate_series(1, $ATTACHMENTS_MB * 256) i"
fi
DB_BYTES="$(psql -X -At -d flowviz -c "SELECT pg_database_size('flowviz')")"

log "starting the worker in its own JVM (-Xmx$HEAP)"
java -Xmx"$HEAP" -Dmicronaut.config.files="$BENCH_HOME/worker.properties" -Dflowviz.pg.restore-jobs="$JOBS" -jar worker/target/flowviz-dr-worker.jar >"$OUT/worker.log" 2>&1 &
WORKER_PID=$!
PIDS+=("$WORKER_PID")
starter() { java -jar starter/target/flowviz-dr-starter.jar "$@"; }

log "backup: pg_dump -Fc | OpenPGP | S3"
starter backup --operator bench --reason benchmark --json >"$OUT/backup.json"
KEY="$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['backup']['key'])" "$OUT/backup.json" 2>/dev/null \
  || python3 -c "import json,sys,re; t=open(sys.argv[1]).read(); print(re.search(r'daily/flowviz_daily_[0-9_]+\.dump\.gpg', t).group(0))" "$OUT/backup.json")"
URI="s3://flowviz-backups/$KEY"
WORK="$BENCH_HOME/bench-work"
rm -rf "$WORK" && mkdir -p "$WORK" && chmod 700 "$WORK"
export GNUPGHOME="$WORK/gnupg"
mkdir -p "$GNUPGHOME" && chmod 700 "$GNUPGHOME"
PASS="$BENCH_HOME/keys/$(ls "$BENCH_HOME/keys" | grep -i passphrase | head -1)"
PRIV="$BENCH_HOME/keys/$(ls "$BENCH_HOME/keys" | grep -i -E 'private|secret' | head -1)"
gpg --batch --quiet --pinentry-mode loopback --passphrase-file "$PASS" --import "$PRIV" 2>/dev/null
gpgd() { gpg --batch --quiet --pinentry-mode loopback --passphrase-file "$PASS" --decrypt "$@"; }
aws s3 cp --quiet "$URI" "$WORK/backup.gpg"
CIPHER_BYTES="$(stat -c %s "$WORK/backup.gpg")"
gpgd "$WORK/backup.gpg" >"$WORK/backup.dump"
DUMP_BYTES="$(stat -c %s "$WORK/backup.dump")"
log "database $DB_BYTES bytes, dump $DUMP_BYTES, encrypted $CIPHER_BYTES ($KEY)"

settle() { psqlq -d postgres -c CHECKPOINT; sync; }
bare() { # jobs -> seconds
  local db="bench_bare_j$1"
  psqlq -d postgres -c "DROP DATABASE IF EXISTS $db"
  settle
  local t0; t0="$(now)"
  createdb "$db" && pg_restore --no-owner --no-privileges -j "$1" -d "$db" "$WORK/backup.dump"
  since "$t0"
  psqlq -d postgres -c "DROP DATABASE $db"
}

log "bare: pg_restore -j $JOBS from the local plaintext dump"
BARE="$(bare "$JOBS")"
log "bare: $BARE s"
EXTRA="{}"
for j in $EXTRA_JOBS; do
  s="$(bare "$j")"
  log "bare -j $j: $s s"
  EXTRA="$(python3 -c "import json,sys; d=json.loads(sys.argv[1]); d['j$j']=float(sys.argv[2]); print(json.dumps(d))" "$EXTRA" "$s")"
done

log "runbook: aws s3 cp; gpg --decrypt | pg_restore"
psqlq -d postgres -c "DROP DATABASE IF EXISTS bench_runbook"
rm -f "$WORK/runbook.gpg"
settle
T0="$(now)"
aws s3 cp --quiet "$URI" "$WORK/runbook.gpg"
createdb bench_runbook
gpgd "$WORK/runbook.gpg" | pg_restore --no-owner --no-privileges -d bench_runbook
RUNBOOK="$(since "$T0")"
psqlq -d postgres -c "DROP DATABASE bench_runbook"
rm -f "$WORK/runbook.gpg"
log "runbook: $RUNBOOK s"

log "project: runbook 4.1 through the worker"
settle
T0="$(now)"
starter restore --backup "$KEY" --target flowviz --operator bench --reason benchmark --json >"$OUT/restore.json"
PROJECT_WALL="$(since "$T0")"
RSS_KB="$(awk '/VmHWM/ {print $2}' "/proc/$WORKER_PID/status")"
log "project: starter wall time $PROJECT_WALL s; worker peak RSS $RSS_KB kB"

DECRYPT="{}"
if [ "$DECRYPT_MIB" -gt 0 ]; then
  log "decrypt throughput: JMH, $DECRYPT_MIB MiB, project vs gpg"
  DECRYPT="$(SIZE_MIB="$DECRYPT_MIB" BENCHMARKS='DecryptBenchmark.(project|gpgCli)$' BENCH_OUT="target/bench" deploy/bench/decrypt.sh 2>"$OUT/jmh.log" | tail -1)"
fi

python3 - "$OUT/restore.json" "$BARE" "$RUNBOOK" "$PROJECT_WALL" "$JOBS" "$DB_BYTES" "$DUMP_BYTES" "$CIPHER_BYTES" \
  "$RSS_KB" "$HEAP" "$DECRYPT" "$EXTRA" "$LOTS" "$ATTACHMENTS_MB" <<'PY'
import json, sys
from datetime import datetime
(_, restore_file, bare, runbook, wall, jobs, db, dump, cipher, rss, heap, decrypt, extra, lots, attachments) = sys.argv
result = json.load(open(restore_file))
steps = result.get("steps") or result.get("result", {}).get("steps")
def t(s): return datetime.fromisoformat(s.replace("Z", "+00:00"))
start = t(steps[0]["startedAt"])
verified = next(s for s in steps if s["step"] == "verify-restored-data")
project = round((t(verified["finishedAt"]) - start).total_seconds(), 2)
by_step = {s["step"]: round((t(s["finishedAt"]) - t(s["startedAt"])).total_seconds(), 2) for s in steps if s.get("finishedAt")}
bare, runbook = float(bare), float(runbook)
d = json.loads(decrypt)
out = {
  "database_bytes": int(db), "dump_bytes": int(dump), "encrypted_bytes": int(cipher), "lots": int(lots),
  "attachments_mb": int(attachments), "pg_restore_jobs": int(jobs),
  "seconds": {"project_start_to_verified": project, "runbook_pipeline": runbook, "bare_pg_restore": bare,
              "project_starter_wall": float(wall)},
  "project_steps_seconds": by_step,
  "bare_pg_restore_other_jobs_seconds": json.loads(extra),
  "decrypt_MBps": {"gpg": d.get("MBps", {}).get("gpgCli"), "project": d.get("MBps", {}).get("project"), "sizeMiB": d.get("sizeMiB")},
  "worker": {"heap": heap, "peak_rss_kB": int(rss)},
  "ratios": {"project_vs_bare": round(project / bare, 3), "project_vs_runbook": round(project / runbook, 3),
             "decrypt_project_vs_gpg": d.get("ratio_project_vs_gpg")},
  "goals_met": {"vs_bare_le_1.05": project / bare <= 1.05, "vs_runbook_le_0.8": project / runbook <= 0.8},
}
print(json.dumps(out))
PY
