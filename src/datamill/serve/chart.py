"""The geometry of the history chart: one stacked bar per commit, drawn as inline SVG by the
template (SV-HIST-2). Only numbers and plain text come out of here; the template escapes it all.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = ["Chart", "commit_chart", "WIDTH", "HEIGHT"]

WIDTH, HEIGHT = 960, 240
LEFT, RIGHT, TOP, BOTTOM = 56, 8, 22, 22  # room for the axis labels and the total labels
STACK = ("added", "changed", "readded", "removed")  # bottom-up


@dataclass
class Segment:
    kind: str
    y: float
    height: float


@dataclass
class Bar:
    commit: dict[str, Any]
    x: float
    width: float
    title: str
    total: int
    clipped: bool
    segments: list[Segment] = field(default_factory=list)

    @property
    def label_x(self) -> float:
        return round(self.x + self.width / 2, 2)


@dataclass
class Chart:
    bars: list[Bar]
    maximum: int
    label: str
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    top: int = TOP
    baseline: int = HEIGHT - BOTTOM
    right_edge: int = WIDTH - RIGHT


def bar_title(commit: dict[str, Any]) -> str:
    """``<first 12 hex> <commit_at> — <a> added, <c> changed, <r> removed, <d> readded``."""
    return (
        f"{(commit.get('hash') or '')[:12]} {commit.get('commit_at') or ''} — "
        f"{commit['added']} added, {commit['changed']} changed, "
        f"{commit['removed']} removed, {commit['readded']} readded"
    )


def commit_chart(namespace: str, commits: list[dict[str, Any]], has_first: bool) -> Chart:
    """Bars for ``commits`` (newest first, as the JSON lists them), drawn oldest on the left.

    ``has_first``: the namespace's first commit is the oldest one here. Its bar, usually the
    whole initial load, is left out of the scale when other commits are shown, and is clipped.
    """
    ordered = list(reversed(commits))
    totals = [sum(c[k] for k in STACK) for c in ordered]
    scaled = totals[1:] if has_first and len(totals) > 1 else totals
    maximum = max(scaled, default=0) or max(totals, default=0) or 1
    noun = "commit" if len(ordered) == 1 else "commits"
    chart = Chart([], maximum, f"Changes to {namespace} over {len(ordered)} {noun}")
    plot_height = chart.baseline - chart.top
    slot = (chart.right_edge - chart.left) / max(len(ordered), 1)
    width = max(min(slot * 0.8, 48), 1)
    for index, (commit, total) in enumerate(zip(ordered, totals)):
        x = chart.left + index * slot + (slot - width) / 2
        bar = Bar(commit, round(x, 2), round(width, 2), bar_title(commit), total, total > maximum)
        y = float(chart.baseline)
        scale = plot_height / maximum
        for kind in STACK:
            if not commit[kind]:
                continue
            height = max(commit[kind] * scale, 1.0)  # a single change stays visible
            if y - height < chart.top:  # the clipped bar stops at the top of the plot
                height = y - chart.top
            if height <= 0:
                continue
            y -= height
            bar.segments.append(Segment(kind, round(y, 2), round(height, 2)))
        chart.bars.append(bar)
    return chart
