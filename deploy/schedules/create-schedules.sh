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

# A daily base backup at 01:00 UTC (issue 17), before the dump, of the self-managed server whose WAL
# is archived: pg_basebackup encrypted to s3://flowviz-backups/base/<system id>/, then the archive's
# expiry (the newest 7 base backups and all younger than 8 days stay, with the WAL from the oldest
# kept one). A run that outlasts a day is not joined by another (Skip). Managed RDS/Aurora has no
# pg_basebackup: leave this one out there. On the dev server: `flowviz-dr base-backup`.
temporal schedule create \
  --schedule-id flowviz-daily-base-backup \
  --cron '0 1 * * *' \
  --overlap-policy Skip \
  --workflow-id flowviz-daily-base-backup \
  --task-queue "$queue" \
  --type TakeBaseBackup \
  --input '{"server": "production", "bucket": "flowviz-backups", "operator": "schedule", "keepBaseBackups": 7, "keepFor": "P8D"}'

# A weekly recovery drill (Saturday 04:00 UTC): the newest daily backup restored onto a scratch
# instance, verified, timed against the RTO and torn down; its report goes to the audit store
# (`flowviz-dr drills` shows the trend). On the dev server: `flowviz-dr drill --every '0 4 * * 6'`.
temporal schedule create \
  --schedule-id flowviz-weekly-drill \
  --cron '0 4 * * 6' \
  --overlap-policy Skip \
  --workflow-id flowviz-weekly-drill \
  --task-queue "$queue" \
  --type RecoveryDrill \
  --input '{"backupKey": "latest", "bucket": "flowviz-backups", "operator": "schedule", "reason": "weekly recovery drill"}'

# The backup freshness monitor runs until stopped (alerting once per RPO breach); this schedule
# only keeps it running: every hour it starts the monitor if none is running (Skip), so a monitor
# that was terminated or failed is back within the hour. On the dev server: `flowviz-dr monitor-freshness`.
temporal schedule create \
  --schedule-id flowviz-backup-freshness \
  --cron '7 * * * *' \
  --overlap-policy Skip \
  --workflow-id backup-freshness-monitor \
  --task-queue "$queue" \
  --type MonitorBackupFreshness \
  --input '{"locations": ["flowviz-backups/daily/", "flowviz-backups-prod-us-west-2/daily/@us-west-2"], "checkInterval": "PT10M", "operator": "schedule"}'
