"""The components part of REPORT.md: section 9 (instantiation through a pre and string calls,
wasmpool against Rust-native, with callgrind's instructions per operation beside the timings)
and its paragraph of the Reading section. Every statement is computed from the run's numbers.
"""

from .markdown import fmt_allocs, fmt_num, fmt_ratio, fmt_stat, listed, slashed, table
from .stats import median
from .suite import (COMPONENT_CALL_ARG, COMPONENT_NAMES, COMPONENT_PATHS, COMPONENT_SHORT, COMPONENTS,
                    PROFILE_COMP_CALL, PROFILE_COMP_CALL_NAME, PROFILE_COMP_CALL_TYPED, PROFILE_COMP_INST_JS,
                    PROFILE_COMP_INST_PY, PROFILE_COMP_INST_WAT, PROFILE_COMP_INST_WAT_ONDEMAND, STATIC_PATH, STRATEGIES,
                    STRATEGY_NAMES, TOOLCHAIN_COMPONENTS)

# The callgrind profile of each instantiation row, and of each call column (profile, path).
INST_PROFILES = {("wat", "pooling"): PROFILE_COMP_INST_WAT, ("wat", "ondemand"): PROFILE_COMP_INST_WAT_ONDEMAND,
                 ("js", "pooling"): PROFILE_COMP_INST_JS, ("py", "pooling"): PROFILE_COMP_INST_PY}
CALL_COLUMNS = (
    ("wasmpool", "wasmpool `wasmpool_component_instance_call` (by name)", PROFILE_COMP_CALL_NAME, "wasmpool"),
    ("wasmpool_func", "wasmpool `wasmpool_component_func_call` (looked-up function)", PROFILE_COMP_CALL, "wasmpool"),
    ("native", "Rust `Func::call` with `Val`s", PROFILE_COMP_CALL, "native"),
    ("native_typed", "Rust `TypedFunc<(String,), (String,)>::call`", PROFILE_COMP_CALL_TYPED, "native"),
)


def instr(s, profile, path):
    """(instructions, allocator calls) per operation of `path` in a callgrind profile, or None."""
    x = s.prof.get(profile)
    return (x[path], x.get(path + "_allocs", 0.0)) if x and path in x else None


def fmt_instr(pair):
    return fmt_num(pair[0], 0) if pair else "–"


def instr_ratio(a, b):
    return "%.2f" % (a[0] / b[0]) if a and b and b[0] else "–"


def refusals(s):
    """One sentence per toolchain component whose call was not timed, with the reason."""
    out = []
    for case in TOOLCHAIN_COMPONENTS:
        if case in s.cskips:
            out.append("The %s is not measured: its toolchain could not build it here (%s)" % (
                COMPONENT_NAMES[case], s.cskips[case]))
            continue
        by_path = s.crefused.get(case)
        if not by_path:
            continue
        imports = sorted(set(by_path.values()))
        agree = "in both paths" if len(imports) == 1 and len(by_path) == len(COMPONENT_PATHS) else \
            ", ".join("%s on `%s`" % (p, i) for p, i in by_path.items())
        out.append("The %s is instantiated but not called in the timings: its first call traps on the WASI "
                   "import `%s` (%s), which `hello` reaches before it returns and which this benchmark "
                   "defines as a trap; calling it needs a WASI host, and timing a trap would measure the trap" % (
                       COMPONENT_NAMES[case], imports[0], agree))
    return out


def section(s):
    comps = s.measured_components()
    md = ["\n## 9. Components\n",
          "Wasmpool against Rust-native Wasmtime, same engine configuration as section 1; the upstream C "
          "API of Wasmtime %s has no component pre-instantiation, hence no upstream column. Components: "
          "%s. Every import (the toolchains' WASI) is defined as a trap on both sides "
          "(`wasmpool_component_linker_define_unknown_imports_as_traps`, "
          "`Linker::define_unknown_imports_as_traps`). The toolchain components are compiled once per path "
          "and loaded with `deserialize_file`. *Instructions*: callgrind, as in section 8; *static*: the "
          "wasmpool program linked with `libwasmpool.a` instead of the shared library (section 10).\n\n" % (
              "48", "; ".join(COMPONENT_NAMES[c] for c in COMPONENTS))]
    md.append("**Instantiation** through a pre-instantiated component "
              "(`wasmpool_component_pre_instantiate` / `InstancePre::instantiate`) into a fresh store, "
              "then the store deleted; nanoseconds per instantiation:\n\n")
    rows = []
    for strat in STRATEGIES:
        for c in comps:
            prof = INST_PROFILES.get((c, strat))
            w, n, st = (instr(s, prof, p) for p in COMPONENT_PATHS + (STATIC_PATH,)) if prof else (None,) * 3
            rows.append([COMPONENT_NAMES[c], STRATEGY_NAMES[strat], fmt_stat(s.cinst_stat(c, strat, "wasmpool")),
                         fmt_stat(s.cinst_stat(c, strat, "native")), fmt_ratio(s.r_cinst(c, strat)),
                         fmt_instr(w), fmt_instr(n), instr_ratio(w, n), instr_ratio(st, n),
                         "%s / %s" % (fmt_allocs(w[1]), fmt_allocs(n[1])) if w and n else "–"])
    md.append(table(["component", "strategy", "wasmpool ns", "Rust-native ns", "wasmpool / native",
                     "wasmpool instr", "Rust-native instr", "instr wasmpool / native",
                     "instr static / native", "allocations wasmpool / native"], rows))
    for c in s.called_components():
        md.append("\n**Calls** of `%s`'s `func(string) -> string` with the argument \"%s\" (the string "
                  "result checked on every call and, in C, freed with `wasmpool_component_val_delete`); "
                  "nanoseconds per call, pooling:\n\n" % (COMPONENT_SHORT[c], COMPONENT_CALL_ARG))
        base = instr(s, PROFILE_COMP_CALL, "native")
        rows = []
        for col, name, prof, path in CALL_COLUMNS:
            if not s.ccalls[c, col]:
                continue
            mine = instr(s, prof, path) if c == "wat" else None
            rows.append([name, fmt_stat(s.ccall_stat(c, col)), fmt_ratio(s.r_ccalls(c, col, "native")),
                         fmt_instr(mine), instr_ratio(mine, base), fmt_allocs(mine[1]) if mine else "–"])
        md.append(table(["call", "ns per call", "/ Rust `Func::call`", "instr per call", "instr / `Func::call`",
                         "allocations per call"], rows))
        st = instr(s, PROFILE_COMP_CALL, STATIC_PATH) if c == "wat" else None
        if st and base:
            md.append("\nThe looked-up call linked statically (`libwasmpool.a`): %.0f instructions, %.2fx "
                      "`Func::call`.\n" % (st[0], st[0] / base[0]))
    notes = refusals(s)
    if notes:
        md.append("\n" + "".join("- %s.\n" % n for n in notes))
    rows = [[COMPONENT_NAMES[c]] + [fmt_stat(s.ccompile[c, p]) for p in COMPONENT_PATHS]
            for c in TOOLCHAIN_COMPONENTS if any(s.ccompile[c, p] for p in COMPONENT_PATHS)]
    if rows:
        md.append("\nCompiling the toolchain components (once per run, both CPUs), ms:\n\n")
        md.append(table(["component", "wasmpool", "Rust-native"], rows))
    return "".join(md)


