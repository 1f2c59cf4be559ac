#!/usr/bin/env python3
"""Does `confidence` mean what it says? A reliability table over every labelled dev set.

  python3 scripts/calibration.py --bin target/release/faultline [--shared ../shared] [--half even|odd]

For each case of the paste incidents (the shared ones and tests/fixtures/stranger-incidents), OpenStack fault injection (without baseline), Nezha and
Cloud-OpsBench, runs `BIN analyze --json` exactly as the shared scorers do (their own case readers
are imported from SHARED/eval), records the report's `confidence` and whether the root-cause service
is right (by each scorer's own name normalisation), and prints per confidence bin the cases and the
share right, plus the expected calibration error (ECE: the case-weighted mean of
|share right - mean confidence| over bins). A confidence of 0.7 should be right 70% of the time.
"""
import argparse, csv, json, os, subprocess, sys, tempfile

BINS = [(0.0, 0.3), (0.3, 0.5), (0.5, 0.7), (0.7, 0.85), (0.85, 1.01)]


def analyze(binary, args):
    p = subprocess.run([binary, "analyze", "--json", *args], capture_output=True, text=True, timeout=300)
    if p.returncode not in (0, 3):
        return None
    return json.loads(p.stdout)


def halve(items, half):
    if not half:
        return items
    return [c for i, c in enumerate(items) if i % 2 == (0 if half == "even" else 1)]


def incident_cases(data, half, label="incidents"):
    import incidents
    manifest = json.load(open(os.path.join(data, "manifest.json")))
    for name in halve(list(manifest), half):
        roots = set(manifest[name]["root"])
        yield label, name, incidents.files_of(data, name), lambda s, r=roots: (s or "").lower() in r


def openstack_cases(shared, half):
    import openstack_fi
    data = os.path.join(shared, "data", "rca", "openstack-fi")
    rows = list(csv.DictReader(open(os.path.join(data, "cases.csv"), newline="")))
    for r in halve(rows, half):
        d = os.path.join(data, r["folder"])
        files = sorted(os.path.join(d, f) for f in os.listdir(d))
        truth = r["root_cause_service"]
        yield "openstack-fi", r["case_id"], files, lambda s, t=truth: openstack_fi.subsystem_of(s or "") == t


def rca_cases(shared, half, dataset, tmp):
    import rca
    if dataset == "nezha":
        data = os.path.join(shared, "data", "rca", "nezha-trainticket")
        cases = list(rca.nezha_cases(data))
    else:
        data = os.path.join(shared, "data", "rca", "cloud-opsbench")
        cases = list(rca.opsbench_cases(data, tmp))
    for cid, _kind, truth, args in halve(cases, half):
        yield dataset, cid, args, lambda s, t=truth: rca.service_of(s) == rca.service_of(t)


def table(rows):
    out, ece, n = [], 0.0, len(rows)
    for lo, hi in BINS:
        inb = [(c, ok) for c, ok in rows if lo <= c < hi]
        if not inb:
            out.append(f"  [{lo:.2f}, {min(hi, 1):.2f})  cases   0")
            continue
        mean_c = sum(c for c, _ in inb) / len(inb)
        right = sum(ok for _, ok in inb) / len(inb)
        ece += len(inb) / n * abs(right - mean_c)
        out.append(f"  [{lo:.2f}, {min(hi, 1):.2f})  cases {len(inb):3d}  mean confidence {mean_c:.2f}  right {right:.2f}")
    return out, ece


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bin", required=True)
    ap.add_argument("--shared", default=os.path.join(os.path.dirname(__file__), "..", "..", "shared"))
    ap.add_argument("--half", choices=["even", "odd"])
    ap.add_argument("--dump", help="also write each case's confidence features and outcome (JSON lines)")
    a = ap.parse_args()
    eval_dir = os.path.join(a.shared, "eval")
    if not os.path.isdir(eval_dir):
        print(f"calibration: no shared datasets at {a.shared}; skipped")
        return
    sys.path.insert(0, eval_dir)
    sys.dont_write_bytecode = True
    tmp = tempfile.mkdtemp()
    here = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
    sources = [incident_cases(os.path.join(a.shared, "data", "incidents"), a.half),
               incident_cases(os.path.join(here, "tests", "fixtures", "stranger-incidents"), a.half,
                              "stranger-incidents"),
               openstack_cases(a.shared, a.half),
               rca_cases(a.shared, a.half, "nezha", tmp), rca_cases(a.shared, a.half, "opsbench", tmp)]
    per_set, rows = {}, []
    dump = open(a.dump, "w") if a.dump else None
    for source in sources:
        for dataset, cid, args, right in source:
            r = analyze(a.bin, args)
            if r is None:
                continue
            conf = float(r.get("confidence") or 0.0)
            ok = right((r.get("root_cause") or {}).get("service"))
            per_set.setdefault(dataset, []).append((conf, ok))
            rows.append((conf, ok))
            if dump:
                dump.write(json.dumps({"dataset": dataset, "case": cid, "right": ok, "confidence": conf,
                                       "why": r.get("confidence_reasons")}) + "\n")
    for name, rs in per_set.items():
        right = sum(ok for _, ok in rs)
        mean = sum(c for c, _ in rs) / len(rs)
        print(f"{name}: {len(rs)} cases, root right {right} ({100 * right / len(rs):.0f}%), mean confidence {mean:.2f}")
    lines, ece = table(rows)
    print(f"reliability ({len(rows)} cases{', ' + a.half + ' half' if a.half else ''}):")
    print("\n".join(lines))
    print(f"expected calibration error: {ece:.3f} (target <= 0.10)")


if __name__ == "__main__":
    main()
