"""p-charts: a proportion per period with 3-sigma limits that vary with each period's size."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from elconsole.domain.stats import Tally

SIGMAS = 3.0


@dataclass(frozen=True)
class PPoint:
    """One period: ``x`` of ``n`` items, its proportion and control limits (None without n)."""

    key: str
    x: int
    n: int
    p: float | None
    lower: float | None
    upper: float | None

    @property
    def outside(self) -> bool:
        """Return whether the proportion lies strictly outside its limits."""
        if self.p is None or self.lower is None or self.upper is None:
            return False
        return self.p < self.lower or self.p > self.upper


@dataclass(frozen=True)
class PChart:
    """The points of a p-chart and its centre line p̄ = Σx / Σn (None without items)."""

    centre: float | None
    points: tuple[PPoint, ...]

    @property
    def outliers(self) -> list[PPoint]:
        return [p for p in self.points if p.outside]


def limits(centre: float, n: int, sigmas: float = SIGMAS) -> tuple[float, float]:
    """Return p̄ ∓ 3·√(p̄(1−p̄)/n), clipped to [0, 1]; ``n`` must be positive."""
    half = sigmas * math.sqrt(centre * (1 - centre) / n)
    return max(0.0, centre - half), min(1.0, centre + half)


def p_chart(samples: Sequence[tuple[str, int, int]]) -> PChart:
    """Return the p-chart of ``(key, x, n)`` samples; a sample with n = 0 has no point."""
    total_x = sum(x for _, x, _ in samples)
    total_n = sum(n for _, _, n in samples)
    centre = total_x / total_n if total_n else None
    points = []
    for key, x, n in samples:
        if not n or centre is None:
            points.append(PPoint(key, x, n, None, None, None))
            continue
        lower, upper = limits(centre, n)
        points.append(PPoint(key, x, n, x / n, lower, upper))
    return PChart(centre, tuple(points))


@dataclass(frozen=True)
class Metric:
    """A proportion of a tally that a p-chart follows."""

    key: str
    name: str
    x: Callable[[Tally], int]
    n: Callable[[Tally], int]


METRICS: tuple[Metric, ...] = (
    Metric("op_ng", "Operator NG rate", lambda t: t.op["ng"], lambda t: t.tests),
    Metric(
        "panel_overkill", "AI panel overkill rate", lambda t: t.panel_overkill, lambda t: t.op["ok"]
    ),
    Metric("panel_miss", "AI panel miss rate", lambda t: t.panel_miss, lambda t: t.op["ng"]),
)


def metric_chart(metric: Metric, groups: Mapping[str, Tally], keys: Sequence[str]) -> PChart:
    """Return the p-chart of a metric over the periods ``keys`` (a missing one has n = 0)."""
    samples = []
    for key in keys:
        tally = groups.get(key)
        samples.append((key, metric.x(tally), metric.n(tally)) if tally else (key, 0, 0))
    return p_chart(samples)
