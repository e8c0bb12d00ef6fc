"""What the benchmark measures: the paths, the modules, the settings and the run modes.

Declarations only; running is in run.py, judging in targets.py.
"""

import itertools
import os

WASMTIME_VERSION = "48.0.8"

PATHS = ("wasmpool", "native", "upstream")
NAMES = {"wasmpool": "wasmpool (C)", "native": "Rust-native", "upstream": "upstream C API"}

CASES = ("empty", "mem1", "mem17data", "large")
CASE_NAMES = {
    "empty": "empty module",
    "mem1": "1-page memory",
    "mem17data": "17 pages + 64 KiB data segment",
    "large": "StarlingMonkey (10.5 MB, 81 imports as traps)",
}
CASE_SHORT = {"empty": "empty", "mem1": "1-page", "mem17data": "17-page", "large": "large"}
STRATEGIES = ("pooling", "ondemand")
STRATEGY_NAMES = {"pooling": "pooling", "ondemand": "on-demand"}

# Calls: a report column is a path with the variant it runs for host->wasm and for wasm->host
# (None: the column has no such variant).
CALL_VARIANTS = {
    "wasmpool": ("wasmpool", "wasmpool_instance_call", "wasmpool_linker_define_func"),
    "wasmpool_func": ("wasmpool", "wasmpool_func_call", None),
    "upstream": ("upstream", "wasmtime_func_call", "wasmtime_linker_define_func"),
    "upstream_unchecked": ("upstream", "wasmtime_func_call_unchecked", "wasmtime_linker_define_func_unchecked"),
    "native": ("native", "Func::call", "Linker::func_new"),
    "native_typed": ("native", "TypedFunc::call", "Linker::func_wrap"),
}
CALL_CASES = ("nop", "i32_i64_to_f32", "wasm_to_host")
HOST_TO_WASM = ("nop", "i32_i64_to_f32")
CALL_NAMES = {"nop": "host->wasm `nop`", "i32_i64_to_f32": "host->wasm `(i32,i64)->f32`",
              "wasm_to_host": "wasm->host `inc(i32)->i32`"}
# The columns without per-call checks: the floor a checked dynamic API cannot reach.
UNCHECKED_CALLS = ("upstream_unchecked", "native_typed")


def call_variant(column, case):
    """The variant a call column runs for `case` (None when it has none)."""
    _, to_wasm, to_host = CALL_VARIANTS[column]
    return to_host if case == "wasm_to_host" else to_wasm


# Components: instantiation through a pre-instantiated component (a fresh store per instance,
# deleted after it) and calls of `func(string) -> string`, wasmpool against Rust-native (the
# upstream C API of Wasmtime 48 has no component pre-instantiation, so no upstream column). The
# text component is components.wat of the modules; js and py are the `hello` components that
# tests/guests/toolchains.sh builds with componentize-js and componentize-py (bench/run puts them
# in bench/build/guests/<case>/hello.wasm, or leaves hello.skip with the reason).
COMPONENT_PATHS = ("wasmpool", "native")
# The C program of the wasmpool path linked with libwasmpool.a instead of the shared library
# (bench_wasmpool_static): measured beside it for the WASI requests and the text component's
# profiles, the per-request paths where the shared library's cost of reaching its thread-locals
# (__tls_get_addr, from tokio and Wasmtime) shows.
STATIC_PATH = "static"
WASI_PATHS = COMPONENT_PATHS + (STATIC_PATH,)
COMPONENTS = ("wat", "js", "py")
TOOLCHAIN_COMPONENTS = ("js", "py")
COMPONENT_NAMES = {
    "wat": "text component `echo` (1 core module)",
    "js": "componentize-js 0.23.0 `hello` (12 MB)",
    "py": "componentize-py 0.25.1 `hello` (18 MB)",
}
COMPONENT_SHORT = {"wat": "text", "js": "JavaScript", "py": "Python"}
# Call columns: (path, variant). `func` columns call a looked-up function; the target compares
# wasmpool's looked-up call with Rust's dynamic `Func::call`, the like-for-like pair.
COMPONENT_CALL_VARIANTS = {
    "wasmpool": ("wasmpool", "wasmpool_component_instance_call"),
    "wasmpool_func": ("wasmpool", "wasmpool_component_func_call"),
    "native": ("native", "Func::call"),
    "native_typed": ("native", "TypedFunc::call"),
}
COMPONENT_CALL_ARG = "wasmpool"


def component_variants(path):
    """The call variants a path runs, for its calls= argument."""
    return ",".join(v for p, v in COMPONENT_CALL_VARIANTS.values() if p == path)


