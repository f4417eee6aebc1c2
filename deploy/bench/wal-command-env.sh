# How the benchmark calls flowviz-dr's WAL command, as an operator would (deploy/wal/flowviz-wal
# with an environment file of names and paths). Sourced by wal-archive.sh and wal-uploader.sh;
# needs BENCH_HOME (and AWS_ENDPOINT_URL to write an environment file).
WAL_COMMAND_ENV=()
wal_env_file() { echo "$BENCH_HOME/wal-$1.env"; }
write_wal_env() { # bucket [serve file: push through the resident archiver, else a JVM per segment]
  local serve=off
  [ -n "${2:-}" ] && serve=auto
  cat >"$(wal_env_file "$1")" <<EOT
FLOWVIZ_WAL_SERVE=$serve
FLOWVIZ_WAL_SERVE_FILE=${2:-/nonexistent}
FLOWVIZ_DR_JAR=$BENCH_HOME/worker.jar
FLOWVIZ_WAL_CDS=$BENCH_HOME/flowviz-wal.jsa
FLOWVIZ_WAL_BUCKET=$1
AWS_REGION=us-east-1
AWS_ENDPOINT_URL=$AWS_ENDPOINT_URL
AWS_ACCESS_KEY_ID=bench
AWS_SECRET_ACCESS_KEY=bench
FLOWVIZ_GPG_PUBLIC_KEY_FILE=$BENCH_HOME/keys/backup-public.asc
FLOWVIZ_SECRETS_BACKEND=local
FLOWVIZ_SECRETS_LOCAL_DIRECTORY=$BENCH_HOME/keys/secrets
EOT
}
wal_archive_command() { # bucket -> archive_command
  echo "FLOWVIZ_WAL_ENV_FILE=$(wal_env_file "$1") $BENCH_HOME/flowviz-wal push %p %f"
}
wal_push() { # path name bucket: from the receiver's spool, outside the data directory
  FLOWVIZ_WAL_ENV_FILE="$(wal_env_file "$3")" "$BENCH_HOME/flowviz-wal" push "$1" "$2" --system-identifier "$BENCH_SYSID"
}
