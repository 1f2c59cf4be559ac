#!/usr/bin/env python3
"""Format coverage of the CLI on three sets of real-format files, by the issue-10 bar:

    a file passes when under 2% of its lines are unparsed and, where it carries times,
    at least 95% of its events are timed (`input.timestamped_events / input.events`).

Sets (each skipped with a message when absent):
  formats   ../shared/data/formats    "carries times": >= 80% of non-blank lines show a time to a
                                      loose regex (the same rule as tests/formats_corpus.rs), since
                                      its INDEX.csv has no has_times column;
  formats2  ../shared/data/formats2   "carries times": INDEX.csv has_times == yes;
  stranger  tests/fixtures/formats-stranger   EXPECTED.csv: timed_events > 0; also compares
                                      events, timed events and the level set with EXPECTED.csv
                                      (reported, not part of the pass bar).

Usage: scripts/formats-check.py [--bin target/release/faultline] [--shared ../shared]
                                [--set formats|formats2|stranger ...] [--half even|odd] [--all]
--half keeps every other file of each set (sorted by path, 0-based: even = 0, 2, 4, ...), to
measure on the half a change was not tuned on.
Prints the failing files (all files with --all) and a total per set. Exit status 0 always: this
is a measurement, the tests assert.
"""
import argparse
import csv
import json
import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MAX_UNPARSED = 0.02
MIN_TIMED = 0.95
META = ("readme", "license", "citation", "index.csv", "expected.csv", "check.py")

LOOSE_TIME = re.compile(
    r"\d{4}[-/]\d{2}[-/]\d{2}[T ]?\d{2}:\d{2}"
    r"|\b\d{2}/[A-Z][a-z]{2}/\d{4}:\d{2}:\d{2}"
    r"|\b[A-Z][a-z]{2} +\d{1,2} \d{2}:\d{2}:\d{2}"
    r"|\b\d{2}:\d{2}:\d{2}"
    r'|"(?:time|timestamp|ts|@timestamp|__REALTIME_TIMESTAMP|timeUnixNano|date)"\s*:\s*"?\d{10}'
    r"|\b[IWEF]\d{4} \d{2}:\d{2}"
    r"|\b\d{6} \d{6}\b"
)

# The stranger's level spellings are already normalised; the engine's are mapped the same way.
LEVEL_NAMES = {"trace", "debug", "info", "warn", "error", "fatal"}


def walk(d):
    out = []
    for base, dirs, files in os.walk(d):
        dirs[:] = sorted(x for x in dirs if not x.startswith("."))
        for f in sorted(files):
            if f.startswith(".") or f.lower().startswith(META) or f.lower() in META:
                continue
            out.append(os.path.join(base, f))
    return sorted(out)


def analyze(binary, path):
    r = subprocess.run([binary, "analyze", "--json", path], capture_output=True, timeout=300)
    if r.returncode != 0:
        return None
    return json.loads(r.stdout)["input"]


def levels_of(inp):
    out = set()
    for c in inp.get("levels") or []:
        name = (c.get("name") or c.get("value") or "").lower()
        name = {"warning": "warn", "critical": "fatal", "err": "error", "notice": "info"}.get(name, name)
        if name in LEVEL_NAMES:
            out.add(name)
    return out


def has_times_loose(path):
    text = open(path, "rb").read().decode("utf-8", "replace")
    lines = [l for l in text.splitlines() if l.strip()]
    if not lines:
        return False
    return sum(1 for l in lines if LOOSE_TIME.search(l)) / len(lines) >= 0.80


def row(binary, path, has_times):
    inp = analyze(binary, path)
    if inp is None:
        return {"ok": False, "why": "analyze failed"}
    lines, events = inp["lines"], inp["events"]
    unp, timed = inp["unparsed_lines"], inp["timestamped_events"]
    up = unp / lines if lines else 0.0
    tp = timed / events if events else 0.0
    why = []
    if up >= MAX_UNPARSED:
        why.append(f"unparsed {up:.1%}")
    if has_times and tp < MIN_TIMED:
        why.append(f"timed {tp:.1%}")
    fmts = ",".join(c.get("name", "?") for c in inp.get("formats") or [])
    return dict(ok=not why, why="; ".join(why), lines=lines, events=events, unparsed=unp,
                timed=timed, up=up, tp=tp, fmts=fmts, inp=inp)


