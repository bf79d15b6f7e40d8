"""Hour summaries: window_report equals stats.compute over the raw panels, whatever happened."""

from __future__ import annotations

import datetime as dt
import os
import random
from collections import Counter
from collections.abc import Iterator
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from pymongo import ReadPreference, WriteConcern

from elconsole.data import repository, summaries
from elconsole.data.repository import PanelRepository, build_documents
from elconsole.data.stores import StoreTarget, open_store, statistics_database
from elconsole.domain import stats
from elconsole.domain.demo import make_record
from elconsole.domain.plantclock import PlantClock, Shift
from elconsole.domain.records import StationRecord, Validator
from elconsole.domain.stats import (
    BREAKDOWNS,
    Part,
    Report,
    Summary,
    Tally,
    compute,
    merge_parts,
)

# 2026-03-27T00:00Z; Europe/Berlin moves to summer time on 2026-03-29 at 01:00Z.
T0 = 1_774_569_600.0
DAYS = 4
STATIONS = ("EL01", "EL02", "EL03")
ODD_SHIFTS = (Shift("early", dt.time(5, 47)), Shift("late", dt.time(17, 13)))
CLOCKS = [
    PlantClock(ZoneInfo("Asia/Shanghai")),
    PlantClock(ZoneInfo("Europe/Berlin")),
    PlantClock(ZoneInfo("Asia/Kolkata")),
    PlantClock(ZoneInfo("Asia/Kathmandu"), ODD_SHIFTS),
    PlantClock(ZoneInfo("Europe/Berlin"), ODD_SHIFTS),
]


def records(seed: int, count: int) -> list[StationRecord]:
    """Records over four days; a quarter are retests of earlier barcodes, some earlier still."""
    rng = random.Random(seed)
    validator = Validator()
    out: list[StationRecord] = []
    for _ in range(count):
        barcode = f"PV{rng.randrange(count * 3 // 4):06d}"
        when = T0 + rng.uniform(0, DAYS * 86400)
        out.append(validator.validate(make_record(rng, barcode, rng.choice(STATIONS), when)))
    return out


def store_legacy(repo: PanelRepository, record: StationRecord) -> None:
    """Write a record as the older software did: five collections, no schema, no summary."""
    docs = build_documents(record)
    panel = docs["panel"][0]
    for extra in ("schema", "summary", "ai_time", "gui_time", "operator"):
        panel.pop(extra, None)
    for name, items in docs.items():
        if items:
            repo.db[name].insert_many(items)


def same(repo: PanelRepository, clock: PlantClock, start: float, end: float, **kw: Any) -> None:
    """Assert window_report equals compute() over the raw facts of the window."""
    by = kw.pop("by", BREAKDOWNS)
    fast = repo.window_report(clock, start, end, by, **kw)
    slow = compute(repo.window_facts(start, end), clock, start, end, by, **kw)
    assert _plain(fast) == _plain(slow)
    assert fast.total.tests > 0


def _plain(report: Report) -> dict[str, Any]:
    out = report.as_json()
    out["heat"] = {layout: +counts for layout, counts in report.heat.items() if +counts}
    return out


def windows(rng: random.Random) -> list[tuple[float, float]]:
    """Whole days and odd windows that start and end inside hours."""
    odd_start = T0 + rng.uniform(3600, 30 * 3600)
    return [
        (T0, T0 + DAYS * 86400),
        (odd_start, odd_start + rng.uniform(40 * 3600, 70 * 3600)),
        (T0 + 86400 + 1234.5, T0 + 2 * 86400 - 17.25),
    ]


@pytest.fixture
def configured_repo() -> Iterator[PanelRepository]:
    """The repository as the console opens MONGODB_URI (a replica set: majority writes,
    statistics from secondaries); skipped without MONGODB_URI."""
    uri = os.environ.get("MONGODB_URI")
    if not uri:
        pytest.skip("MONGODB_URI is not set")
    with open_store(StoreTarget(uri=uri)) as store:
        name = "elconsole_pytest_configured"
        store.client.drop_database(name)
        db = store.client.get_database(
            name, read_preference=store.db.read_preference, write_concern=store.db.write_concern
        )
        yield PanelRepository(db, stats_db=statistics_database(db))
        store.client.drop_database(name)


def test_summaries_on_the_store_as_configured(configured_repo: PanelRepository) -> None:
    test_summaries_match_compute_after_out_of_order_imports(configured_repo)


