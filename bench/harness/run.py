"""Running the benchmark programs: round after round, paths interleaved, on a quiet machine.

Each program prints one JSON object per result line (see bench/c/bench_common.h). The three
paths (wasmpool, Rust-native, upstream C API) are separate executables, so their libraries never
share a process. Every result is appended to the raw results file as it arrives; the run's
metadata (mode, machine load, callgrind profile) is its last line.
"""

import datetime
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import time

from . import lockstep
from .modules import write_modules
from .suite import (COMPONENT_CALL_ARG, COMPONENT_PATHS, DEADLINES, FOOT_K, KEEP, MODES, PATHS, PROFILE_REPEATS,
                    PROFILES, STATIC_PATH, TOOLCHAIN_COMPONENTS, TUNED, TUNED_LABEL, TWO_CPU_SHARE, WASI_CAP, WASI_GUESTS, WASI_PATHS,
                    component_variants,
                    footprint_settings, rotated)


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


def parse_results(stdout, tags):
    """The JSON result lines of a program's output, each with `tags` added."""
    out = []
    for line in stdout.splitlines():
        if line.startswith("{"):
            r = json.loads(line)
            r.update(tags)
            out.append(r)
    return out


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
        """Runs a concurrency measurement until every 2-thread result had both threads on a CPU,
        at most `attempts` times, waiting for quiet between attempts; keeps the last attempt.
        Another program's load would otherwise be measured instead of Wasmtime's scaling."""
        for attempt in range(attempts):
            out = self.run(path, args, keep=False, **tags)
            two = [r for r in out if r.get("threads") == 2]
            if all(r.get("cpu_share", 0) >= TWO_CPU_SHARE for r in two) or attempt == attempts - 1:
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
        out = parse_results(p.stdout, tags)
        if keep:
            self.commit(out)
        if self.verbose:
            print("    %d results in %.1f s" % (len(out), time.time() - t0), flush=True)
        return out

    def run_lockstep(self, jobs, **tags):
        """Runs the programs of `jobs` ([(path, args)]) at once, their timed batches taking turns
        (harness/lockstep.py); keeps their results."""
        cmds = [[self.exes[path]] + [str(a) for a in args] for path, args in jobs]
        if self.verbose:
            print("  $ lockstep: " + " | ".join(" ".join([os.path.basename(c[0])] + c[1:3]) for c in cmds), flush=True)
        t0 = time.time()
        outs = []
        for cmd, (rc, stdout, stderr, turns) in zip(cmds, lockstep.run(cmds)):
            if rc != 0:
                sys.stderr.write(stderr)
                raise SystemExit("bench: %s failed (exit %d)" % (" ".join(cmd), rc))
            outs.append((parse_results(stdout, tags), turns))
        for out, _ in outs:
            self.commit(out)
        if self.verbose:
            print("    %s results in %.1f s (turns: %s)" % ("+".join(str(len(o)) for o, _ in outs), time.time() - t0,
                                                          "/".join(str(t) for _, t in outs)), flush=True)
        return [r for out, _ in outs for r in out]

    def close(self, meta):
        self.raw.write(json.dumps({"meta": meta}) + "\n")
        self.raw.close()


# ---- callgrind --------------------------------------------------------------------------------


def count_allocs(profile_path):
    """Calls to malloc/calloc/realloc in a callgrind profile, from its call records ("cfn=" then
    "calls=")."""
    names, allocs, target = {}, 0, None
    for line in open(profile_path, errors="replace"):
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
    return allocs


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
    allocs = count_allocs(out)
    os.unlink(out)
    return int(m.group(1).replace(",", "")), allocs


# Pool of 4 slots under valgrind (it cannot reserve 1000 memories); components get more core
# instances (a Python component has 14).
PROFILE_POOL = ["pool_total=4", "core_total=32", "warmup=100"]