# WASI: the cost of one request of a per-request host (a new WASI configuration with the request's
# arguments and captured stdout, a new store holding it, an instance from a pre, the run of `hello`,
# the captured stdout read and checked, everything deleted), wasmpool against Rust-native
# (`WasiP1Ctx`; `WasiCtx` + `ResourceTable` with `CommandPre`). The guests are tests/guests'
# `hello`, which bench/run builds with the test guests into bench/build/test-guests/guests (or
# leaves wasi.skip there with the reason).
WASI_CASES = ("p1", "p2")
WASI_NAMES = {"p1": "preview 1: `hello` module (wasm32-wasip1)",
              "p2": "preview 2: `hello` command component (preview-1 adapter)"}
WASI_SHORT = {"p1": "preview 1", "p2": "preview 2"}
WASI_GUESTS = {"p1": "wasip1/hello.wasm", "p2": "wasip2/hello.wasm"}
WASI_OUTPUT = "hello from a wasm32-wasip1 guest\\n"
WASI_CAP = 65536
# The pooled vs on-demand speedup is reported for this case (the component).
WASI_SPEEDUP_CASE = "p2"


# Concurrency: Wasmtime's defaults, and a tuned configuration with keep-resident sizes and pagemap
# scan: the large module's memory (37 pages) and table (7688 elements) fit, so a released slot is
# reset by scanning for the pages the instance dirtied instead of madvise over the whole slot.
TUNED_LABEL = "keep_resident+pagemap_scan"
TUNED = {"mem_keep": 4 << 20, "table_keep": 64 << 10, "pagemap": 1}
CONC_LABELS = ("defaults", TUNED_LABEL)
CONC_CASES = ("mem1", "large")
CONC_CASE_NAMES = {"mem1": "1 page", "large": "large"}
CONTROLS = ("cpu_loop", "madvise_dontneed")
CONTROL_NAMES = {"cpu_loop": "CPU loop", "madvise_dontneed": "dirty + madvise"}
# A 2-thread result counts when both threads had a CPU: their CPU time over wall time at least this.
TWO_CPU_SHARE = 1.8

# Compile vs deserialize: the variants of the `compile` measurement, in report order.
COMPILE_VARIANTS = ("compile", "deserialize", "deserialize_file")

# The footprint curve: K distinct modules churned at concurrency C for each N.
FOOT_K = 100
FOOT_N = (0, 10, 50, "max")
FOOT_C = (1, 2)
# Pool sizes of the curve: below SHARD_FROM slots Wasmtime keeps one slot allocator; from
# SHARD_FROM on it shards the pool (and the N budget) over min(CPUs, MAX_SHARDS) per-thread shards.
FOOT_TOTALS = (120, 256)
SHARD_FROM = 128
MAX_SHARDS = 16
KEEP = 1 << 20
MIB = float(1 << 20)
UNLIMITED = 4294967295  # N as the programs print "max"


def footprint_settings():
    """(pool size, C, N) of every point of the footprint curve, in the order they are run."""
    return itertools.product(FOOT_TOTALS, FOOT_C, FOOT_N)

# Deadline latency: (ticker interval ms, deadline ms): a fine ticker with a short and a long
# deadline (does lateness grow with D?), and a coarse ticker with the short one.
DEADLINE_SHORT, DEADLINE_COARSE, DEADLINE_LONG = (1, 20), (10, 20), (1, 100)
DEADLINES = (DEADLINE_SHORT, DEADLINE_COARSE, DEADLINE_LONG)
DEADLINE_VARIANTS = ("tick_1ms", "tick_10ms", "manual_tick")

MODES = {
    "full": dict(rounds=10, target_ms=200, lockstep_rounds=30, lockstep_reps=9, warmup=200, conc_ms=500, conc_rounds=5, conc_attempts=4, compile_trials=3,
                 dtrials=10, fp_trials=3, fp_passes=3, deadline_trials=20, profile=True, quiet_wait_s=60,
                 conc_quiet_wait_s=180),
    "smoke": dict(rounds=1, target_ms=10, lockstep_rounds=1, lockstep_reps=3, warmup=20, conc_ms=50, conc_rounds=1, conc_attempts=1, compile_trials=1,
                  dtrials=2, fp_trials=1, fp_passes=1, deadline_trials=3, profile=False, quiet_wait_s=0,
                  conc_quiet_wait_s=0),
}


def n_name(n):
    return "unlimited" if n == "max" else str(n)


def is_n(value, n):
    """Whether the N a program printed (`value`) is the setting `n` of FOOT_N."""
    return value >= UNLIMITED if n == "max" else value == n


def rotated(r, paths=PATHS):
    """The paths in the order of round r: the order rotates from round to round."""
    k = r % len(paths)
    return paths[k:] + paths[:k]


def cpus():
    return os.cpu_count() or 1


def shards_for(total):
    """Shards of Wasmtime's slot allocators for a pool of `total` slots on this machine."""
    return min(cpus(), MAX_SHARDS) if total >= SHARD_FROM else 1


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


# Instruction counts under callgrind: (name, per-op unit, {path: extra args}, iterations low/high,
# ops per iteration). A profile runs the paths it has arguments for.
def _every_path(*args):
    return {p: ["round", "only=instantiate"] + list(args) for p in PATHS}


