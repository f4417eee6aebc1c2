#!/usr/bin/env python3
"""Where a JFR recording's CPU samples are: share of samples by top frame, grouped into the
base backup's stages (jfr print --json --events jdk.ExecutionSample FILE > samples.json)."""
import json, sys, collections
STAGES = [("SHA-1 (OpenPGP MDC, Bouncy Castle)", ("org.bouncycastle.crypto.digests.SHA1Digest",)),
          ("SHA-256 (Bouncy Castle: signature)", ("org.bouncycastle.crypto.digests.SHA256Digest",)),("zlib (Deflater)", ("java.util.zip.Deflater",)),
          ("AES (OpenPGP encryption)", ("com.sun.crypto.provider.AES", "com.sun.crypto.provider.CipherFeedback",
                                         "org.bouncycastle.crypto.engines.AES", "org.bouncycastle.crypto.modes")),
          ("SHA-256", ("sun.security.provider.SHA2", "sun.security.provider.DigestBase")),
          ("SHA-1 (MDC)", ("sun.security.provider.SHA",)),
          ("tar scanning", ("com.flowviz.dr.activities.physical.basebackup.TarMemberScanner",)),
          ("OpenPGP packets (Bouncy Castle)", ("org.bouncycastle",)),
          ("pipe read (pg_basebackup stdout)", ("java.io.FileInputStream", "java.lang.ProcessImpl")),
          ("HTTP / S3 SDK", ("software.amazon", "org.apache.http", "java.net", "sun.nio", "javax.net", "sun.security.ssl")),
          ("JIT/other JDK", ("java.", "jdk.", "sun.")),
          ]
events = json.load(open(sys.argv[1]))["recording"]["events"]
counts = collections.Counter()
for e in events:
    frames = e["values"]["stackTrace"]["frames"] if e["values"].get("stackTrace") else []
    top = frames[0]["method"]["type"]["name"].replace("/", ".") if frames else "?"
    for name, prefixes in STAGES:
        if top.startswith(prefixes):
            counts[name] += 1
            break
    else:
        counts["other: " + top.rsplit(".", 1)[0]] += 1
total = sum(counts.values()) or 1
print(json.dumps({"samples": total, "share": {k: round(v / total, 3) for k, v in counts.most_common(10)}}))
