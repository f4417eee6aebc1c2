#!/usr/bin/env bash
# Starts (creating it on first use) a private PostgreSQL cluster in $CLUSTER_DIR on $CLUSTER_PORT,
# superuser admin with the password in $CLUSTER_PASSWORD (never on a command line).
set -euo pipefail
BIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
as_server() { if [ "$(id -u)" = 0 ]; then setpriv --reuid=postgres --regid=postgres --clear-groups "$@"; else "$@"; fi; }
mkdir -p "$CLUSTER_DIR"
chmod 755 "$CLUSTER_DIR"
if [ ! -f "$CLUSTER_DIR/data/PG_VERSION" ]; then
  rm -rf "$CLUSTER_DIR/data"
  (umask 077 && printf '%s\n' "$CLUSTER_PASSWORD" > "$CLUSTER_DIR/pw")
  if [ "$(id -u)" = 0 ]; then chown -R postgres:postgres "$CLUSTER_DIR"; fi
  as_server "$BIN/initdb" -D "$CLUSTER_DIR/data" -U admin --pwfile="$CLUSTER_DIR/pw" -A scram-sha-256 --no-sync -E UTF8 --locale=C.UTF-8 >/dev/null
  rm -f "$CLUSTER_DIR/pw"
fi
if ! as_server "$BIN/pg_ctl" -D "$CLUSTER_DIR/data" status >/dev/null 2>&1; then
  as_server "$BIN/pg_ctl" -D "$CLUSTER_DIR/data" -l "$CLUSTER_DIR/server.log" -w -t 60 \
    -o "-p $CLUSTER_PORT -c listen_addresses=127.0.0.1 -c unix_socket_directories=$CLUSTER_DIR -c fsync=off" start >/dev/null
fi
