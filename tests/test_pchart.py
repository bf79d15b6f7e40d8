"""p-chart limits worked by hand."""

from __future__ import annotations

import pytest

from elconsole.domain.pchart import METRICS, metric_chart, p_chart
from elconsole.domain.stats import Tally


def test_constant_n_and_an_outlier() -> None:
    # p̄ = 12 / 300 = 0.04; n = 100: 3·√(0.04·0.96/100) = 3·0.0195959 = 0.0587878
    # -> limits [0 (clipped from -0.0188), 0.0987878]; c = 0.10 lies above.
    chart = p_chart([("a", 1, 100), ("b", 1, 100), ("c", 10, 100), ("d", 0, 0)])
    assert chart.centre == pytest.approx(0.04)
    a, b, c, d = chart.points
    assert a.lower == 0.0
    assert a.upper == pytest.approx(0.0987878, abs=1e-7)
    assert (a.p, a.outside, b.outside) == (0.01, False, False)
    assert c.p == 0.10 and c.outside
    assert (d.p, d.lower, d.upper, d.outside) == (None, None, None, False)
    assert [p.key for p in chart.outliers] == ["c"]


def test_limits_vary_with_n() -> None:
    # p̄ = 40 / 500 = 0.08. n = 50: 3·√(0.0736/50) = 0.1151 -> [0, 0.1951];
    # n = 400: 3·√(0.0736/400) = 0.0406940 -> [0.0393060, 0.1206940].
    chart = p_chart([("a", 5, 50), ("b", 30, 400), ("c", 5, 50)])
    a, b, _ = chart.points
    assert (a.lower, a.upper) == (0.0, pytest.approx(0.1951, abs=1e-4))
    assert b.lower == pytest.approx(0.0393060, abs=1e-7)
    assert b.upper == pytest.approx(0.1206940, abs=1e-7)
    assert not chart.outliers


def test_upper_limit_clipped_at_one() -> None:
    # p̄ = 9 / 10 = 0.9. n = 1: 3·√(0.09) = 0.9 -> [0, 1]; n = 9: 3·0.1 = 0.3 -> [0.6, 1].
    a, b = p_chart([("a", 1, 1), ("b", 8, 9)]).points
    assert (a.lower, a.upper) == (pytest.approx(0.0), 1.0)
    assert (b.lower, b.upper) == (pytest.approx(0.6), 1.0)


def test_no_items_at_all() -> None:
    chart = p_chart([("a", 0, 0)])
    assert chart.centre is None
    assert chart.points[0].p is None


def test_metrics_of_tallies() -> None:
    day = Tally(tests=10, panel_overkill=2, panel_miss=1)
    day.op.update({"ok": 7, "ng": 3})
    op_ng, overkill, miss = METRICS
    assert [(p.x, p.n) for p in metric_chart(op_ng, {"d1": day}, ["d1", "d2"]).points] == [
        (3, 10),
        (0, 0),
    ]
    assert metric_chart(overkill, {"d1": day}, ["d1"]).points[0].p == pytest.approx(2 / 7)
    assert metric_chart(miss, {"d1": day}, ["d1"]).points[0].p == pytest.approx(1 / 3)
