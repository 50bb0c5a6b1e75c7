"""Geometry of the server-rendered SVG charts of the release pages (no script, no external font).

The templates only place what is computed here. Right-to-left pages get the same chart read from
the right: bars grow leftwards from a baseline on the right, the category labels sit on the right,
and the quarters of a trend run from the right. Positions are computed, not mirrored by a
transform, so text is never drawn backwards.

Only published values are drawn: a marker ("<10", "x", "..") is never turned into a number. It is
drawn as a short hatched, empty bar carrying the marker, and a trend line has a gap there.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from mediation.statistics.disclosure import MARKERS

WIDTH = 640
LABEL_WIDTH = 210  # category labels
VALUE_WIDTH = 64  # the value written beside a bar
ROW_HEIGHT = 26
BAR_HEIGHT = 16
TOP = 8
MARKER_BAR = 22  # the hatched box standing for a marker
LABEL_CHARS = 32


def numeric(value) -> int | None:
    """A published count as an int, or None for a marker (or anything else)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.isascii() and value.isdigit():
        return int(value)
    return None


def is_marker(value) -> bool:
    return isinstance(value, str) and value in MARKERS


def short(label: str, limit: int = LABEL_CHARS) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"


@dataclass(frozen=True)
class Bar:
    label: str
    text: str  # the published value, or the marker
    marker: bool
    x: float
    y: float
    width: float
    height: float
    label_x: float
    label_anchor: str
    text_x: float
    text_anchor: str
    text_y: float


@dataclass(frozen=True)
class BarChart:
    width: int
    height: int
    rtl: bool
    baseline_x: float
    bars: list[Bar]


def bar_chart(rows: list[tuple[str, object]], *, rtl: bool) -> BarChart:
    """Horizontal bars, one per (label, published value); markers as hatched boxes."""
    plot = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    peak = max((n for _, v in rows if (n := numeric(v)) is not None), default=0)
    baseline = WIDTH - LABEL_WIDTH if rtl else LABEL_WIDTH
    bars = []
    for index, (label, value) in enumerate(rows):
        n = numeric(value)
        marker = n is None
        length = MARKER_BAR if marker else (plot * n / peak if peak else 0)
        y = TOP + index * ROW_HEIGHT
        x = baseline - length if rtl else baseline
        text_x = x - 4 if rtl else x + length + 4
        bars.append(Bar(
            label=short(label), text=str(value), marker=marker,
            x=round(x, 1), y=y, width=round(length, 1), height=BAR_HEIGHT,
            label_x=WIDTH - LABEL_WIDTH + 6 if rtl else LABEL_WIDTH - 6,
            # Anchors are physical here: "start" is the left end of the text, "end" its right end.
            label_anchor="start" if rtl else "end",
            text_x=round(text_x, 1), text_anchor="end" if rtl else "start",
            text_y=y + BAR_HEIGHT - 4,
        ))
    return BarChart(width=WIDTH, height=TOP * 2 + ROW_HEIGHT * max(len(rows), 1), rtl=rtl,
                    baseline_x=baseline, bars=bars)


# --- Trends ---------------------------------------------------------------------------------------

LINE_HEIGHT = 260
MARGIN = 44
# Line colours are CSS classes tone-0 ... tone-10 (static/css/app.css); past the eleventh series the
# tones repeat, dashed, so that no two lines look alike.
TONES = 11


@dataclass
class Series:
    code: str
    label: str
    tone: int  # the CSS class tone-N
    dashed: bool
    segments: list[list[tuple[float, float]]] = field(default_factory=list)  # polylines (gaps between)
    points: list[tuple[float, float]] = field(default_factory=list)

    @property
    def polylines(self) -> list[str]:
        return [" ".join(f"{x},{y}" for x, y in seg) for seg in self.segments if len(seg) > 1]


@dataclass(frozen=True)
class Tick:
    x: float
    label: str


@dataclass(frozen=True)
class LineChart:
    width: int
    height: int
    rtl: bool
    ticks: list[Tick]
    y_ticks: list[tuple[float, int]]
    axis_x: float
    plot_left: float
    plot_right: float
    plot_bottom: float
    series: list[Series]


def line_chart(periods: list[str], series: list[tuple[str, str, list[object]]], *, rtl: bool) -> LineChart:
    """One line per (code, label, values by period); a marker or a missing value breaks the line."""
    left, right = MARGIN + 10, WIDTH - MARGIN - 10
    top, bottom = 12, LINE_HEIGHT - 30
    peak = max((n for _, _, values in series for v in values if (n := numeric(v)) is not None), default=0) or 1
    count = len(periods)

    def x_of(index: int) -> float:
        step = (right - left) / (count - 1) if count > 1 else 0
        offset = step * index if count > 1 else (right - left) / 2
        return round(right - offset if rtl else left + offset, 1)

    def y_of(value: int) -> float:
        return round(bottom - (bottom - top) * value / peak, 1)

    out = []
    for number, (code, label, values) in enumerate(series):
        line = Series(code=code, label=short(label), tone=number % TONES, dashed=number >= TONES)
        current: list[tuple[float, float]] = []
        for index, value in enumerate(values):
            n = numeric(value)
            if n is None:
                if current:
                    line.segments.append(current)
                current = []
                continue
            point = (x_of(index), y_of(n))
            current.append(point)
            line.points.append(point)
        if current:
            line.segments.append(current)
        out.append(line)
    y_ticks = [(y_of(v), v) for v in sorted({0, peak // 2, peak})]
    return LineChart(width=WIDTH, height=LINE_HEIGHT, rtl=rtl,
                     ticks=[Tick(x_of(i), p) for i, p in enumerate(periods)], y_ticks=y_ticks,
                     axis_x=right + 6 if rtl else left - 6, plot_left=left, plot_right=right, plot_bottom=bottom,
                     series=out)
