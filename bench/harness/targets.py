"""The targets the report judges, declared once as data, and their verdicts.

A target is a metric (a named measurement of a run, below), a direction and a limit. A metric
yields named values, every one of which must hold against the limit for the target to be met,
and the text of the "measured" column. A target may name an alternative metric: a configuration
that the report also judges when the first one misses.
"""

import math
import operator
from collections import namedtuple

from .stats import median, stat
from .suite import (CALL_CASES, CASES, COMPONENT_SHORT, CONC_CASE_NAMES, CONC_CASES, HOST_TO_WASM, NAMES, PATHS,
                    TUNED_LABEL, WASI_PROFILES, WASI_SHORT, n_name)

OPS = {"<=": operator.le, ">=": operator.ge, "<": operator.lt, ">": operator.gt}


class Target(namedtuple("Target", "key label metric op limit unit alternative")):
    """label: what is judged, with {bound} where the direction and limit go.
    unit: how the limit is written: ratio (1.03), times (4.5x), plain (1.8), ns (1 µs),
    bound (a multiple of the footprint bound), within (within 10%)."""

    def limit_text(self):
        """The limit as the report writes it: 1.03, 4.5x, 1 µs, 10%."""
        x = self.limit
        return {
            "ratio": lambda: "%.2f" % x,
            "times": lambda: "%gx" % x,
            "plain": lambda: "%g" % x,
            "ns": lambda: "%g µs" % (x / 1000.0) if x >= 1000 else "%g ns" % x,
            "bound": lambda: "(C + N) x 1 MiB" if x == 1 else "%g x (C + N) x 1 MiB" % x,
            "within": lambda: "%g%%" % (x * 100),
        }[self.unit]()

    def bound(self):
        """The direction and the limit: "<= 1.03", "within 10%"."""
        if self.unit == "within":
            return "within " + self.limit_text()
        return "%s %s" % (self.op, self.limit_text())

    def text(self):
        return self.label.format(bound=self.bound())

    def holds(self, value):
        return value is not None and not math.isnan(value) and OPS[self.op](value, self.limit)


def _target(key, label, metric, op, limit, unit, alternative=None):
    assert op in OPS and (unit != "within" or op == "<="), key
    return Target(key, label, metric, op, limit, unit, alternative)


TARGETS = (
    _target("inst_native", "wasmpool / Rust-native instantiation {bound} (median; every module; pooling)",
            "inst_wasmpool_native_pooling", "<=", 1.03, "ratio"),
    _target("inst_upstream_pooling", "wasmpool / upstream C API {bound}, instantiation (pooling)",
            "inst_wasmpool_upstream_pooling", "<=", 1.00, "ratio"),
    _target("inst_upstream_ondemand", "wasmpool / upstream C API {bound}, instantiation (on-demand)",
            "inst_wasmpool_upstream_ondemand", "<=", 1.00, "ratio"),
    _target("calls", "wasmpool / upstream {bound}, calls (`wasmpool_instance_call` and host functions vs "
            "`wasmtime_func_call` and `wasmtime_linker_define_func`)", "calls_wasmpool_upstream", "<=", 1.00, "ratio"),
    _target("func_calls", "wasmpool / upstream {bound}, calls with a looked-up `wasmpool_func_t` "
            "(`wasmpool_func_call`)", "calls_func_upstream", "<=", 1.00, "ratio"),
    _target("comp_inst_pooling", "components: wasmpool / Rust-native instantiation through a pre {bound} "
            "(median; every component; pooling)", "comp_inst_pooling", "<=", 1.03, "ratio"),
    _target("comp_inst_ondemand", "components: wasmpool / Rust-native instantiation through a pre {bound} "
            "(median; every component; on-demand)", "comp_inst_ondemand", "<=", 1.03, "ratio"),
    _target("comp_calls", "components: `wasmpool_component_func_call` / Rust `Func::call` with `Val`s {bound}, "
            "`func(string) -> string`", "comp_calls", "<=", 1.2, "ratio"),
    _target("wasi_time", "WASI store per request: wasmpool / Rust-native time {bound} (median; preview 1 and 2; "
            "pooling)", "wasi_time_pooling", "<=", 1.05, "ratio"),
    _target("wasi_instr", "WASI store per request: wasmpool / Rust-native callgrind instructions {bound} "
            "(preview 1 and 2; pooling)", "wasi_instr_pooling", "<=", 1.05, "ratio"),
    _target("pooling_speedup", "pooling speedup on the large module {bound} (on-demand / pooling)",
            "speedup_large", ">=", 4.5, "times"),
    _target("two_threads", "2-thread / 1-thread throughput {bound} under pooling (wasmpool; rounds with both "
            "CPUs free)", "two_threads_defaults", ">=", 1.8, "plain", alternative="two_threads_tuned"),
    _target("metrics", "metrics snapshot {bound}", "metrics_ns", "<", 1000, "ns"),
    _target("footprint_bound", "footprint: `unused_memory_bytes_resident` {bound}", "resident_over_bound",
            "<=", 1.0, "bound"),
    _target("rss_tracks", "footprint: RSS growth {bound} of `unused_memory_bytes_resident`", "rss_deviation",
            "<=", 0.10, "within"),
)
TARGET = {t.key: t for t in TARGETS}

