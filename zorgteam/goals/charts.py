"""Chart geometry for server-rendered SVG: a care goal's GAS level over time, and the positive-health spider web.

Only numbers and positions are computed here; templates/goals/_charts.html draws them, with a table as text.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date

from models.gas import LEVELS
from models.goals import DIMENSIONS


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    level: int
    on: date
    label: str


@dataclass(frozen=True)
class GasChart:
    width: int
    height: int
    left: int
    right: int
    rows: list[tuple[int, float]]  # (level, y)
    points: list[Point]

    @property
    def path(self) -> str:
        return " ".join(f"{'M' if i == 0 else 'L'}{p.x:.1f},{p.y:.1f}" for i, p in enumerate(self.points))


def gas_chart(baseline: int, started: date, evaluations, width: int = 360, height: int = 220) -> GasChart:
    """The baseline, then each scored evaluation, evenly spaced from left to right (oldest first)."""
    left, right, top, bottom = 56, 16, 16, 40
    step = (height - top - bottom) / (len(LEVELS) - 1)
    rows = [(level, top + (2 - level) * step) for level in reversed(LEVELS)]
    y_of = dict(rows)
    scored = [(baseline, started, "start")] + [(e.level, e.evaluated_on, "") for e in evaluations if e.level is not None]
    inset = 18  # keeps the first and last dots clear of the level labels and the edge
    span = width - left - right - 2 * inset
    gap = span / max(len(scored) - 1, 1)
    points = [Point(left + inset + (i * gap if len(scored) > 1 else span / 2), y_of[level], level, on, label)
              for i, (level, on, label) in enumerate(scored)]
    return GasChart(width, height, left, width - right, rows, points)


@dataclass(frozen=True)
class Axis:
    key: str
    x: float
    y: float
    label_x: float
    label_y: float
    anchor: str


@dataclass(frozen=True)
class SpiderWeb:
    width: int
    height: int
    cx: float
    cy: float
    axes: list[Axis]
    rings: list[str]
    latest: str | None
    previous: str | None
    latest_dots: list[tuple[float, float]]


def _corner(cx: float, cy: float, radius: float, index: int) -> tuple[float, float]:
    angle = -math.pi / 2 + index * 2 * math.pi / len(DIMENSIONS)
    return cx + radius * math.cos(angle), cy + radius * math.sin(angle)


def _polygon(cx, cy, radius, scores: dict | None) -> str | None:
    if not scores:
        return None
    corners = (_corner(cx, cy, radius * scores[key] / 10, i) for i, key in enumerate(DIMENSIONS))
    return " ".join(f"{x:.1f},{y:.1f}" for x, y in corners)


def _axis(cx: float, cy: float, radius: float, index: int) -> Axis:
    """An axis end, and where its (two-line) label goes: beyond the end, anchored away from the centre."""
    x, y = _corner(cx, cy, radius, index)
    lx, ly = _corner(cx, cy, radius + 16, index)
    anchor = "middle" if abs(lx - cx) < 1 else ("start" if lx > cx else "end")
    if anchor == "middle":
        ly += 14 if ly > cy else -22  # below the bottom axis, or above the top one (two lines)
    return Axis(DIMENSIONS[index], x, y, lx, ly - 6, anchor)


def spider_web(latest: dict | None, previous: dict | None, width: int = 460, height: int = 420) -> SpiderWeb:
    """Six axes (scores 0-10), rings at 2, 4, 6, 8 and 10, the latest scoring drawn over the previous one."""
    cx, cy, radius = width / 2, height / 2, 120
    axes = [_axis(cx, cy, radius, i) for i in range(len(DIMENSIONS))]
    rings = [_polygon(cx, cy, radius, {key: ring for key in DIMENSIONS}) for ring in (2, 4, 6, 8, 10)]
    dots = [_corner(cx, cy, radius * latest[key] / 10, i) for i, key in enumerate(DIMENSIONS)] if latest else []
    return SpiderWeb(width, height, cx, cy, axes, rings, _polygon(cx, cy, radius, latest),
                     _polygon(cx, cy, radius, previous), dots)
