#!/usr/bin/env python3
"""The scaling picture of `make bench` (issue 17): ns per message against the
number of chats for chatlife and every peer, and bytes per chat, written as
plain SVG (no plotting library: the bench must not need one). Each series is
one <polyline>, so `check()` can count them.

`python3 bench/scaling_svg.py --self-test` draws made-up rows and checks the
result; `make test-bench` runs it."""

import math
import sys
import xml.etree.ElementTree as ET
from xml.sax.saxutils import escape, quoteattr

# The workloads whose rows are ns per message, and the language each runs in.
# ffi's Python and Node rows are copies of python_churn's and node_churn's
# chatlife rows, so only its C rows are drawn.
MESSAGE_WORKLOADS = {"churn": "Rust", "ffi": "C", "python_churn": "Python", "node_churn": "Node"}
# Rows that are a part of another row's time, not an implementation.
PARTS = {"chatlife_messages_poll_events_part", "json_parse_of_those_events"}
COLOURS = {"Rust": ["#b8420f", "#e6803c", "#f2b07f", "#7a2a08"],
           "C": ["#555555", "#999999"],
           "Python": ["#1f5fa8", "#4f8fd6", "#86b6ea", "#0d3566", "#a9c9ef"],
           "Node": ["#2a7d2e", "#54b058", "#8fd18f", "#145217", "#b5e3b5", "#6e9f2e"]}
DASHES = ["", "6 3", "2 3", "8 3 2 3", "1 2", "10 4"]

WIDTH = 980
LEFT, PLOT_W, LEGEND_X = 80, 560, 680
NS_TOP, NS_H = 50, 400
MEM_TOP, MEM_H = 540, 200
HEIGHT = MEM_TOP + MEM_H + 60


def message_series(results):
    """{label: [(n, ns per message)]} for every implementation with sizes."""
    series = {}
    for r in results:
        language = MESSAGE_WORKLOADS.get(r["workload"])
        if language is None or r["impl"] in PARTS or r.get("ns_per_op") is None:
            continue
        if r["workload"] == "ffi" and not r["impl"].startswith("c_"):
            continue
        series.setdefault((language, r["impl"]), []).append((r["n"], r["ns_per_op"]))
    return {key: sorted(points) for key, points in series.items()}


def memory_series(results):
    """{label: [(n, bytes per chat)]}: every row that measured bytes. Rows of
    the other languages' peers name their language first (node_js_lazy_heap);
    the rest are Rust's."""
    series = {}
    for r in results:
        if r.get("bytes_per_conversation") is not None:
            prefix, _, rest = r["impl"].partition("_")
            key = (MEMORY_LANGUAGES[prefix], rest) if prefix in MEMORY_LANGUAGES and rest else ("Rust", r["impl"])
            series.setdefault(key, []).append((r["n"], r["bytes_per_conversation"]))
    return {key: sorted(points) for key, points in series.items()}


MEMORY_LANGUAGES = {"node": "Node", "python": "Python"}


def si(n):
    for size, suffix in ((1_000_000_000, "G"), (1_000_000, "M"), (1_000, "k")):
        if n >= size:
            value = n / size
            return f"{value:g}{suffix}"
    return f"{n:g}"


def log_ticks(low, high, steps=(1, 2, 5)):
    ticks = []
    for exponent in range(math.floor(math.log10(low)), math.ceil(math.log10(high)) + 1):
        ticks += [s * 10**exponent for s in steps if low <= s * 10**exponent <= high]
    return ticks


def nice_step(span, count=5):
    raw = span / count
    magnitude = 10 ** math.floor(math.log10(raw))
    return next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= raw)


