#!/usr/bin/env bash
# The main job end to end on embedded defaults: take an encrypted backup of a generated FlowViz
# database, simulate a disaster, and recover it with runbook 4.1 through the Temporal worker.
#
#   deploy/demo.sh                      # 5,000 lots, local backup directory
#   FLOWVIZ_DEMO_LOTS=50000 deploy/demo.sh
#   AWS_ENDPOINT_URL=http://127.0.0.1:5000 deploy/demo.sh   # backups in an S3 endpoint (e.g. moto_server)
set -euo pipefail
cd "$(dirname "$0")/.."

LOTS="${FLOWVIZ_DEMO_LOTS:-5000}"
export FLOWVIZ_DEV_HOME="${FLOWVIZ_DEV_HOME:-/tmp/flowviz-dr-dev}"
TEMPORAL_PORT="${FLOWVIZ_DEV_TEMPORAL_PORT:-7233}"
LOG="${FLOWVIZ_DEV_HOME}.log"

say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

for tool in java mvn psql; do
  command -v "$tool" >/dev/null || { echo "demo: $tool is required (see README, 'On a fresh machine')" >&2; exit 1; }
done

say "Building (mvn package, tests skipped)"
mvn -q -B -DskipTests package

say "Starting the dev stack: Temporal dev server, PostgreSQL cluster, FlowViz sample data ($LOTS lots), worker"
rm -f "$FLOWVIZ_DEV_HOME/dev.env"
java -cp worker/target/flowviz-dr-worker.jar com.flowviz.dr.worker.dev.DevStack \
  --fresh --lots "$LOTS" --temporal-port "$TEMPORAL_PORT" --home "$FLOWVIZ_DEV_HOME" >"$LOG" 2>&1 &
STACK_PID=$!
stop_stack() {
  if kill -0 "$STACK_PID" 2>/dev/null; then
    kill "$STACK_PID" 2>/dev/null || true
    wait "$STACK_PID" 2>/dev/null || true
  fi
}
trap stop_stack EXIT
for _ in $(seq 1 180); do
  [ -f "$FLOWVIZ_DEV_HOME/dev.env" ] && break
  kill -0 "$STACK_PID" 2>/dev/null || { echo "demo: the dev stack stopped; its log:" >&2; cat "$LOG" >&2; exit 1; }
  sleep 1
done
[ -f "$FLOWVIZ_DEV_HOME/dev.env" ] || { echo "demo: the dev stack did not start within 180 s; see $LOG" >&2; exit 1; }
grep '^\[dev-stack\]' "$LOG"
# shellcheck disable=SC1091
source "$FLOWVIZ_DEV_HOME/dev.env"
starter() { java -jar starter/target/flowviz-dr-starter.jar "$@"; }
counts() {
  # Runbook 5.1's counts, and whether temperature_logs is there at all.
  psql -X -q -c "SELECT 'lots' AS table_name, COUNT(*) FROM lots
    UNION ALL SELECT 'qc_decisions', COUNT(*) FROM qc_decisions
    UNION ALL SELECT 'users', COUNT(*) FROM users
    UNION ALL SELECT 'products', COUNT(*) FROM products" \
    -c "SELECT CASE WHEN to_regclass('temperature_logs') IS NULL THEN 'MISSING' ELSE 'present' END AS temperature_logs_table"
}

say "1. Nightly backup: pg_dump -Fc | OpenPGP encrypt | S3 key layout, with a manifest"
starter backup --operator backup-schedule --reason "daily backup"

say "2. Runbook 4.1 step 1: list available daily backups"
starter list

say "3. Disaster: a bad migration deletes every rejected QC decision and drops temperature_logs"
psql -X -q -c "DELETE FROM qc_decisions WHERE decision_type = 'reject'" -c "DROP TABLE temperature_logs CASCADE"
counts

say "4. Runbook 4.1: restore the latest backup (staging, verify, swap, keep the damaged database)"
set +e
starter restore --backup latest --target flowviz --operator demo-operator --reason "QC decisions deleted, temperature logs dropped"
STATUS=$?
set -e

say "5. After the restore"
counts
psql -X -q -c "SELECT datname AS database, shobj_description(oid, 'pg_database') AS note FROM pg_database WHERE datname LIKE 'flowviz%' ORDER BY 1"
say "Audit trail (runbook section 7), database flowviz_dr_audit"
psql -X -q -d flowviz_dr_audit -c "SELECT to_char(at AT TIME ZONE 'UTC', 'HH24:MI:SS') AS utc, operator, step, outcome, left(details, 70) AS details FROM recovery_audit_trail WHERE workflow_type = 'RestoreFromBackup' ORDER BY workflow_id, sequence"

say "6. Recovery drill: the same backup onto a scratch PostgreSQL instance, timed against the RTO, torn down"
set +e
starter drill --operator demo-operator
DRILL=$?
starter drills --last 5
set -e
[ "$DRILL" -eq 0 ] || { echo "demo: the recovery drill failed (exit $DRILL)" >&2; [ "$STATUS" -ne 0 ] || STATUS=$DRILL; }

if [ "$STATUS" -eq 0 ]; then
  say "Demo complete: the live database was restored from its encrypted backup and verified."
else
  say "The restore ended with exit code $STATUS; see above."
fi
echo "State kept in $FLOWVIZ_DEV_HOME (dev stack log: $LOG). The dev stack stops now."
exit "$STATUS"