def test_replica_set_options() -> None:
    """No mongod can run here: check the options the driver would use, without connecting."""
    uri = "mongodb://u:secret@h1:27017,h2:27017,h3:27017/plant?replicaSet=rs0"
    with open_store(StoreTarget(uri=uri)) as store:
        assert store.db.name == "plant"
        assert store.db.write_concern == WriteConcern("majority")
        assert store.db.read_preference == ReadPreference.PRIMARY
        assert store.repo.stats_db.read_preference == ReadPreference.SECONDARY_PREFERRED
        assert store.repo.summaries.read is store.repo.stats_db
        assert store.repo.summaries.hours.database.read_preference == ReadPreference.PRIMARY
    chosen = uri + "&w=2&readPreference=nearest"
    with open_store(StoreTarget(uri=chosen)) as store:
        assert store.db.write_concern == WriteConcern(w=2)
        assert store.repo.stats_db.read_preference == ReadPreference.NEAREST
        assert store.db.read_preference == ReadPreference.PRIMARY


def test_summaries_match_compute_after_out_of_order_imports(any_repo: PanelRepository) -> None:
    rng = random.Random(7)
    batch = records(1, 600)
    rng.shuffle(batch)
    for i in range(0, len(batch), 97):
        any_repo.store_many(batch[i : i + 97])
    any_repo.store_many(batch[100:250])  # a retry: everything already present
    for clock in CLOCKS:
        for start, end in windows(rng):
            same(any_repo, clock, start, end)
    same(any_repo, CLOCKS[1], T0, T0 + DAYS * 86400, stations={"EL02"})
    same(any_repo, CLOCKS[0], T0, T0 + DAYS * 86400, layouts={"half 144", "full 60"})
    same(any_repo, CLOCKS[2], T0 + 600, T0 + 3 * 86400, by=("type",), stations={"EL01", "EL03"})


def test_summaries_follow_legacy_panels_and_crashed_writers(
    any_repo: PanelRepository, monkeypatch: pytest.MonkeyPatch
) -> None:
    batch = records(2, 400)
    any_repo.store_many(batch[:200])
    clock = CLOCKS[3]
    same(any_repo, clock, T0, T0 + DAYS * 86400)  # builds and checks the summaries
    for record in batch[200:260]:  # other software, older and newer first tests
        store_legacy(any_repo, record)
    same(any_repo, clock, T0, T0 + DAYS * 86400)
    same(any_repo, CLOCKS[0], T0 + 86400, T0 + 2 * 86400)

    # A writer that died after inserting its panels, before folding them in.
    facts_plan = any_repo.summaries.plan
    plans: list[summaries.Plan] = []
    monkeypatch.setattr(any_repo.summaries, "finish", lambda plan, inserted: plans.append(plan))
    any_repo.store_many(batch[260:330])
    assert plans and facts_plan
    same(any_repo, clock, T0, T0 + DAYS * 86400)  # its marks are live: hours read raw
    monkeypatch.setattr(summaries, "STALE_S", 0.0)
    same(any_repo, CLOCKS[1], T0, T0 + DAYS * 86400)  # now dead: hours recomputed
    monkeypatch.undo()
    any_repo.store_many(batch[330:])
    any_repo.store_many(batch[:330])
    for clock in CLOCKS:
        same(any_repo, clock, T0, T0 + DAYS * 86400)


@pytest.mark.parametrize("b_offset", [-3600.0, 3600.0])
def test_two_writers_race_on_one_barcode(any_repo: PanelRepository, b_offset: float) -> None:
    """Writer A reads the barcode's first test, B stores another test of it, then A stores."""
    validator = Validator()
    rng = random.Random(5)
    background = records(6, 120)
    any_repo.store_many(background)
    a_time = T0 + 2 * 86400 + 100.5
    rec_a = validator.validate(make_record(rng, "PVRACE", "EL01", a_time))
    rec_b = validator.validate(make_record(rng, "PVRACE", "EL02", a_time + b_offset))
    rec_c = validator.validate(make_record(rng, "PVRACE", "EL03", a_time + b_offset / 2))
    writer_a, writer_b = any_repo, PanelRepository(any_repo.db)
    insert = writer_a._insert

    def racing(docs: Any, recs: Any) -> Any:
        writer_b.store_many([rec_b])
        return insert(docs, recs)

    writer_a._insert = racing  # type: ignore[method-assign]
    writer_a.store_many([rec_a])
    writer_a._insert = insert  # type: ignore[method-assign]
    PanelRepository(any_repo.db).store_many([rec_c])
    first = any_repo.db[summaries.FIRSTS].find_one({"_id": "PVRACE"})
    assert first is not None and first["t"] == min(a_time, a_time + b_offset)
    for clock in CLOCKS[:2]:
        same(any_repo, clock, T0, T0 + DAYS * 86400)
    report = any_repo.window_report(CLOCKS[0], T0, T0 + DAYS * 86400, ("station",))
    firsts = {k: v.first_tests for k, v in report.breakdowns["station"].items()}
    raw = compute(any_repo.window_facts(T0, T0 + DAYS * 86400), CLOCKS[0], T0, T0 + DAYS * 86400)
    assert sum(firsts.values()) == raw.total.first_tests