class Panel:
    """One plot: a log x axis of chats; a log or linear y axis."""

    def __init__(self, top, height, sizes, low, high, log_y):
        self.top, self.height, self.log_y = top, height, log_y
        self.x_low, self.x_high = math.log10(min(sizes)) - 0.15, math.log10(max(sizes)) + 0.15
        if log_y:
            self.y_low, self.y_high = math.log10(low) - 0.1, math.log10(high) + 0.1
        else:
            self.y_low, self.y_high = 0.0, high * 1.15 if high > 0 else 1.0

    def x(self, n):
        return LEFT + (math.log10(n) - self.x_low) / (self.x_high - self.x_low) * PLOT_W

    def y(self, value):
        v = math.log10(max(value, 1e-9)) if self.log_y else value
        return self.top + self.height - (v - self.y_low) / (self.y_high - self.y_low) * self.height

    def axes(self, sizes, title, y_label):
        bottom = self.top + self.height
        out = [f'<rect x="{LEFT}" y="{self.top}" width="{PLOT_W}" height="{self.height}" fill="none" stroke="#444"/>',
               f'<text x="{LEFT}" y="{self.top - 12}" font-size="15" font-weight="bold">{escape(title)}</text>',
               f'<text transform="translate({LEFT - 58},{self.top + self.height / 2}) rotate(-90)" '
               f'text-anchor="middle" font-size="12">{escape(y_label)}</text>',
               f'<text x="{LEFT + PLOT_W / 2}" y="{bottom + 38}" text-anchor="middle" font-size="12">'
               'chats (log scale)</text>']
        for n in sorted(set(sizes)):
            x = self.x(n)
            out.append(f'<line x1="{x:.1f}" y1="{self.top}" x2="{x:.1f}" y2="{bottom}" stroke="#ddd"/>')
            out.append(f'<text x="{x:.1f}" y="{bottom + 18}" text-anchor="middle" font-size="12">{si(n)}</text>')
        if self.log_y:
            ticks = log_ticks(10**self.y_low, 10**self.y_high)
        else:
            step = nice_step(self.y_high)
            ticks = [step * i for i in range(int(self.y_high / step) + 1)]
        for value in ticks:
            y = self.y(value)
            out.append(f'<line x1="{LEFT}" y1="{y:.1f}" x2="{LEFT + PLOT_W}" y2="{y:.1f}" stroke="#eee"/>')
            out.append(f'<text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end" font-size="11">{value:,g}</text>')
        return out


def styles(series):
    """A colour per series, by language, and a dash per peer (chatlife solid)."""
    used, style = {}, {}
    for language, impl in series:
        k = used.get(language, 0)
        used[language] = k + 1
        palette = COLOURS.get(language, ["#000000"])
        dash = "" if impl.startswith(("chatlife", "c_", "dependent")) else DASHES[1 + k % (len(DASHES) - 1)]
        style[(language, impl)] = (palette[k % len(palette)], dash)
    return style


def series_name(key, panel_name):
    return f"{key[0]} {key[1]}" if panel_name == "ns" else f"{key[0]} {key[1]} (bytes)"


def draw(panel, series, style, legend_top, panel_name):
    out = []
    for i, (key, points) in enumerate(series.items()):
        colour, dash = style[key]
        name = series_name(key, panel_name)
        coords = " ".join(f"{panel.x(n):.1f},{panel.y(v):.1f}" for n, v in points)
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        out.append(f'<polyline class="series" data-series={quoteattr(name)} points="{coords}" fill="none" '
                   f'stroke="{colour}" stroke-width="2"{dash_attr}><title>{escape(name)}</title></polyline>')
        for n, v in points:
            out.append(f'<circle cx="{panel.x(n):.1f}" cy="{panel.y(v):.1f}" r="3" fill="{colour}">'
                       f'<title>{escape(name)}: {v:,g} at {n:,}</title></circle>')
        y = legend_top + 18 * i
        out.append(f'<line x1="{LEGEND_X}" y1="{y}" x2="{LEGEND_X + 28}" y2="{y}" stroke="{colour}" '
                   f'stroke-width="2"{dash_attr}/>')
        out.append(f'<text x="{LEGEND_X + 34}" y="{y + 4}" font-size="12">{escape(name)}</text>')
    return out


def render(results, note=""):
    """The SVG text for `results` (the rows of results.json)."""
    ns, memory = message_series(results), memory_series(results)
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" '
           f'viewBox="0 0 {WIDTH} {HEIGHT}" font-family="sans-serif">',
           f'<rect width="{WIDTH}" height="{HEIGHT}" fill="white"/>']
    if note:
        out.append(f'<text x="{LEFT}" y="20" font-size="12" fill="#555">{escape(note)}</text>')
    # One x axis for both panels, so a size sits at the same place in each.
    every_size = [n for series in (ns, memory) for points in series.values() for n, _ in points]
    for series, top, height, log_y, title, y_label, panel_name in (
            (ns, NS_TOP, NS_H, True, "ns per message (expiries included, but not in Node's setTimeout rows)",
             "ns per message (log scale)", "ns"),
            (memory, MEM_TOP, MEM_H, False, "bytes per chat at rest (peers: their records and timers)",
             "bytes per chat", "bytes")):
        if not series:
            out.append(f'<text x="{LEFT}" y="{top + 20}" font-size="13">{escape(title)}: no rows in this run</text>')
            continue
        values = [v for points in series.values() for _, v in points]
        panel = Panel(top, height, every_size, min(values), max(values), log_y)
        out += panel.axes(every_size, title, y_label)
        out += draw(panel, series, styles(series), top + 6, panel_name)
    out.append("</svg>")
    return "\n".join(out) + "\n"


