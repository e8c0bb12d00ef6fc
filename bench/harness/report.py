"""bench/REPORT.md: machine and versions, method, targets, conclusions and the measurement tables."""

import datetime
import os
import platform
import re
import statistics
import subprocess

from . import components, reading, wasi
from .markdown import fmt_allocs, fmt_num, fmt_ratio, fmt_stat, table, tidy
from .stats import ratio_stat, round_stat
from .suite import (CALL_CASES, CALL_NAMES, CASE_NAMES, CASES, CONC_CASE_NAMES, CONC_LABELS, CONTROL_NAMES, FOOT_C,
                    FOOT_K, FOOT_N, FOOT_TOTALS, KEEP, MAX_SHARDS, MIB, MODES, NAMES, PATHS, SHARD_FROM, STRATEGIES,
                    STRATEGY_NAMES, TUNED, TUNED_LABEL, WASMTIME_VERSION, cpus, n_name, shards_for)
from .targets import TARGETS, judge_all


def sh(cmd):
    try:
        return subprocess.run(cmd, capture_output=True, text=True, timeout=30).stdout.strip()
    except Exception:
        return ""


def first_line(cmd):
    return (sh(cmd).splitlines() or [""])[0]


def proc_field(path, key):
    """The value of the first line of /proc/<path> that starts with `key`, or None."""
    for line in open(path):
        if line.startswith(key):
            return line.split(":", 1)[1].strip()
    return None


def matplotlib_version():
    try:
        import matplotlib
        return matplotlib.__version__
    except Exception:
        return "not used"


def wasmpool_version(repo):
    m = re.search(r'^version\s*=\s*"([^"]+)"', open(os.path.join(repo, "Cargo.toml")).read(), re.M)
    rev = sh(["git", "-C", repo, "rev-parse", "--short", "HEAD"])
    if sh(["git", "-C", repo, "status", "--porcelain", "--untracked-files=no"]):
        rev += " (with uncommitted changes)"
    return "%s, commit %s" % (m.group(1) if m else "", rev)


def machine(repo):
    mem = proc_field("/proc/meminfo", "MemTotal")
    return [
        ("CPU", "%s, %d logical CPUs (nproc)" % (proc_field("/proc/cpuinfo", "model name") or "unknown", cpus())),
        ("memory", "%.1f GiB" % (int(mem.split()[0]) / 1024.0 / 1024.0) if mem else ""),
        ("kernel", "%s %s" % (platform.system(), platform.release())),
        ("wasmpool", wasmpool_version(repo)),
        ("Wasmtime", "%s in all three paths (one compiled crate, same features)" % WASMTIME_VERSION),
        ("Rust", sh(["rustc", "--version"])),
        ("C compiler", first_line(["cc", "--version"]) + ", -O2"),
        ("CMake", first_line(["cmake", "--version"])),
        ("Python / matplotlib", "%s / %s" % (platform.python_version(), matplotlib_version())),
    ]


METHOD = """
## How it was measured

- Three paths, one Wasmtime configuration: Wasmtime's defaults (pool totals set explicitly to
  their default, 1000), `POOLING` or `ON_DEMAND`. **wasmpool**: `bench/c/bench_wasmpool.c`,
  built with `find_package(wasmpool)` against the package installed from this tree.
  **Rust-native**: `bench/native`, the `wasmtime` crate called directly. **Upstream C API**:
  `bench/upstream` builds the `wasmtime-c-api-impl` crate {version} as a shared library, driven by
  `bench/c/bench_upstream.c`. The three link the same compiled Wasmtime (one Cargo target
  directory, identical features), C is compiled with -O2, and both C programs call their
  library through a shared object.
- Each path runs in its own process; the two libraries never share one. A round runs one process
  per path, in an order that rotates from round to round; each process measures everything once,
  in batches calibrated to about {target_ms} ms after a warm-up. {rounds} rounds; tables give the **median
  over rounds (min–max)**, ratios the median of the per-round ratios (min–max).
- Components and WASI requests (sections 9 and 10), whose targets compare wasmpool with
  Rust-native within a few percent, run their paths' programs at once, **in lockstep**
  (`harness/lockstep.py`): each timed batch (a {lockstep_reps}th of the {target_ms} ms) waits for its turn,
  and the turns go round-robin, so the compared paths' batches alternate every few tens of
  milliseconds and a slow spell of the shared machine falls on both alike. The figure of a
  program is still its median batch. These rounds are short, and there are {lockstep_rounds} of them: a
  process's own layout (addresses, pool slots) moves its speed by several percent, which only
  more processes average out.
- Modules: generated text modules, the same files for every path, and the core module
  `lib/starlingmonkey_embedding.wasm` (10.5 MB, 12,584 functions, 81 imports defined as traps)
  of the npm package `@bytecodealliance/componentize-js` 0.23.0, compiled once per path and
  loaded with `deserialize_file`.
"""


