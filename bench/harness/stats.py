"""Statistics: medians over rounds, per-round ratios, spreads, and the aggregate of a run.

A `stat` is (median, min, max, count). Ratios are the median (and min, max) of per-round ratios,
so that a slow round slows both sides of the ratio alike.
"""

import itertools
import math
import statistics
from collections import namedtuple

from .suite import (CALL_CASES, CALL_VARIANTS, CASES, COMPILE_VARIANTS, COMPONENT_CALL_VARIANTS, COMPONENT_PATHS,
                    COMPONENTS, TOOLCHAIN_COMPONENTS, CONC_CASES, CONC_LABELS, CONTROLS,
                    DEADLINE_VARIANTS, DEADLINES, FOOT_C, FOOT_N, FOOT_TOTALS, MIB, PATHS, STRATEGIES, TWO_CPU_SHARE,
                    UNLIMITED, WASI_CASES, WASI_PATHS, call_variant, expected_warm, footprint_settings, is_n)


class Data:
    """The raw results of a run, selected by field values."""

    def __init__(self, results):
        self.results = results

    def rows(self, **kw):
        return [r for r in self.results if all(r.get(k) == v for k, v in kw.items())]

    def values(self, **kw):
        return [r["value"] for r in self.rows(**kw)]

    def by_round(self, **kw):
        """{round: median of the selected values in that round}."""
        out = {}
        for r in self.rows(**kw):
            out.setdefault(r.get("round", 0), []).append(r["value"])
        return {k: statistics.median(v) for k, v in out.items()}


def stat(v):
    if not v:
        return None
    return (statistics.median(v), min(v), max(v), len(v))


def median(s):
    """The median of a stat, NaN when there is none."""
    return s[0] if s else float("nan")


def round_stat(by_round):
    """The stat over rounds of a {round: value} dict."""
    return stat(list(by_round.values()))


def ratios(num, den):
    """Per-round ratios num/den (dicts round -> value)."""
    return [num[r] / den[r] for r in num if r in den and den[r]]


def ratio_stat(num, den):
    """Per-round ratios num/den, as a stat."""
    return stat(ratios(num, den))


def median_ci(values, level=0.95):
    """(low, high): a distribution-free confidence interval of the median of `values` (order
    statistics: each value falls on either side of the true median with probability 1/2, so the
    number below it is binomial). With 30 rounds, the 10th and 21st smallest values, 95.7%. None
    for fewer than 6 values, which cannot reach 95%."""
    v = sorted(values)
    n = len(v)
    tail, k = 0.0, 0
    # k: how many values may lie below the interval with a tail probability of at most (1-level)/2
    while True:
        p = math.comb(n, k) / 2.0 ** n
        if tail + p > (1 - level) / 2:
            break
        tail += p
        k += 1
    return (v[k - 1], v[n - k]) if k >= 1 else None


def ratio_ci(num, den):
    """The confidence interval of the median per-round ratio num/den (see `median_ci`)."""
    return median_ci(ratios(num, den))


def ranges_overlap(stats):
    """Whether the min–max ranges of these stats share a value: their differences are within the
    round-to-round spread of each. None when that cannot be told (a stat of fewer than 2 rounds)."""
    stats = [s for s in stats if s]
    if not stats or any(s[3] < 2 for s in stats):
        return None
    return max(s[1] for s in stats) <= min(s[2] for s in stats)


def spread(values):
    """max / min of positive values (1.0 = all equal)."""
    values = [v for v in values if v]
    return max(values) / min(values) if values else 1.0


# ---- two threads against one ----------------------------------------------------------------------

Pair = namedtuple("Pair", "one two ratio share valid_rounds all_rounds")


def two_thread_pair(d, **kw):
    """1-thread and 2-thread results of one measurement. 2-thread results count only from rounds
    where both threads had a CPU (CPU share >= TWO_CPU_SHARE): otherwise another program's load is
    what was measured. Without any such round, all rounds are used (and the report says so)."""
    one = d.by_round(threads=1, **kw)
    twos = d.rows(threads=2, **kw)
    ok = {r.get("round", 0): r["value"] for r in twos if r.get("cpu_share", 0) >= TWO_CPU_SHARE}
    every = {r.get("round", 0): r["value"] for r in twos}
    two = ok or every
    shares = [r.get("cpu_share", 0) for r in twos if not ok or r.get("cpu_share", 0) >= TWO_CPU_SHARE]
    return Pair(one, two, ratio_stat(two, one), statistics.median(shares) if shares else 0, len(ok), len(every))


# ---- the footprint curve ----------------------------------------------------------------------------


def footprint_rows(d, total, c, n):
    return [r for r in d.rows(bench="footprint", threads=c) if r.get("total", 128) == total and is_n(r["n"], n)]


