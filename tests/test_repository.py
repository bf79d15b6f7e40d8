"""The five-collection layout: writing, reading back, duplicates and half-written records."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections import Counter
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from elconsole.data.repository import (
    Outcome,
    PanelRepository,
    build_documents,
    panel_id,
)
from elconsole.domain.plantclock import PlantClock
from elconsole.domain.records import Validator
from elconsole.domain.stats import compute

DATA = Path(__file__).parent / "data" / "station-records.jsonl"
COLLECTIONS = ("panel", "el", "panel_status", "defect", "panel_defect")
T = 1_772_496_000.0  # 2026-03-03T00:00:00Z (20515 days * 86400)
V = Validator(now=lambda: T + 30 * 86400)


def raw(barcode: str = "PV0001", t: float = T, el_no: str = "EL01", **over: object) -> dict:
    r = {
        "barcode": barcode,
        "cell_type": "poly",
        "cell_size": "full",
        "cell_amount": 60,
        "el_no": el_no,
        "create_time": t,
        "ai_result": "1",
        "ai_defects": {},
        "ai_time": t + 1.25,
        "gui_result": "1",
        "gui_defects": {},
        "gui_time": t + 20.5,
    }
    r.update(over)
    return r


def counts(repo: PanelRepository) -> dict[str, int]:
    return {name: repo.db[name].count_documents({}) for name in COLLECTIONS}


def all_docs(repo: PanelRepository, name: str) -> list[dict]:
    return list(repo.db[name].find({}))


# The hand example: 60 full cells (6 x 10).
#   AI:  cr [1,2], cr [3,4], cs [2,2]      verdict NG
#   op:  cr [1,2], bc [5,10]               verdict NG
# -> cr [1,2] confirmed (AI, "true"); cr [3,4], cs [2,2] rejected (AI, "false");
#    bc [5,10] added (OP, "true").
HAND = raw(
    "PVHAND",
    ai_result="0",
    ai_defects={"cr": [[1, 2], [3, 4]], "cs": [[2, 2]]},
    gui_result="0",
    gui_defects={"cr": [[1, 2]], "bc": [[5, 10]]},
    operator="Zhang",
)


def test_one_record_writes_the_five_collections(any_repo: PanelRepository) -> None:
    rec = V.validate(HAND)
    assert any_repo.store(rec) is Outcome.STORED
    assert counts(any_repo) == {
        "panel": 1,
        "el": 1,
        "panel_status": 2,
        "defect": 4,
        "panel_defect": 4,
    }

    (panel,) = all_docs(any_repo, "panel")
    expected_panel = {
        "Barcode": "PVHAND",
        "cell_type": "poly",
        "cell_size": "full",
        "cell_amount": 60,
        "EL_no": "EL01",
        "create_time": T,
    }
    assert {k: panel[k] for k in expected_panel} == expected_panel
    pid = panel["_id"]

    (el,) = all_docs(any_repo, "el")
    assert set(el) == {"_id", "EL_no"} and el["EL_no"] == "EL01"

    statuses = all_docs(any_repo, "panel_status")
    assert all(set(s) == {"_id", "Panel_ID", "time", "result", "by"} for s in statuses)
    assert sorted((s["by"], s["result"], s["time"], s["Panel_ID"]) for s in statuses) == [
        ("AI", "0", T, pid),
        ("OP", "0", T, pid),
    ]

    defects = {d["_id"]: d for d in all_docs(any_repo, "defect")}
    assert all(set(d) == {"_id", "Type", "Position", "by", "time"} for d in defects.values())
    links = all_docs(any_repo, "panel_defect")
    assert all(set(lk) == {"_id", "Panel_ID", "Defect_ID", "by", "Status"} for lk in links)
    assert all(lk["Panel_ID"] == pid for lk in links)
    joined = sorted(
        (
            defects[lk["Defect_ID"]]["Type"],
            list(defects[lk["Defect_ID"]]["Position"]),
            defects[lk["Defect_ID"]]["by"],
            lk["by"],
            lk["Status"],
            defects[lk["Defect_ID"]]["time"],
        )
        for lk in links
    )
    ai_time, gui_time = T + 1.25, T + 20.5
    assert joined == [
        ("bc", [5, 10], "OP", "OP", "true", gui_time),
        ("cr", [1, 2], "AI", "AI", "true", ai_time),
        ("cr", [3, 4], "AI", "AI", "false", ai_time),
        ("cs", [2, 2], "AI", "AI", "false", ai_time),
    ]


def test_storing_again_changes_nothing(any_repo: PanelRepository) -> None:
    rec = V.validate(HAND)
    assert any_repo.store(rec) is Outcome.STORED
    before = counts(any_repo)
    assert any_repo.store(rec) is Outcome.PRESENT
    # the same identity through a fresh repository (no cached state) and an int time
    again = V.validate(dict(HAND, create_time=int(T)))
    assert PanelRepository(any_repo.db).store(again) is Outcome.PRESENT
    assert counts(any_repo) == before


def test_one_el_document_per_station(any_repo: PanelRepository) -> None:
    any_repo.store(V.validate(raw("A", T)))
    any_repo.store(V.validate(raw("B", T + 60)))
    PanelRepository(any_repo.db).store(V.validate(raw("C", T + 120)))
    any_repo.store(V.validate(raw("D", T + 180, el_no="EL02")))
    assert sorted(e["EL_no"] for e in all_docs(any_repo, "el")) == ["EL01", "EL02"]
    assert counts(any_repo)["panel"] == 4


def test_store_many_with_a_duplicate_in_the_batch(any_repo: PanelRepository) -> None:
    a, b = V.validate(raw("A", T)), V.validate(raw("B", T))
    # same barcode and station, later time: a re-test, a new test
    a2 = V.validate(raw("A", T + 600, gui_result="0", gui_defects={"cr": [[1, 1]]}))
    outcomes = any_repo.store_many([a, b, a, a2])
    assert outcomes == [Outcome.STORED, Outcome.STORED, Outcome.PRESENT, Outcome.STORED]
    # 3 panels x 2 statuses; a2 has one operator-added defect
    assert counts(any_repo) == {
        "panel": 3,
        "el": 1,
        "panel_status": 6,
        "defect": 1,
        "panel_defect": 1,
    }
    assert any_repo.store_many([b, a2]) == [Outcome.PRESENT, Outcome.PRESENT]
    assert any_repo.store_many([]) == []


def test_same_barcode_and_time_at_another_station_is_another_test(
    any_repo: PanelRepository,
) -> None:
    outcomes = any_repo.store_many([V.validate(raw("A", T)), V.validate(raw("A", T, "EL02"))])
    assert outcomes == [Outcome.STORED, Outcome.STORED]
    assert len(any_repo.lookup("A")) == 2


def test_lookup_newest_first(any_repo: PanelRepository) -> None:
    any_repo.store_many(
        [
            V.validate(raw("R", T + 100, gui_result="0", gui_defects={"cs": [[2, 3]]})),
            V.validate(raw("R", T + 300)),
            V.validate(raw("R", T + 200, el_no="EL02", ai_result="2")),
            V.validate(raw("OTHER", T + 400)),
        ]
    )
    tests = any_repo.lookup("R")
    assert [t.create_time for t in tests] == [T + 300, T + 200, T + 100]
    assert [t.el_no for t in tests] == ["EL01", "EL02", "EL01"]
    assert [(t.ai, t.op) for t in tests] == [("1", "1"), ("2", "1"), ("1", "0")]
    oldest = tests[-1]
    assert [(d.code, d.row_col, d.by, d.status, d.fate, d.time) for d in oldest.defects] == [
        ("cs", (2, 3), "OP", "true", "operator_added", T + 100 + 20.5),
    ]
    assert oldest.damage == ()
    assert any_repo.lookup("r") == []  # exact match only
    assert any_repo.lookup("nothing") == []


def test_lookup_carries_the_hand_example(any_repo: PanelRepository) -> None:
    any_repo.store(V.validate(HAND))
    (test,) = any_repo.lookup("PVHAND")
    assert (test.barcode, test.el_no, test.cell_type, test.cell_size, test.cell_amount) == (
        "PVHAND",
        "EL01",
        "poly",
        "full",
        60,
    )
    assert test.operator == "Zhang"
    assert sorted((d.code, d.label, d.fate) for d in test.defects) == [
        ("bc", "E10", "operator_added"),
        ("cr", "A2", "ai_confirmed"),
        ("cr", "C4", "ai_rejected"),
        ("cs", "B2", "ai_rejected"),
    ]
    assert all(d.on_grid(test.grid) for d in test.defects)


@pytest.mark.parametrize("pattern", [".*", '{"$ne": null}', "^P", "$where"])
def test_lookup_of_a_query_looking_barcode_matches_only_itself(
    any_repo: PanelRepository, pattern: str
) -> None:
    any_repo.store_many(
        [V.validate(raw("PV1", T)), V.validate(raw("PV2", T)), V.validate(raw(pattern, T))]
    )
    tests = any_repo.lookup(pattern)
    assert [t.barcode for t in tests] == [pattern]
    assert any_repo.find_barcodes(pattern) == [pattern]


def test_lookup_refuses_a_non_string(mock_repo: PanelRepository) -> None:
    with pytest.raises(TypeError):
        mock_repo.lookup({"$ne": None})  # type: ignore[arg-type]


def test_find_barcodes_is_plain_text(any_repo: PanelRepository) -> None:
    any_repo.store_many([V.validate(raw(b, T)) for b in ("PV100", "PV200", "XPV1", "ABC")])
    assert any_repo.find_barcodes("PV") == ["PV100", "PV200", "XPV1"]
    assert any_repo.find_barcodes("PV1") == ["PV100", "XPV1"]
    assert any_repo.find_barcodes("") == []
    assert any_repo.find_barcodes(".") == []


def test_window_facts_boundaries(any_repo: PanelRepository) -> None:
    start, end = T, T + 86400
    any_repo.store_many(
        [
            V.validate(raw("AT_FROM", start, ai_result="0", ai_defects={"cr": [[1, 1]]})),
            V.validate(raw("BEFORE", start - 0.5)),
            V.validate(raw("INSIDE", end - 0.5, gui_result="0", gui_defects={"mr": [[6, 10]]})),
            V.validate(raw("AT_TO", end)),
        ]
    )
    facts = sorted(any_repo.window_facts(start, end), key=lambda f: f.create_time)
    assert [f.barcode for f in facts] == ["AT_FROM", "INSIDE"]
    assert [(f.ai, f.op, f.defects) for f in facts] == [
        ("0", "1", (("cr", "ai_rejected"),)),
        ("1", "0", (("mr", "operator_added"),)),
    ]
    assert all(f.first_pass for f in facts)
    assert facts[0].layout == "full 60"
    assert any_repo.window_facts(end, end + 86400)[0].barcode == "AT_TO"


# -- never half a record ----------------------------------------------------------------


def test_a_reader_never_sees_a_record_without_its_panel(any_repo: PanelRepository) -> None:
    rec = V.validate(HAND)
    any_repo.store(rec)
    any_repo.db.panel.delete_one({"_id": panel_id(rec)})
    assert any_repo.lookup("PVHAND") == []
    assert any_repo.window_facts(T - 10, T + 10) == []
    # children are still there, yet nothing shows; storing again completes the record
    assert counts(any_repo)["defect"] == 4
    assert any_repo.store(rec) is Outcome.STORED
    assert counts(any_repo)["panel"] == 1 and counts(any_repo)["defect"] == 4
    assert len(any_repo.lookup("PVHAND")[0].defects) == 4


# -- ids -------------------------------------------------------------------------------


def test_ids_begin_with_the_second_of_the_test() -> None:
    # T = 1,772,496,000 s = 0x69a62480; 0.75 s later is the same second.
    docs = build_documents(V.validate({**HAND, "create_time": T + 0.75}))
    ids = [d["_id"] for name in COLLECTIONS if name != "el" for d in docs[name]]
    assert len(ids) == 1 + 2 + 4 + 4
    assert all(len(i) == 24 and i.startswith("0069a62480") for i in ids)
    assert len(set(ids)) == len(ids)
    assert all(set(i) <= set("0123456789abcdef") for i in ids)


def test_later_tests_sort_after_earlier_ones() -> None:
    seconds = [T + 86399, T, T + 1, T + 3600.5]
    pids = [panel_id(V.validate(raw(f"PV{i}", t=t))) for i, t in enumerate(seconds)]
    assert sorted(pids) == [pids[1], pids[2], pids[3], pids[0]]
    assert pids[0].startswith("0069a775ff")


def _as_schema_1(docs: dict[str, list[dict]], barcode: str, t: float) -> dict[str, list[dict]]:
    """The documents as the hashed ids of schema 1 named them (panel id by hand)."""
    text = "\x1f".join(["panel", barcode, "EL01", repr(t)])
    old = hashlib.sha256(text.encode()).hexdigest()[:24]
    new = docs["panel"][0]["_id"]
    out = {name: [dict(d) for d in ds] for name, ds in docs.items()}
    for name in ("defect", "panel_defect", "panel_status"):
        for doc in out[name]:
            doc["_id"] = "f" + doc["_id"][1:]  # any other id: schema 1 hashed them too
            if doc.get("Panel_ID") == new:
                doc["Panel_ID"] = old
    links = {d["_id"]: "f" + d["_id"][1:] for d in docs["defect"]}
    for doc in out["panel_defect"]:
        doc["Defect_ID"] = links[doc["Defect_ID"]]
    out["panel"][0].update({"_id": old, "schema": 1})
    return out


def test_a_test_stored_with_schema_1_ids_is_found_and_not_stored_again(
    any_repo: PanelRepository,
) -> None:
    rec = V.validate(HAND)
    for name, docs in _as_schema_1(build_documents(rec), "PVHAND", T).items():
        any_repo.db[name].insert_many(docs)
    fresh = PanelRepository(any_repo.db)  # a console that starts on this store
    assert fresh.store_many([rec, V.validate(raw("PVNEW"))]) == [
        Outcome.PRESENT,
        Outcome.STORED,
    ]
    assert counts(fresh)["panel"] == 2
    (test,) = fresh.lookup("PVHAND")
    assert sorted((d.code, d.fate) for d in test.defects) == [
        ("bc", "operator_added"),
        ("cr", "ai_confirmed"),
        ("cr", "ai_rejected"),
        ("cs", "ai_rejected"),
    ]
    assert not test.damage


def test_schema_1_panels_written_after_a_console_first_stored_are_found(
    any_repo: PanelRepository,
) -> None:
    """An older console on a shared store stores meanwhile what this one is given again."""
    assert any_repo.store(V.validate(raw("PVFIRST"))) is Outcome.STORED
    rec = V.validate(HAND)
    for name, docs in _as_schema_1(build_documents(rec), "PVHAND", T).items():
        any_repo.db[name].insert_many(docs)
    assert any_repo.store(rec) is Outcome.PRESENT
    assert counts(any_repo)["panel"] == 2


def test_a_test_written_by_other_software_is_found_by_its_barcode(
    any_repo: PanelRepository,
) -> None:
    rec = V.validate(HAND)
    docs = build_documents(rec)
    panel = docs["panel"][0]
    for extra in ("schema", "summary", "ai_time", "gui_time", "operator"):
        del panel[extra]
    panel["_id"] = "65f0c0ffee00000000000001"  # its own id, not derived from the record
    for doc in docs["panel_status"] + docs["panel_defect"]:
        doc["Panel_ID"] = panel["_id"]
    for name, items in docs.items():
        any_repo.db[name].insert_many(items)
    fresh = PanelRepository(any_repo.db)
    later = V.validate(raw("PVHAND", t=T + 60))  # a retest: another test
    assert fresh.store_many([rec, later]) == [Outcome.PRESENT, Outcome.STORED]
    assert counts(fresh)["panel"] == 2


def test_an_interrupted_store_is_completed_once(any_repo: PanelRepository) -> None:
    rec = V.validate(HAND)
    docs = build_documents(rec)
    for name in ("defect", "panel_defect", "panel_status"):
        any_repo.db[name].insert_many([dict(d) for d in docs[name]])
    assert any_repo.lookup("PVHAND") == []
    assert any_repo.store(rec) is Outcome.STORED
    assert counts(any_repo) == {
        "panel": 1,
        "el": 1,
        "panel_status": 2,
        "defect": 4,
        "panel_defect": 4,
    }
    for name in COLLECTIONS:
        ids = [d["_id"] for d in all_docs(any_repo, name)]
        assert len(ids) == len(set(ids)), name
    (test,) = any_repo.lookup("PVHAND")
    assert test.damage == () and len(test.defects) == 4


# -- the sample data ----------------------------------------------------------------------


def expected_figures(lines: list[dict], start: float, end: float, tz: ZoneInfo) -> dict:
    """The figures of [start, end) worked out in plain Python from the raw JSON records."""
    seen: set[tuple] = set()
    records = []
    for r in lines:
        ident = (r["barcode"].strip(), r["el_no"].strip(), float(r["create_time"]))
        if ident not in seen:
            seen.add(ident)
            records.append(r)
    first: dict[str, dict] = {}
    for r in records:
        b = r["barcode"].strip()
        if b not in first or r["create_time"] < first[b]["create_time"]:
            first[b] = r

    def kind(code: object) -> str:
        return {"1": "ok", "0": "ng"}.get(str(code), "other")

    out: dict = {
        "tests": 0,
        "ai": Counter(),
        "op": Counter(),
        "overkill": 0,
        "miss": 0,
        "confirmed": 0,
        "rejected": 0,
        "added": 0,
        "first": 0,
        "first_ok": 0,
        "days": Counter(),
    }
    for r in records:
        if not start <= r["create_time"] < end:
            continue
        out["tests"] += 1
        ai, op = str(r["ai_result"]), str(r["gui_result"])
        out["ai"][kind(ai)] += 1
        out["op"][kind(op)] += 1
        out["overkill"] += ai == "0" and op == "1"
        out["miss"] += ai == "1" and op == "0"
        a = {(c, tuple(p)) for c, ps in r["ai_defects"].items() for p in ps}
        g = {(c, tuple(p)) for c, ps in r["gui_defects"].items() for p in ps}
        out["confirmed"] += len(a & g)
        out["rejected"] += len(a - g)
        out["added"] += len(g - a)
        out["days"][dt.datetime.fromtimestamp(r["create_time"], tz).date().isoformat()] += 1
        if first[r["barcode"].strip()] is r:
            out["first"] += 1
            out["first_ok"] += op == "1"
    return out


@pytest.fixture(scope="module")
def sample_lines() -> list[dict]:
    return [
        json.loads(line) for line in DATA.read_text(encoding="utf-8").splitlines() if line.strip()
    ]


SH = ZoneInfo("Asia/Shanghai")
# 2026-03-03 00:00 and 2026-03-06 00:00 in Asia/Shanghai (UTC+8)
SAMPLE_START = T - 8 * 3600
SAMPLE_END = SAMPLE_START + 3 * 86400


def check_sample(repo: PanelRepository, lines: list[dict]) -> None:
    clock = PlantClock(SH)
    want = expected_figures(lines, SAMPLE_START, SAMPLE_END, SH)
    report = compute(
        repo.window_facts(SAMPLE_START, SAMPLE_END), clock, SAMPLE_START, SAMPLE_END, ("day",)
    )
    out = report.as_json()
    assert out["tests"] == want["tests"]
    assert out["ai"] == {k: want["ai"][k] for k in ("ok", "ng", "other")}
    assert out["operator"] == {k: want["op"][k] for k in ("ok", "ng", "other")}
    assert out["panel_overkill"] == want["overkill"]
    assert out["panel_miss"] == want["miss"]
    assert out["panel_overkill_rate"] == want["overkill"] / want["op"]["ok"]
    assert out["panel_miss_rate"] == want["miss"] / want["op"]["ng"]
    assert out["yield"] == want["op"]["ok"] / want["tests"]
    assert out["defects"] == {
        "ai_confirmed": want["confirmed"],
        "ai_rejected": want["rejected"],
        "operator_added": want["added"],
    }
    assert out["defect_overkill_rate"] == want["rejected"] / (want["confirmed"] + want["rejected"])
    assert out["defect_miss_rate"] == want["added"] / (want["confirmed"] + want["added"])
    assert out["first_pass"] == {"first_tests": want["first"], "ok": want["first_ok"]}
    assert {k: v["tests"] for k, v in out["by_day"].items()} == dict(want["days"])


def test_plain_python_figures_match_the_readme(sample_lines: list[dict]) -> None:
    want = expected_figures(sample_lines, SAMPLE_START, SAMPLE_END, SH)
    assert len(sample_lines) == 8272
    assert want["tests"] == 3508
    assert [want["ai"][k] for k in ("ok", "ng", "other")] == [2790, 673, 45]
    assert [want["op"][k] for k in ("ok", "ng", "other")] == [3075, 433, 0]
    assert (want["overkill"], want["miss"]) == (283, 38)
    assert (want["confirmed"], want["rejected"], want["added"]) == (592, 323, 95)
    assert [want["days"][d] for d in ("2026-03-03", "2026-03-04", "2026-03-05")] == [
        1180,
        1173,
        1155,
    ]


def import_lines(repo: PanelRepository, lines: list[dict]) -> Counter:
    v = Validator(now=lambda: T + 30 * 86400)
    records = [v.validate(r) for r in lines]
    outcomes: Counter = Counter()
    for i in range(0, len(records), 500):
        outcomes.update(repo.store_many(records[i : i + 500]))
    return outcomes


def test_sample_data_figures(any_repo: PanelRepository, sample_lines: list[dict]) -> None:
    """All 8,272 records on every store (measured: about 5 s on mongomock, 3-6 s on nx-27017)."""
    outcomes = import_lines(any_repo, sample_lines)
    distinct = {(r["barcode"], r["el_no"], float(r["create_time"])) for r in sample_lines}
    assert outcomes[Outcome.STORED] == len(distinct)
    assert outcomes[Outcome.PRESENT] == len(sample_lines) - len(distinct)
    assert any_repo.db.panel.count_documents({}) == len(distinct)
    assert any_repo.db.el.count_documents({}) == len({r["el_no"] for r in sample_lines})
    check_sample(any_repo, sample_lines)
    # importing again stores nothing
    before = counts(any_repo)
    assert set(import_lines(any_repo, sample_lines[:700])) == {Outcome.PRESENT}
    assert counts(any_repo) == before


def test_window_report_and_filter_choices(any_repo: PanelRepository) -> None:
    clock = PlantClock(ZoneInfo("UTC"))
    base = raw("HEAT1", el_no="EL-A", ai_result="0", ai_defects={"cr": [[3, 7]]})
    base.update(gui_result="0", gui_defects={"cr": [[3, 7]]})
    other = raw("HEAT2", T + 5, el_no="EL-B", cell_amount=72)
    any_repo.store_many([V.validate(base), V.validate(other)])
    report = any_repo.window_report(clock, T - 10, T + 10, ("station",), stations={"EL-A"})
    assert report.total.tests == 1
    assert set(report.breakdowns["station"]) == {"EL-A"}
    [(layout, heat)] = report.heat.items()
    assert heat == {("cr", "ai_confirmed", 3, 7): 1}
    stations, layouts = any_repo.filter_choices()
    assert stations == ["EL-A", "EL-B"]
    assert len(layouts) == 2 and layout in layouts
