#!/usr/bin/env bash
# Point-in-time recovery benchmark, one run, one private durable cluster (the base-backup bench's
# FlowViz-like database, 1.66 GB by default): the project's base backup and pgBackRest's full
# backup are taken (timed as in base-backup.sh), then, one after the other (the dump restore last,
# so that the physical restores replay only the WAL written since the backups):
#   bare_restore        - pg_restore -j2 of a local uncompressed directory dump into a new database
#   project_pitr        - RestoreToPointInTime's activities to "latest" (choose, restore with the WAL
#                         spooled, recover, promote) and a first query; the WAL push that precedes
#                         it stands in for the archiver and is not counted
#   pgbackrest_restore  - pgbackrest restore into a new directory, start, recovery to the end of
#                         the archive, promotion, first query
# Ratios from this run; goals: project_pitr <= 0.35 x bare_restore and <= 1.25 x pgbackrest_restore.
# The last line of output is one JSON object (its "restore" field).
#
#   deploy/bench/pitr-restore.sh                       # ~10 minutes on 2 cores
#   BENCH_LOTS=20000 deploy/bench/pitr-restore.sh      # a quick try
set -euo pipefail
export BENCH_RESTORE=1
export BENCH_JFR="${BENCH_JFR:-0}" BENCH_ZLIB="${BENCH_ZLIB:-0}" BENCH_BR_S3="${BENCH_BR_S3:-0}"
exec "$(dirname "$0")/base-backup.sh" "$@"