def profile_phase(runner, modules, components, wasi, tmpdir, only=None):
    """Instructions and allocator calls per operation under callgrind: deterministic, unlike the
    timings on a shared machine. Two runs with different iteration counts; their difference is
    the measured loop alone. `components`: the component arguments (js=, py=) of this run; a
    profile of a toolchain component that is missing is left out, and so are the WASI profiles
    when the WASI guests are (`wasi`: a WasiGuests). `only`: the commands to profile (all when
    None)."""
    out = []
    for name, unit, args, (lo, hi), per in PROFILES:
        some = next(iter(args.values()))
        if any("cases=%s" % c in some for c in TOOLCHAIN_COMPONENTS if not components.get(c)):
            continue
        if (some[0] == "wasi" and wasi.skipped) or (only and some[0] not in only):
            continue
        row = {"name": name, "unit": unit}
        for path, (cmd, *rest) in args.items():
            files = {"round": ["large=none"], "wasi": wasi.args()}.get(cmd) or \
                ["%s=%s" % kv for kv in components.get_for(path)]
            base = [runner.exes[path], cmd, "modules=" + modules] + files + PROFILE_POOL + rest
            # The WASI requests run host calls through tokio, whose threads make glibc's
            # allocator take different paths from run to run (a spread of about 2% in the
            # per-request count): those profiles take the median of several pairs.
            pairs = []
            for _ in range(PROFILE_REPEATS if some[0] == "wasi" else 1):
                a, am = callgrind(base + ["iters=%d" % lo], tmpdir)
                b, bm = callgrind(base + ["iters=%d" % hi], tmpdir)
                pairs.append(((b - a) / float((hi - lo) * per), (bm - am) / float((hi - lo) * per) + 0.0))
            row[path] = statistics.median(p[0] for p in pairs)
            row[path + "_allocs"] = statistics.median(p[1] for p in pairs)
            if len(pairs) > 1:
                row[path + "_spread"] = (min(p[0] for p in pairs), max(p[0] for p in pairs))
        print("  profile %-60s %s" % (name, "  ".join("%s %.0f (%.1f allocs)" % (p, row[p], row[p + "_allocs"])
                                                      for p in PATHS + (STATIC_PATH,) if p in row)), flush=True)
        out.append(row)
    return out


class Components(dict):
    """The toolchain components of a run: {case: hello.wasm} for those that were built, and the
    reasons of those that were not ({case: text} in `skipped`)."""

    def __init__(self, guests, cwasm):
        super().__init__()
        self.cwasm = cwasm
        self.skipped = {}
        for case in TOOLCHAIN_COMPONENTS:
            wasm = os.path.join(guests, case, "hello.wasm")
            skip = os.path.join(guests, case, "hello.skip")
            if os.path.exists(wasm):
                self[case] = wasm
            elif os.path.exists(skip):
                self.skipped[case] = open(skip).read().strip()
            else:
                self.skipped[case] = "not built (%s has neither hello.wasm nor hello.skip)" % os.path.join(guests, case)

    def compiled(self, case, path):
        return os.path.join(self.cwasm, "%s.%s.cwasm" % (case, path))

    def get_for(self, path):
        """(case, precompiled file) of every component this run has, for `path`."""
        return [(case, self.compiled(case, path)) for case in self]


class WasiGuests(dict):
    """The WASI guests of a run ({case: file}: tests/guests' `hello` as a module and as a
    component), or why there are none (`skipped`, a sentence; empty when they are there)."""

    def __init__(self, guests):
        super().__init__()
        self.skipped = ""
        skip = os.path.join(guests, "wasi.skip")
        for case, rel in WASI_GUESTS.items():
            self[case] = os.path.join(guests, rel)
        if os.path.exists(skip):
            self.skipped = open(skip).read().strip()
        else:
            missing = [f for f in self.values() if not os.path.exists(f)]
            if missing:
                self.skipped = "not built (%s missing)" % ", ".join(missing)

    def args(self):
        return ["%s=%s" % kv for kv in self.items()]


# ---- the phases of a run ------------------------------------------------------------------------


