"""The arithmetic of deploy/bench/wal-archive.sh: RPO exposure from the per-second samples.

A sample row (CSV): phase, t (epoch s), insert LSN (bytes), last_archived_wal, archived_count,
failed_count, walsender flush LSN (-1 when none), slot restart LSN (-1 when none), the last segment
B's uploader put in S3 ('-' when none), segments waiting in B's spool.

  caught-up <candidate> <row>     exit 0 when every completed segment is in the archive
  summary <candidate> <samples.csv> key=value...   one JSON object on stdout
"""

import json
import math
import re
import sys

SEGMENT = 16 * 1024 * 1024
WAL_NAME = re.compile(r"^[0-9A-F]{8}([0-9A-F]{8})([0-9A-F]{8})$")


def segment_end(name):
    """The LSN just past segment `name` (16 MiB segments), or None for history/partial/backup files."""
    m = WAL_NAME.match(name or "")
    if not m:
        return None
    log, seg = int(m.group(1), 16), int(m.group(2), 16)
    return log * 0x100000000 + (seg + 1) * SEGMENT


def parse(line):
    f = line.rstrip("\n").split(",")
    return {
        "phase": f[0],
        "t": float(f[1]),
        "lsn": int(f[2]),
        "archived_wal": f[3],
        "archived_count": int(f[4]),
        "failed_count": int(f[5]),
        "flush": int(f[6]),
        "restart": int(f[7]),
        "uploaded": f[8],
        "spool": int(f[9]) if len(f) > 9 and f[9] else 0,
    }


def archived_end(candidate, row):
    return segment_end(row["uploaded"] if candidate == "B" else row["archived_wal"])


def caught_up(candidate, line):
    row = parse(line)
    end = archived_end(candidate, row) or 0
    return end >= (row["lsn"] // SEGMENT) * SEGMENT


def exposures(rows, archived):
    """For each row: now - the time of the last sample whose insert LSN was <= the archived end.

    That sample is the latest moment by which all WAL then written was archived; the oldest WAL
    not yet archived was written after it, so this is an upper bound with the sampling interval
    as its resolution. 0 when everything written is archived.
    """
    out = []
    for i, row in enumerate(rows):
        a = archived[i]
        if a is not None and a >= row["lsn"]:
            out.append(0.0)
            continue
        j = i
        while j >= 0 and (a is None or rows[j]["lsn"] > a):
            j -= 1
        out.append(row["t"] - rows[max(j, 0)]["t"])
    return out


def stats(values):
    if not values:
        return {"max": None, "p95": None, "samples": 0}
    s = sorted(values)
    p95 = s[max(0, math.ceil(0.95 * len(s)) - 1)]
    return {"max": round(s[-1], 1), "p95": round(p95, 1), "samples": len(s)}


def summary(candidate, path, kv):
    rows = [parse(l) for l in open(path) if l.strip()]
    carried, s3 = None, []
    for r in rows:
        e = archived_end(candidate, r)
        carried = e if e is not None else carried
        s3.append(carried)
    exp = exposures(rows, s3)
    result = {"candidate": candidate}
    for phase in ("heavy", "light"):
        result["exposure_" + phase + "_s"] = stats(
            [x for x, r in zip(exp, rows) if r["phase"] == phase]
        )
    if candidate == "B":
        flushed = [r["flush"] if r["flush"] >= 0 else None for r in rows]
        rexp = exposures(rows, flushed)
        for phase in ("heavy", "light"):
            result["receiver_disk_exposure_" + phase + "_s"] = stats(
                [x for x, r in zip(rexp, rows) if r["phase"] == phase]
            )
        # WAL the slot no longer holds on the server but that is not in S3 yet: only on the
        # receiver's disk. A receiver-host loss loses it (the server may already have recycled it).
        unprotected = [
            r["restart"] - (a or 0)
            for r, a in zip(rows, s3)
            if r["restart"] >= 0 and r["phase"] in ("heavy", "light")
        ]
        result["slot_unprotected_bytes_max"] = max([0] + unprotected)
        result["spool_segments_max"] = max([0] + [r["spool"] for r in rows if r["phase"] == "heavy"])
    v = {k: float(x) if x not in ("", "None") else 0.0 for k, x in kv.items()}
    seconds = v["heavy_seconds"]
    segs = v["segments_heavy"]
    result.update(
        {
            "tps": v["tps"],
            "wal_generated_mb_s": round(v["wal_bytes_heavy"] / seconds / 1e6, 2),
            "segments_heavy": int(segs),
            "cpu_s_per_segment": round(v["cpu_heavy"] / segs, 3) if segs else None,
            "walsender_cpu_s_per_segment": (
                round(v["walsender_cpu_heavy"] / segs, 3) if candidate == "B" and segs else None
            ),
            "archive_bytes_per_segment": (
                int(v["archive_bytes_heavy"] / v["objects_heavy"]) if v["objects_heavy"] else None
            ),
            "drain_segments": int(v["drain_segments"]),
            "drain_seconds": round(v["drain_seconds"], 1),
            "drain_mb_s": (
                round(v["drain_segments"] * SEGMENT / v["drain_seconds"] / 1e6, 1)
                if v["drain_seconds"]
                else None
            ),
            "cpu_s_per_segment_drain": (
                round(v["cpu_drain"] / v["drain_segments"], 3) if v["drain_segments"] else None
            ),
            "failed_count": int(v["failed_count"]),
        }
    )
    return result


if __name__ == "__main__":
    if sys.argv[1] == "caught-up":
        sys.exit(0 if caught_up(sys.argv[2], sys.argv[3]) else 1)
    if sys.argv[1] == "summary":
        kv = dict(a.split("=", 1) for a in sys.argv[4:])
        print(json.dumps(summary(sys.argv[2], sys.argv[3], kv)))
