#!/usr/bin/env python3
"""Runs the wasmpool benchmark processes, aggregates their results and writes the report.

bench/run builds everything and then calls this script; it is not meant to be called by hand,
but it can be, to regenerate a report from saved results:

    python3 bench/driver.py --report-only bench/build/results-full.jsonl

Each benchmark program prints one JSON object per line (see bench/c/bench_common.h). The three
paths (wasmpool, Rust-native, upstream C API) are separate executables, so their libraries never
share a process; their processes are run interleaved, round after round, in a rotating order.
"""

import argparse
import datetime
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import time

PATHS = ("wasmpool", "native", "upstream")
NAMES = {"wasmpool": "wasmpool (C)", "native": "Rust-native", "upstream": "upstream C API"}
CASES = ("empty", "mem1", "mem17data", "large")
CASE_NAMES = {
    "empty": "empty module",
    "mem1": "1-page memory",
    "mem17data": "17 pages + 64 KiB data segment",
    "large": "StarlingMonkey (10.5 MB, 81 imports as traps)",
}
FOOT_N = (0, 10, 50, "max")
FOOT_C = (1, 2)
# Pool sizes of the footprint curve: below 128 slots Wasmtime 48.0.8 keeps one slot allocator;
# from 128 on it shards the pool (and the N budget) over min(CPUs, 16) per-thread shards.
FOOT_TOTALS = (120, 256)
KEEP = 1 << 20
MIB = float(1 << 20)

# Keep-resident sizes and pagemap scan for the "tuned" concurrency variant: the large module's
# memory (37 pages) and table (7688 elements) fit, so a released slot is reset by scanning for
# the pages the instance dirtied instead of madvise over the whole slot.
TUNED = {"mem_keep": 4 << 20, "table_keep": 64 << 10, "pagemap": 1}

MODES = {
    "full": dict(rounds=10, target_ms=200, warmup=200, conc_ms=500, conc_rounds=5, conc_attempts=4, compile_trials=3, dtrials=10,
                 fp_trials=3, fp_passes=3, deadline_trials=20, profile=True, quiet_wait_s=60,
                 conc_quiet_wait_s=180),
    "smoke": dict(rounds=1, target_ms=10, warmup=20, conc_ms=50, conc_rounds=1, conc_attempts=1, compile_trials=1, dtrials=2,
                  fp_trials=1, fp_passes=1, deadline_trials=3, profile=False, quiet_wait_s=0,
                  conc_quiet_wait_s=0),
}

# --------------------------------------------------------------------------------------------
# Modules: written once, read by every path, so all three run byte-identical inputs.
# --------------------------------------------------------------------------------------------


def write_modules(out):
    os.makedirs(out, exist_ok=True)
    data = "".join("\\%02x" % ((i * 7) % 251 + 1) for i in range(65536))
    files = {
        "empty": "(module)\n",
        "mem1": '(module (memory (export "memory") 1))\n',
        "mem17data": '(module (memory (export "memory") 17)\n  (data (i32.const 65536) "%s"))\n' % data,
        "calls": """(module
  (import "host" "inc" (func $inc (param i32) (result i32)))
  (func (export "nop"))
  (func (export "mix") (param i32 i64) (result f32)
    (f32.add (f32.convert_i32_s (local.get 0)) (f32.convert_i64_s (local.get 1))))
  (func (export "loop") (param $n i32) (result i32) (local $acc i32)
    (block $done
      (loop $l
        (br_if $done (i32.eqz (local.get $n)))
        (local.set $acc (call $inc (local.get $acc)))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br $l)))
    (local.get $acc)))
""",
    }
    # The churn modules: distinct (their data differs), 1 MiB of memory, `touch` writes one byte
    # in every 4 KiB page of it, so a released slot has 1 MiB to keep resident.
    for i in range(100):
        files["churn_%03d" % i] = """(module
  (memory (export "memory") 16)
  (data (i32.const 0) "churn module %03d")
  (func (export "touch") (local $p i32)
    (loop $l
      (i32.store8 (local.get $p) (i32.const 1))
      (local.set $p (i32.add (local.get $p) (i32.const 4096)))
      (br_if $l (i32.lt_u (local.get $p) (i32.const 1048576))))))
""" % i
    for name, text in files.items():
        path = os.path.join(out, name + ".wat")
        if not os.path.exists(path) or open(path).read() != text:
            with open(path, "w") as f:
                f.write(text)


# --------------------------------------------------------------------------------------------
# Running
# --------------------------------------------------------------------------------------------


def cpu_busy(seconds=0.5):
    """Fraction of all CPUs busy over `seconds` (this process sleeps meanwhile)."""

    def sample():
        with open("/proc/stat") as f:
            fields = [int(x) for x in f.readline().split()[1:]]
        idle = fields[3] + (fields[4] if len(fields) > 4 else 0)
        return idle, sum(fields)

    i0, t0 = sample()
    time.sleep(seconds)
    i1, t1 = sample()
    return 1.0 - (i1 - i0) / max(1, t1 - t0)


class Runner:
    def __init__(self, exes, raw_path, verbose):
        self.exes = exes
        self.results = []
        self.raw = open(raw_path, "w")
        self.verbose = verbose
        self.busy = []
        self.conc_busy = []

    def wait_quiet(self, max_wait_s, threshold=0.10, busy_list=None):
        """Waits (up to max_wait_s) until the machine's other load is low; records it."""
        deadline = time.time() + max_wait_s
        busy = cpu_busy()
        while busy > threshold and time.time() < deadline:
            busy = cpu_busy(2.0)
        (self.busy if busy_list is None else busy_list).append(busy)
        return busy

    def run_two_cpus(self, path, args, attempts, quiet_wait_s, **tags):
        """Runs a concurrency measurement until every 2-thread result had both threads on a CPU
        (CPU share >= 1.8), at most `attempts` times, waiting for quiet between attempts; keeps
        the last attempt. Another program's load would otherwise be measured instead of
        Wasmtime's scaling."""
        for attempt in range(attempts):
            out = self.run(path, args, keep=False, **tags)
            two = [r for r in out if r.get("threads") == 2]
            if all(r.get("cpu_share", 0) >= 1.8 for r in two) or attempt == attempts - 1:
                break
            self.wait_quiet(quiet_wait_s, busy_list=[])
        self.commit(out)
        return out

    def commit(self, out):
        for r in out:
            self.raw.write(json.dumps(r) + "\n")
        self.raw.flush()
        self.results.extend(out)

    def run(self, path, args, keep=True, **tags):
        cmd = [self.exes[path]] + [str(a) for a in args]
        if self.verbose:
            print("  $ " + " ".join(os.path.basename(c) if i == 0 else c for i, c in enumerate(cmd)), flush=True)
        t0 = time.time()
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=1800)
        if p.returncode != 0:
            sys.stderr.write(p.stderr)
            raise SystemExit("bench: %s failed (exit %d)" % (" ".join(cmd), p.returncode))
        out = []
        for line in p.stdout.splitlines():
            if line.startswith("{"):
                r = json.loads(line)
                r.update(tags)
                out.append(r)
        if keep:
            self.commit(out)
        if self.verbose:
            print("    %d results in %.1f s" % (len(out), time.time() - t0), flush=True)
        return out


def callgrind(cmd, tmpdir):
    """(instructions executed, calls to malloc/calloc/realloc) of `cmd` under callgrind."""
    out = os.path.join(tmpdir, "callgrind.out")
    with_out = ["valgrind", "--tool=callgrind", "--callgrind-out-file=" + out] + cmd
    p = subprocess.run(with_out, capture_output=True, text=True, timeout=1800)
    if p.returncode != 0:
        sys.stderr.write(p.stdout + p.stderr)
        raise SystemExit("bench: callgrind run failed: " + " ".join(cmd))
    m = re.search(r"Collected\s*:\s*([0-9,]+)", p.stderr) or re.search(r"I\s+refs:\s*([0-9,]+)", p.stderr)
    if not m:
        raise SystemExit("bench: no instruction count from callgrind")
    # Calls to the allocator, from the call records of the profile ("cfn=" then "calls=").
    names, allocs, target = {}, 0, None
    for line in open(out, errors="replace"):
        if line.startswith("cfn="):
            mm = re.match(r"cfn=\((\d+)\)(?: (.*))?", line.strip())
            if mm:
                if mm.group(2):
                    names[mm.group(1)] = mm.group(2)
                target = names.get(mm.group(1), "")
            else:
                target = line[4:].strip()
        elif line.startswith("fn="):
            mm = re.match(r"fn=\((\d+)\)(?: (.*))?", line.strip())
            if mm and mm.group(2):
                names[mm.group(1)] = mm.group(2)
            target = None
        elif line.startswith("calls=") and target is not None:
            if target in ("malloc", "calloc", "realloc"):
                allocs += int(line.split("=", 1)[1].split()[0])
            target = None
    os.unlink(out)
    return int(m.group(1).replace(",", "")), allocs


