"""The report's plots (matplotlib, PNG): instantiation, calls, 2-thread scaling, footprint curve."""

import os

from .stats import round_stat
from .suite import (CALL_CASES, CALL_VARIANTS, CASES, CONC_CASES, CONTROLS, FOOT_C, FOOT_N, FOOT_TOTALS, MIB, NAMES,
                    PATHS, STRATEGY_NAMES, TUNED_LABEL, expected_warm, n_name, shards_for)
from .targets import TARGET

COLORS = {"wasmpool": "#1f77b4", "native": "#2ca02c", "upstream": "#ff7f0e"}
CASE_TICKS = {"empty": "empty", "mem1": "1 page", "mem17data": "17 pages\n+ data", "large": "StarlingMonkey"}
CALL_TICKS = {"nop": "host->wasm nop", "i32_i64_to_f32": "host->wasm (i32,i64)->f32", "wasm_to_host": "wasm->host inc"}
# The call columns as plotted; the checked ones solid, the others hatched.
CALL_LABELS = {"wasmpool": "wasmpool by name", "wasmpool_func": "wasmpool func_t", "upstream": "upstream",
               "upstream_unchecked": "upstream unchecked", "native": "Rust dynamic", "native_typed": "Rust typed"}
CHECKED_CALLS = ("wasmpool", "upstream", "native")
CONC_GROUPS = (("defaults", "pooling"), ("defaults", "ondemand"), (TUNED_LABEL, "pooling"))
CONC_GROUP_NAMES = {"defaults": "defaults", TUNED_LABEL: "keep+pagemap"}
CONTROL_TICKS = {"cpu_loop": "CPU loop", "madvise_dontneed": "dirty page\n+ madvise"}


def pyplot():
    """matplotlib's pyplot on a file backend, or None (with a note) when matplotlib is missing."""
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
        return plt
    except Exception as e:
        print("bench: no plots (%s)" % e)
        return None


def error_bar(s, scale=1.0):
    """matplotlib's yerr of one stat: [[median - min], [max - median]]."""
    return [[(s[0] - s[1]) / scale], [(s[2] - s[0]) / scale]]


def label_axes(ax, ticks, title, ylabel=None, tick_fontsize=None, legend=True):
    """Category ticks, title, horizontal grid lines (and y label, legend) of a bar chart."""
    ax.set_xticks(range(len(ticks)))
    ax.set_xticklabels(ticks, fontsize=tick_fontsize)
    if ylabel:
        ax.set_ylabel(ylabel)
    ax.set_title(title)
    ax.grid(axis="y", alpha=0.3)
    if legend:
        ax.legend(fontsize=8)


def save(plt, fig, outdir, name, dpi=110):
    fig.tight_layout()
    fig.savefig(os.path.join(outdir, name), dpi=dpi)
    plt.close(fig)
    return name


def plot_instantiation(plt, s, outdir):
    fig, axes = plt.subplots(1, 2, figsize=(12, 4.5), sharey=True)
    w = 0.26
    for ax, strat in zip(axes, ("pooling", "ondemand")):
        for i, path in enumerate(PATHS):
            stats = [s.inst_stat(case, strat, path) for case in CASES]
            meds = [st[0] / 1e3 if st else 0 for st in stats]
            lows = [error_bar(st, 1e3)[0][0] if st else 0 for st in stats]
            highs = [error_bar(st, 1e3)[1][0] if st else 0 for st in stats]
            xs = [x + (i - 1) * w for x in range(len(CASES))]
            ax.bar(xs, meds, w, yerr=[lows, highs], capsize=3, label=NAMES[path], color=COLORS[path])
        label_axes(ax, [CASE_TICKS[c] for c in CASES], "instantiation, %s" % STRATEGY_NAMES[strat], legend=False)
    axes[0].set_ylabel("µs per instantiation (median, min–max)")
    axes[0].legend()
    return save(plt, fig, outdir, "instantiation.png")


def plot_calls(plt, s, outdir):
    fig, ax = plt.subplots(figsize=(10, 4.5))
    w = 0.14
    for i, column in enumerate(CALL_VARIANTS):
        path = CALL_VARIANTS[column][0]
        meds = []
        for case in CALL_CASES:
            st = round_stat(s.calls[case, column]) if s.calls[case, column] else None
            meds.append(st[0] if st else 0)
        xs = [x + (i - 2.5) * w for x in range(len(CALL_CASES))]
        checked = column in CHECKED_CALLS
        ax.bar(xs, meds, w, label=CALL_LABELS[column], color=COLORS[path], alpha=1.0 if checked else 0.55,
               hatch="" if checked else "//")
    label_axes(ax, [CALL_TICKS[c] for c in CALL_CASES], "calls", "ns per call (median)")
    return save(plt, fig, outdir, "calls.png")


