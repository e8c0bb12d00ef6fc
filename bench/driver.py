#!/usr/bin/env python3
"""Runs the wasmpool benchmark processes, aggregates their results and writes the report.

bench/run builds everything and then calls this script; it is not meant to be called by hand,
but it can be, to regenerate a report from saved results:

    python3 bench/driver.py --report-only bench/build/results-full.jsonl

The work is done by the modules of bench/harness/ (see its __init__.py).
"""

import argparse
import os

from harness.plots import make_plots
from harness.report import write_report
from harness.run import load_raw, run_all
from harness.stats import Summary, missing_measurements
from harness.suite import COMPONENT_PATHS, MODES, PATHS, STATIC_PATH


def arguments():
    ap = argparse.ArgumentParser()
    ap.add_argument("--mode", choices=sorted(MODES), default="full")
    ap.add_argument("--repo", default=os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    ap.add_argument("--build")
    ap.add_argument("--cache")
    ap.add_argument("--exe", action="append", default=[], help="PATH=executable")
    ap.add_argument("--out", help="directory for REPORT.md and the plots")
    ap.add_argument("--report-only", metavar="RESULTS_JSONL")
    ap.add_argument("--only", choices=["wasi", "components"], help="run one part alone: its report goes to <build>/<part>/")
    return ap.parse_args()


def executables(specs, only):
    exes = dict(e.split("=", 1) for e in specs)
    for p in (COMPONENT_PATHS if only else PATHS) + (STATIC_PATH,):
        if p not in exes:
            raise SystemExit("bench: --exe %s=... missing" % p)
    return exes


def main():
    args = arguments()
    bench = os.path.join(args.repo, "bench")
    build = args.build or os.path.join(bench, "build")
    cache = args.cache or os.path.join(bench, "cache")
    if args.report_only:
        results, meta = load_raw(args.report_only)
    else:
        results, meta, raw = run_all(args.mode, executables(args.exe, args.only), build, cache, args.only)
        print("raw results: %s" % os.path.relpath(raw, args.repo))
    mode = meta.get("mode", args.mode)
    only = meta.get("only")
    out = args.out or (os.path.join(build, only) if only else bench if mode == "full" else os.path.join(build, "smoke"))
    os.makedirs(out, exist_ok=True)
    summary = Summary(results, meta)
    plots = make_plots(summary, out) if mode == "full" and not only else []
    write_report(summary, meta, args.repo, out, plots)
    print("report: %s" % os.path.relpath(os.path.join(out, "REPORT.md"), args.repo))
    if mode == "smoke":
        missing = missing_measurements(results, meta.get("component_skips"), meta.get("wasi_skip"), only)
        if missing:
            raise SystemExit("bench: smoke run incomplete: " + "; ".join(missing))
        print("bench smoke: all measurements present")


if __name__ == "__main__":
    main()