PROFILES = [
    # (name, per-op unit, {path: extra args}, iterations low/high, ops per iteration)
    ("instantiate empty (pooling)", "instr/op",
     {p: ["only=instantiate", "cases=empty", "strategies=pooling"] for p in PATHS}, (2000, 6000), 1),
    ("instantiate 1-page memory (pooling)", "instr/op",
     {p: ["only=instantiate", "cases=mem1", "strategies=pooling"] for p in PATHS}, (2000, 6000), 1),
    ("instantiate 1-page memory (on-demand)", "instr/op",
     {p: ["only=instantiate", "cases=mem1", "strategies=ondemand"] for p in PATHS}, (1000, 3000), 1),
    ("call nop, looked-up function", "instr/call",
     {"wasmpool": ["only=calls", "strategies=pooling", "calls=nop_func"],
      "native": ["only=calls", "strategies=pooling", "calls=nop"],
      "upstream": ["only=calls", "strategies=pooling", "calls=nop"]}, (20000, 60000), 1),
    ("call nop by export name (wasmpool_instance_call)", "instr/call",
     {"wasmpool": ["only=calls", "strategies=pooling", "calls=nop"],
      "native": ["only=calls", "strategies=pooling", "calls=nop"],
      "upstream": ["only=calls", "strategies=pooling", "calls=nop"]}, (20000, 60000), 1),
    ("call (i32,i64)->f32", "instr/call",
     {"wasmpool": ["only=calls", "strategies=pooling", "calls=i32_i64_to_f32"],
      "native": ["only=calls", "strategies=pooling", "calls=i32_i64_to_f32"],
      "upstream": ["only=calls", "strategies=pooling", "calls=i32_i64_to_f32"]}, (20000, 60000), 1),
    ("host call (wasm->host)", "instr/call",
     {"wasmpool": ["only=calls", "strategies=pooling", "calls=wasm_to_host", "loop=100"],
      "native": ["only=calls", "strategies=pooling", "calls=wasm_to_host", "loop=100"],
      "upstream": ["only=calls", "strategies=pooling", "calls=wasm_to_host", "loop=100"]}, (200, 600), 100),
]


def profile_phase(runner, modules, tmpdir):
    """Instructions and allocator calls per operation under callgrind: deterministic, unlike the
    timings on a shared machine. Two runs with different iteration counts; their difference is
    the measured loop alone."""
    out = []
    for name, unit, args, (lo, hi), per in PROFILES:
        row = {"name": name, "unit": unit}
        for path in PATHS:
            base = [runner.exes[path], "round", "modules=" + modules, "large=none", "pool_total=4",
                    "warmup=100"] + args[path]
            a, am = callgrind(base + ["iters=%d" % lo], tmpdir)
            b, bm = callgrind(base + ["iters=%d" % hi], tmpdir)
            row[path] = (b - a) / float((hi - lo) * per)
            row[path + "_allocs"] = (bm - am) / float((hi - lo) * per) + 0.0
        print("  profile %-48s wasmpool %.0f (%.1f allocs)  native %.0f (%.1f)  upstream %.0f (%.1f)" % (
            name, row["wasmpool"], row["wasmpool_allocs"], row["native"], row["native_allocs"],
            row["upstream"], row["upstream_allocs"]), flush=True)
        out.append(row)
    return out


