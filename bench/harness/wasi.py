"""The WASI part of REPORT.md: section 10 (the cost of a WASI store per request, wasmpool against
Rust-native, with callgrind's instructions per request beside the timings, and the pooled vs
on-demand speedup of the component) and its paragraph of the Reading section. Every statement is
computed from the run's numbers.
"""

from .components import fmt_instr, instr, instr_ratio
from .markdown import fmt_allocs, fmt_ratio, fmt_stat, listed, table
from .stats import median
from .suite import (COMPONENT_PATHS, PROFILE_REPEATS, STATIC_PATH, STRATEGIES, STRATEGY_NAMES, WASI_CAP, WASI_NAMES, WASI_OUTPUT,
                    WASI_PROFILES, WASI_SHORT, WASI_SPEEDUP_CASE, WASMTIME_VERSION)

INTRO = (
    "One request of a per-request host, the way Spin's WAGI mode runs a module: a new WASI configuration "
    "with the request's arguments (`hello request`) and stdout captured into a buffer of at most {cap} bytes, "
    "a new store, the configuration set into it, an instance from a pre-instantiated program, the program run, "
    "its captured stdout read and compared with `{output}` (a request with another output or exit code stops "
    "the benchmark), and everything deleted. The guest is the test guests' `hello` (`tests/guests/c/hello.c`) "
    "as a wasm32-wasip1 module and as a preview-2 command component (made with Wasmtime {version}'s "
    "preview-1 adapter).\n\n"
    "- **wasmpool**: `wasmpool_wasi_config_new`, `_args_set`, `_stdout_capture`; `wasmpool_store_new`, "
    "`wasmpool_store_wasi_set`; `wasmpool_instance_pre_instantiate` + `wasmpool_instance_run` (module) or "
    "`wasmpool_component_pre_instantiate` + `wasmpool_component_instance_run` (component); "
    "`wasmpool_store_wasi_stdout`; `wasmpool_store_delete`, `wasmpool_wasi_config_delete` "
    "(`bench/c/bench_wasmpool_wasi.c`); **static**: the same program linked with `libwasmpool.a` "
    "(`wasmpool::wasmpool_static`) instead of the shared library, as a host that links wasmpool into its "
    "executable (its thread-locals, tokio's and Wasmtime's, are then reached directly, not through "
    "`__tls_get_addr`).\n"
    "- **Rust-native** (`bench/native/src/wasi.rs`): a `WasiCtxBuilder` with the same arguments and a "
    "`MemoryOutputPipe` of the same capacity; preview 1: `build_p1()` as the store's data, "
    "`InstancePre::instantiate`, the typed `_start`; preview 2: `WasiCtx` and a `ResourceTable` as the "
    "store's data, `CommandPre::instantiate` and `wasi_cli_run().call_run`; the pipe's contents checked, the "
    "store dropped.\n\n"
    "Same engine configuration as section 1 (pooling with totals of 1000, or on-demand). Nanoseconds per "
    "request; *instructions*: callgrind, as in section 8, the median of {repeats} pairs of runs per cell (the "
    "count moves by about 2% from run to run: the WASI calls go through tokio, and glibc's allocator takes "
    "other paths as its threads interleave).\n\n")