# ---- metrics: the values judged, the text of the "measured" column -----------------------------------

Measured = namedtuple("Measured", "values text config")


def _measured(values, text, config=None):
    return Measured(values, text, config)


def _listed(values, fmt):
    return ", ".join(fmt % (k, v) for k, v in values.items())


def _inst_ratio(den, strat):
    def measure(s):
        values = {c: median(s.r_inst(c, strat, "wasmpool", den)) for c in CASES}
        return _measured(values, _listed(values, "%s %.3f"))
    return measure


def _calls_ratio(column, cases):
    def measure(s):
        values = {c: median(s.r_calls(c, column, "upstream")) for c in cases}
        return _measured(values, _listed(values, "%s %.2f"))
    return measure


def _with_ci(values, cis, fmt):
    """`_listed`, each median followed by its 95% confidence interval over rounds in brackets
    (stats.median_ci), so that a reader sees whether a median beside the bound is told apart
    from it."""
    def one(k):
        ci = cis.get(k)
        return (fmt % (k, values[k])) + (" [%.3f-%.3f]" % ci if ci else "")
    return ", ".join(one(k) for k in values)


def _comp_inst_ratio(strat):
    def measure(s):
        cases = {COMPONENT_SHORT[c]: c for c in s.measured_components()}
        values = {k: median(s.r_cinst(c, strat)) for k, c in cases.items()}
        cis = {k: s.ci_cinst(c, strat) for k, c in cases.items()}
        return _measured(values, _with_ci(values, cis, "%s %.3f"))
    return measure


def comp_calls(s):
    cases = {COMPONENT_SHORT[c]: c for c in s.called_components()}
    values = {k: median(s.r_ccalls(c, "wasmpool_func", "native")) for k, c in cases.items()}
    cis = {k: s.ci_ccalls(c, "wasmpool_func", "native") for k, c in cases.items()}
    return _measured(values, _with_ci(values, cis, "%s %.2f"))


def wasi_time_pooling(s):
    cases = {WASI_SHORT[c]: c for c in s.measured_wasi()}
    values = {k: median(s.r_wasi(c, "pooling")) for k, c in cases.items()}
    cis = {k: s.ci_wasi(c, "pooling") for k, c in cases.items()}
    return _measured(values, _with_ci(values, cis, "%s %.3f"))


def wasi_instr_pooling(s):
    values = {}
    for (c, strat), name in WASI_PROFILES.items():
        x = s.prof.get(name)
        if strat == "pooling" and x and x.get("native"):
            values[WASI_SHORT[c]] = x["wasmpool"] / x["native"]
    return _measured(values, _listed(values, "%s %.3f") or "not profiled (smoke run, or no valgrind)")