def test_a_store_that_fails_midway_leaves_its_hours_dirty(any_repo: PanelRepository) -> None:
    batch = records(8, 150)
    any_repo.store_many(batch[:100])
    insert = any_repo._insert

    def failing(docs: Any, recs: Any) -> Any:
        insert(docs, recs)
        raise RuntimeError("the store went away after the panels")

    any_repo._insert = failing  # type: ignore[method-assign]
    with pytest.raises(RuntimeError):
        any_repo.store_many(batch[100:])
    any_repo._insert = insert  # type: ignore[method-assign]
    dirty = list(any_repo.db[summaries.HOURS].find({"dirty": True}))
    assert {d["hour"] for d in dirty} >= {summaries.hour_of(r.create_time) for r in batch[100:]}
    same(any_repo, CLOCKS[1], T0, T0 + DAYS * 86400)
    assert not list(any_repo.db[summaries.HOURS].find({"dirty": True}))


def test_rebuild_summaries_repairs_what_counts_cannot_see(mock_repo: PanelRepository) -> None:
    batch = records(9, 120)
    mock_repo.store_many(batch)
    hours = mock_repo.db[summaries.HOURS]
    hours.update_many({}, {"$set": {"groups": "[]"}})  # counts still agree: undetectable
    assert mock_repo.window_report(CLOCKS[0], T0, T0 + DAYS * 86400).total.tests < 120
    assert mock_repo.rebuild_summaries(T0, T0 + DAYS * 86400) == DAYS * 24
    same(mock_repo, CLOCKS[0], T0, T0 + DAYS * 86400)


def test_summaries_are_stored_and_reused(mock_repo: PanelRepository) -> None:
    batch = records(3, 200)
    mock_repo.store_many(batch)
    clock = CLOCKS[0]
    mock_repo.window_report(clock, T0, T0 + DAYS * 86400, BREAKDOWNS)
    stored = list(mock_repo.db[summaries.HOURS].find({}))
    assert sum(doc["docs"] for doc in stored) == 200
    assert all(not doc["pending"] and not doc["dirty"] for doc in stored)
    # Raw panels are no longer needed for whole hours: hide them and read again.
    hour = summaries.hour_of(batch[0].create_time)
    raw = mock_repo.raw_window
    mock_repo.raw_window = lambda s, e: pytest.fail("read raw")  # type: ignore[method-assign]
    mock_repo.summaries.parts(hour, hour + 3600)
    mock_repo.raw_window = raw  # type: ignore[method-assign]


@pytest.mark.parametrize(
    ("clock", "raw_hours"),
    [
        (CLOCKS[2], 1.0),  # Kolkata, +5:30: only the two half hours at the window's edges
        (PlantClock(ZoneInfo("Asia/Kathmandu")), 1.0),  # +5:45: a quarter and three
        (CLOCKS[3], 1.0 + 2 * 3),  # and shifts at 05:47 and 17:13: their hours, 3 days
    ],
    ids=["kolkata", "kathmandu", "kathmandu-odd-shifts"],
)
def test_boundaries_at_quarters_are_read_from_the_summaries(
    mock_repo: PanelRepository, clock: PlantClock, raw_hours: float
) -> None:
    mock_repo.store_many(records(12, 400))
    start = clock.midnight(clock.local(T0).date() + dt.timedelta(days=1))
    end = start + 3 * 86400  # three local days: no DST in these zones
    read: list[float] = []
    raw = mock_repo.raw_window

    def counting(lo: float, hi: float, db: Any = None) -> tuple[int, list[stats.TestFacts]]:
        read.append(hi - lo)
        return raw(lo, hi, db)

    mock_repo.window_report(clock, start, end, BREAKDOWNS)  # builds the summaries
    mock_repo.raw_window = counting  # type: ignore[method-assign]
    fast = mock_repo.window_report(clock, start, end, BREAKDOWNS)
    mock_repo.raw_window = raw  # type: ignore[method-assign]
    assert sum(read) == raw_hours * 3600
    slow = compute(mock_repo.window_facts(start, end), clock, start, end, BREAKDOWNS)
    assert _plain(fast) == _plain(slow)
    assert len(fast.breakdowns["shift"]) == 7 and fast.total.tests > 200


