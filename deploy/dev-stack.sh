#!/usr/bin/env bash
# Runs the embedded dev stack in the foreground (Temporal dev server on 127.0.0.1:7233, a private
# PostgreSQL cluster with the FlowViz sample database, a backup key pair, local backup store and
# the worker) until Ctrl-C. In another terminal:
#   source /tmp/flowviz-dr-dev/dev.env
#   java -jar starter/target/flowviz-dr-starter.jar backup
#   java -jar starter/target/flowviz-dr-starter.jar restore --backup latest
# Options: --fresh --lots N --home DIR --temporal-port P --pg-port P
set -euo pipefail
cd "$(dirname "$0")/.."
[ -f worker/target/flowviz-dr-worker.jar ] && [ -f starter/target/flowviz-dr-starter.jar ] || mvn -q -B -DskipTests package
exec java -cp worker/target/flowviz-dr-worker.jar com.flowviz.dr.worker.dev.DevStack "$@"
