"""wasmpool-serve against `wasmtime serve`: requests/s and p50/p99 latency at a few concurrencies,
for each component, both servers with the same pool size and thread count, over loopback, with
the same load generator. Prints the side-by-side table, writes the results (JSON), a Markdown
fragment for bench/REPORT.md and the plot.

    python3 compare.py --serve EXE --wasmtime EXE --oha EXE --guests DIR --out DIR [--png FILE]
                       [--threads N] [--pool P] [--seconds S] [--rounds R] [--concurrency 1,8,64]
"""
import argparse
import datetime
import json
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402

# name, file under the guests directory, path, request body (None: GET), expected response body
COMPONENTS = [
    ("C proxy guest, POST /echo", "proxy.wasm", "/echo", "hello", b"hello"),
    ("componentize-js proxy.js, GET /hello", "js/proxy.wasm", "/hello", None, b"hello from js: GET /hello\n"),
]
SERVERS = ("wasmpool", "wasmtime")


def check(server, path, body, want):
    status, headers, got = common.fetch(server.url + path, body.encode() if body is not None else None)
    if status != 200 or got != want:
        sys.exit(f"serve bench: {server.name} answered {status} {got!r} to {path}, expected 200 {want!r}")
    return headers


def measure(args, name, comp, path, body, want, out):
    logs = {s: os.path.join(out, f"{s}-{os.path.basename(comp)}.log") for s in SERVERS}
    print(f"\n== {name}: starting both servers (compiling the component)", flush=True)
    servers = {
        "wasmpool": common.start_wasmpool(args.serve, comp, args.threads, args.pool, logs["wasmpool"]),
        "wasmtime": common.start_wasmtime(args.wasmtime, comp, args.threads, args.pool, logs["wasmtime"]),
    }
    try:
        for s in servers.values():
            check(s, path, body, want)
            # warm-up: pool slots, caches, the branch predictor
            common.oha(args.oha, s.url + path, 8, 1, body)
        runs = {s: {c: [] for c in args.concurrency} for s in SERVERS}
        loads = []
        for r in range(args.rounds):
            for i, c in enumerate(args.concurrency):
                order = SERVERS if (r + i) % 2 == 0 else SERVERS[::-1]
                for s in order:
                    loads.append(common.loadavg())
                    res = common.oha(args.oha, servers[s].url + path, c, args.seconds, body)
                    runs[s][c].append(res)
                    print(f"  round {r + 1}/{args.rounds} c={c:<3} {s:9} {res['rps']:9.0f} req/s  "
                          f"p50 {res['p50'] * 1e3:7.3f} ms  p99 {res['p99'] * 1e3:7.3f} ms", flush=True)
                    time.sleep(0.3)
        for s in servers.values():
            check(s, path, body, want)
    finally:
        for s in servers.values():
            s.stop()
    points = []
    for c in args.concurrency:
        p = {"concurrency": c}
        for s in SERVERS:
            rs = runs[s][c]
            p[s] = {
                "rps": common.median([x["rps"] for x in rs]),
                "rps_min": min(x["rps"] for x in rs),
                "rps_max": max(x["rps"] for x in rs),
                "p50": common.median([x["p50"] for x in rs]),
                "p99": common.median([x["p99"] for x in rs]),
                "requests": sum(x["requests"] for x in rs),
            }
        p["rps_ratio"] = p["wasmpool"]["rps"] / p["wasmtime"]["rps"]
        p["p99_ratio"] = p["wasmpool"]["p99"] / p["wasmtime"]["p99"]
        p["p50_ratio"] = p["wasmpool"]["p50"] / p["wasmtime"]["p50"]
        points.append(p)
    return {"name": name, "file": os.path.relpath(comp, args.guests), "path": path, "body": body, "points": points,
            "loadavg_median": common.median(loads), "loadavg_max": max(loads)}


def ms(x):
    return f"{x * 1e3:.3f}"


def verdict(p):
    ok_rps = p["rps_ratio"] >= 1.0
    ok_p99 = p["p99_ratio"] <= 1.0
    return ("met" if ok_rps else "MISSED") + " / " + ("met" if ok_p99 else "MISSED")


