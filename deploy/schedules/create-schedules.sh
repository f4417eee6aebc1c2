#!/usr/bin/env bash
# Temporal Schedules for the runbook's backups (section 3): a daily encrypted backup at 02:00 UTC
# to s3://flowviz-backups/daily/ (kept 3 years), and a weekly one on Sundays at 03:00 UTC to
# weekly/ in DEEP_ARCHIVE (kept 7 years). Needs the Temporal CLI pointed at the cluster
# (TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE). Overlap policy Skip: a backup still running is not joined
# by a second one. The embedded dev server has no schedules; there, start TakeBackup by hand
# (`flowviz-dr backup`).
set -euo pipefail
queue=flowviz-dr

temporal schedule create \
  --schedule-id flowviz-daily-backup \
  --cron '0 2 * * *' \
  --overlap-policy Skip \
  --workflow-id flowviz-daily-backup \
  --task-queue "$queue" \
  --type TakeBackup \
  --input '{"sourceDatabase": "flowviz", "bucket": "flowviz-backups", "operator": "schedule", "kind": "daily"}'

temporal schedule create \
  --schedule-id flowviz-weekly-backup \
  --cron '0 3 * * 0' \
  --overlap-policy Skip \
  --workflow-id flowviz-weekly-backup \
  --task-queue "$queue" \
  --type TakeBackup \
  --input '{"sourceDatabase": "flowviz", "bucket": "flowviz-backups", "operator": "schedule", "kind": "weekly", "storageClass": "DEEP_ARCHIVE"}'
