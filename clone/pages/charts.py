"""Chart geometry for the pages: every coordinate is computed here, in SVG units (CSS pixels); the templates in
charts.html.j2 only draw what these objects hold."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

WIDTH = 760


@dataclass
class Line:
    x1: float
    y1: float
    x2: float
    y2: float


@dataclass
class Label:
    text: str
    x: float
    y: float
    anchor: str = "middle"  # SVG text-anchor: start, middle or end


@dataclass
class Bar:
    tooltip: str
    x: float
    y: float
    width: float
    height: float
    colour: str
    opacity: float = 1.0


@dataclass
class Whisker:
    low: float
    high: float
    y: float


@dataclass
class Chart:
    """One SVG chart: ``name`` goes into data-chart="..." so tests and screenshots can find it."""

    name: str
    title: str
    width: int
    height: int
    bars: list[Bar] = field(default_factory=list)
    grid: list[Line] = field(default_factory=list)
    ticks: list[Label] = field(default_factory=list)  # numbers along an axis
    labels: list[Label] = field(default_factory=list)  # what each bar is
    values: list[Label] = field(default_factory=list)  # each bar's number, next to it
    axes: list[Line] = field(default_factory=list)
    x_title: Label | None = None
    y_title: Label | None = None  # drawn turned by 90 degrees
    whiskers: list[Whisker] = field(default_factory=list)
    marker: Line | None = None  # a dashed reference line
    label_size: int | None = None  # font size of the bar labels; None: the page's
    empty: Label | None = None  # "no data", where there are no bars


def bar_chart(
    name: str,
    title: str,
    x_title: str,
    y_title: str,
    bars: Sequence[tuple[str, int]],
    colour: str,
    label_size: int = 11,
) -> Chart:
    """Vertical bars, one per (label, count), over gridlines at round steps; the x labels thin out past 16 bars
    and the counts above the bars are left out past 24."""
    height, left, right, top, bottom = 300, 56, 16, 40, 56
    plot_w, plot_h = WIDTH - left - right, height - top - bottom
    base = top + plot_h
    highest = max((v for _, v in bars), default=0)
    step = nice_step(highest / 4)
    peak = step * max(1, math.ceil(highest / step))
    chart = Chart(name, title, WIDTH, height, label_size=label_size)
    for i in range(round(peak / step) + 1):
        y = _r(base - plot_h * step * i / peak)
        chart.grid.append(Line(left, y, WIDTH - right, y))
        chart.ticks.append(Label(f"{step * i:g}", left - 6, _r(y + 4), "end"))
    slot = plot_w / max(len(bars), 1)
    every = math.ceil(len(bars) / 16)
    for i, (label, value) in enumerate(bars):
        h = plot_h * value / peak
        x, y = left + i * slot + slot * 0.15, base - h
        centre = _r(x + slot * 0.35)
        chart.bars.append(Bar(f"{label}: {value}", _r(x), _r(y), _r(slot * 0.7), _r(h), colour))
        if len(bars) <= 24:
            chart.values.append(Label(str(value), centre, _r(y - 4)))
        if i % every == 0:
            chart.labels.append(Label(label, centre, _r(base + 8 + label_size)))
    if not bars:
        chart.empty = Label("no data", WIDTH / 2, top + plot_h / 2)
    chart.axes = [Line(left, base, WIDTH - right, base), Line(left, top, left, base)]
    chart.x_title = Label(x_title, left + plot_w / 2, height - 6)
    chart.y_title = Label(y_title, 14, top + plot_h / 2)
    return chart


@dataclass
class Interval:
    """One row of an interval chart: a value with its interval (either end may be unknown)."""

    label: str
    value: float
    low: float | None
    high: float | None
    text: str  # written right of the bar
    tooltip: str
    colour: str


def interval_chart(name: str, title: str, rows: Sequence[Interval], peak: float, marker: float | None = None) -> Chart:
    """Horizontal bars from 0 to each value on an axis from 0 to ``peak``, the interval as a whisker, and an
    optional dashed line at ``marker``."""
    left, right, top, row_h = 200, 130, 40, 30  # left: room for "SFT clone (before improve)"
    height = top + row_h * len(rows) + 30
    plot_w = WIDTH - left - right
    chart = Chart(name, title, WIDTH, height)

    def x(value: float) -> float:
        return _r(left + plot_w * max(0.0, min(value, peak)) / peak)

    for i in range(5):
        gx = _r(left + plot_w * i / 4)
        chart.grid.append(Line(gx, top - 4, gx, height - 26))
        chart.ticks.append(Label(f"{peak * i / 4:g}", gx, height - 10))
    if marker is not None:
        chart.marker = Line(x(marker), top - 4, x(marker), height - 26)
    for i, row in enumerate(rows):
        y = top + i * row_h
        chart.labels.append(Label(row.label, left - 8, y + 17, "end"))
        chart.bars.append(Bar(row.tooltip, left, y + 5, _r(x(row.value) - left), row_h - 12, row.colour, 0.75))
        if row.low is not None and row.high is not None:
            chart.whiskers.append(Whisker(x(row.low), x(row.high), y + row_h / 2 - 1))
        chart.values.append(Label(row.text, WIDTH - right + 8, y + 17, "start"))
    return chart


def nice_step(value: float) -> int:
    """The smallest of 1, 2, 5, 10, 20, 50 ... at least ``value``: round tick steps for counts."""
    power = 10 ** max(0, math.floor(math.log10(value))) if value >= 1 else 1
    return next(m * power for m in (1, 2, 5, 10) if m * power >= value)


def _r(value: float) -> float:
    return round(value, 1)