def footprint_point(rows, total, c, n):
    """Medians over trials of one footprint setting, with its expectation and bound."""

    def med(key):
        return statistics.median([r[key] for r in rows])

    return dict(warm=med("unused_warm_memories"), res=med("unused_memory_bytes_resident"), rss=med("rss_growth"),
                p50=med("inst_p50_ns"), p99=med("inst_p99_ns"), dele=med("delete_p50_ns"),
                expect=expected_warm(n, c, total), bound=None if n == "max" else (c + n) * MIB,
                n=n, c=c, total=total, trials=len(rows))


def footprint_curve(d):
    """{(total, c, n): point} for every setting with results."""
    out = {}
    for total, c, n in footprint_settings():
        rows = footprint_rows(d, total, c, n)
        if rows:
            out[total, c, n] = footprint_point(rows, total, c, n)
    return out


# ---- the aggregate of a run ---------------------------------------------------------------------------


class Summary:
    """Every aggregate the report and its conclusions use, computed once from the raw results."""

    def __init__(self, results, meta):
        d = self.d = Data(results)
        self.inst = {(c, s, p): d.by_round(bench="instantiate", case=c, strategy=s, path=p)
                     for c, s, p in itertools.product(CASES, STRATEGIES, PATHS)}
        self.calls = {}
        for case in CALL_CASES:
            for col, (path, _, _) in CALL_VARIANTS.items():
                v = call_variant(col, case)
                self.calls[case, col] = d.by_round(bench="calls", case=case, path=path, variant=v) if v else {}
        self.conc = {}
        for label, s, c, p in itertools.product(CONC_LABELS, STRATEGIES, CONC_CASES, PATHS):
            pair = two_thread_pair(d, bench="concurrency", case=c, strategy=s, path=p, variant=label)
            if pair.one and pair.two:
                self.conc[label, s, c, p] = pair
        self.control = {}
        for c in CONTROLS:
            pair = two_thread_pair(d, bench="control", case=c)
            if pair.one and pair.two:
                self.control[c] = pair
        self.comp = {p: tuple(stat(d.values(bench="compile", path=p, variant=v)) for v in COMPILE_VARIANTS)
                     for p in PATHS}
        self.metrics = {p: d.by_round(bench="metrics", path=p) for p in ("wasmpool", "native")}
        self.foot = footprint_curve(d)
        self.dl = {}
        for tick, dms in DEADLINES:
            self.dl[tick, dms] = stat([r["value"] for r in d.rows(bench="deadline", case="overshoot",
                                                                  variant="tick_%dms" % tick)
                                       if r.get("deadline_ms", 20) == dms])
        self.mech = stat(d.values(bench="deadline", case="mechanism"))
        self.prof = {x["name"]: x for x in meta.get("profile") or []}
        # components
        self.cinst = {(c, st, p): d.by_round(bench="component_instantiate", case=c, strategy=st, path=p)
                      for c, st, p in itertools.product(COMPONENTS, STRATEGIES, COMPONENT_PATHS)}
        self.ccalls = {(c, col): d.by_round(bench="component_calls", case=c, path=path, variant=v)
                       for c in COMPONENTS for col, (path, v) in COMPONENT_CALL_VARIANTS.items()}
        self.ccompile = {(c, p): stat(d.values(bench="component_compile", case=c, path=p))
                         for c in TOOLCHAIN_COMPONENTS for p in COMPONENT_PATHS}
        # {case: {path: the import the first call trapped on}}
        self.crefused = {}
        for r in d.rows(bench="component_call_refused"):
            self.crefused.setdefault(r["case"], {})[r["path"]] = r["import"]
        self.cskips = meta.get("component_skips") or {}
        # WASI: {(case, strategy, path): {round: ns per request}}
        self.wasi = {(c, st, p): d.by_round(bench="wasi_request", case=c, strategy=st, path=p)
                     for c, st, p in itertools.product(WASI_CASES, STRATEGIES, WASI_PATHS)}
        self.wasi_skip = meta.get("wasi_skip") or ""

    # ---- stats and ratios ----------------------------------------------------------------------
    def inst_stat(self, case, strat, path):
        return round_stat(self.inst[case, strat, path])

    def r_inst(self, case, strat, num, den):
        return ratio_stat(self.inst[case, strat, num], self.inst[case, strat, den])

    def call_stat(self, case, column):
        return round_stat(self.calls[case, column])

    def r_calls(self, case, num, den):
        return ratio_stat(self.calls[case, num], self.calls[case, den])

    def speedup(self, case, path):
        """On-demand time / pooling time: how much faster pooling instantiates."""
        return ratio_stat(self.inst[case, "ondemand", path], self.inst[case, "pooling", path])

    def conc_ratio(self, label, strat, case, path):
        pair = self.conc.get((label, strat, case, path))
        return pair.ratio if pair else None

    def control_ratio(self, case):
        pair = self.control.get(case)
        return pair.ratio if pair else None

    def metrics_stat(self, path):
        return round_stat(self.metrics[path])

    def cinst_stat(self, case, strat, path):
        return round_stat(self.cinst[case, strat, path])

    def r_cinst(self, case, strat):
        """wasmpool / Rust-native component instantiation, per round."""
        return ratio_stat(self.cinst[case, strat, "wasmpool"], self.cinst[case, strat, "native"])

    def ci_cinst(self, case, strat):
        return ratio_ci(self.cinst[case, strat, "wasmpool"], self.cinst[case, strat, "native"])

    def ccall_stat(self, case, column):
        return round_stat(self.ccalls[case, column])

    def r_ccalls(self, case, num, den):
        return ratio_stat(self.ccalls[case, num], self.ccalls[case, den])

    def ci_ccalls(self, case, num, den):
        return ratio_ci(self.ccalls[case, num], self.ccalls[case, den])

    def wasi_stat(self, case, strat, path):
        return round_stat(self.wasi[case, strat, path])

    def r_wasi(self, case, strat, path="wasmpool"):
        """wasmpool (or `path`) / Rust-native time per WASI request, per round."""
        return ratio_stat(self.wasi[case, strat, path], self.wasi[case, strat, "native"])

    def ci_wasi(self, case, strat, path="wasmpool"):
        return ratio_ci(self.wasi[case, strat, path], self.wasi[case, strat, "native"])

    def wasi_speedup(self, case, path):
        """On-demand / pooled time per WASI request, per round."""
        return ratio_stat(self.wasi[case, "ondemand", path], self.wasi[case, "pooling", path])

    def measured_wasi(self):
        """The WASI cases with results, in declaration order."""
        return [c for c in WASI_CASES if any(self.wasi[c, st, p] for st in STRATEGIES for p in COMPONENT_PATHS)]

    def measured_components(self):
        """The components with instantiation results, in declaration order."""
        return [c for c in COMPONENTS if any(self.cinst[c, st, p] for st in STRATEGIES for p in COMPONENT_PATHS)]

    def called_components(self):
        return [c for c in COMPONENTS if any(self.ccalls[c, col] for col in COMPONENT_CALL_VARIANTS)]

    def bounded_footprint(self):
        return [f for f in self.foot.values() if f["bound"] is not None]


