#!/usr/bin/env bash
# JMH: decrypting one gpg-encrypted file with the project's decryptor, Bouncy Castle as usually
# written (JDK providers; lightweight classes) and `gpg --decrypt`, in one run.
#
#   deploy/bench/decrypt.sh                 # 1 GiB, uncompressed (AES-256 + MDC)
#   SIZE_MIB=256 COMPRESSED=true deploy/bench/decrypt.sh
#   BENCHMARKS='DecryptBenchmark.(project|gpgCli)$' deploy/bench/decrypt.sh   # just the two
#
# The last line is one JSON object: MB/s of each and project/gpg (>= 1.0 means at least as fast as gpg).
set -euo pipefail
cd "$(dirname "$0")/../.."
SIZE_MIB="${SIZE_MIB:-1024}"
COMPRESSED="${COMPRESSED:-false}"
OUT="${BENCH_OUT:-target/bench}"
mkdir -p "$OUT"

mvn -q -B -DskipTests install -pl activities -am >/dev/null
mvn -q -B dependency:build-classpath -pl activities -Dmdep.includeScope=test -Dmdep.outputFile="$PWD/$OUT/activities.classpath" >/dev/null
CP="activities/target/test-classes:activities/target/classes:$(cat "$OUT/activities.classpath")"

java -cp "$CP" org.openjdk.jmh.Main "${BENCHMARKS:-DecryptBenchmark}" \
  -p sizeMiB="$SIZE_MIB" -p compressed="$COMPRESSED" -rf json -rff "$OUT/decrypt.json" "${@}" >&2

python3 - "$OUT/decrypt.json" "$SIZE_MIB" <<'PY'
import json, sys
results = json.load(open(sys.argv[1]))
mib = int(sys.argv[2])
mbps = {}
for r in results:
    name = r["benchmark"].rsplit(".", 1)[1]
    ms = r["primaryMetric"]["score"]  # mean single-shot time, ms
    mbps[name] = round(mib * 1048576 / 1e6 / (ms / 1000), 1)
out = {"sizeMiB": mib, "compressed": results[0]["params"]["compressed"] == "true", "MBps": mbps,
       "ratio_project_vs_gpg": round(mbps["project"] / mbps["gpgCli"], 3),
       }
if "bouncyCastleJca" in mbps:
    out["ratio_project_vs_bouncyCastleJca"] = round(mbps["project"] / mbps["bouncyCastleJca"], 2)
print(json.dumps(out))
PY