class Session:
    """One run of the benchmark: its settings, where its files go, and its phases in order."""

    def __init__(self, mode, exes, build, cache, suffix=""):
        self.mode = mode
        self.cfg = MODES[mode]
        self.build = build
        self.modules = os.path.join(build, "modules")
        self.cwasm = os.path.join(build, "cwasm")
        self.large_wasm = os.path.join(cache, "starlingmonkey_embedding.wasm")
        self.raw_path = os.path.join(build, "results-%s%s.jsonl" % (mode, suffix))
        write_modules(self.modules)
        os.makedirs(self.cwasm, exist_ok=True)
        self.runner = Runner(exes, self.raw_path, verbose=True)
        self.components = Components(os.path.join(build, "guests"), self.cwasm)
        self.wasi = WasiGuests(os.path.join(build, "test-guests", "guests"))

    def cwasm_of(self, path):
        return os.path.join(self.cwasm, "large.%s.cwasm" % path)

    def common(self):
        cfg = self.cfg
        return ["modules=" + self.modules, "target_ms=%d" % cfg["target_ms"], "warmup=%d" % cfg["warmup"],
                "conc_ms=%d" % cfg["conc_ms"]]

    def compile_phase(self):
        # Compiling uses both CPUs, so it waits for quiet too, and the paths take turns.
        print("== compile vs deserialize (large module), paths interleaved", flush=True)
        for t in range(self.cfg["compile_trials"]):
            self.runner.wait_quiet(self.cfg["quiet_wait_s"])
            for path in rotated(t):
                self.runner.run(path, ["compile", "wasm=" + self.large_wasm, "out=" + self.cwasm_of(path),
                                       "trials=1", "dtrials=%d" % self.cfg["dtrials"]], round=t)

    def component_compile_phase(self):
        print("== components: compile the toolchain components once per path", flush=True)
        for case, reason in self.components.skipped.items():
            print("   %s: SKIPPED: %s" % (case, reason), flush=True)
        for case, wasm in self.components.items():
            self.runner.wait_quiet(self.cfg["quiet_wait_s"])
            for path in COMPONENT_PATHS:
                self.runner.run(path, ["component_compile", "wasm=" + wasm, "case=" + case,
                                       "out=" + self.components.compiled(case, path)])

    def component_args(self, path):
        return ["components", "arg=" + COMPONENT_CALL_ARG, "calls=" + component_variants(path)] + [
            "%s=%s" % kv for kv in self.components.get_for(path)] + self.common()

    def rounds_phase(self):
        print("== rounds: instantiation, calls, metrics (modules); paths interleaved", flush=True)
        rounds = self.cfg["rounds"]
        for r in range(rounds):
            busy = self.runner.wait_quiet(self.cfg["quiet_wait_s"])
            print("-- round %d/%d (other CPU load before it: %.0f%%)" % (r + 1, rounds, busy * 100), flush=True)
            for path in rotated(r):
                self.runner.run(path, ["round", "large=" + self.cwasm_of(path), "only=instantiate,calls,metrics"]
                                + self.common(), round=r)

    def wasi_args(self):
        return ["wasi", "cap=%d" % WASI_CAP, "target_ms=%d" % self.cfg["target_ms"],
                "warmup=%d" % self.cfg["warmup"]] + self.wasi.args()

    def lockstep_args(self):
        """The component and WASI programs run in lockstep (harness/lockstep.py), each timed
        batch a `reps`-th of `target_ms`."""
        return ["reps=%d" % self.cfg["lockstep_reps"]]

    def wasi_round(self, r):
        self.runner.run_lockstep([(path, self.wasi_args() + self.lockstep_args())
                                  for path in rotated(r, WASI_PATHS)], round=r)

    def component_round(self, r):
        self.runner.run_lockstep([(path, self.component_args(path) + self.lockstep_args())
                                  for path in rotated(r, COMPONENT_PATHS)], round=r)

    def lockstep_phase(self, what, one_round):
        """`lockstep_rounds` rounds of `one_round(r)`, each after waiting for quiet. More rounds
        than the module rounds (they are short): each round's processes carry their own layout
        (address space, pool slots), which moves a program's speed by several percent, and only
        more processes average that out."""
        rounds = self.cfg["lockstep_rounds"]
        for r in range(rounds):
            busy = self.runner.wait_quiet(self.cfg["quiet_wait_s"])
            print("-- %s round %d/%d (other CPU load before it: %.0f%%)" % (what, r + 1, rounds, busy * 100),
                  flush=True)
            one_round(r)

    def components_phase(self):
        """The component rounds: instantiation through a pre and calls, the paths in lockstep."""
        print("== component rounds: instantiation through a pre, calls; paths in lockstep", flush=True)
        self.lockstep_phase("component", self.component_round)

    def wasi_phase(self):
        """The WASI rounds: a store per request, the paths in lockstep."""
        print("== WASI rounds: a store per request; paths in lockstep", flush=True)
        if self.wasi.skipped:
            print("   SKIPPED: " + self.wasi.skipped, flush=True)
            return
        self.lockstep_phase("WASI", self.wasi_round)

    def concurrency_phase(self):
        # Two threads need two idle CPUs: these rounds wait longer for the machine's other load to
        # settle, and record how busy it was.
        print("== concurrency rounds (1 vs 2 threads), with machine controls", flush=True)
        cfg, runner = self.cfg, self.runner
        tuned = ["%s=%d" % kv for kv in TUNED.items()]
        tries, wait = cfg["conc_attempts"], cfg["conc_quiet_wait_s"] / 3
        for r in range(cfg["conc_rounds"]):
            busy = runner.wait_quiet(cfg["conc_quiet_wait_s"], busy_list=runner.conc_busy)
            print("-- concurrency round %d/%d (other CPU load before it: %.0f%%)" % (
                r + 1, cfg["conc_rounds"], busy * 100), flush=True)
            runner.run_two_cpus("wasmpool", ["control", "conc_ms=%d" % cfg["conc_ms"]], tries, wait, round=r)
            for path in rotated(r):
                runner.run_two_cpus(path, ["round", "large=" + self.cwasm_of(path), "only=concurrency"]
                                    + self.common(), tries, wait, round=r)
            # Slots reset by a page scan instead of madvise: wasmpool and the Rust-native path only
            # (the upstream C API has no setter for pagemap_scan).
            for path in rotated(r):
                if path != "upstream":
                    runner.run_two_cpus(path, ["round", "large=" + self.cwasm_of(path), "only=concurrency",
                                               "strategies=pooling", "label=" + TUNED_LABEL]
                                        + self.common() + tuned, tries, wait, round=r)

    def footprint_phase(self):
        print("== footprint curve (wasmpool): K=%d modules, keep-resident 1 MiB" % FOOT_K, flush=True)
        for t in range(self.cfg["fp_trials"]):
            self.runner.wait_quiet(self.cfg["quiet_wait_s"] / 4)
            for total, c, n in footprint_settings():
                self.runner.run("wasmpool", ["footprint", "modules=" + self.modules, "n=%s" % n, "c=%d" % c,
                                             "k=%d" % FOOT_K, "passes=%d" % self.cfg["fp_passes"], "keep=%d" % KEEP,
                                             "total=%d" % total], round=t)

    def deadline_phase(self):
        print("== deadline latency (wasmpool)", flush=True)
        trials = "trials=%d" % self.cfg["deadline_trials"]
        for tick, deadline in DEADLINES:
            self.runner.run("wasmpool", ["deadline", "tick=%d" % tick, "deadline_ms=%d" % deadline, trials])
        self.runner.run("wasmpool", ["mechanism", trials])

    def profile(self, only=None):
        if not (self.cfg["profile"] and shutil.which("valgrind")):
            return []
        print("== instruction counts under callgrind", flush=True)
        return profile_phase(self.runner, self.modules, self.components, self.wasi, self.build, only)