def show(name, r, extra=""):
    if "lines" not in r:
        print(f"  FAIL {name}: {r['why']}")
        return
    mark = "ok  " if r["ok"] else "FAIL"
    print(f"  {mark} {name}: lines {r['lines']} events {r['events']} unparsed {r['up']:.1%} "
          f"timed {r['timed']}/{r['events']} ({r['tp']:.1%}) [{r['fmts']}] {r['why']}{extra}")


def run_set(label, binary, d, has_times_of, show_all, expected=None, half=None):
    if not os.path.isdir(d):
        print(f"== {label}: {d} absent; skipped")
        return
    files = walk(d)
    if half is not None:
        files = files[{"even": 0, "odd": 1}[half]::2]
        label = f"{label} ({half} half)"
    passed = 0
    exp_hits = [0, 0, 0]  # events, timed, levels equal to EXPECTED
    print(f"== {label} ({d}): {len(files)} files")
    for p in files:
        rel = os.path.relpath(p, d)
        ht = has_times_of(rel, p)
        r = row(binary, p, ht)
        extra = ""
        if expected is not None and rel in expected and "lines" in r:
            e = expected[rel]
            lv = levels_of(r["inp"])
            want_lv = set(x for x in e["levels"].split("|") if x)
            ok3 = [r["events"] == int(e["events"]), r["timed"] == int(e["timed_events"]),
                   lv == want_lv]
            for i, v in enumerate(ok3):
                exp_hits[i] += v
            if not all(ok3):
                extra = (f" | expected events {e['events']} timed {e['timed_events']} "
                         f"levels {sorted(want_lv)} got levels {sorted(lv)}")
        passed += r["ok"]
        if show_all or not r["ok"] or extra:
            show(rel, r, extra)
    print(f"== {label}: {passed}/{len(files)} pass (<{MAX_UNPARSED:.0%} unparsed, "
          f">={MIN_TIMED:.0%} timed where the file has times)")
    if expected is not None:
        n = len(files)
        print(f"== {label} vs EXPECTED.csv: events equal {exp_hits[0]}/{n}, "
              f"timed equal {exp_hits[1]}/{n}, level sets equal {exp_hits[2]}/{n}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default=os.path.join(ROOT, "target/release/faultline"))
    ap.add_argument("--shared", default=os.environ.get("FAULTLINE_SHARED",
                                                       os.path.join(ROOT, "../shared")))
    ap.add_argument("--set", action="append", choices=["formats", "formats2", "stranger"])
    ap.add_argument("--all", action="store_true", help="print every file, not only failures")
    ap.add_argument("--half", choices=["even", "odd"])
    a = ap.parse_args()
    sets = a.set or ["formats", "formats2", "stranger"]
    data = os.path.join(a.shared, "data")
    if "formats" in sets:
        run_set("formats", a.bin, os.path.join(data, "formats"),
                lambda rel, p: has_times_loose(p), a.all, half=a.half)
    if "formats2" in sets:
        d = os.path.join(data, "formats2")
        idx = {}
        if os.path.isfile(os.path.join(d, "INDEX.csv")):
            idx = {r["file"]: r["has_times"] == "yes"
                   for r in csv.DictReader(open(os.path.join(d, "INDEX.csv")))}
        run_set("formats2", a.bin, d, lambda rel, p: idx.get(rel, has_times_loose(p)), a.all,
                half=a.half)
    if "stranger" in sets:
        d = os.path.join(ROOT, "tests/fixtures/formats-stranger")
        exp = {}
        if os.path.isfile(os.path.join(d, "EXPECTED.csv")):
            exp = {r["file"]: r for r in csv.DictReader(open(os.path.join(d, "EXPECTED.csv")))}
        run_set("formats-stranger", a.bin, d,
                lambda rel, p: int(exp.get(rel, {}).get("timed_events", "0") or 0) > 0,
                a.all, expected=exp, half=a.half)
    return 0


if __name__ == "__main__":
    sys.exit(main())