def plot_ref(plots, name, alt):
    """The image line of a plot, if it was made."""
    return "\n![%s](%s)\n" % (alt, name) if name in plots else ""


class Report:
    def __init__(self, summary, meta):
        self.s = summary
        self.meta = meta
        self.mode = meta.get("mode", "full")
        self.cfg = MODES.get(self.mode, MODES["full"])
        self.verdicts = judge_all(self.s)

    # ---- head --------------------------------------------------------------------------------------
    def load_row(self):
        """The machine's other load during the run, or None when not recorded."""
        busy = self.meta.get("busy_rounds") or []
        cbusy = self.meta.get("busy_conc_rounds") or []
        if not busy:
            return None
        text = ("the machine is shared with builds; before each round the driver waits (up to %d s) for "
                "it to be idle: CPUs busy with other work then, median %.0f%% (max %.0f%%)" % (
                    self.cfg["quiet_wait_s"], statistics.median(busy) * 100, max(busy) * 100))
        if cbusy:
            text += ("; before the concurrency rounds (waiting up to %d s) median %.0f%% (max %.0f%%)" % (
                self.cfg.get("conc_quiet_wait_s", 0), statistics.median(cbusy) * 100, max(cbusy) * 100))
        return ("other load", text)

    def head(self, repo):
        now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
        md = ["# wasmpool benchmark report\n",
              "Generated by `bench/run%s` on %s (%s mode, %.0f min). Running the command again regenerates "
              "this file; every figure below comes from that one run.\n" % (
                  (" --smoke" if self.mode == "smoke" else "") + (" --only " + self.meta["only"] if self.meta.get(
                      "only") else ""), now, self.mode, self.meta.get("elapsed_s", 0) / 60.0),
              "\n## Machine and versions\n"]
        rows = machine(repo)
        load = self.load_row()
        if load:
            rows.append(load)
        md.append(table(["", ""], rows))
        md.append(METHOD.format(version=WASMTIME_VERSION, target_ms=self.cfg["target_ms"], rounds=self.cfg["rounds"],
                                  lockstep_reps=self.cfg["lockstep_reps"], lockstep_rounds=self.cfg["lockstep_rounds"]))
        return "".join(md)

    def targets(self):
        rows = [[t.text(), self.verdicts[t.key].measured(), self.verdicts[t.key].word()] for t in TARGETS]
        return table(["target (issue 6; components: issue 11; WASI: issue 12)", "measured (medians)", ""], rows) + \
            CI_NOTE

    # ---- sections ------------------------------------------------------------------------------
    def section_instantiation(self, plots):
        s = self.s
        md = ["## 1. Instantiation\n",
              "Nanoseconds per instantiation: a store created, the pre-linked module instantiated in it, "
              "the store deleted (nothing called).\n\n"]
        rows = []
        for strat in STRATEGIES:
            for case in CASES:
                rows.append([CASE_NAMES[case], STRATEGY_NAMES[strat]] +
                            [fmt_stat(s.inst_stat(case, strat, p)) for p in PATHS] +
                            [fmt_ratio(s.r_inst(case, strat, "wasmpool", other)) for other in ("native", "upstream")])
        md.append(table(["module", "strategy", "wasmpool ns", "Rust-native ns", "upstream ns", "wasmpool / native",
                         "wasmpool / upstream"], rows))
        md.append("\nOn-demand / pooling, per path (what pooling saves):\n\n")
        rows = [[CASE_NAMES[c]] + [fmt_ratio(s.speedup(c, p)) for p in PATHS] for c in CASES]
        md.append(table(["module", "wasmpool", "Rust-native", "upstream"], rows))
        md.append(plot_ref(plots, "instantiation.png", "instantiation latency per path"))
        return "".join(md)

    def section_calls(self, plots):
        s = self.s
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
            cells = [fmt_stat(s.call_stat(case, c)) if s.calls[case, c] else "–" for c in cols]
            ratios = [fmt_ratio(s.r_calls(case, c, "upstream")) if s.calls[case, c] else "–"
                      for c in ("wasmpool", "wasmpool_func")]
            rows.append([CALL_NAMES[case]] + cells + ratios)
        md.append(table(["call", "wasmpool by name", "wasmpool `func_t`", "upstream checked", "upstream unchecked",
                         "Rust `Func::call`", "Rust typed", "wasmpool by name / upstream checked",
                         "wasmpool `func_t` / upstream checked"], rows))
        md.append(plot_ref(plots, "calls.png", "calls per path"))
        return "".join(md)

    def conc_rows(self):
        def row(config, strategy, module, path, pair):
            return [config, strategy, module, path, fmt_stat(round_stat(pair.one)), fmt_stat(round_stat(pair.two)),
                    fmt_ratio(pair.ratio), "%.2f" % pair.share, "%d of %d" % (pair.valid_rounds, pair.all_rounds)]

        def order(key):
            label, strat, case, path = key
            return CONC_LABELS.index(label), strat, case != "mem1", PATHS.index(path)

        rows = [row(label, STRATEGY_NAMES[strat], CONC_CASE_NAMES[case], NAMES[path], self.s.conc[label, strat, case, path])
                for label, strat, case, path in sorted(self.s.conc, key=order)]
        rows += [row("machine control", "", CONTROL_NAMES[c], "(no Wasmtime)", pair) for c, pair in self.s.control.items()]
        return rows

    def section_concurrency(self, plots):
        md = ["\n## 3. Concurrency\n",
              "Instantiations per second (empty stores, nothing called) with 1 and 2 threads sharing one "
              "engine and one pre-linked module, each thread with its own stores. *CPU share*: the 2 "
              "threads' CPU time over their wall time (2.0 = both ran all along; less = they waited, on a "
              "lock or for the machine's other load). `defaults`: the configuration of section 1. "
              "`%s`: %d MiB of each memory slot and %d KiB of each table slot kept resident, and slots "
              "reset by scanning for the pages the instance dirtied (`pagemap_scan`, Linux 6.7+) instead "
              "of `madvise` over the slot; the upstream C API has no setter for `pagemap_scan`, hence no "
              "upstream row. *Machine control*: the same harness running a pure CPU loop, and a loop that "
              "dirties one page and `madvise(MADV_DONTNEED)`s it, as a pooled slot's reset does. Each "
              "measurement is repeated (up to %d times, after waiting for quiet) until both threads had a "
              "CPU; the 2-thread figures and ratios use only the rounds where they did (*rounds with 2 "
              "CPUs*), or all rounds when none did.\n\n" % (
                  TUNED_LABEL, TUNED["mem_keep"] >> 20, TUNED["table_keep"] >> 10, self.cfg.get("conc_attempts", 1))]
        md.append(table(["config", "strategy", "module", "path", "1 thread ops/s", "2 threads ops/s", "2T / 1T",
                         "CPU share (2T)", "rounds with 2 CPUs"], self.conc_rows()))
        md.append(plot_ref(plots, "concurrency.png", "2-thread / 1-thread throughput"))
        return "".join(md)

    def section_compile(self):
        def times(a, b):
            return "**%.0f**" % (a[0] / b[0]) if a and b else "n/a"

        rows = []
        for p in PATHS:
            c, ds, df = self.s.comp[p]
            rows.append([NAMES[p], fmt_stat(c), fmt_stat(ds), fmt_stat(df), times(c, ds), times(c, df)])
        return "\n## 4. Compile vs deserialize (large module)\n" + table(
            ["path", "compile ms", "deserialize (from bytes) ms", "deserialize_file (mapped) ms",
             "compile / deserialize", "compile / deserialize_file"], rows)

    def section_metrics(self):
        wm, nm = self.s.metrics["wasmpool"], self.s.metrics["native"]
        return "\n## 5. Metrics snapshot\n" + table(["", "ns per snapshot"], [
            ["`wasmpool_engine_metrics` (every field, one live instance)", fmt_stat(round_stat(wm))],
            ["Rust-native: the same counters read from a kept `PoolingAllocatorMetrics`", fmt_stat(round_stat(nm))],
            ["wasmpool / native", fmt_ratio(ratio_stat(wm, nm))],
            ["upstream C API", "no equivalent (it exposes no pool metrics)"]])

    def footprint_table(self, total):
        rows = []
        for c in FOOT_C:
            for n in FOOT_N:
                f = self.s.foot.get((total, c, n))
                if not f:
                    continue
                rows.append([n_name(n), c,
                             "%d%s" % (f["warm"], "" if f["expect"] is None else " (%d)" % f["expect"]),
                             "%.1f" % (f["res"] / MIB), "–" if f["bound"] is None else "%.0f" % (f["bound"] / MIB),
                             "%.2f" % (f["rss"] / MIB),
                             "%+.1f%%" % ((f["rss"] - f["res"]) / f["res"] * 100) if f["res"] else "n/a",
                             "%.1f" % (f["p50"] / 1e3), "%.1f" % (f["p99"] / 1e3), "%.1f" % (f["dele"] / 1e3)])
        return table(["N", "C", "unused warm memories (expected)", "unused resident MiB", "bound MiB",
                      "RSS growth MiB", "RSS vs resident", "instantiate p50 µs", "p99 µs", "delete p50 µs"], rows)

    def section_footprint(self, plots):
        md = ["\n## 6. Footprint curve (wasmpool)\n",
              "Churn of K = %d distinct modules (each instance writes a byte in every 4 KiB page of its "
              "1 MiB memory), drawn at random, %d instantiations per setting at concurrency C "
              "(threads), `linear_memory_keep_resident` = %d MiB, modules kept alive throughout; one "
              "process per setting, medians over %d trials. After the churn: unused warm memories and "
              "`unused_memory_bytes_resident` (`wasmpool_engine_metrics`), and the growth of the "
              "process RSS (`/proc/self/smaps_rollup`) since just before the churn. Bound: (C + N) x "
              "1 MiB. Latencies are per instantiation during the churn.\n\n" % (
                  FOOT_K, self.cfg["fp_passes"] * FOOT_K, KEEP >> 20, self.cfg["fp_trials"])]
        for total in FOOT_TOTALS:
            s = shards_for(total)
            if s == 1:
                md.append("**Pool of %d slots** (one slot allocator; expected warm slots max(N,1) + C - 1):\n\n" % total)
            else:
                md.append("\n**Pool of %d slots**: Wasmtime %s shards a pool of %d slots or more over "
                          "min(CPUs, %d) = %d slot allocators, each with N/%d of the warm budget, and a "
                          "thread allocates from its own shard first; expected warm slots: the sum of "
                          "max(N/%d, 1) over the shards the C threads use:\n\n" % (
                              total, WASMTIME_VERSION, SHARD_FROM, MAX_SHARDS, s, s, s))
            md.append(self.footprint_table(total))
        md.append(plot_ref(plots, "footprint.png", "RSS and warm slots versus N"))
        return "".join(md)

    def section_deadline(self):
        md = ["\n## 7. Deadline latency (wasmpool)\n",
              "A guest spinning in `(loop (br 0))` after `wasmpool_store_deadline_ms_set(store, D)`: how "
              "long after the requested expiry (D ms after the call) the INTERRUPTED error returns, with "
              "the engine's ticker at %s ms. The header promises expiry between D and D + one "
              "tick. *Mechanism*: no ticker, deadline one tick away, a thread on the other CPU increments "
              "the epoch; time from that increment to the return.\n\n" % " ms and ".join(
                  str(t) for t in sorted({t for t, _ in self.s.dl}))]
        rows = []
        for (tick, dms), st in self.s.dl.items():
            if st:
                rows.append(["ticker %d ms, D = %d ms" % (tick, dms), fmt_stat(st, 2, 1000.0) + " ms",
                             "%.2f" % (st[0] / 1000.0 / tick)])
        if self.s.mech:
            rows.append(["mechanism (increment -> return)", fmt_stat(self.s.mech, 1) + " µs", ""])
        md.append(table(["", "late by, median (min–max)", "in ticks"], rows))
        return "".join(md)

    def timing_spread(self):
        """The largest (max - min) / median over rounds of a pooled instantiation time."""
        spreads = [(st[2] - st[1]) / st[0] for st in (self.s.inst_stat(c, "pooling", p) for c in CASES for p in PATHS)
                   if st]
        return max(spreads, default=0.0)

    def section_profile(self):
        if not self.s.prof:
            return ""
        md = ["\n## 8. Instructions and allocations per operation (callgrind)\n",
              "Timings on this shared %d-CPU machine move by up to %.0f%% between rounds (pooled instantiation, "
              "section 1); instruction counts do not. Each figure is the difference between two callgrind runs "
              "with different iteration counts, divided by the difference in operations (pool of 4 slots: "
              "valgrind cannot reserve 1000). *Allocations*: calls to malloc/calloc/realloc.\n\n" % (
                  cpus(), self.timing_spread() * 100)]
        rows = []
        for x in self.s.prof.values():
            if not all(p in x for p in PATHS):
                continue  # the components' and WASI profiles: sections 9 and 10
            rows.append([x["name"], fmt_num(x["wasmpool"], 0), fmt_num(x["native"], 0), fmt_num(x["upstream"], 0),
                         "%.2f" % (x["wasmpool"] / x["native"]), "%.2f" % (x["wasmpool"] / x["upstream"]),
                         " / ".join(fmt_allocs(x.get(p + "_allocs", 0)) for p in PATHS)])
        md.append(table(["operation", "wasmpool instr", "Rust-native instr", "upstream instr", "wasmpool / native",
                         "wasmpool / upstream", "allocations wasmpool / native / upstream"], rows))
        return "".join(md)

    # ---- the whole document ----------------------------------------------------------------------
    def text(self, repo, plots):
        return tidy("".join([
            self.head(repo),
            "\n## Targets\n\n", self.targets(),
            "\n## Reading\n\n", reading.reading(self.s, self.verdicts), "\n",
            self.section_instantiation(plots), self.section_calls(plots), self.section_concurrency(plots),
            self.section_compile(), self.section_metrics(), self.section_footprint(plots), self.section_deadline(),
            self.section_profile(), components.section(self.s), wasi.section(self.s)]))

    def wasi_text(self, repo):
        """The report of a WASI-only run (driver.py --only wasi): machine, the WASI targets, the
        WASI paragraph and section 10."""
        keys = [t for t in TARGETS if t.key.startswith("wasi_")]
        rows = [[t.text(), self.verdicts[t.key].measured(), self.verdicts[t.key].word()] for t in keys]
        return tidy("".join([
            self.head(repo).replace("# wasmpool benchmark report", "# wasmpool benchmark report: WASI only", 1),
            "\n## Targets\n\n", table(["target (issue 12)", "measured (medians)", ""], rows), CI_NOTE,
            "\n## Reading\n\n", wasi.reading(self.s, self.verdicts), "\n", wasi.section(self.s)]))


    def components_text(self, repo):
        """The report of a components-only run (driver.py --only components): machine, the
        component targets, the components paragraph and section 9."""
        keys = [t for t in TARGETS if t.key.startswith("comp_")]
        rows = [[t.text(), self.verdicts[t.key].measured(), self.verdicts[t.key].word()] for t in keys]
        return tidy("".join([
            self.head(repo).replace("# wasmpool benchmark report", "# wasmpool benchmark report: components only",
                                    1),
            "\n## Targets\n\n", table(["target (issue 11)", "measured (medians)", ""], rows), CI_NOTE,
            "\n## Reading\n\n", components.reading(self.s, self.verdicts), "\n", components.section(self.s)]))


# Under the targets tables: what the brackets of the component and WASI time ratios are.
CI_NOTE = ("\nIn brackets after a median ratio of rounds: its 95% confidence interval (distribution-free, from "
           "the order statistics of the per-round ratios). A median outside the bound whose interval "
           "also lies outside it is a miss the run tells apart from noise.\n")


def write_report(summary, meta, repo, outdir, plots):
    report = Report(summary, meta)
    only = meta.get("only")
    text = {"wasi": report.wasi_text, "components": report.components_text}[only](repo) if only else \
        report.text(repo, plots)
    with open(os.path.join(outdir, "REPORT.md"), "w") as f:
        f.write(text)