def run_all(args, mode, exes, build, cache):
    cfg = MODES[mode]
    modules = os.path.join(build, "modules")
    write_modules(modules)
    cwasm = os.path.join(build, "cwasm")
    os.makedirs(cwasm, exist_ok=True)
    raw = os.path.join(build, "results-%s.jsonl" % mode)
    runner = Runner(exes, raw, verbose=True)
    large_wasm = os.path.join(cache, "starlingmonkey_embedding.wasm")
    started = time.time()
    meta = {"mode": mode, "started": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")}
    meta["busy_before"] = cpu_busy(1.0)

    # Compiling uses both CPUs, so it waits for quiet too, and the paths take turns.
    print("== compile vs deserialize (large module), paths interleaved", flush=True)
    for t in range(cfg["compile_trials"]):
        runner.wait_quiet(cfg["quiet_wait_s"])
        for path in PATHS[t % 3:] + PATHS[:t % 3]:
            runner.run(path, ["compile", "wasm=" + large_wasm, "out=" + os.path.join(cwasm, "large.%s.cwasm" % path),
                              "trials=1", "dtrials=%d" % cfg["dtrials"]], round=t)

    print("== rounds: instantiation, calls, metrics; paths interleaved", flush=True)
    common = ["modules=" + modules, "target_ms=%d" % cfg["target_ms"], "warmup=%d" % cfg["warmup"],
              "conc_ms=%d" % cfg["conc_ms"]]
    for r in range(cfg["rounds"]):
        busy = runner.wait_quiet(cfg["quiet_wait_s"])
        print("-- round %d/%d (other CPU load before it: %.0f%%)" % (r + 1, cfg["rounds"], busy * 100), flush=True)
        order = PATHS[r % 3:] + PATHS[:r % 3]
        for path in order:
            runner.run(path, ["round", "large=" + os.path.join(cwasm, "large.%s.cwasm" % path),
                              "only=instantiate,calls,metrics"] + common, round=r)

    # Two threads need two idle CPUs: these rounds wait longer for the machine's other load to
    # settle, and record how busy it was.
    print("== concurrency rounds (1 vs 2 threads), with machine controls", flush=True)
    tuned = ["%s=%d" % kv for kv in TUNED.items()]
    for r in range(cfg["conc_rounds"]):
        busy = runner.wait_quiet(cfg["conc_quiet_wait_s"], busy_list=runner.conc_busy)
        print("-- concurrency round %d/%d (other CPU load before it: %.0f%%)" % (
            r + 1, cfg["conc_rounds"], busy * 100), flush=True)
        order = PATHS[r % 3:] + PATHS[:r % 3]
        tries, wait = cfg["conc_attempts"], cfg["conc_quiet_wait_s"] / 3
        runner.run_two_cpus("wasmpool", ["control", "conc_ms=%d" % cfg["conc_ms"]], tries, wait, round=r)
        for path in order:
            runner.run_two_cpus(path, ["round", "large=" + os.path.join(cwasm, "large.%s.cwasm" % path),
                                       "only=concurrency"] + common, tries, wait, round=r)
        # Slots reset by a page scan instead of madvise: wasmpool and the Rust-native path only
        # (the upstream C API has no setter for pagemap_scan).
        for path in order:
            if path != "upstream":
                runner.run_two_cpus(path, ["round", "large=" + os.path.join(cwasm, "large.%s.cwasm" % path),
                                           "only=concurrency", "strategies=pooling", "label=" + TUNED_LABEL]
                                    + common + tuned, tries, wait, round=r)

    print("== footprint curve (wasmpool): K=100 modules, keep-resident 1 MiB", flush=True)
    for t in range(cfg["fp_trials"]):
        runner.wait_quiet(cfg["quiet_wait_s"] / 4)
        for total in FOOT_TOTALS:
            for c in FOOT_C:
                for n in FOOT_N:
                    runner.run("wasmpool", ["footprint", "modules=" + modules, "n=%s" % n, "c=%d" % c, "k=100",
                                            "passes=%d" % cfg["fp_passes"], "keep=%d" % KEEP, "total=%d" % total],
                               round=t)

    print("== deadline latency (wasmpool)", flush=True)
    for tick, deadline in ((1, 20), (10, 20), (1, 100)):
        runner.run("wasmpool", ["deadline", "tick=%d" % tick, "deadline_ms=%d" % deadline,
                                "trials=%d" % cfg["deadline_trials"]])
    runner.run("wasmpool", ["mechanism", "trials=%d" % cfg["deadline_trials"]])

    profile = []
    if cfg["profile"] and shutil.which("valgrind"):
        print("== instruction counts under callgrind", flush=True)
        profile = profile_phase(runner, modules, build)
    meta["busy_rounds"] = runner.busy
    meta["busy_conc_rounds"] = runner.conc_busy
    meta["elapsed_s"] = time.time() - started
    meta["profile"] = profile
    runner.raw.write(json.dumps({"meta": meta}) + "\n")
    runner.raw.close()
    return runner.results, meta, raw


def load_raw(path):
    results, meta = [], {}
    for line in open(path):
        r = json.loads(line)
        if "meta" in r:
            meta = r["meta"]
        else:
            results.append(r)
    return results, meta


# --------------------------------------------------------------------------------------------
# Statistics
# --------------------------------------------------------------------------------------------


class Data:
    def __init__(self, results):
        self.results = results

    def values(self, **kw):
        return [r["value"] for r in self.results if all(r.get(k) == v for k, v in kw.items())]

    def rows(self, **kw):
        return [r for r in self.results if all(r.get(k) == v for k, v in kw.items())]

    def by_round(self, **kw):
        out = {}
        for r in self.rows(**kw):
            out.setdefault(r.get("round", 0), []).append(r["value"])
        return {k: statistics.median(v) for k, v in out.items()}


def stat(v):
    if not v:
        return None
    return (statistics.median(v), min(v), max(v), len(v))


def ratio_stat(num, den):
    """Per-round ratios num/den (dicts round -> value), as a stat."""
    rs = [num[r] / den[r] for r in num if r in den and den[r]]
    return stat(rs)


# --------------------------------------------------------------------------------------------
# Formatting
# --------------------------------------------------------------------------------------------


def fmt_num(x, digits=None):
    if x is None:
        return "n/a"
    if digits is not None:
        return "{:,.{}f}".format(x, digits)
    if abs(x) >= 100:
        return "{:,.0f}".format(x)
    if abs(x) >= 10:
        return "{:.1f}".format(x)
    return "{:.2f}".format(x)


def fmt_stat(s, digits=None, scale=1.0):
    if s is None:
        return "n/a"
    med, lo, hi, _ = s
    return "%s (%s–%s)" % (fmt_num(med / scale, digits), fmt_num(lo / scale, digits), fmt_num(hi / scale, digits))


def fmt_ratio(s):
    if s is None:
        return "n/a"
    med, lo, hi, _ = s
    return "**%.2f** (%.2f–%.2f)" % (med, lo, hi)


def fmt_allocs(x):
    """Allocator calls per operation (tiny negative differences print as 0)."""
    return "%.1f" % (0.0 if abs(x) < 0.05 else x)


def table(header, rows):
    out = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    for r in rows:
        out.append("| " + " | ".join(str(c) for c in r) + " |")
    return "\n".join(out) + "\n"


def sh(cmd):
    try:
        return subprocess.run(cmd, capture_output=True, text=True, timeout=30).stdout.strip()
    except Exception:
        return ""


def machine(repo):
    cpu = "unknown"
    for line in open("/proc/cpuinfo"):
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    mem = ""
    for line in open("/proc/meminfo"):
        if line.startswith("MemTotal"):
            mem = "%.1f GiB" % (int(line.split()[1]) / 1024.0 / 1024.0)
    version = ""
    m = re.search(r'^version\s*=\s*"([^"]+)"', open(os.path.join(repo, "Cargo.toml")).read(), re.M)
    if m:
        version = m.group(1)
    rev = sh(["git", "-C", repo, "rev-parse", "--short", "HEAD"])
    if sh(["git", "-C", repo, "status", "--porcelain", "--untracked-files=no"]):
        rev += " (with uncommitted changes)"
    try:
        import matplotlib
        mpl = matplotlib.__version__
    except Exception:
        mpl = "not used"
    return [
        ("CPU", "%s, %d logical CPUs (nproc)" % (cpu, os.cpu_count())),
        ("memory", mem),
        ("kernel", "%s %s" % (platform.system(), platform.release())),
        ("wasmpool", "%s, commit %s" % (version, rev)),
        ("Wasmtime", "48.0.8 in all three paths (one compiled crate, same features)"),
        ("Rust", sh(["rustc", "--version"])),
        ("C compiler", (sh(["cc", "--version"]).splitlines() or [""])[0] + ", -O2"),
        ("CMake", (sh(["cmake", "--version"]).splitlines() or [""])[0]),
        ("Python / matplotlib", "%s / %s" % (platform.python_version(), mpl)),
    ]


# --------------------------------------------------------------------------------------------
# Report
# --------------------------------------------------------------------------------------------

CALL_VARIANTS = {
    # column: (path, variant for host->wasm, variant for wasm->host)
    "wasmpool": ("wasmpool", "wasmpool_instance_call", "wasmpool_linker_define_func"),
    "wasmpool_func": ("wasmpool", "wasmpool_func_call", None),
    "upstream": ("upstream", "wasmtime_func_call", "wasmtime_linker_define_func"),
    "upstream_unchecked": ("upstream", "wasmtime_func_call_unchecked", "wasmtime_linker_define_func_unchecked"),
    "native": ("native", "Func::call", "Linker::func_new"),
    "native_typed": ("native", "TypedFunc::call", "Linker::func_wrap"),
}
CALL_CASES = ("nop", "i32_i64_to_f32", "wasm_to_host")
CALL_NAMES = {"nop": "host->wasm `nop`", "i32_i64_to_f32": "host->wasm `(i32,i64)->f32`",
              "wasm_to_host": "wasm->host `inc(i32)->i32`"}
TUNED_LABEL = "keep_resident+pagemap_scan"


def shards_for(total):
    """Shards of Wasmtime 48.0.8's slot allocators for a pool of `total` slots on this machine."""
    return min(os.cpu_count() or 1, 16) if total >= 128 else 1


def expected_warm(n, c, total):
    """Unused warm memories after a churn at concurrency c (each thread in its own shard when
    the pool is sharded): max(N,1)+C-1 unsharded; the sum of max(N_shard,1) over the threads'
    shards when sharded."""
    if n == "max":
        return None
    s = shards_for(total)
    if s == 1:
        return max(n, 1) + c - 1
    per = [n // s + (1 if i < n % s else 0) for i in range(s)]
    return sum(max(per[i % s], 1) for i in range(min(c, s)))


class Report:
    def __init__(self, results, meta):
        self.d = Data(results)
        self.meta = meta
        self.mode = meta.get("mode", "full")
        self.cfg = MODES.get(self.mode, MODES["full"])
        d = self.d
        self.inst = {(c, s, p): d.by_round(bench="instantiate", case=c, strategy=s, path=p)
                     for c in CASES for s in ("pooling", "ondemand") for p in PATHS}
        self.calls = {}
        for case in CALL_CASES:
            for col, (path, vc, vh) in CALL_VARIANTS.items():
                v = vh if case == "wasm_to_host" else vc
                self.calls[case, col] = d.by_round(bench="calls", case=case, path=path, variant=v) if v else {}
        # 2-thread results count only from rounds where both threads had a CPU (CPU share >= 1.8):
        # otherwise another program's load is what was measured. Without any such round, all
        # rounds are used and the table says so.
        def valid_pair(**kw):
            one = d.by_round(threads=1, **kw)
            twos = d.rows(threads=2, **kw)
            ok = {r.get("round", 0): r["value"] for r in twos if r.get("cpu_share", 0) >= 1.8}
            every = {r.get("round", 0): r["value"] for r in twos}
            two = ok or every
            shares = [r.get("cpu_share", 0) for r in twos if not ok or r.get("cpu_share", 0) >= 1.8]
            return one, two, ratio_stat(two, one), statistics.median(shares) if shares else 0, len(ok), len(every)

        self.conc = {}
        for label in ("defaults", TUNED_LABEL):
            for s in ("pooling", "ondemand"):
                for c in ("mem1", "large"):
                    for p in PATHS:
                        v = valid_pair(bench="concurrency", case=c, strategy=s, path=p, variant=label)
                        if v[0] and v[1]:
                            self.conc[label, s, c, p] = v
        self.control = {}
        for c in ("cpu_loop", "madvise_dontneed"):
            v = valid_pair(bench="control", case=c)
            if v[0] and v[1]:
                self.control[c] = v
        self.comp = {p: tuple(stat(d.values(bench="compile", path=p, variant=v))
                              for v in ("compile", "deserialize", "deserialize_file")) for p in PATHS}
        self.metrics = {p: d.by_round(bench="metrics", path=p) for p in ("wasmpool", "native")}
        self.foot = {}
        for total in FOOT_TOTALS:
            for c in FOOT_C:
                for n in FOOT_N:
                    rs = [r for r in d.rows(bench="footprint", threads=c) if r.get("total", 128) == total and
                          ((r["n"] >= 4294967295) if n == "max" else r["n"] == n)]
                    if not rs:
                        continue

                    def med(key, rs=rs):
                        return statistics.median([r[key] for r in rs])

                    self.foot[total, c, n] = dict(
                        warm=med("unused_warm_memories"), res=med("unused_memory_bytes_resident"),
                        rss=med("rss_growth"), p50=med("inst_p50_ns"), p99=med("inst_p99_ns"),
                        dele=med("delete_p50_ns"), expect=expected_warm(n, c, total),
                        bound=None if n == "max" else (c + n) * MIB, n=n, c=c, total=total, trials=len(rs))
        self.dl = {}
        for tick, dms in ((1, 20), (10, 20), (1, 100)):
            self.dl[tick, dms] = stat([r["value"] for r in d.rows(bench="deadline", case="overshoot",
                                                                  variant="tick_%dms" % tick)
                                       if r.get("deadline_ms", 20) == dms])
        self.mech = stat(d.values(bench="deadline", case="mechanism"))
        self.prof = {x["name"]: x for x in meta.get("profile") or []}

    # ---- small helpers ------------------------------------------------------------------------
    def r_inst(self, case, strat, num, den):
        return ratio_stat(self.inst[case, strat, num], self.inst[case, strat, den])

    def r_calls(self, case, num, den):
        return ratio_stat(self.calls[case, num], self.calls[case, den])

    def speedup(self, case, path):
        return ratio_stat(self.inst[case, "ondemand", path], self.inst[case, "pooling", path])

    # ---- targets -----------------------------------------------------------------------------
    def targets(self):
        rows = []

        def v(ok):
            return "met" if ok else "**missed**"

        def m(s):
            return s[0] if s else float("nan")

        r = {c: m(self.r_inst(c, "pooling", "wasmpool", "native")) for c in CASES}
        rows.append(["wasmpool / Rust-native instantiation <= 1.03 (median; every module; pooling)",
                     ", ".join("%s %.3f" % (c, r[c]) for c in CASES), v(max(r.values()) <= 1.03)])
        for strat in ("pooling", "ondemand"):
            u = {c: m(self.r_inst(c, strat, "wasmpool", "upstream")) for c in CASES}
            rows.append(["wasmpool / upstream C API <= 1.00, instantiation (%s)" % strat.replace("ondemand", "on-demand"),
                         ", ".join("%s %.3f" % (c, u[c]) for c in CASES), v(max(u.values()) <= 1.00)])
        cu = {c: m(self.r_calls(c, "wasmpool", "upstream")) for c in CALL_CASES}
        rows.append(["wasmpool / upstream <= 1.00, calls (`wasmpool_instance_call` and host functions vs "
                     "`wasmtime_func_call` and `wasmtime_linker_define_func`)",
                     ", ".join("%s %.2f" % (c, cu[c]) for c in CALL_CASES), v(max(cu.values()) <= 1.00)])
        cf = {c: m(self.r_calls(c, "wasmpool_func", "upstream")) for c in ("nop", "i32_i64_to_f32")}
        rows.append(["... with a looked-up `wasmpool_func_t` (`wasmpool_func_call`)",
                     ", ".join("%s %.2f" % (c, cf[c]) for c in cf), v(max(cf.values()) <= 1.00)])
        sp = {p: m(self.speedup("large", p)) for p in PATHS}
        rows.append(["pooling speedup on the large module >= 4.5x (on-demand / pooling)",
                     "wasmpool %.2fx (Rust-native %.2fx, upstream %.2fx)" % (sp["wasmpool"], sp["native"], sp["upstream"]),
                     v(sp["wasmpool"] >= 4.5)])
        c2 = {(l, c): m((self.conc.get((l, "pooling", c, "wasmpool")) or (0, 0, None))[2])
              for l in ("defaults", TUNED_LABEL) for c in ("mem1", "large")}
        tuned_ok = min(c2[TUNED_LABEL, "mem1"], c2[TUNED_LABEL, "large"]) >= 1.8
        rows.append(["2-thread / 1-thread throughput >= 1.8 under pooling (wasmpool; rounds with both CPUs free)",
                     "defaults: 1-page %.2f, large %.2f; keep_resident+pagemap_scan: 1-page %.2f, large %.2f" % (
                         c2["defaults", "mem1"], c2["defaults", "large"], c2[TUNED_LABEL, "mem1"],
                         c2[TUNED_LABEL, "large"]),
                     "met" if min(c2["defaults", "mem1"], c2["defaults", "large"]) >= 1.8 else
                     ("**missed** with the defaults; met with keep_resident+pagemap_scan" if tuned_ok else "**missed**")])
        ms = stat(list(self.metrics["wasmpool"].values()))
        rows.append(["metrics snapshot < 1 µs", "%.0f ns" % m(ms), v(ms and ms[0] < 1000)])
        bounded = [f for f in self.foot.values() if f["bound"] is not None]
        res_ok = all(f["res"] <= f["bound"] for f in bounded)
        worst_res = max((f["res"] / f["bound"] for f in bounded), default=0)
        rows.append(["footprint: `unused_memory_bytes_resident` <= (C + N) x 1 MiB",
                     "largest resident / bound %.2f over %d settings" % (worst_res, len(bounded)), v(res_ok)])
        devs = [(abs(f["rss"] - f["res"]) / f["res"], f) for f in self.foot.values() if f["res"]]
        worst = max(devs, key=lambda x: x[0]) if devs else (0, None)
        rows.append(["footprint: RSS growth within 10% of `unused_memory_bytes_resident`",
                     "largest deviation %.1f%% (pool %s, N=%s, C=%s)" % (
                         worst[0] * 100, worst[1]["total"] if worst[1] else "-",
                         ("unlimited" if worst[1] and worst[1]["n"] == "max" else worst[1]["n"]) if worst[1] else "-",
                         worst[1]["c"] if worst[1] else "-"),
                     v(worst[0] <= 0.10)])
        return table(["target (issue 6)", "measured (medians)", ""], rows)

    # ---- sections ------------------------------------------------------------------------------
    def section_instantiation(self, plots):
        md = ["## 1. Instantiation\n",
              "Nanoseconds per instantiation: a store created, the pre-linked module instantiated in it, "
              "the store deleted (nothing called).\n\n"]
        rows = []
        for strat in ("pooling", "ondemand"):
            for case in CASES:
                s = {p: stat(list(self.inst[case, strat, p].values())) for p in PATHS}
                rows.append([CASE_NAMES[case], strat.replace("ondemand", "on-demand")] +
                            [fmt_stat(s[p]) for p in PATHS] +
                            [fmt_ratio(self.r_inst(case, strat, "wasmpool", "native")),
                             fmt_ratio(self.r_inst(case, strat, "wasmpool", "upstream"))])
        md.append(table(["module", "strategy", "wasmpool ns", "Rust-native ns", "upstream ns", "wasmpool / native",
                         "wasmpool / upstream"], rows))
        md.append("\nOn-demand / pooling, per path (what pooling saves):\n\n")
        rows = [[CASE_NAMES[c]] + [fmt_ratio(self.speedup(c, p)) for p in PATHS] for c in CASES]
        md.append(table(["module", "wasmpool", "Rust-native", "upstream"], rows))
        if "instantiation.png" in plots:
            md.append("\n![instantiation latency per path](instantiation.png)\n")
        return "".join(md)

    def section_calls(self, plots):
        md = ["\n## 2. Calls\n",
              "Nanoseconds per call. Host->wasm: wasmpool's `wasmpool_instance_call` (export looked up by "
              "name on each call) and `wasmpool_func_call` (a `wasmpool_func_t` looked up once); "
              "upstream's `wasmtime_func_call` and `wasmtime_func_call_unchecked` on a looked-up "
              "`wasmtime_func_t`; Rust's `Func::call` with `Val`s and `TypedFunc::call`. Wasm->host: the "
              "guest calls `host.inc` 1000 times per entry, defined with `wasmpool_linker_define_func`, "
              "`wasmtime_linker_define_func` / `_unchecked`, `Linker::func_new` / `func_wrap`; the figure "
              "is per host call.\n\n"]
        cols = ("wasmpool", "wasmpool_func", "upstream", "upstream_unchecked", "native", "native_typed")
        rows = []
        for case in CALL_CASES:
            rows.append([CALL_NAMES[case]] + [fmt_stat(stat(list(self.calls[case, c].values()))) if self.calls[case, c]
                                              else "–" for c in cols] +
                        [fmt_ratio(self.r_calls(case, "wasmpool", "upstream")),
                         fmt_ratio(self.r_calls(case, "wasmpool_func", "upstream")) if self.calls[case, "wasmpool_func"]
                         else "–"])
        md.append(table(["call", "wasmpool by name", "wasmpool `func_t`", "upstream checked", "upstream unchecked",
                         "Rust `Func::call`", "Rust typed", "wasmpool by name / upstream checked",
                         "wasmpool `func_t` / upstream checked"], rows))
        if "calls.png" in plots:
            md.append("\n![calls per path](calls.png)\n")
        return "".join(md)

    def section_concurrency(self, plots):
        md = ["\n## 3. Concurrency\n",
              "Instantiations per second (empty stores, nothing called) with 1 and 2 threads sharing one "
              "engine and one pre-linked module, each thread with its own stores. *CPU share*: the 2 "
              "threads' CPU time over their wall time (2.0 = both ran all along; less = they waited, on a "
              "lock or for the machine's other load). `defaults`: the configuration of section 1. "
              "`%s`: 4 MiB of each memory slot and 64 KiB of each table slot kept resident, and slots "
              "reset by scanning for the pages the instance dirtied (`pagemap_scan`, Linux 6.7+) instead "
              "of `madvise` over the slot; the upstream C API has no setter for `pagemap_scan`, hence no "
              "upstream row. *Machine control*: the same harness running a pure CPU loop, and a loop that "
              "dirties one page and `madvise(MADV_DONTNEED)`s it, as a pooled slot's reset does. Each "
              "measurement is repeated (up to %d times, after waiting for quiet) until both threads had a "
              "CPU; the 2-thread figures and ratios use only the rounds where they did (*rounds with 2 "
              "CPUs*), or all rounds when none did.\n\n" % (TUNED_LABEL, self.cfg.get("conc_attempts", 1))]
        rows = []
        for (label, strat, case, path), (one, two, ratio, share, nok, nall) in sorted(
                self.conc.items(), key=lambda kv: (kv[0][0] != "defaults", kv[0][1], kv[0][2] != "mem1",
                                                   PATHS.index(kv[0][3]))):
            rows.append([label, strat.replace("ondemand", "on-demand"), "1 page" if case == "mem1" else "large",
                         NAMES[path], fmt_stat(stat(list(one.values()))), fmt_stat(stat(list(two.values()))),
                         fmt_ratio(ratio), "%.2f" % share, "%d of %d" % (nok, nall)])
        for c, (one, two, ratio, share, nok, nall) in self.control.items():
            rows.append(["machine control", "", {"cpu_loop": "CPU loop", "madvise_dontneed": "dirty + madvise"}[c],
                         "(no Wasmtime)", fmt_stat(stat(list(one.values()))), fmt_stat(stat(list(two.values()))),
                         fmt_ratio(ratio), "%.2f" % share, "%d of %d" % (nok, nall)])
        md.append(table(["config", "strategy", "module", "path", "1 thread ops/s", "2 threads ops/s", "2T / 1T",
                         "CPU share (2T)", "rounds with 2 CPUs"], rows))
        if "concurrency.png" in plots:
            md.append("\n![2-thread / 1-thread throughput](concurrency.png)\n")
        return "".join(md)

    def section_compile(self):
        md = ["\n## 4. Compile vs deserialize (large module)\n"]
        rows = []
        for p in PATHS:
            c, ds, df = self.comp[p]
            rows.append([NAMES[p], fmt_stat(c), fmt_stat(ds), fmt_stat(df),
                         "**%.0f**" % (c[0] / ds[0]) if c and ds else "n/a",
                         "**%.0f**" % (c[0] / df[0]) if c and df else "n/a"])
        md.append(table(["path", "compile ms", "deserialize (from bytes) ms", "deserialize_file (mapped) ms",
                         "compile / deserialize", "compile / deserialize_file"], rows))
        return "".join(md)

    def section_metrics(self):
        wm, nm = self.metrics["wasmpool"], self.metrics["native"]
        return "\n## 5. Metrics snapshot\n" + table(["", "ns per snapshot"], [
            ["`wasmpool_engine_metrics` (every field, one live instance)", fmt_stat(stat(list(wm.values())))],
            ["Rust-native: the same counters read from a kept `PoolingAllocatorMetrics`",
             fmt_stat(stat(list(nm.values())))],
            ["wasmpool / native", fmt_ratio(ratio_stat(wm, nm))],
            ["upstream C API", "no equivalent (it exposes no pool metrics)"]])

    def section_footprint(self, plots):
        md = ["\n## 6. Footprint curve (wasmpool)\n",
              "Churn of K = 100 distinct modules (each instance writes a byte in every 4 KiB page of its "
              "1 MiB memory), drawn at random, %d instantiations per setting at concurrency C "
              "(threads), `linear_memory_keep_resident` = 1 MiB, modules kept alive throughout; one "
              "process per setting, medians over %d trials. After the churn: unused warm memories and "
              "`unused_memory_bytes_resident` (`wasmpool_engine_metrics`), and the growth of the "
              "process RSS (`/proc/self/smaps_rollup`) since just before the churn. Bound: (C + N) x "
              "1 MiB. Latencies are per instantiation during the churn.\n\n" % (
                  self.cfg["fp_passes"] * 100, self.cfg["fp_trials"])]
        for total in FOOT_TOTALS:
            s = shards_for(total)
            if s == 1:
                md.append("**Pool of %d slots** (one slot allocator; expected warm slots max(N,1) + C - 1):\n\n" % total)
            else:
                md.append("\n**Pool of %d slots**: Wasmtime 48.0.8 shards a pool of 128 slots or more over "
                          "min(CPUs, 16) = %d slot allocators, each with N/%d of the warm budget, and a "
                          "thread allocates from its own shard first; expected warm slots: the sum of "
                          "max(N/%d, 1) over the shards the C threads use:\n\n" % (total, s, s, s))
            rows = []
            for c in FOOT_C:
                for n in FOOT_N:
                    f = self.foot.get((total, c, n))
                    if not f:
                        continue
                    rows.append(["unlimited" if n == "max" else n, c,
                                 "%d%s" % (f["warm"], "" if f["expect"] is None else " (%d)" % f["expect"]),
                                 "%.1f" % (f["res"] / MIB), "–" if f["bound"] is None else "%.0f" % (f["bound"] / MIB),
                                 "%.2f" % (f["rss"] / MIB),
                                 "%+.1f%%" % ((f["rss"] - f["res"]) / f["res"] * 100) if f["res"] else "n/a",
                                 "%.1f" % (f["p50"] / 1e3), "%.1f" % (f["p99"] / 1e3), "%.1f" % (f["dele"] / 1e3)])
            md.append(table(["N", "C", "unused warm memories (expected)", "unused resident MiB", "bound MiB",
                             "RSS growth MiB", "RSS vs resident", "instantiate p50 µs", "p99 µs",
                             "delete p50 µs"], rows))
        if "footprint.png" in plots:
            md.append("\n![RSS and warm slots versus N](footprint.png)\n")
        return "".join(md)

    def section_deadline(self):
        md = ["\n## 7. Deadline latency (wasmpool)\n",
              "A guest spinning in `(loop (br 0))` after `wasmpool_store_deadline_ms_set(store, D)`: how "
              "long after the requested expiry (D ms after the call) the INTERRUPTED error returns, with "
              "the engine's ticker at 1 ms and 10 ms. The header promises expiry between D and D + one "
              "tick. *Mechanism*: no ticker, deadline one tick away, a thread on the other CPU increments "
              "the epoch; time from that increment to the return.\n\n"]
        rows = []
        for (tick, dms), st in self.dl.items():
            if st:
                rows.append(["ticker %d ms, D = %d ms" % (tick, dms), fmt_stat(st, 2, 1000.0) + " ms",
                             "%.2f" % (st[0] / 1000.0 / tick)])
        if self.mech:
            rows.append(["mechanism (increment -> return)", fmt_stat(self.mech, 1) + " µs", ""])
        md.append(table(["", "late by, median (min–max)", "in ticks"], rows))
        return "".join(md)

    def section_profile(self):
        if not self.prof:
            return ""
        md = ["\n## 8. Instructions and allocations per operation (callgrind)\n",
              "Timings on a shared 2-CPU machine move by several percent between runs; instruction counts "
              "do not. Each figure is the difference between two callgrind runs with different "
              "iteration counts, divided by the difference in operations (pool of 4 slots: valgrind cannot "
              "reserve 1000). *Allocations*: calls to malloc/calloc/realloc.\n\n"]
        rows = []
        for x in self.prof.values():
            rows.append([x["name"], fmt_num(x["wasmpool"], 0), fmt_num(x["native"], 0), fmt_num(x["upstream"], 0),
                         "%.2f" % (x["wasmpool"] / x["native"]), "%.2f" % (x["wasmpool"] / x["upstream"]),
                         " / ".join(fmt_allocs(x.get(p + "_allocs", 0)) for p in PATHS)])
        md.append(table(["operation", "wasmpool instr", "Rust-native instr", "upstream instr", "wasmpool / native",
                         "wasmpool / upstream", "allocations wasmpool / native / upstream"], rows))
        return "".join(md)

    # ---- reading -----------------------------------------------------------------------------
    def reading(self):
        out = []

        def m(s):
            return s[0] if s else float("nan")

        r = {c: m(self.r_inst(c, "pooling", "wasmpool", "native")) for c in CASES}
        ru = {c: m(self.r_inst(c, "pooling", "wasmpool", "upstream")) for c in CASES}
        gap = {c: statistics.median(list(self.inst[c, "pooling", "wasmpool"].values())) -
               statistics.median(list(self.inst[c, "pooling", "native"].values())) for c in CASES}
        pe = self.prof.get("instantiate empty (pooling)")
        text = ("- **Instantiation.** Under pooling wasmpool takes %s the Rust-native time (empty, 1-page, "
                "17-page, large module) and %s the upstream C API's; the differences of the medians are "
                "%s ns per instantiation, a cost of the wrapper that weighs most on the cheapest "
                "modules." % (
                    "/".join("%.2f" % r[c] for c in CASES), "/".join("%.2f" % ru[c] for c in CASES),
                    "/".join("%.0f" % gap[c] for c in CASES)))
        if pe:
            po = self.prof.get("instantiate 1-page memory (on-demand)")
            text += (" Callgrind pins the difference down without the machine's noise: %.0f instructions and "
                     "%.0f allocator calls per empty-module instantiation for wasmpool, %.0f and %.0f for "
                     "Rust-native, %.0f and %.0f upstream (%+.0f%% and %+.0f%% instructions)%s. That is wasmpool's "
                     "own per-request bookkeeping around the same Wasmtime calls (its store and instance "
                     "handles, the store limiter it installs, reference counts), a fixed cost of about %.0f "
                     "instructions; the 1.03 target for the cheapest modules needs that path leaner still." % (
                         pe["wasmpool"], pe.get("wasmpool_allocs", 0), pe["native"], pe.get("native_allocs", 0),
                         pe["upstream"], pe.get("upstream_allocs", 0), (pe["wasmpool"] / pe["native"] - 1) * 100,
                         (pe["wasmpool"] / pe["upstream"] - 1) * 100,
                         ("; on demand %.0f against %.0f and %.0f for a 1-page module, so the larger on-demand "
                          "gaps in the table come from the kernel's mmap/munmap work, which varies with the "
                          "machine's load, not from more user-space work" % (
                              po["wasmpool"], po["native"], po["upstream"])) if po else "",
                         pe["wasmpool"] - pe["native"]))
        out.append(text + "\n")
        sp = {c: m(self.speedup(c, "wasmpool")) for c in CASES}
        spn = {c: m(self.speedup(c, "native")) for c in CASES}
        out.append(
            "- **Pooling vs on-demand.** Pooling makes instantiation %.1fx faster for the 1-page module, "
            "%.1fx for the 17-page one and %.1fx for the large module (Rust-native: %.1fx, %.1fx, %.1fx); the "
            "empty module has nothing to pool (%.2fx). The large module is cheap even on demand because "
            "Wasmtime maps its 1.2 MB of data copy-on-write from a memory image and fills its 7688-entry "
            "table lazily; what pooling saves is the mmap/munmap of a 4 GiB + 32 MiB reservation per "
            "memory and the table allocation, a few µs on this kernel. The ratio is Wasmtime's, equal "
            "within noise in all three paths, so %s.\n" % (
                sp["mem1"], sp["mem17data"], sp["large"], spn["mem1"], spn["mem17data"], spn["large"],
                sp["empty"], "the 4.5x target is met" if sp["large"] >= 4.5 else
                ("the 4.5x target is missed by Wasmtime on this machine, not by the wrapper"
                 if max(m(self.speedup("large", p)) for p in PATHS) < 4.5 else
                 "the 4.5x target is missed here; other paths reach it in this run, which says how noisy the "
                 "on-demand figures (syscall-bound) are on a shared machine")))
        cu = {c: m(self.r_calls(c, "wasmpool", "upstream")) for c in CALL_CASES}
        cf = {c: m(self.r_calls(c, "wasmpool_func", "upstream")) for c in ("nop", "i32_i64_to_f32")}
        ph = self.prof.get("host call (wasm->host)")
        text = ("- **Calls.** Host->wasm, `wasmpool_instance_call` takes %.2fx (nop) and %.2fx ((i32,i64)->f32) "
                "the time of upstream's `wasmtime_func_call`, although it finds the export by name on each "
                "call; `wasmpool_func_call` on a looked-up handle %.2fx and %.2fx. Both stay above the "
                "unchecked/typed floor (~15 ns), which a checked dynamic API pays for its type checks. "
                "Wasm->host, a call into a C host function costs %.2fx upstream's `define_func`" % (
                    cu["nop"], cu["i32_i64_to_f32"], cf["nop"], cf["i32_i64_to_f32"], cu["wasm_to_host"]))
        if ph:
            text += (" (callgrind: %.0f vs %.0f instructions and %s vs %s allocator calls per host call)" % (
                ph["wasmpool"], ph["upstream"], fmt_allocs(ph.get("wasmpool_allocs", 0)),
                fmt_allocs(ph.get("upstream_allocs", 0))))
            if cu["wasm_to_host"] > 1.0 and ph.get("wasmpool_allocs", 0) > ph.get("upstream_allocs", 0) + 0.5:
                text += (": wasmpool's trampoline allocates on every host call, where upstream reuses a buffer "
                         "kept in the store")
            elif cu["wasm_to_host"] > 1.0:
                text += (": the conversion between Wasmtime's raw values and `wasmpool_val_t` in wasmpool's "
                         "trampoline is the remaining difference")
        out.append(text + ".\n")
        cd = {k: v[2][0] for k, v in self.conc.items() if v[2]}
        ctl = {k: v[2][0] for k, v in self.control.items() if v[2]}
        valid = {k: v[4] for k, v in self.conc.items()}

        def cr(label, strat, path):
            return "/".join("%.2f" % cd.get((label, strat, c, path), float("nan")) for c in ("mem1", "large"))

        cpu_ok = ctl.get("cpu_loop", 0) >= 1.7
        n_ok = {k: v[4] for k, v in self.conc.items()}
        tuned_w = [cd.get((TUNED_LABEL, "pooling", c, "wasmpool"), 0) for c in ("mem1", "large")]
        hi = max((v[2][2] for k, v in self.conc.items() if k[0] == "defaults" and k[1] == "pooling" and v[2]),
                 default=float("nan"))
        hi_t = max((v[2][2] for k, v in self.conc.items() if k[0] == TUNED_LABEL and v[2]), default=float("nan"))
        lo_t = min((v[2][1] for k, v in self.conc.items() if k[0] == TUNED_LABEL and v[2]), default=float("nan"))
        text = ("- **Two threads.** With Wasmtime's defaults, and both threads on a CPU, 2 threads deliver %s "
                "of 1 thread's throughput under pooling for wasmpool (1-page/large module, medians over "
                "rounds), %s for Rust-native and %s for upstream; the best round of any path reached %.2f. "
                "The rounds differ more than the paths (see the ranges in section 3), and no path scales, so "
                "the wrapper is not what limits it. " % (
                    cr("defaults", "pooling", "wasmpool"), cr("defaults", "pooling", "native"),
                    cr("defaults", "pooling", "upstream"), hi))
        if cpu_ok:
            text += ("The machine controls say what does: a pure CPU loop scales %.2fx here, but dirtying a page "
                     "and `madvise(MADV_DONTNEED)`-ing it, which is how Wasmtime resets a released slot by "
                     "default, scales %.2fx. " % (ctl.get("cpu_loop", float("nan")),
                                                 ctl.get("madvise_dontneed", float("nan"))))
        else:
            text += ("(No round of this run had both CPUs free: the control CPU loop scaled only %.2fx, so "
                     "these figures measure the machine's other load more than Wasmtime.) On quiet runs the "
                     "controls show the mechanism: a pure CPU loop scales 2x on this machine, while dirtying a "
                     "page and `madvise(MADV_DONTNEED)`-ing it, which is how Wasmtime resets a released slot "
                     "by default, scales about 0.5x. " % ctl.get("cpu_loop", float("nan")))
        text += ("Each such madvise needs a TLB shootdown on the other CPU running the process, an "
                 "inter-processor interrupt, which in a VM costs a VM exit; with 2 threads on 2 vCPUs every "
                 "instantiation interrupts the other thread. With `%s` a released slot is reset by memsets "
                 "of the pages the instance dirtied, found with the `pagemap_scan` ioctl, and no madvise: "
                 "2 threads then deliver %s of 1 thread's throughput for wasmpool and %s for Rust-native "
                 "(medians over %d and %d rounds with both CPUs free; best round %.2f)%s. `pagemap_scan` is a knob wasmpool exposes and "
                 "the upstream C API cannot set. On-demand maps and unmaps memory per instantiation and scales "
                 "%s (wasmpool). So the 1.8 target is missed under Wasmtime's default configuration in all "
                 "three paths alike, %s.\n" % (
                     TUNED_LABEL, cr(TUNED_LABEL, "pooling", "wasmpool"), cr(TUNED_LABEL, "pooling", "native"),
                     min(n_ok.get((TUNED_LABEL, "pooling", c, "wasmpool"), 0) for c in ("mem1", "large")),
                     min(n_ok.get((TUNED_LABEL, "pooling", c, "native"), 0) for c in ("mem1", "large")), hi_t,
                     ("; from round to round these figures swing between %.2f and %.2f in both paths, which run "
                      "the same Wasmtime code here, so the difference between the two paths' medians is the "
                      "rounds', not the wrapper's" % (lo_t, hi_t)) if hi_t - lo_t > 0.3 else "",
                     cr("defaults", "ondemand", "wasmpool"),
                     "and met by wasmpool with keep-resident slots and `pagemap_scan`" if min(tuned_w) >= 1.8 else
                     "and reached in some rounds, but not in the median of every case, with keep-resident slots "
                     "and `pagemap_scan`" if hi_t >= 1.8 else
                     "and approached but not reached with keep-resident slots and `pagemap_scan`"))
        out.append(text)
        c, ds, df = self.comp["wasmpool"]
        if c and ds and df:
            meds = [self.comp[p][0][0] for p in PATHS if self.comp[p][0]]
            agree = max(meds) / min(meds) < 1.2 if meds else True
            out.append("- **Compile vs deserialize.** Compiling the 10.5 MB module takes %.1f s on 2 CPUs; "
                       "loading it precompiled takes %.1f ms from bytes (%.0fx faster) and %.2f ms from a "
                       "file, which is mapped rather than copied (%.0fx). %s\n" % (
                           c[0] / 1e3, ds[0], c[0] / ds[0], df[0], c[0] / df[0],
                           "The three paths agree: it is Wasmtime's work." if agree else
                           "The paths' compile times differ by up to %.1fx: compiling uses both CPUs, so other "
                           "load on the shared machine during a trial stretches it; the deserialize figures, "
                           "which are short, agree across paths." % (max(meds) / min(meds))))
        wm = stat(list(self.metrics["wasmpool"].values()))
        nm = stat(list(self.metrics["native"].values()))
        if wm and nm:
            out.append("- **Metrics.** A full snapshot costs %.0f ns (the same counters read in Rust: %.0f "
                       "ns): cheap enough to poll per request.\n" % (wm[0], nm[0]))
        if self.foot:
            un = [f for f in self.foot.values() if shards_for(f["total"]) == 1 and f["expect"] is not None]
            sh = [f for f in self.foot.values() if shards_for(f["total"]) > 1 and f["expect"] is not None]
            ok_un = all(f["warm"] == f["expect"] for f in un)
            ok_sh = all(f["warm"] == f["expect"] for f in sh)
            over = [f["rss"] - f["res"] for f in self.foot.values()]
            f10 = self.foot.get((FOOT_TOTALS[0], 1, 0))
            fu = self.foot.get((FOOT_TOTALS[0], 1, "max"))
            s2 = self.foot.get((FOOT_TOTALS[1], 2, "max"))
            text = ("- **Footprint.** With one slot allocator (pool of %d) the warm slots left after the churn "
                    "%s max(N,1)+C-1 in every bounded setting; with a sharded pool (%d) they %s the sum of the "
                    "per-shard budgets. `unused_memory_bytes_resident` is warm slots x 1 MiB, inside the "
                    "(C+N) MiB bound, and RSS growth tracks it to within %.0f–%.0f KiB in every setting: what "
                    "RSS adds is memory that is not a warm slot's (such as heap grown by the first "
                    "instantiations, a malloc arena for the second thread, page tables), a roughly fixed amount, so the relative "
                    "deviation is largest where the metric is smallest (N = 0). " % (
                        FOOT_TOTALS[0], "equal" if ok_un else "do not always equal", FOOT_TOTALS[1],
                        "equal" if ok_sh else "do not always equal", min(over) / 1024, max(over) / 1024))
            text += ("Sharding matters for sizing: from 128 slots on, a thread allocates from its own shard, "
                     "which holds 1/%d of the slots and of the N budget, so a single-threaded host keeps "
                     "fewer warm slots than N says" % shards_for(FOOT_TOTALS[1]))
            if s2 and s2["warm"] > 100:
                text += (", and with N unlimited a module can be warm in several shards: %d slots (%.0f MiB) "
                         "stay warm for %d modules at C = 2, so the pool size, not K, bounds the footprint "
                         "there" % (s2["warm"], s2["res"] / MIB, 100))
            lat = [self.foot.get((FOOT_TOTALS[0], 1, n)) for n in FOOT_N]
            if all(lat):
                text += (". Latency is where N is paid for: with C = 1 the instantiation p50 is %s µs for N = "
                         "0/10/50/unlimited. With N unlimited nearly every instantiation finds a slot still "
                         "affine to its module; a miss takes a slot last used by another module, whose memory "
                         "image must be remapped and whose resident pages are replaced. Misses are not all "
                         "alike: with more warm slots they land on memory that has gone cold in the caches "
                         "(releasing a slot memsets its 1 MiB: delete p50 %s µs), so a middling N can be "
                         "slower than N = 0, which keeps reusing one hot slot.\n" % (
                             "/".join("%.1f" % (f["p50"] / 1e3) for f in lat),
                             "/".join("%.1f" % (f["dele"] / 1e3) for f in lat)))
            else:
                text += ".\n"
            out.append(text)
        d1, d10, d100 = self.dl.get((1, 20)), self.dl.get((10, 20)), self.dl.get((1, 100))
        if d1 and d10 and d100:
            period = 1.0 + (d100[0] - d1[0]) / 1000.0 / 80.0
            text = ("- **Deadlines.** `wasmpool_store_deadline_ms_set` promises expiry between D and D + one "
                    "tick (it adds a tick so that a deadline never fires early). With a 10 ms ticker the "
                    "INTERRUPTED error comes %.1f ms after the requested expiry; with a 1 ms ticker %.2f ms "
                    "late for D = 20 ms and %.2f ms late for D = 100 ms. " % (d10[0] / 1e3, d1[0] / 1e3, d100[0] / 1e3))
            if d100[0] / 1e3 > 1.5 and d100[0] > d1[0] * 1.5:
                text += ("That is more than one tick and grows with D: the ticker drifts, each period being "
                         "the interval plus a wake-up latency (~%.2f ms instead of 1 ms), which only a ticker "
                         "on an absolute schedule (next = start + k x interval) avoids. " % period)
            elif d1[0] / 1e3 <= 1.3 and d100[0] / 1e3 <= 1.3:
                text += ("Within one tick (plus the thread's wake-up latency) and independent of D: the "
                         "ticker keeps an absolute schedule, so wake-up delays do not accumulate. ")
            else:
                text += "Close to one tick, with the wake-up latency of the ticker thread on top. "
            if self.mech:
                text += ("The interruption itself takes %.1f µs (median) from the epoch increment to the "
                         "return.\n" % self.mech[0])
            out.append(text)
        return "\n".join(out)

    # ---- the whole document ----------------------------------------------------------------------
    def write(self, repo, outdir, plots):
        now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
        md = ["# wasmpool benchmark report\n",
              "Generated by `bench/run%s` on %s (%s mode, %.0f min). Running the command again regenerates "
              "this file; every figure below comes from that one run.\n" % (
                  " --smoke" if self.mode == "smoke" else "", now, self.mode, self.meta.get("elapsed_s", 0) / 60.0),
              "\n## Machine and versions\n"]
        rows = machine(repo)
        busy = self.meta.get("busy_rounds") or []
        cbusy = self.meta.get("busy_conc_rounds") or []
        if busy:
            text = ("the machine is shared with builds; before each round the driver waits (up to %d s) for "
                    "it to be idle: CPUs busy with other work then, median %.0f%% (max %.0f%%)" % (
                        self.cfg["quiet_wait_s"], statistics.median(busy) * 100, max(busy) * 100))
            if cbusy:
                text += ("; before the concurrency rounds (waiting up to %d s) median %.0f%% (max %.0f%%)" % (
                    self.cfg.get("conc_quiet_wait_s", 0), statistics.median(cbusy) * 100, max(cbusy) * 100))
            rows.append(("other load", text))
        md.append(table(["", ""], rows))
        md.append("""
## How it was measured

- Three paths, one Wasmtime configuration: Wasmtime's defaults (pool totals set explicitly to
  their default, 1000), `POOLING` or `ON_DEMAND`. **wasmpool**: `bench/c/bench_wasmpool.c`,
  built with `find_package(wasmpool)` against the package installed from this tree.
  **Rust-native**: `bench/native`, the `wasmtime` crate called directly. **Upstream C API**:
  `bench/upstream` builds the `wasmtime-c-api-impl` crate 48.0.8 as a shared library, driven by
  `bench/c/bench_upstream.c`. The three link the same compiled Wasmtime (one Cargo target
  directory, identical features), C is compiled with -O2, and both C programs call their
  library through a shared object.
- Each path runs in its own process; the two libraries never share one. A round runs one process
  per path, in an order that rotates from round to round; each process measures everything once,
  in batches calibrated to about %d ms after a warm-up. %d rounds; tables give the **median
  over rounds (min–max)**, ratios the median of the per-round ratios (min–max).
- Modules: generated text modules, the same files for every path, and the core module
  `lib/starlingmonkey_embedding.wasm` (10.5 MB, 12,584 functions, 81 imports defined as traps)
  of the npm package `@bytecodealliance/componentize-js` 0.23.0, compiled once per path and
  loaded with `deserialize_file`.
""" % (self.cfg["target_ms"], self.cfg["rounds"]))
        md.append("\n## Targets\n\n")
        md.append(self.targets())
        md.append("\n## Reading\n\n")
        md.append(self.reading())
        md.append("\n")
        md.append(self.section_instantiation(plots))
        md.append(self.section_calls(plots))
        md.append(self.section_concurrency(plots))
        md.append(self.section_compile())
        md.append(self.section_metrics())
        md.append(self.section_footprint(plots))
        md.append(self.section_deadline())
        md.append(self.section_profile())
        text = re.sub(r"^(#+ .*)\n(?!\n)", r"\1\n\n", "".join(md), flags=re.M)
        text = re.sub(r"\n{3,}", "\n\n", text)
        with open(os.path.join(outdir, "REPORT.md"), "w") as f:
            f.write(text.rstrip() + "\n")


def build_report(results, meta, repo, outdir, plots):
    Report(results, meta).write(repo, outdir, plots)


# --------------------------------------------------------------------------------------------
# Plots
# --------------------------------------------------------------------------------------------


def two_cpu_ratio(d, **kw):
    """2-thread / 1-thread ratio over the rounds where both threads had a CPU (all rounds if none)."""
    one = d.by_round(threads=1, **kw)
    twos = d.rows(threads=2, **kw)
    two = {r.get("round", 0): r["value"] for r in twos if r.get("cpu_share", 0) >= 1.8} or \
        {r.get("round", 0): r["value"] for r in twos}
    return ratio_stat(two, one)


def make_plots(results, outdir):
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except Exception as e:
        print("bench: no plots (%s)" % e)
        return []
    d = Data(results)
    colors = {"wasmpool": "#1f77b4", "native": "#2ca02c", "upstream": "#ff7f0e"}
    made = []

    # instantiation latency per path
    fig, axes = plt.subplots(1, 2, figsize=(12, 4.5), sharey=True)
    for ax, strat in zip(axes, ("pooling", "ondemand")):
        w = 0.26
        for i, path in enumerate(PATHS):
            meds, los, his = [], [], []
            for case in CASES:
                s = stat(list(d.by_round(bench="instantiate", case=case, strategy=strat, path=path).values()))
                meds.append(s[0] / 1e3 if s else 0)
                los.append((s[0] - s[1]) / 1e3 if s else 0)
                his.append((s[2] - s[0]) / 1e3 if s else 0)
            xs = [x + (i - 1) * w for x in range(len(CASES))]
            ax.bar(xs, meds, w, yerr=[los, his], capsize=3, label=NAMES[path], color=colors[path])
        ax.set_xticks(range(len(CASES)))
        ax.set_xticklabels(["empty", "1 page", "17 pages\n+ data", "StarlingMonkey"])
        ax.set_title("instantiation, %s" % ("pooling" if strat == "pooling" else "on-demand"))
        ax.grid(axis="y", alpha=0.3)
    axes[0].set_ylabel("µs per instantiation (median, min–max)")
    axes[0].legend()
    fig.tight_layout()
    fig.savefig(os.path.join(outdir, "instantiation.png"), dpi=110)
    plt.close(fig)
    made.append("instantiation.png")

    # calls
    variants = [("wasmpool", "wasmpool_instance_call", "wasmpool_linker_define_func", "wasmpool by name"),
                ("wasmpool", "wasmpool_func_call", None, "wasmpool func_t"),
                ("upstream", "wasmtime_func_call", "wasmtime_linker_define_func", "upstream"),
                ("upstream", "wasmtime_func_call_unchecked", "wasmtime_linker_define_func_unchecked",
                 "upstream unchecked"),
                ("native", "Func::call", "Linker::func_new", "Rust dynamic"),
                ("native", "TypedFunc::call", "Linker::func_wrap", "Rust typed")]
    fig, ax = plt.subplots(figsize=(10, 4.5))
    cases = ("nop", "i32_i64_to_f32", "wasm_to_host")
    w = 0.14
    for i, (path, vc, vh, name) in enumerate(variants):
        meds = []
        for case in cases:
            v = vh if case == "wasm_to_host" else vc
            s = stat(list(d.by_round(bench="calls", case=case, path=path, variant=v).values())) if v else None
            meds.append(s[0] if s else 0)
        xs = [x + (i - 2.5) * w for x in range(len(cases))]
        plain = name in ("wasmpool by name", "upstream", "Rust dynamic")
        ax.bar(xs, meds, w, label=name, color=colors[path], alpha=1.0 if plain else 0.55,
               hatch="" if plain else "//")
    ax.set_xticks(range(len(cases)))
    ax.set_xticklabels(["host->wasm nop", "host->wasm (i32,i64)->f32", "wasm->host inc"])
    ax.set_ylabel("ns per call (median)")
    ax.set_title("calls")
    ax.grid(axis="y", alpha=0.3)
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(os.path.join(outdir, "calls.png"), dpi=110)
    plt.close(fig)
    made.append("calls.png")

    # concurrency ratio
    fig, ax = plt.subplots(figsize=(12, 4.8))
    groups = [("defaults", "pooling"), ("defaults", "ondemand"), ("keep_resident+pagemap_scan", "pooling")]
    labels = []
    x = 0
    for label, strat in groups:
        for case in ("mem1", "large"):
            for i, path in enumerate(PATHS):
                s = two_cpu_ratio(d, bench="concurrency", case=case, strategy=strat, path=path, variant=label)
                if s:
                    ax.bar(x + (i - 1) * 0.26, s[0], 0.26, yerr=[[s[0] - s[1]], [s[2] - s[0]]], capsize=3,
                           color=colors[path], label=NAMES[path] if x == 0 else None)
            labels.append("%s\n%s\n%s" % ({"defaults": "defaults", "keep_resident+pagemap_scan": "keep+pagemap"}[label],
                                          "pooling" if strat == "pooling" else "on-demand",
                                          "1 page" if case == "mem1" else "StarlingMonkey"))
            x += 1
    for name, case in (("CPU loop", "cpu_loop"), ("dirty page\n+ madvise", "madvise_dontneed")):
        s = two_cpu_ratio(d, bench="control", case=case)
        if s:
            ax.bar(x, s[0], 0.5, yerr=[[s[0] - s[1]], [s[2] - s[0]]], capsize=3, color="#999999",
                   label="machine control (no Wasmtime)" if case == "cpu_loop" else None)
        labels.append("control:\n" + name)
        x += 1
    ax.axhline(1.8, color="red", linestyle="--", linewidth=1, label="target 1.8")
    ax.axhline(1.0, color="gray", linestyle=":", linewidth=1)
    ax.set_xticks(range(len(labels)))
    ax.set_xticklabels(labels, fontsize=8)
    ax.set_ylabel("2-thread / 1-thread throughput")
    ax.set_title("concurrency (one engine, one pre; rounds with both CPUs free)")
    ax.grid(axis="y", alpha=0.3)
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(os.path.join(outdir, "concurrency.png"), dpi=110)
    plt.close(fig)
    made.append("concurrency.png")

    # footprint: one row of panels per pool size
    fig, axes = plt.subplots(len(FOOT_TOTALS), 3, figsize=(15, 4.2 * len(FOOT_TOTALS)), squeeze=False)
    xs = list(range(len(FOOT_N)))
    xl = ["0", "10", "50", "unlimited"]
    for row, total in enumerate(FOOT_TOTALS):
        ax = axes[row]
        for c, style in ((1, "o-"), (2, "s-")):
            warm, res, rss, p50 = [], [], [], []
            for n in FOOT_N:
                rs = [r for r in d.rows(bench="footprint", threads=c) if r.get("total", 128) == total and
                      ((r["n"] >= 4294967295) if n == "max" else r["n"] == n)]
                med = (lambda k: statistics.median([r[k] for r in rs]) if rs else float("nan"))
                warm.append(med("unused_warm_memories"))
                res.append(med("unused_memory_bytes_resident") / MIB)
                rss.append(med("rss_growth") / MIB)
                p50.append(med("inst_p50_ns") / 1e3)
            ax[0].plot(xs, warm, style, label="C=%d" % c)
            ax[0].plot(xs[:3], [expected_warm(n, c, total) for n in FOOT_N[:3]], ":", color="gray",
                       label="expected" if c == 1 else None)
            ax[1].plot(xs, rss, style, label="RSS growth, C=%d" % c)
            ax[1].plot(xs, res, style.replace("-", "--"), alpha=0.6, label="unused resident (metric), C=%d" % c)
            ax[1].plot(xs[:3], [c + n for n in FOOT_N[:3]], ":", color="red", alpha=0.6,
                       label="bound (C+N) MiB" if c == 2 else None)
            ax[2].plot(xs, p50, style, label="C=%d" % c)
        sharded = "" if shards_for(total) == 1 else ", %d shards" % shards_for(total)
        ax[0].set_title("pool of %d%s: unused warm memory slots" % (total, sharded))
        ax[1].set_title("pool of %d%s: memory kept after the churn" % (total, sharded))
        ax[1].set_ylabel("MiB")
        ax[2].set_title("pool of %d%s: instantiation p50 during the churn" % (total, sharded))
        ax[2].set_ylabel("µs")
        for a in ax:
            a.set_xticks(xs)
            a.set_xticklabels(xl)
            a.set_xlabel("N = max_unused_warm_slots")
            a.grid(alpha=0.3)
            a.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(os.path.join(outdir, "footprint.png"), dpi=100)
    plt.close(fig)
    made.append("footprint.png")
    return made


# --------------------------------------------------------------------------------------------


def check_smoke(results):
    """Fails when a measurement is missing from a smoke run (keeps the suite from rotting)."""
    d = Data(results)
    missing = []
    for path in PATHS:
        for case in CASES:
            for strat in ("pooling", "ondemand"):
                if not d.values(bench="instantiate", case=case, strategy=strat, path=path):
                    missing.append("instantiate %s %s %s" % (path, case, strat))
        for case in ("nop", "i32_i64_to_f32", "wasm_to_host"):
            if not d.values(bench="calls", case=case, path=path):
                missing.append("calls %s %s" % (path, case))
        if not d.values(bench="concurrency", path=path, threads=2):
            missing.append("concurrency %s" % path)
        if not d.values(bench="compile", path=path, variant="deserialize"):
            missing.append("compile %s" % path)
    if not d.values(bench="metrics", path="wasmpool"):
        missing.append("metrics")
    if len(d.rows(bench="footprint")) != len(FOOT_N) * len(FOOT_C) * len(FOOT_TOTALS):
        missing.append("footprint")
    for c in ("cpu_loop", "madvise_dontneed"):
        if not d.values(bench="control", case=c, threads=2):
            missing.append("control " + c)
    for v in ("tick_1ms", "tick_10ms", "manual_tick"):
        if not d.values(bench="deadline", variant=v):
            missing.append("deadline " + v)
    bad = [r for r in d.rows(bench="footprint") if r["n"] < 4294967295 and
           r["unused_warm_memories"] > expected_warm(r["n"], r["c"], r["total"])]
    if bad:
        missing.append("footprint: more warm slots than expected in %d setting(s)" % len(bad))
    return missing


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--mode", choices=sorted(MODES), default="full")
    ap.add_argument("--repo", default=os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    ap.add_argument("--build")
    ap.add_argument("--cache")
    ap.add_argument("--exe", action="append", default=[], help="PATH=executable")
    ap.add_argument("--out", help="directory for REPORT.md and the plots")
    ap.add_argument("--report-only", metavar="RESULTS_JSONL")
    args = ap.parse_args()
    bench = os.path.join(args.repo, "bench")
    build = args.build or os.path.join(bench, "build")
    cache = args.cache or os.path.join(bench, "cache")
    if args.report_only:
        results, meta = load_raw(args.report_only)
    else:
        exes = dict(e.split("=", 1) for e in args.exe)
        for p in PATHS:
            if p not in exes:
                raise SystemExit("bench: --exe %s=... missing" % p)
        results, meta, raw = run_all(args, args.mode, exes, build, cache)
        print("raw results: %s" % os.path.relpath(raw, args.repo))
    mode = meta.get("mode", args.mode)
    out = args.out or (bench if mode == "full" else os.path.join(build, "smoke"))
    os.makedirs(out, exist_ok=True)
    plots = make_plots(results, out) if mode == "full" else []
    build_report(results, meta, args.repo, out, plots)
    print("report: %s" % os.path.relpath(os.path.join(out, "REPORT.md"), args.repo))
    if mode == "smoke":
        missing = check_smoke(results)
        if missing:
            raise SystemExit("bench: smoke run incomplete: " + "; ".join(missing))
        print("bench smoke: all measurements present")


if __name__ == "__main__":
    main()