def table(comp):
    rows = [
        "| concurrency | wasmpool req/s (min–max) | wasmtime req/s (min–max) | req/s ratio | "
        "p50 ms wasmpool / wasmtime | p99 ms wasmpool / wasmtime | p99 ratio | targets (req/s >= 1.0x / p99 <= 1.0x) |",
        "|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for p in comp["points"]:
        a, b = p["wasmpool"], p["wasmtime"]
        rows.append(
            f"| {p['concurrency']} | {a['rps']:,.0f} ({a['rps_min']:,.0f}–{a['rps_max']:,.0f}) | "
            f"{b['rps']:,.0f} ({b['rps_min']:,.0f}–{b['rps_max']:,.0f}) | **{p['rps_ratio']:.2f}x** | "
            f"{ms(a['p50'])} / {ms(b['p50'])} | {ms(a['p99'])} / {ms(b['p99'])} | **{p['p99_ratio']:.2f}x** | "
            f"{verdict(p)} |")
    return "\n".join(rows)


def plot(results, png):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import matplotlib.ticker

    comps = results["components"]
    fig, axes = plt.subplots(2, len(comps), figsize=(5.5 * len(comps), 7), squeeze=False)
    colors = {"wasmpool": "tab:blue", "wasmtime": "tab:orange"}
    labels = {"wasmpool": "wasmpool-serve", "wasmtime": "wasmtime serve"}
    for j, comp in enumerate(comps):
        cs = [p["concurrency"] for p in comp["points"]]
        x = range(len(cs))
        width = 0.38
        for k, s in enumerate(SERVERS):
            off = [i + (k - 0.5) * width for i in x]
            rps = [p[s]["rps"] for p in comp["points"]]
            err = [[p[s]["rps"] - p[s]["rps_min"] for p in comp["points"]],
                   [p[s]["rps_max"] - p[s]["rps"] for p in comp["points"]]]
            axes[0][j].bar(off, rps, width, yerr=err, capsize=3, color=colors[s], label=labels[s])
            axes[1][j].plot(list(x), [p[s]["p99"] * 1e3 for p in comp["points"]], "o-", color=colors[s],
                            label=f"{labels[s]} p99")
            axes[1][j].plot(list(x), [p[s]["p50"] * 1e3 for p in comp["points"]], "o--", color=colors[s],
                            alpha=0.6, label=f"{labels[s]} p50")
        for i, p in enumerate(comp["points"]):
            top = max(p[s]["rps_max"] for s in SERVERS)
            axes[0][j].annotate(f"{p['rps_ratio']:.2f}x", (i, top), ha="center", va="bottom", fontsize=9)
        axes[0][j].set_ylim(0, 1.3 * max(p[s]["rps_max"] for p in comp["points"] for s in SERVERS))
        axes[0][j].set_title(comp["name"], fontsize=10)
        axes[0][j].set_ylabel("requests/s (median, min–max)")
        axes[1][j].set_ylabel("latency, ms (median of rounds)")
        axes[1][j].set_yscale("log")
        axes[1][j].yaxis.set_major_formatter(matplotlib.ticker.ScalarFormatter())
        axes[1][j].yaxis.set_minor_formatter(matplotlib.ticker.NullFormatter())
        for row in (0, 1):
            axes[row][j].set_xticks(list(x))
            axes[row][j].set_xticklabels([str(c) for c in cs])
            axes[row][j].set_xlabel("concurrent connections (oha -c)")
        axes[0][j].legend(fontsize=8, loc="upper left")
        axes[1][j].legend(fontsize=7, loc="upper left")
    fig.suptitle(f"wasmpool-serve vs wasmtime serve 48.0.8: {results['threads']} threads, pool of "
                 f"{results['pool']}, loopback, oha {results['seconds']} s x {results['rounds']} rounds", fontsize=10)
    fig.tight_layout()
    fig.savefig(png, dpi=110)
    print(f"plot: {png}")


def version(argv):
    try:
        return subprocess.run(argv, capture_output=True, text=True).stdout.strip().splitlines()[0]
    except (OSError, IndexError):
        return "?"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--serve", required=True)
    ap.add_argument("--wasmtime", required=True)
    ap.add_argument("--oha", required=True)
    ap.add_argument("--guests", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--png")
    ap.add_argument("--threads", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--pool", type=int, default=64)
    ap.add_argument("--seconds", type=int, default=4)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--concurrency", default="1,8,64")
    args = ap.parse_args()
    args.concurrency = [int(c) for c in args.concurrency.split(",")]
    os.makedirs(args.out, exist_ok=True)
    started = time.monotonic()
    results = {
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "threads": args.threads, "pool": args.pool, "seconds": args.seconds, "rounds": args.rounds,
        "cpus": os.cpu_count(), "wasmtime": version([args.wasmtime, "--version"]),
        "oha": version([args.oha, "--version"]), "components": [], "skipped": [],
    }
    for name, rel, path, body, want in COMPONENTS:
        comp = os.path.join(args.guests, rel)
        if not os.path.isfile(comp):
            why = f"{rel} is not in {args.guests}"
            skip = os.path.join(os.path.dirname(comp), "proxy.skip")
            if os.path.isfile(skip):
                why += ": " + open(skip).read().strip()
            print(f"\n== {name}: SKIPPED: {why}")
            results["skipped"].append({"name": name, "why": why})
            continue
        results["components"].append(measure(args, name, comp, path, body, want, args.out))
    results["minutes"] = (time.monotonic() - started) / 60
    with open(os.path.join(args.out, "results.json"), "w") as f:
        json.dump(results, f, indent=1)
    md = [f"Run on {results['date']} ({results['minutes']:.0f} min): {results['wasmtime']}, {results['oha']}, "
          f"{args.threads} threads and a pool of {args.pool} instances on both sides, "
          f"{args.seconds} s per point, {args.rounds} rounds (medians; req/s min–max over rounds)."]
    for comp in results["components"]:
        md += ["", f"**{comp['name']}** (load average during the runs: median {comp['loadavg_median']:.1f}, "
               f"max {comp['loadavg_max']:.1f} on {results['cpus']} CPUs)", "", table(comp)]
    for s in results["skipped"]:
        md += ["", f"**{s['name']}**: not measured: {s['why']}"]
    text = "\n".join(md) + "\n"
    with open(os.path.join(args.out, "serve.md"), "w") as f:
        f.write(text)
    print("\n" + text)
    if args.png and results["components"]:
        plot(results, args.png)
    if not results["components"]:
        sys.exit("serve bench: no component could be measured")


if __name__ == "__main__":
    main()