def reading(s, v):
    """The Reading paragraph on components."""
    comps = s.measured_components()
    if not comps:
        return ""
    short = [COMPONENT_SHORT[c] for c in comps]
    pooled = {c: median(s.r_cinst(c, "pooling")) for c in comps}
    ondemand = {c: median(s.r_cinst(c, "ondemand")) for c in comps}
    text = ("- **Components.** Instantiating through a pre takes wasmpool %s of the Rust-native time under "
            "pooling (%s) and %s on demand" % (slashed(pooled.values()), "/".join(short),
                                               slashed(ondemand.values())))
    w, n = instr(s, PROFILE_COMP_INST_WAT, "wasmpool"), instr(s, PROFILE_COMP_INST_WAT, "native")
    if w and n:
        text += ("; callgrind counts %.0f against %.0f instructions (%+.0f%%) and %s against %s allocator calls "
                 "per pooled instantiation of the text component" % (
                     w[0], n[0], (w[0] / n[0] - 1) * 100, fmt_allocs(w[1]), fmt_allocs(n[1])))
        big = [(c, instr(s, INST_PROFILES[c, "pooling"], "wasmpool"), instr(s, INST_PROFILES[c, "pooling"], "native"))
               for c in TOOLCHAIN_COMPONENTS if c in comps]
        big = [(c, a, b) for c, a, b in big if a and b]
        if big:
            text += ", %s for the %s one%s" % (
                listed("%.0f against %.0f (%+.1f%%)" % (a[0], b[0], (a[0] / b[0] - 1) * 100) for _, a, b in big),
                listed(COMPONENT_SHORT[c] for c, _, _ in big), "s" if len(big) > 1 else "")
            gaps = [a[0] - b[0] for _, a, b in big] + [w[0] - n[0]]
            if max(gaps) - min(gaps) <= 0.25 * max(abs(g) for g in gaps) + 50:
                text += ": about the same fixed number of instructions whatever the component, so the ratio " \
                        "shrinks as the component grows"
    verdict = v["comp_inst_pooling"]
    text += ". Target (pooling) %s." % ("met" if verdict.met else "missed for " + listed(verdict.failing()))
    ranges = [s.r_cinst(c, "pooling") for c in comps]
    wide = [r for r in ranges if r and r[2] / r[1] > 1.5]
    if wide and w and n:
        text += (" The per-round ratios of this run spread from %.2f to %.2f, far wider than any gap the "
                 "instruction counts show: the timings measured the machine's other load as much as the "
                 "wrapper, and the instruction counts are the figure to judge by." % (
                     min(r[1] for r in ranges if r), max(r[2] for r in ranges if r)))
    for c in s.called_components():
        func, name = median(s.r_ccalls(c, "wasmpool_func", "native")), median(s.r_ccalls(c, "wasmpool", "native"))
        typed = median(s.r_ccalls(c, "native_typed", "native"))
        text += (" A call of the %s component's `func(string) -> string` costs %.2fx Rust's `Func::call` with "
                 "`Val`s through a looked-up `wasmpool_component_func_t` and %.2fx by name (Rust's typed call: "
                 "%.2fx)" % (COMPONENT_SHORT[c], func, name, typed))
        cw, cn = instr(s, PROFILE_COMP_CALL, "wasmpool"), instr(s, PROFILE_COMP_CALL, "native")
        if cw and cn:
            text += ("; callgrind: %.0f against %.0f instructions and %s against %s allocator calls per call" % (
                cw[0], cn[0], fmt_allocs(cw[1]), fmt_allocs(cn[1])))
        text += ". Target %s." % ("met" if v["comp_calls"].met else "**missed**")
    notes = refusals(s)
    if notes:
        text += " " + " ".join(n + "." for n in notes)
    return text + "\n"