# ---- completeness of a smoke run ----------------------------------------------------------------------


def missing_wasi(d, wasi_skip=""):
    """The WASI measurements a run lacks (none when the guests could not be built: the report
    says why)."""
    if wasi_skip:
        return []
    return ["wasi_request %s %s %s" % (p, c, st) for p in WASI_PATHS for c in WASI_CASES for st in STRATEGIES
            if not d.values(bench="wasi_request", case=c, strategy=st, path=p)]


def missing_components(d, meta_skips=None):
    """The component measurements a run lacks (the toolchain components in `meta_skips` could not
    be built: not missing, the report says why)."""
    missing = []
    built = [c for c in COMPONENTS if c not in (meta_skips or {})]
    for path in COMPONENT_PATHS:
        for case in built:
            for strat in STRATEGIES:
                if not d.values(bench="component_instantiate", case=case, strategy=strat, path=path):
                    missing.append("component_instantiate %s %s %s" % (path, case, strat))
            if not (d.values(bench="component_calls", case=case, path=path) or
                    d.rows(bench="component_call_refused", case=case, path=path)):
                missing.append("component_calls %s %s" % (path, case))
    if not d.values(bench="component_calls", case="wat"):
        missing.append("component_calls wat (the text component must be callable)")
    return missing


def missing_measurements(results, meta_skips=None, wasi_skip="", only=None):
    """What a run lacks (empty when complete): keeps the suite from rotting. `meta_skips`: the
    toolchain components the run could not build (not missing: the report says why);
    `wasi_skip`: why the WASI guests were not built, if they were not. `only`: the part a partial
    run measured ("wasi" or "components")."""
    d = Data(results)
    if only == "wasi":
        return missing_wasi(d, wasi_skip)
    if only == "components":
        return missing_components(d, meta_skips)
    missing = missing_wasi(d, wasi_skip) + missing_components(d, meta_skips)
    for path in PATHS:
        for case in CASES:
            for strat in STRATEGIES:
                if not d.values(bench="instantiate", case=case, strategy=strat, path=path):
                    missing.append("instantiate %s %s %s" % (path, case, strat))
        for case in CALL_CASES:
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
    for c in CONTROLS:
        if not d.values(bench="control", case=c, threads=2):
            missing.append("control " + c)
    for v in DEADLINE_VARIANTS:
        if not d.values(bench="deadline", variant=v):
            missing.append("deadline " + v)
    bad = [r for r in d.rows(bench="footprint") if r["n"] < UNLIMITED and
           r["unused_warm_memories"] > expected_warm(r["n"], r["c"], r["total"])]
    if bad:
        missing.append("footprint: more warm slots than expected in %d setting(s)" % len(bad))
    return missing
