"""Number formats, tables and small phrases of the report."""

import re


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
    """median (min–max)"""
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


def slashed(values, fmt="%.2f"):
    """1.12/1.06/1.04: several figures of one kind, in a fixed order."""
    return "/".join(fmt % v for v in values)


def listed(words):
    """a, b and c"""
    words = list(words)
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def faster(ratio, digits=1):
    """'4.2x faster' for a time ratio slow/fast; 'N x slower' when it is below 1."""
    if ratio >= 1:
        return "%.*fx faster" % (digits, ratio)
    return "%.*fx slower" % (digits, 1 / ratio)


def table(header, rows):
    out = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    for r in rows:
        out.append("| " + " | ".join(str(c) for c in r) + " |")
    return "\n".join(out) + "\n"


def tidy(text):
    """A blank line after each heading, no runs of blank lines, one newline at the end."""
    text = re.sub(r"^(#+ .*)\n(?!\n)", r"\1\n\n", text, flags=re.M)
    text = re.sub(r"\n{3,}", "\n\n", text)
    return text.rstrip() + "\n"