def speedup_large(s):
    sp = {p: median(s.speedup("large", p)) for p in PATHS}
    others = ", ".join("%s %.2fx" % (NAMES[p], sp[p]) for p in PATHS if p != "wasmpool")
    return _measured({"wasmpool": sp["wasmpool"]}, "wasmpool %.2fx (%s)" % (sp["wasmpool"], others))


def _two_threads(label):
    def measure(s):
        values = {c: median(s.conc_ratio(label, "pooling", c, "wasmpool")) for c in CONC_CASES}
        shown = ", ".join("%s %.2f" % (CONC_CASE_NAMES[c], v) for c, v in values.items())
        return _measured(values, "%s: %s" % (label, shown), label)
    return measure


def metrics_ns(s):
    ns = median(stat(list(s.metrics["wasmpool"].values())))
    return _measured({"snapshot": ns}, "%.0f ns" % ns)


def resident_over_bound(s):
    bounded = s.bounded_footprint()
    worst = max((f["res"] / f["bound"] for f in bounded), default=0)
    return _measured({"largest": worst}, "largest resident / bound %.2f over %d settings" % (worst, len(bounded)))


def worst_rss_deviation(s):
    """(largest |RSS growth - resident| / resident, its footprint point or None)."""
    devs = [(abs(f["rss"] - f["res"]) / f["res"], f) for f in s.foot.values() if f["res"]]
    return max(devs, key=lambda x: x[0]) if devs else (0, None)


def rss_deviation(s):
    worst, f = worst_rss_deviation(s)
    where = ("pool %s, N=%s, C=%s" % (f["total"], n_name(f["n"]), f["c"])) if f else "pool -, N=-, C=-"
    return _measured({"largest": worst}, "largest deviation %.1f%% (%s)" % (worst * 100, where))


METRICS = {
    "inst_wasmpool_native_pooling": _inst_ratio("native", "pooling"),
    "inst_wasmpool_upstream_pooling": _inst_ratio("upstream", "pooling"),
    "inst_wasmpool_upstream_ondemand": _inst_ratio("upstream", "ondemand"),
    "calls_wasmpool_upstream": _calls_ratio("wasmpool", CALL_CASES),
    "calls_func_upstream": _calls_ratio("wasmpool_func", HOST_TO_WASM),
    "comp_inst_pooling": _comp_inst_ratio("pooling"),
    "comp_inst_ondemand": _comp_inst_ratio("ondemand"),
    "comp_calls": comp_calls,
    "wasi_time_pooling": wasi_time_pooling,
    "wasi_instr_pooling": wasi_instr_pooling,
    "speedup_large": speedup_large,
    "two_threads_defaults": _two_threads("defaults"),
    "two_threads_tuned": _two_threads(TUNED_LABEL),
    "metrics_ns": metrics_ns,
    "resident_over_bound": resident_over_bound,
    "rss_deviation": rss_deviation,
}

# ---- verdicts -------------------------------------------------------------------------------------------


class Verdict(namedtuple("Verdict", "target first alt")):
    """A target judged on a run: what was measured (and for the alternative configuration)."""

    def failing(self, measured=None):
        """The names of the values that miss the limit."""
        m = measured or self.first
        return [k for k, v in m.values.items() if not self.target.holds(v)]

    @property
    def met(self):
        return not self.failing()

    @property
    def alt_met(self):
        return self.alt is not None and not self.failing(self.alt)

    def measured(self):
        return self.first.text + ("; " + self.alt.text if self.alt else "")

    def word(self):
        """met / **missed** (with the configuration the alternative meets it in, if any) / not
        measured (the run has no value for it)."""
        if not self.first.values:
            return "not measured"
        if self.met:
            return "met"
        if self.alt_met:
            return "**missed** with the %s; met with %s" % (self.first.config, self.alt.config)
        return "**missed**"


def judge(target, summary):
    alt = METRICS[target.alternative](summary) if target.alternative else None
    return Verdict(target, METRICS[target.metric](summary), alt)


def judge_all(summary):
    """{target key: Verdict} for every declared target."""
    return {t.key: judge(t, summary) for t in TARGETS}
