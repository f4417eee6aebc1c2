#!/usr/bin/env bash
# Candidate B's uploader (deploy/bench/wal-archive.sh): pushes each segment pg_receivewal has
# completed in the spool, oldest first, with flowviz-dr's WAL command, and removes it from the
# spool once the command says it is durable in S3. A failed push is retried a second later; what
# it leaves behind waits in the spool. In the product the worker would supervise this loop; here a
# shell stands in, so the figure measures the pipeline, not the supervision.
set -uo pipefail
# shellcheck source=deploy/bench/wal-command-env.sh
. "$(dirname "$0")/wal-command-env.sh"
spool="$BENCH_HOME/spool"
count="$(cat "$BENCH_HOME/uploaded-count" 2>/dev/null || echo 0)"
trap 'exit 0' TERM INT
while :; do
  for name in $(ls "$spool" 2>/dev/null | grep -E '^[0-9A-F]{24}$' | sort); do
    if wal_push "$spool/$name" "$name" "$WAL_BUCKET"; then
      rm -f "$spool/$name"
      count=$((count + 1))
      echo "$count" >"$BENCH_HOME/uploaded-count.tmp" && mv "$BENCH_HOME/uploaded-count.tmp" "$BENCH_HOME/uploaded-count"
      echo "$name" >"$BENCH_HOME/uploaded-last.tmp" && mv "$BENCH_HOME/uploaded-last.tmp" "$BENCH_HOME/uploaded-last"
    else
      sleep 1
      break
    fi
  done
  sleep 0.2
done