def _components(*args, variants=None, static=False):
    """Component profiles: wasmpool and Rust-native (and wasmpool linked statically when `static`,
    with wasmpool's call variant); `variants` {path: call variant}."""
    paths = WASI_PATHS if static else COMPONENT_PATHS
    return {p: ["components"] + list(args) +
            (["calls=" + variants["wasmpool" if p == STATIC_PATH else p]] if variants else [])
            for p in paths}


def _calls(wasmpool_call, others_call=None, *extra):
    base = ["only=calls", "strategies=pooling"]
    other = others_call or wasmpool_call
    return {p: ["round"] + base + ["calls=" + (wasmpool_call if p == "wasmpool" else other)] + list(extra)
            for p in PATHS}


def _wasi(*args):
    """WASI profiles: wasmpool (shared and static) and Rust-native, one request per operation."""
    return {p: ["wasi", "cap=%d" % WASI_CAP] + list(args) for p in WASI_PATHS}


# Pairs of callgrind runs per WASI profile; their median is reported.
PROFILE_REPEATS = 3

PROFILES = [
    ("instantiate empty (pooling)", "instr/op", _every_path("cases=empty", "strategies=pooling"), (2000, 6000), 1),
    ("instantiate 1-page memory (pooling)", "instr/op", _every_path("cases=mem1", "strategies=pooling"),
     (2000, 6000), 1),
    ("instantiate 1-page memory (on-demand)", "instr/op", _every_path("cases=mem1", "strategies=ondemand"),
     (1000, 3000), 1),
    ("call nop, looked-up function", "instr/call", _calls("nop_func", "nop"), (20000, 60000), 1),
    ("call nop by export name (wasmpool_instance_call)", "instr/call", _calls("nop"), (20000, 60000), 1),
    ("call (i32,i64)->f32", "instr/call", _calls("i32_i64_to_f32"), (20000, 60000), 1),
    ("host call (wasm->host)", "instr/call", _calls("wasm_to_host", None, "loop=100"), (200, 600), 100),
    ("component: instantiate text component (pooling)", "instr/op",
     _components("only=instantiate", "cases=wat", "strategies=pooling", static=True), (1000, 3000), 1),
    ("component: instantiate text component (on-demand)", "instr/op",
     _components("only=instantiate", "cases=wat", "strategies=ondemand", static=True), (1000, 3000), 1),
    ("component: instantiate JavaScript `hello` (pooling)", "instr/op",
     _components("only=instantiate", "cases=js", "strategies=pooling"), (100, 300), 1),
    ("component: instantiate Python `hello` (pooling)", "instr/op",
     _components("only=instantiate", "cases=py", "strategies=pooling"), (20, 60), 1),
    ("component: call `echo(string) -> string`, looked-up function vs `Func::call`", "instr/call",
     _components("only=calls", "cases=wat", "strategies=pooling",
                 variants={"wasmpool": "wasmpool_component_func_call", "native": "Func::call"}, static=True),
     (2000, 6000), 1),
    ("component: call `echo` by name (wasmpool_component_instance_call) vs `Func::call`", "instr/call",
     _components("only=calls", "cases=wat", "strategies=pooling",
                 variants={"wasmpool": "wasmpool_component_instance_call", "native": "Func::call"}),
     (2000, 6000), 1),
    ("component: call `echo`, Rust typed `TypedFunc<(String,), (String,)>`", "instr/call",
     {"native": ["components", "only=calls", "cases=wat", "strategies=pooling", "calls=TypedFunc::call"]},
     (2000, 6000), 1),
    # Wide spans: each run compiles its program first, and Wasmtime's parallel compilation varies
    # by a few hundred thousand instructions from run to run.
    ("WASI request: preview 1 module (pooling)", "instr/request", _wasi("cases=p1", "strategies=pooling"),
     (500, 2500), 1),
    ("WASI request: preview 2 component (pooling)", "instr/request", _wasi("cases=p2", "strategies=pooling"),
     (250, 1250), 1),
    ("WASI request: preview 2 component (on-demand)", "instr/request", _wasi("cases=p2", "strategies=ondemand"),
     (250, 1250), 1),
]
PROFILE_INST_EMPTY, PROFILE_INST_MEM1, PROFILE_INST_MEM1_ONDEMAND = (p[0] for p in PROFILES[:3])
PROFILE_HOST_CALL = PROFILES[6][0]
(PROFILE_COMP_INST_WAT, PROFILE_COMP_INST_WAT_ONDEMAND, PROFILE_COMP_INST_JS, PROFILE_COMP_INST_PY,
 PROFILE_COMP_CALL, PROFILE_COMP_CALL_NAME, PROFILE_COMP_CALL_TYPED) = (p[0] for p in PROFILES[7:14])
# {(WASI case, strategy): its profile}
WASI_PROFILES = {("p1", "pooling"): PROFILES[14][0], ("p2", "pooling"): PROFILES[15][0],
                 ("p2", "ondemand"): PROFILES[16][0]}