def check(text, results):
    """Fails unless `text` is well-formed SVG with one polyline per series of
    `results`, each with one point per row of its series."""
    root = ET.fromstring(text)
    if root.tag != "{http://www.w3.org/2000/svg}svg":
        raise AssertionError(f"the root element is {root.tag}, not svg")
    lines = {p.get("data-series"): p for p in root.iter("{http://www.w3.org/2000/svg}polyline")}
    names = {series_name(key, panel_name): points
             for panel_name, series in (("ns", message_series(results)), ("bytes", memory_series(results)))
             for key, points in series.items()}
    polylines = sum(1 for _ in root.iter("{http://www.w3.org/2000/svg}polyline"))
    if polylines != len(names) or set(lines) != set(names):
        raise AssertionError(f"{polylines} polylines {sorted(lines)} for the series {sorted(names)}")
    for name, points in names.items():
        drawn = lines[name].get("points").split()
        if len(drawn) != len(points):
            raise AssertionError(f"{name}: {len(drawn)} points drawn for {len(points)} rows")
        for pair in drawn:
            x, y = map(float, pair.split(","))
            if not (0 <= x <= WIDTH and 0 <= y <= HEIGHT):
                raise AssertionError(f"{name}: point {pair} is outside the picture")


def self_test():
    """Made-up rows, the shapes a run writes (10M for Rust only, bytes at one
    size), drawn and checked; a broken picture must fail the check too."""
    results = []
    for n in (10_000, 100_000, 1_000_000, 10_000_000):
        results.append({"workload": "churn", "impl": "chatlife", "n": n, "ns_per_op": 100 + n / 50_000,
                        "bytes_per_conversation": None})
    for n in (10_000, 100_000, 1_000_000):
        for workload, impl, ns in (("node_churn", "js_lazy_heap", 300.0), ("node_churn", "chatlife_messages", 500.0),
                                   ("node_churn", "json_parse_of_those_events", 90.0), ("ffi", "node_messages", 500.0),
                                   ("ffi", "c_call", 250.0), ("python_churn", "asyncio_call_later", 3000.0)):
            results.append({"workload": workload, "impl": impl, "n": n, "ns_per_op": ns, "bytes_per_conversation": None})
    results.append({"workload": "memory", "impl": "chatlife", "n": 1_000_000, "ns_per_op": 0.0,
                    "bytes_per_conversation": 460})
    for n in (10_000, 100_000):
        results.append({"workload": "memory", "impl": "node_js_lazy_heap", "n": n, "ns_per_op": 0,
                        "bytes_per_conversation": 160})
    text = render(results, "self-test")
    check(text, results)
    series = text.count("<polyline")
    if series != 7:  # churn, js_lazy_heap, chatlife_messages, c_call, asyncio; two of bytes
        raise AssertionError(f"{series} polylines, not 7: parts and ffi copies are not series")
    if 'data-series="Node js_lazy_heap (bytes)"' not in text or 'data-series="Rust chatlife (bytes)"' not in text:
        raise AssertionError("bytes series are named by language")
    for broken in (text.replace("</svg>", ""), text.replace('class="series"', 'class="series" class="x"', 1),
                   text.replace("<polyline", "<path", 1)):
        try:
            check(broken, results)
        except (AssertionError, ET.ParseError):
            continue
        raise AssertionError("check() passed a broken picture")
    print(f"scaling_svg self-test: {series} series drawn and checked")


if __name__ == "__main__":
    if sys.argv[1:] != ["--self-test"]:
        sys.exit("usage: python3 bench/scaling_svg.py --self-test")
    self_test()
