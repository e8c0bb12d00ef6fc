"""Soak: wasmpool-serve under steady load, its resident set sampled every second from /proc.

    python3 soak.py --serve EXE --oha EXE --guests DIR --out DIR [--seconds 60] [--warmup 10]
                    [--concurrency 8] [--threads N] [--pool P] [--tolerance 0.05]

For each component (the C proxy guest's POST /echo, the componentize-js proxy.js): starts the
server with its metrics path, reads the configuration's footprint there, samples VmRSS before the
load (idle, component compiled), then runs oha for --seconds while sampling once a second. Checks:

- flat: the RSS at the end of the load is within --tolerance of its value after --warmup
  seconds (the warm-up fills the warm slots, the allocator's arenas, the page cache of the code);
- bounded: the growth over the idle RSS stays within what the footprint report budgets for a
  server whose peak concurrency is C: (C + N) x resident_per_warm_slot (N = max_unused_warm_slots)
  plus instances_max, the bound of instance metadata.

Prints PASS or FAIL per check and exits non-zero when one fails. Not part of CI.
"""
import argparse
import json
import os
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402
from compare import COMPONENTS  # noqa: E402

METRICS = "/.well-known/wasmpool/metrics"
MiB = 1 << 20


def soak(args, name, comp, path, body, want, out):
    log = os.path.join(out, f"soak-{os.path.basename(comp)}.log")
    print(f"\n== soak: {name}: {args.seconds} s at concurrency {args.concurrency}", flush=True)
    server = common.start_wasmpool(args.serve, comp, args.threads, args.pool, log, ["--metrics-path", METRICS])
    try:
        status, _, got = common.fetch(server.url + path, body.encode() if body is not None else None)
        if status != 200 or got != want:
            sys.exit(f"soak: {name}: {status} {got!r}, expected 200 {want!r}")
        status, _, metrics = common.fetch(server.url + METRICS)
        foot = json.loads(metrics)["footprint"]
        time.sleep(0.5)
        idle = common.rss_bytes(server.pid)
        samples = []  # (seconds since the load started, RSS)
        done = threading.Event()
        result = {}

        def load():
            result["oha"] = common.oha(args.oha, server.url + path, args.concurrency, args.seconds, body)
            done.set()

        t = threading.Thread(target=load)
        t0 = time.monotonic()
        t.start()
        tick = 1
        while not done.wait(timeout=max(0.0, t0 + tick - time.monotonic())):
            samples.append((time.monotonic() - t0, common.rss_bytes(server.pid)))
            tick += 1
        t.join()
        status, _, metrics = common.fetch(server.url + METRICS)
        after = json.loads(metrics)
    finally:
        server.stop()
    within = [s for s in samples if s[0] <= args.seconds]
    warm = min(within, key=lambda s: abs(s[0] - args.warmup))
    end = within[-1]
    drift = (end[1] - warm[1]) / warm[1]
    n = foot["max_unused_warm_slots"]
    budget = (args.concurrency + n) * foot["resident_per_warm_slot"] + foot["instances_max"]
    growth = max(s[1] for s in within) - idle
    flat_ok = abs(drift) <= args.tolerance
    bound_ok = growth <= budget
    res = {
        "name": name, "concurrency": args.concurrency, "seconds": args.seconds,
        "requests": result["oha"]["requests"], "rps": result["oha"]["rps"],
        "idle_rss": idle, "warm_rss": warm[1], "warm_at": warm[0], "end_rss": end[1], "end_at": end[0],
        "max_rss": max(s[1] for s in within), "drift": drift, "growth": growth, "budget": budget,
        "footprint": foot, "live_after": after["live"], "flat": flat_ok, "bounded": bound_ok,
        "samples": samples,
    }
    print(f"  {res['requests']} requests ({res['rps']:.0f}/s); RSS idle {idle / MiB:.1f} MiB, "
          f"at {warm[0]:.0f} s {warm[1] / MiB:.1f} MiB, at {end[0]:.0f} s {end[1] / MiB:.1f} MiB, "
          f"max {res['max_rss'] / MiB:.1f} MiB")
    print(f"  {'PASS' if flat_ok else 'FAIL'}: flat after warm-up: {drift * 100:+.2f}% from {args.warmup} s to the "
          f"end (tolerance {args.tolerance * 100:.0f}%)")
    print(f"  {'PASS' if bound_ok else 'FAIL'}: within the footprint bound: growth over idle "
          f"{growth / MiB:.1f} MiB <= (C {args.concurrency} + N {n}) x {foot['resident_per_warm_slot'] / 1024:.0f} KiB"
          f" + instances_max {foot['instances_max'] / MiB:.0f} MiB = {budget / MiB:.1f} MiB")
    warm_part = (args.concurrency + n) * foot["resident_per_warm_slot"]
    res["warm_part"] = warm_part
    print(f"  (the warm-slot part alone, (C + N) x {foot['resident_per_warm_slot'] / 1024:.0f} KiB = "
          f"{warm_part / MiB:.1f} MiB: the growth is {'within' if growth <= warm_part else 'above'} it)")
    live = after["live"]["component_instances"]
    if live != 0:
        print(f"  FAIL: {live} component instance(s) still live after the load")
        res["flat"] = False
    return res


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--serve", required=True)
    ap.add_argument("--oha", required=True)
    ap.add_argument("--guests", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--seconds", type=int, default=60)
    ap.add_argument("--warmup", type=int, default=10)
    ap.add_argument("--concurrency", type=int, default=8)
    ap.add_argument("--threads", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--pool", type=int, default=64)
    ap.add_argument("--tolerance", type=float, default=0.05)
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    results, failed = [], False
    for name, rel, path, body, want in COMPONENTS:
        comp = os.path.join(args.guests, rel)
        if not os.path.isfile(comp):
            print(f"\n== soak: {name}: SKIPPED: {rel} is not in {args.guests}")
            continue
        r = soak(args, name, comp, path, body, want, args.out)
        results.append(r)
        failed |= not (r["flat"] and r["bounded"])
    with open(os.path.join(args.out, "soak.json"), "w") as f:
        json.dump(results, f, indent=1)
    if not results:
        sys.exit("soak: no component could be run")
    print("\nsoak: " + ("FAIL" if failed else "PASS"))
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