def test_first_tests_hold_each_barcodes_earliest_test(mock_repo: PanelRepository) -> None:
    validator = Validator()
    rng = random.Random(4)
    later = validator.validate(make_record(rng, "PVX", "EL01", T0 + 7200.5))
    earlier = validator.validate(make_record(rng, "PVX", "EL02", T0 + 100.25))
    mock_repo.store_many([later])
    mock_repo.store_many([earlier])
    first = mock_repo.db[summaries.FIRSTS].find_one({"_id": "PVX"})
    assert first is not None and first["t"] == T0 + 100.25 and first["el"] == "EL02"
    hours = {d["hour"]: d for d in mock_repo.db[summaries.HOURS].find({})}
    late = summaries.HourDoc.parse(hours[summaries.hour_of(T0 + 7200.5)])
    early = summaries.HourDoc.parse(hours[summaries.hour_of(T0 + 100.25)])
    assert sum(Summary.from_doc(d).total.first_tests for d in late.groups.values()) == 0
    assert sum(Summary.from_doc(d).total.first_tests for d in early.groups.values()) == 1


def test_merge_parts_adds_up_like_compute() -> None:
    """Summaries of hours, merged, give what compute gives over the same tests."""
    clock = CLOCKS[2]  # Asia/Kolkata: whole hours in UTC are not whole local days
    start = T0 + 3 * 3600
    facts = [
        stats.TestFacts(
            panel_id=f"p{i}",
            barcode=f"B{i % 7}",
            el_no=STATIONS[i % 3],
            create_time=start + i * 1987.25,
            layout=("full 72", "half 144")[i % 2],
            ai=("1", "0", "2", None)[i % 4],
            op=("1", "0")[i % 3 % 2],
            defects=(("cr", "ai_confirmed"), ("bc", "operator_added"))[: i % 3],
            first_pass=i % 5 == 0,
            damage=("x",) if i % 11 == 0 else (),
            cells=(("cr", "ai_confirmed", 1 + i % 6, 1 + i % 12),)[: i % 2],
        )
        for i in range(60)
    ]
    hours = {summaries.hour_of(f.create_time) for f in facts}
    whole = [h for h in sorted(hours) if repository._whole(clock, h, 3600, BREAKDOWNS)]
    parts: dict[tuple[int, str, str], Summary] = {}
    for f in facts:
        hour = summaries.hour_of(f.create_time)
        if hour in whole:
            parts.setdefault((hour, f.el_no, f.layout), Summary()).add(f)
    rest = [f for f in facts if summaries.hour_of(f.create_time) not in whole]
    end = start + 61 * 1987.25
    merged = merge_parts(
        compute(rest, clock, start, end, BREAKDOWNS),
        [Part(float(h), el, lay, s.to_doc()) for (h, el, lay), s in parts.items()],
        clock,
    )
    assert len(whole) > 3 and len(rest) >= 4
    assert _plain(merged) == _plain(compute(facts, clock, start, end, BREAKDOWNS))


def test_tally_counts_round_trip() -> None:
    tally = Tally(tests=5, panel_overkill=1, first_tests=2, first_ok=1, damaged=1)
    tally.ai.update({"ok": 3, "ng": 1, "other": 1})
    tally.op.update({"ok": 4, "missing": 1})
    tally.defects.update({"ai_confirmed": 2, "operator_added": 1})
    again = Tally.from_counts(tally.to_counts())
    assert again == tally
    assert Tally.from_vector(tally.to_vector()) == tally
    assert tally.to_vector()[:6] == [5, 1, 0, 2, 1, 1]
    assert tally.to_counts()["ai:ok"] == 3 and "panel_miss" not in tally.to_counts()
    both = Tally.from_counts(tally.to_counts())
    both.merge(tally)
    assert both.tests == 10 and both.op["ok"] == 8 and both.defects["ai_confirmed"] == 4


def test_summary_doc_round_trip() -> None:
    summary = Summary()
    summary.heat.update({("cr", "ai_confirmed", 2, 3): 2})
    summary.types["cr"] = Tally(tests=1)
    assert Summary.from_doc(summary.to_doc()) == summary
    assert Counter(summary.heat) == Counter({("cr", "ai_confirmed", 2, 3): 2})