def run_all(mode, exes, build, cache, only=None):
    """Runs every phase (or, with only="wasi" or "components", that part's rounds and profiles
    alone); returns (results, meta, raw results path)."""
    s = Session(mode, exes, build, cache, suffix="-" + only if only else "")
    started = time.time()
    meta = {"mode": mode, "started": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
            "only": only}
    meta["busy_before"] = cpu_busy(1.0)
    if only == "wasi":
        s.wasi_phase()
    elif only == "components":
        s.component_compile_phase()
        s.components_phase()
    else:
        s.compile_phase()
        s.component_compile_phase()
        s.rounds_phase()
        s.components_phase()
        s.wasi_phase()
        s.concurrency_phase()
        s.footprint_phase()
        s.deadline_phase()
    profile = s.profile([only] if only else None)  # the profiles of the command of that name
    meta["busy_rounds"] = s.runner.busy
    meta["busy_conc_rounds"] = s.runner.conc_busy
    meta["elapsed_s"] = time.time() - started
    meta["profile"] = profile
    meta["component_skips"] = s.components.skipped
    meta["wasi_skip"] = s.wasi.skipped
    s.runner.close(meta)
    return s.runner.results, meta, s.raw_path


def load_raw(path):
    """(results, meta) of a raw results file."""
    results, meta = [], {}
    for line in open(path):
        r = json.loads(line)
        if "meta" in r:
            meta = r["meta"]
        else:
            results.append(r)
    return results, meta
