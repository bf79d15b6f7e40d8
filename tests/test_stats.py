"""The statistics of a window: hand-made facts, then facts read back from a repository."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import replace
from zoneinfo import ZoneInfo

import pytest

from elconsole.data.repository import PanelRepository
from elconsole.domain import stats
from elconsole.domain.plantclock import PlantClock
from elconsole.domain.records import Validator
from elconsole.domain.stats import ADDED, CONFIRMED, REJECTED, compute, rate

SH = ZoneInfo("Asia/Shanghai")
# 2026-03-03 00:00 Asia/Shanghai = 2026-03-03T00:00Z (20515 * 86400) - 8 h.
START = 1_772_496_000 - 8 * 3600
END = START + 86400
HOUR = 3600.0


def fact(
    n: int,
    t: float,
    ai: str | None,
    op: str | None,
    defects=(),
    first=True,
    el_no: str = "EL01",
    barcode: str | None = None,
    damage=(),
) -> stats.TestFacts:
    return stats.TestFacts(
        panel_id=f"p{n}",
        barcode=barcode or f"B{n}",
        el_no=el_no,
        create_time=t,
        layout="full 72",
        ai=ai,
        op=op,
        defects=tuple(defects),
        first_pass=first,
        damage=tuple(damage),
    )


@pytest.fixture
def clock() -> PlantClock:
    return PlantClock(SH)


def test_rate() -> None:
    assert rate(1, 4) == 0.25
    assert rate(0, 4) == 0.0
    assert rate(0, 0) is None
    assert rate(3, 0) is None


def test_a_hand_worked_window(clock: PlantClock) -> None:
    facts = [
        # exactly at `from`: in. AI NG, op OK -> panel overkill.
        fact(1, START, "0", "1", [("cr", REJECTED)]),
        # AI OK, op NG -> panel miss.
        fact(2, START + HOUR, "1", "0", [("cs", ADDED)]),
        # a re-test (not its barcode's first test).
        fact(3, START + 2 * HOUR, "1", "1", first=False),
        # AI "other", op OK.
        fact(4, START + 3 * HOUR, "2", "1", [("cr", CONFIRMED), ("cr", REJECTED)]),
        # exactly at `to`: out; one second before `from`: out.
        fact(5, END, "0", "0", [("bc", ADDED)]),
        fact(6, START - 1, "0", "0", [("bc", ADDED)]),
    ]
    out = compute(facts, clock, START, END).as_json()
    assert out["tests"] == 4  # facts 1-4
    assert out["ai"] == {"ok": 2, "ng": 1, "other": 1}  # ok: 2,3  ng: 1  other: 4
    assert out["operator"] == {"ok": 3, "ng": 1, "other": 0}  # ok: 1,3,4  ng: 2
    assert out["yield"] == 3 / 4
    assert out["panel_overkill"] == 1 and out["panel_overkill_rate"] == 1 / 3  # fact 1 / op OK 3
    assert out["panel_miss"] == 1 and out["panel_miss_rate"] == 1 / 1  # fact 2 / op NG 1
    assert out["defects"] == {"ai_confirmed": 1, "ai_rejected": 2, "operator_added": 1}
    assert out["defect_overkill_rate"] == 2 / 3  # rejected 2 / (confirmed 1 + rejected 2)
    assert out["defect_miss_rate"] == 1 / 2  # added 1 / (confirmed 1 + added 1)
    assert out["first_pass"] == {"first_tests": 3, "ok": 2}  # facts 1,2,4; OK: 1,4
    assert out["first_pass_yield"] == 2 / 3
    assert out["window"] == {"from": START, "to": END, "zone": "Asia/Shanghai"}
    assert out["damaged"] == 0
    json.dumps(out)  # plain JSON


def test_empty_window_has_no_rates(clock: PlantClock) -> None:
    out = compute([fact(1, END + 5, "1", "1")], clock, START, END).as_json()
    assert out["tests"] == 0
    for key in (
        "yield",
        "panel_overkill_rate",
        "panel_miss_rate",
        "defect_overkill_rate",
        "defect_miss_rate",
        "first_pass_yield",
    ):
        assert out[key] is None, key
    assert out["ai"] == {"ok": 0, "ng": 0, "other": 0}
    assert out["defects"] == {"ai_confirmed": 0, "ai_rejected": 0, "operator_added": 0}


def test_zero_denominators_give_none(clock: PlantClock) -> None:
    # Every module failed by the operator, no defects recorded at all.
    out = compute(
        [fact(1, START, "0", "0"), fact(2, START + 1, "1", "0")], clock, START, END
    ).as_json()
    assert out["yield"] == 0.0
    assert out["panel_overkill_rate"] is None  # op OK = 0
    assert out["panel_miss"] == 1 and out["panel_miss_rate"] == 1 / 2
    assert out["defect_overkill_rate"] is None and out["defect_miss_rate"] is None
    # Only added defects: overkill denominator (confirmed + rejected) is 0.
    out = compute([fact(1, START, "1", "0", [("cr", ADDED)])], clock, START, END).as_json()
    assert out["defect_overkill_rate"] is None
    assert out["defect_miss_rate"] == 1.0
    # Only rejected defects: miss denominator (confirmed + added) is 0.
    out = compute([fact(1, START, "0", "1", [("cr", REJECTED)])], clock, START, END).as_json()
    assert out["defect_overkill_rate"] == 1.0
    assert out["defect_miss_rate"] is None
    assert out["panel_miss_rate"] is None  # op NG = 0


def test_missing_verdicts_are_counted_apart(clock: PlantClock) -> None:
    out = compute(
        [fact(1, START, None, None, damage=["no AI verdict stored"]), fact(2, START, "1", "1")],
        clock,
        START,
        END,
    ).as_json()
    assert out["tests"] == 2
    assert out["ai"] == {"ok": 1, "ng": 0, "other": 0, "missing": 1}
    assert out["yield"] == 1 / 2
    assert out["damaged"] == 1


def test_by_day_in_the_plant_zone(clock: PlantClock) -> None:
    end = START + 3 * 86400
    facts = [
        fact(1, START, "1", "1"),
        fact(2, START + 86400 - 1, "1", "1"),  # 2026-03-03 23:59:59 local
        fact(3, START + 86400, "1", "0"),  # 2026-03-04 00:00 local
        fact(4, START + 2 * 86400 + 5 * HOUR, "0", "0"),
    ]
    out = compute(facts, clock, START, end, ("day",)).as_json()
    days = out["by_day"]
    assert list(days) == ["2026-03-03", "2026-03-04", "2026-03-05"]
    assert [days[d]["tests"] for d in days] == [2, 1, 1]
    assert days["2026-03-04"]["operator"] == {"ok": 0, "ng": 1, "other": 0}
    assert days["2026-03-05"]["yield"] == 0.0


def test_by_day_on_a_23_hour_day() -> None:
    berlin = PlantClock(ZoneInfo("Europe/Berlin"))
    start = berlin.midnight(dt.date(2026, 3, 29))
    end = berlin.midnight(dt.date(2026, 3, 30))
    assert end - start == 23 * 3600
    facts = [
        fact(1, start, "1", "1"),  # 00:00 CET
        fact(2, start + 2 * HOUR - 1, "1", "1"),  # 01:59:59 CET
        fact(3, start + 2 * HOUR, "1", "1"),  # 03:00 CEST
        fact(4, end - 1, "0", "0"),  # 23:59:59 CEST
        fact(5, end, "0", "0"),  # next day: out
    ]
    out = compute(facts, berlin, start, end, ("day",)).as_json()
    assert out["tests"] == 4
    assert out["by_day"] == {"2026-03-29": out["by_day"]["2026-03-29"]}
    assert out["by_day"]["2026-03-29"]["tests"] == 4


def test_by_shift_with_night_shifts(clock: PlantClock) -> None:
    facts = [
        fact(1, START + 7 * HOUR + 59 * 60, "1", "1"),  # 07:59 -> previous date's night
        fact(2, START + 8 * HOUR, "1", "1"),  # 08:00 -> day
        fact(3, START + 20 * HOUR - 1, "1", "0"),  # 19:59:59 -> day
        fact(4, START + 20 * HOUR, "0", "0"),  # 20:00 -> night
        fact(5, START + 26 * HOUR, "0", "1"),  # 02:00 next date -> this date's night
    ]
    out = compute(facts, clock, START, START + 2 * 86400, ("shift",)).as_json()
    shifts = out["by_shift"]
    assert {k: v["tests"] for k, v in shifts.items()} == {
        "2026-03-02 night": 1,
        "2026-03-03 day": 2,
        "2026-03-03 night": 2,
    }
    assert shifts["2026-03-03 night"]["panel_overkill"] == 1  # fact 5
    assert shifts["2026-03-03 day"]["yield"] == 1 / 2


def test_by_station(clock: PlantClock) -> None:
    facts = [
        fact(1, START, "1", "1", el_no="EL01"),
        fact(2, START + 1, "0", "1", el_no="EL02"),
        fact(3, START + 2, "0", "0", el_no="EL02"),
    ]
    out = compute(facts, clock, START, END, ("station",)).as_json()
    assert {k: v["tests"] for k, v in out["by_station"].items()} == {"EL01": 1, "EL02": 2}
    assert out["by_station"]["EL02"]["panel_overkill_rate"] == 1.0  # 1 overkill / 1 op OK


def test_by_type_counts_only_that_types_defects(clock: PlantClock) -> None:
    facts = [
        fact(1, START, "0", "0", [("cr", CONFIRMED), ("cs", REJECTED), ("cr", REJECTED)]),
        fact(2, START + 1, "0", "1", [("cs", REJECTED)]),
        fact(3, START + 2, "1", "1"),  # no defects: in no type group
        fact(4, START + 3, "1", "0", [("bc", ADDED)]),
    ]
    out = compute(facts, clock, START, END, ("type",)).as_json()
    types = out["by_type"]
    assert set(types) == {"cr", "cs", "bc"}
    assert types["cr"]["tests"] == 1
    assert types["cr"]["defects"] == {"ai_confirmed": 1, "ai_rejected": 1, "operator_added": 0}
    assert types["cr"]["defect_overkill_rate"] == 1 / 2
    assert types["cs"]["tests"] == 2
    assert types["cs"]["defects"] == {"ai_confirmed": 0, "ai_rejected": 2, "operator_added": 0}
    assert types["cs"]["defect_miss_rate"] is None
    assert types["bc"]["defect_miss_rate"] == 1.0
    assert out["tests"] == 4
    assert out["defects"] == {"ai_confirmed": 1, "ai_rejected": 3, "operator_added": 1}


def test_several_breakdowns_at_once(clock: PlantClock) -> None:
    facts = [fact(1, START + 9 * HOUR, "1", "1", [("cr", CONFIRMED)], el_no="EL03")]
    out = compute(facts, clock, START, END, ("day", "shift", "station", "type")).as_json()
    assert list(out["by_day"]) == ["2026-03-03"]
    assert list(out["by_shift"]) == ["2026-03-03 day"]
    assert list(out["by_station"]) == ["EL03"]
    assert list(out["by_type"]) == ["cr"]


def test_unknown_breakdown(clock: PlantClock) -> None:
    with pytest.raises(ValueError, match="week"):
        compute([], clock, START, END, ("week",))


# -- through a repository -------------------------------------------------------------


def record(
    barcode: str, t: float, ai: str, op: str, ai_defects=None, gui_defects=None, el_no: str = "EL01"
) -> dict:
    return {
        "barcode": barcode,
        "cell_type": "mono",
        "cell_size": "full",
        "cell_amount": 60,
        "el_no": el_no,
        "create_time": t,
        "ai_result": ai,
        "ai_defects": ai_defects or {},
        "ai_time": t + 1.0,
        "gui_result": op,
        "gui_defects": gui_defects or {},
        "gui_time": t + 9.0,
    }


def store(repo: PanelRepository, raws: list[dict]) -> None:
    v = Validator(now=lambda: START + 30 * 86400)
    repo.store_many([v.validate(r) for r in raws])


def test_retests_and_first_pass_through_a_repository(any_repo: PanelRepository) -> None:
    clock = PlantClock(SH)
    store(
        any_repo,
        [
            # X: first tested the day before the window (NG), re-tested inside it (OK).
            record("X", START - 3 * HOUR, "0", "0", {"cr": [[1, 1]]}, {"cr": [[1, 1]]}),
            record("X", START + 1 * HOUR, "1", "1"),
            # Y: first test in the window NG, re-test in the window OK.
            record(
                "Y", START + 2 * HOUR, "0", "0", {"cs": [[2, 2]]}, {"cs": [[2, 2]], "bc": [[3, 3]]}
            ),
            record("Y", START + 5 * HOUR, "1", "1"),
            # Z: a single OK test, exactly at `from`.
            record("Z", START, "0", "1", {"cr": [[6, 10]]}),
            # W: exactly at `to` -> outside.
            record("W", END, "1", "1"),
        ],
    )
    out = compute(any_repo.window_facts(START, END), clock, START, END, ("day",)).as_json()
    # In the window: X#2, Y#1, Y#2, Z = 4 tests; re-tests count as tests.
    assert out["tests"] == 4
    assert out["operator"] == {"ok": 3, "ng": 1, "other": 0}  # ok: X#2, Y#2, Z
    # First pass: X is out (first test before the window); Y (first NG) and Z (OK) in.
    assert out["first_pass"] == {"first_tests": 2, "ok": 1}
    assert out["first_pass_yield"] == 1 / 2
    # Defects: Y#1 cs confirmed, bc added; Z cr rejected. X#1 is outside.
    assert out["defects"] == {"ai_confirmed": 1, "ai_rejected": 1, "operator_added": 1}
    assert out["panel_overkill"] == 1  # Z: AI NG, op OK
    assert out["by_day"]["2026-03-03"]["tests"] == 4
    # A window that includes the day before: X's first test is now in it.
    out = compute(any_repo.window_facts(START - 86400, END), clock, START - 86400, END).as_json()
    assert out["tests"] == 5
    assert out["first_pass"] == {"first_tests": 3, "ok": 1}  # X#1 NG, Y#1 NG, Z OK


def test_filters_keep_only_the_chosen_stations_and_layouts(clock: PlantClock) -> None:
    facts = [
        fact(1, START, "1", "1"),
        replace(fact(2, START + 1, "0", "0", [("cr", CONFIRMED)]), el_no="EL-02"),
        replace(fact(3, START + 2, "0", "1"), layout="full 60"),
    ]
    both = compute(facts, clock, START, END, stations={"EL01", "EL-02"}, layouts={"full 72"})
    assert both.total.tests == 2
    assert compute(facts, clock, START, END, stations={"EL-02"}).total.op["ng"] == 1
    assert compute(facts, clock, START, END, layouts={"full 60"}).total.op["ok"] == 1
    assert compute(facts, clock, START, END, stations=set()).total.tests == 0


def test_heat_counts_defects_per_layout_and_cell(clock: PlantClock) -> None:
    cells = (("cr", CONFIRMED, 3, 17), ("cs", REJECTED, 1, 1))
    facts = [
        replace(fact(1, START, "0", "0"), cells=cells),
        replace(fact(2, START + 1, "0", "0"), cells=cells[:1]),
        replace(fact(3, END, "0", "0"), cells=cells),  # outside the window
    ]
    heat = compute(facts, clock, START, END).heat
    assert heat == {"full 72": {("cr", CONFIRMED, 3, 17): 2, ("cs", REJECTED, 1, 1): 1}}