def plot_concurrency(plt, s, outdir):
    target = TARGET["two_threads"]
    fig, ax = plt.subplots(figsize=(12, 4.8))
    labels = []
    x = 0
    for label, strat in CONC_GROUPS:
        for case in CONC_CASES:
            for i, path in enumerate(PATHS):
                st = s.conc_ratio(label, strat, case, path)
                if st:
                    ax.bar(x + (i - 1) * 0.26, st[0], 0.26, yerr=error_bar(st), capsize=3, color=COLORS[path],
                           label=NAMES[path] if x == 0 else None)
            labels.append("%s\n%s\n%s" % (CONC_GROUP_NAMES[label], STRATEGY_NAMES[strat], CASE_TICKS[case]))
            x += 1
    for case in CONTROLS:
        st = s.control_ratio(case)
        if st:
            ax.bar(x, st[0], 0.5, yerr=error_bar(st), capsize=3, color="#999999",
                   label="machine control (no Wasmtime)" if case == CONTROLS[0] else None)
        labels.append("control:\n" + CONTROL_TICKS[case])
        x += 1
    ax.axhline(target.limit, color="red", linestyle="--", linewidth=1, label="target " + target.limit_text())
    ax.axhline(1.0, color="gray", linestyle=":", linewidth=1)
    label_axes(ax, labels, "concurrency (one engine, one pre; rounds with both CPUs free)",
               "2-thread / 1-thread throughput", tick_fontsize=8)
    return save(plt, fig, outdir, "concurrency.png")


def footprint_series(s, total, c, key, scale=1.0):
    """One quantity of the footprint curve over FOOT_N (NaN where a setting has no results)."""
    return [s.foot[total, c, n][key] / scale if (total, c, n) in s.foot else float("nan") for n in FOOT_N]


def plot_footprint_row(ax, s, total):
    xs = list(range(len(FOOT_N)))
    bounded = [n for n in FOOT_N if n != "max"]
    for c, style in zip(FOOT_C, ("o-", "s-")):
        ax[0].plot(xs, footprint_series(s, total, c, "warm"), style, label="C=%d" % c)
        ax[0].plot(xs[:len(bounded)], [expected_warm(n, c, total) for n in bounded], ":", color="gray",
                   label="expected" if c == FOOT_C[0] else None)
        ax[1].plot(xs, footprint_series(s, total, c, "rss", MIB), style, label="RSS growth, C=%d" % c)
        ax[1].plot(xs, footprint_series(s, total, c, "res", MIB), style.replace("-", "--"), alpha=0.6,
                   label="unused resident (metric), C=%d" % c)
        ax[1].plot(xs[:len(bounded)], [c + n for n in bounded], ":", color="red", alpha=0.6,
                   label="bound (C+N) MiB" if c == FOOT_C[-1] else None)
        ax[2].plot(xs, footprint_series(s, total, c, "p50", 1e3), style, label="C=%d" % c)
    sharded = "" if shards_for(total) == 1 else ", %d shards" % shards_for(total)
    ax[0].set_title("pool of %d%s: unused warm memory slots" % (total, sharded))
    ax[1].set_title("pool of %d%s: memory kept after the churn" % (total, sharded))
    ax[1].set_ylabel("MiB")
    ax[2].set_title("pool of %d%s: instantiation p50 during the churn" % (total, sharded))
    ax[2].set_ylabel("µs")
    for a in ax:
        a.set_xticks(xs)
        a.set_xticklabels([n_name(n) for n in FOOT_N])
        a.set_xlabel("N = max_unused_warm_slots")
        a.grid(alpha=0.3)
        a.legend(fontsize=8)


def plot_footprint(plt, s, outdir):
    """One row of panels per pool size."""
    fig, axes = plt.subplots(len(FOOT_TOTALS), 3, figsize=(15, 4.2 * len(FOOT_TOTALS)), squeeze=False)
    for row, total in enumerate(FOOT_TOTALS):
        plot_footprint_row(axes[row], s, total)
    return save(plt, fig, outdir, "footprint.png", dpi=100)


def make_plots(summary, outdir):
    """Writes the PNGs into outdir; returns their names (none without matplotlib)."""
    plt = pyplot()
    if plt is None:
        return []
    return [plot(plt, summary, outdir) for plot in (plot_instantiation, plot_calls, plot_concurrency, plot_footprint)]