def section(s):
    if s.wasi_skip:
        return "\n## 10. WASI store per request\n\nNot measured: %s.\n" % s.wasi_skip
    cases = s.measured_wasi()
    if not cases:
        return ""
    md = ["\n## 10. WASI store per request\n\n",
          INTRO.format(cap="{:,}".format(WASI_CAP), output=WASI_OUTPUT, version=WASMTIME_VERSION,
                       repeats=PROFILE_REPEATS)]
    rows = []
    for strat in STRATEGIES:
        for c in cases:
            prof = WASI_PROFILES.get((c, strat))
            w, n, st = (instr(s, prof, p) for p in COMPONENT_PATHS + (STATIC_PATH,)) if prof else (None,) * 3
            rows.append([WASI_NAMES[c], STRATEGY_NAMES[strat], fmt_stat(s.wasi_stat(c, strat, "wasmpool")),
                         fmt_stat(s.wasi_stat(c, strat, STATIC_PATH)), fmt_stat(s.wasi_stat(c, strat, "native")),
                         fmt_ratio(s.r_wasi(c, strat)), fmt_ratio(s.r_wasi(c, strat, STATIC_PATH)),
                         fmt_instr(w), fmt_instr(st), fmt_instr(n), instr_ratio(w, n), instr_ratio(st, n),
                         "%s / %s" % (fmt_allocs(w[1]), fmt_allocs(n[1])) if w and n else "–"])
    md.append(table(["program", "strategy", "wasmpool ns", "static ns", "Rust-native ns", "wasmpool / native",
                     "static / native", "wasmpool instr", "static instr", "Rust-native instr",
                     "instr wasmpool / native", "instr static / native", "allocations wasmpool / native"], rows))
    c = WASI_SPEEDUP_CASE
    if c in cases:
        md.append("\n**Pooled vs on-demand** (%s): the same loop in an engine without the pooling allocator; "
                  "on-demand time / pooled time, per round:\n\n" % WASI_NAMES[c])
        rows = [[name, fmt_ratio(s.wasi_speedup(c, p))] for p, name in (("wasmpool", "wasmpool"),
                                                                       ("native", "Rust-native"))]
        wo, wp = instr(s, WASI_PROFILES[c, "ondemand"], "wasmpool"), instr(s, WASI_PROFILES[c, "pooling"], "wasmpool")
        no, np_ = instr(s, WASI_PROFILES[c, "ondemand"], "native"), instr(s, WASI_PROFILES[c, "pooling"], "native")
        md.append(table(["path", "speedup (on-demand / pooled time)"], rows))
        if wo and wp and no and np_:
            md.append("\nIn instructions, on-demand / pooled: wasmpool %.2f, Rust-native %.2f (instructions count "
                      "the work in user space, not the kernel's page faults and `mmap` calls that make most of "
                      "the on-demand cost).\n" % (wo[0] / wp[0], no[0] / np_[0]))
    return "".join(md)


def reading(s, v):
    """The Reading paragraph on WASI."""
    if s.wasi_skip:
        return "- **WASI.** Not measured: %s.\n" % s.wasi_skip
    cases = s.measured_wasi()
    if not cases:
        return ""
    times = {c: median(s.r_wasi(c, "pooling")) for c in cases}
    text = ("- **WASI store per request.** A request (new configuration, store, instance, run of `hello`, "
            "captured output read, all deleted) takes wasmpool %s of the Rust-native time under pooling" % listed(
                "%.2fx (%s)" % (times[c], WASI_SHORT[c]) for c in cases))
    counts = [(c, instr(s, WASI_PROFILES[c, "pooling"], "wasmpool"), instr(s, WASI_PROFILES[c, "pooling"], "native"))
              for c in cases]
    counts = [(c, w, n) for c, w, n in counts if w and n]
    if counts:
        text += "; callgrind counts %s instructions per request" % listed(
            "%.0f against %.0f (%+.1f%%, %s)" % (w[0], n[0], (w[0] / n[0] - 1) * 100, WASI_SHORT[c])
            for c, w, n in counts)
    statics = [(c, instr(s, WASI_PROFILES[c, "pooling"], STATIC_PATH), n) for c, _, n in counts]
    statics = [(c, st, n) for c, st, n in statics if st]
    if statics:
        text += ("; linked statically, %s of the Rust-native time and %s instructions" % (
            listed("%.2fx (%s)" % (median(s.r_wasi(c, "pooling", STATIC_PATH)), WASI_SHORT[c]) for c in cases),
            listed("%.0f (%+.1f%%, %s)" % (st[0], (st[0] / n[0] - 1) * 100, WASI_SHORT[c]) for c, st, n in statics)))
    text += (". Targets (the shared library, the default link): time %s, instructions %s." % (
        v["wasi_time"].word(), v["wasi_instr"].word()))
    ranges = [s.r_wasi(c, "pooling") for c in cases]
    if counts and any(r and r[2] / r[1] > 1.3 for r in ranges):
        text += (" The per-round time ratios spread from %.2f to %.2f: the machine's other load moved the "
                 "timings more than the wrapper does, and the instruction counts are the figure to judge by." % (
                     min(r[1] for r in ranges if r), max(r[2] for r in ranges if r)))
    c = WASI_SPEEDUP_CASE
    if c in cases:
        sp = {p: median(s.wasi_speedup(c, p)) for p in COMPONENT_PATHS}
        text += (" Pooling makes a component request %.1fx faster than on-demand allocation in wasmpool "
                 "(Rust-native: %.1fx)." % (sp["wasmpool"], sp["native"]))
    return text + "\n"
