# How the benchmark calls flowviz-dr's WAL command (sourced by wal-archive.sh and wal-uploader.sh).
# PLACEHOLDER until the WAL command lands: set from deploy/wal/.
WAL_COMMAND_ENV=()
wal_archive_command() { # bucket -> archive_command
  echo "java -cp $BENCH_HOME/worker.jar com.flowviz.dr.worker.wal.WalCommand push %p %f"
}
wal_push() { # path name bucket
  java -cp "$BENCH_HOME/worker.jar" com.flowviz.dr.worker.wal.WalCommand push "$1" "$2"
}
