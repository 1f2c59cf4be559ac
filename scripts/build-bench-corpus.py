#!/usr/bin/env python3
"""Builds a ~100 MB mixed benchmark corpus from the shared format samples and Loghub raw logs.

Usage: scripts/build-bench-corpus.py [SHARED_DATA_DIR] [OUT_DIR] [TARGET_MB]
Defaults: $FAULTLINE_SHARED/data or ../shared/data next to the crate; target/bench-corpus; 100.

Each source file is repeated whole until the folder holds about TARGET_MB, so every format
family keeps its share and each output file stays one format (as real inputs are). Prints the
folder and its size; exits 2 (with a message) when no source data is there.
"""
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SKIP = ("readme", "license", "citation", "index.csv")


def sources(data):
    out = []
    for sub in ("formats", "loghub"):
        base = os.path.join(data, sub)
        for dirpath, dirnames, files in os.walk(base):
            dirnames.sort()
            for f in sorted(files):
                low = f.lower()
                if low.startswith(SKIP) or low.startswith(".") or low == "index.csv":
                    continue
                # Loghub: the raw logs only, not the structured/template CSVs (ground truth).
                if sub == "loghub" and not low.endswith(".log"):
                    continue
                out.append(os.path.join(dirpath, f))
    return out


def main():
    shared = os.environ.get("FAULTLINE_SHARED")
    default_data = os.path.join(shared, "data") if shared else os.path.join(ROOT, "..", "shared", "data")
    data = sys.argv[1] if len(sys.argv) > 1 else default_data
    out_dir = sys.argv[2] if len(sys.argv) > 2 else os.path.join(ROOT, "target", "bench-corpus")
    target_mb = float(sys.argv[3]) if len(sys.argv) > 3 else 100.0
    files = sources(data)
    if not files:
        print(f"bench corpus: no data under {data} (formats/, loghub/); skipped", file=sys.stderr)
        sys.exit(2)
    blobs = []
    for p in files:
        with open(p, "rb") as fh:
            b = fh.read()
        if b and not b.endswith(b"\n"):
            b += b"\n"
        blobs.append((os.path.relpath(p, data), b))
    total = sum(len(b) for _, b in blobs)
    reps = max(1, round(target_mb * 1e6 / total))
    os.makedirs(out_dir, exist_ok=True)
    for f in os.listdir(out_dir):
        os.remove(os.path.join(out_dir, f))
    size = 0
    for rel, b in blobs:
        name = rel.replace(os.sep, "__")
        with open(os.path.join(out_dir, name), "wb") as fh:
            fh.write(b * reps)
        size += len(b) * reps
    print(f"{out_dir} {len(blobs)} files x{reps} = {size / 1e6:.1f} MB")


if __name__ == "__main__":
    main()
