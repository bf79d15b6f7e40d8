"""The older station service's exports, loaded as they are, on mongomock and nx-27017."""

from __future__ import annotations

import io
import json
import re
from collections import Counter
from pathlib import Path
from zoneinfo import ZoneInfo

import mongomock
import pytest
from bson import ObjectId, json_util
from pymongo.errors import PyMongoError

from elconsole import cli
from elconsole.data import legacy
from elconsole.data.errors import StoreError
from elconsole.data.legacy import load_export
from elconsole.data.repository import PanelRepository
from elconsole.domain.plantclock import PlantClock
from elconsole.domain.stats import compute

LEGACY = Path(__file__).parent / "data" / "legacy"
# 2018-01-01T00:00Z: 48 years * 365 + 12 leap days (1972..2016) = 17532 days.
FROM_2018 = 17532 * 86400
# 2020-01-01T00:00Z: + 365 (2018) + 365 (2019) days.
TO_2020 = (17532 + 730) * 86400


def read(name: str) -> list[dict]:
    return [
        json_util.loads(line)
        for line in (LEGACY / f"{name}.json").read_text().splitlines()
        if line.strip()
    ]


@pytest.fixture(params=["mongomock", "embedded"])
def legacy_repo(request: pytest.FixtureRequest) -> PanelRepository:
    if request.param == "mongomock":
        db = mongomock.MongoClient()["elconsole_test"]
    else:
        db = request.getfixturevalue("embedded_repo").db
    counts = load_export(db, LEGACY)
    for name, n in counts.items():
        assert n == len(read(name)), name
    return PanelRepository(db)


def test_load_export_counts_and_is_repeatable(legacy_repo: PanelRepository) -> None:
    for name in ("panel", "el", "panel_status", "defect", "panel_defect"):
        assert legacy_repo.db[name].count_documents({}) == len(read(name)), name
    load_export(legacy_repo.db, LEGACY)  # same _ids: skipped
    assert legacy_repo.db.panel.count_documents({}) == len(read("panel"))
    assert isinstance(legacy_repo.db.panel.find_one({"Barcode": "708"})["_id"], ObjectId)


def test_load_export_of_an_empty_folder(tmp_path: Path) -> None:
    with pytest.raises(StoreError):
        load_export(mongomock.MongoClient()["x"], tmp_path)


def test_load_export_of_a_bad_line(tmp_path: Path) -> None:
    (tmp_path / "panel.json").write_text('{"_id": 1}\n{not json\n')
    with pytest.raises(StoreError, match="panel.json:2"):
        load_export(mongomock.MongoClient()["x"], tmp_path)


def test_lookup_708(legacy_repo: PanelRepository) -> None:
    (test,) = legacy_repo.lookup("708")
    assert (test.barcode, test.el_no, test.cell_size, test.cell_amount) == (
        "708",
        "131",
        "half",
        120,
    )
    assert test.ai == "1" and test.op == "0"  # integer results in the export
    assert test.damage == ()
    assert sorted((d.code, d.row_col, d.by, d.status, d.fate) for d in test.defects) == [
        ("mr", (28, 74), "OP", "true", "operator_added"),
        ("mr", (37, 41), "OP", "true", "operator_added"),
    ]
    assert [d.on_grid(test.grid) for d in test.defects] == [False, False]
    assert sorted(d.label for d in test.defects) == ["R28C74", "R37C41"]
    as_json = test.as_legacy_json()
    assert as_json["ai_result"] == "1" and as_json["gui_result"] == "0"


def legacy_expectations() -> dict:
    """Figures of every legacy panel in [2018, 2020), from the export files themselves."""
    panels = [p for p in read("panel") if FROM_2018 <= p["create_time"] < TO_2020]
    ids = {p["_id"] for p in panels}
    kind = {1: "ok", 0: "ng"}
    ai, op = Counter(), Counter()
    for s in read("panel_status"):
        if s["Panel_ID"] in ids:
            (ai if s["by"] == "AI" else op)[kind.get(s["result"], "other")] += 1
    fates = Counter()
    for link in read("panel_defect"):
        if link["Panel_ID"] in ids:
            fates[
                {
                    ("AI", "true"): "ai_confirmed",
                    ("AI", "false"): "ai_rejected",
                    ("OP", "true"): "operator_added",
                }[(link["by"], link["Status"])]
            ] += 1
    return {"tests": len(panels), "ai": ai, "op": op, "fates": fates}


def test_legacy_stats(legacy_repo: PanelRepository) -> None:
    want = legacy_expectations()
    assert want["tests"] == len(read("panel"))  # every panel lies in the window
    clock = PlantClock(ZoneInfo("UTC"))
    out = compute(
        legacy_repo.window_facts(FROM_2018, TO_2020), clock, FROM_2018, TO_2020, ("station",)
    ).as_json()
    assert out["tests"] == want["tests"]
    assert out["ai"] == {k: want["ai"][k] for k in ("ok", "ng", "other")}
    assert out["operator"] == {k: want["op"][k] for k in ("ok", "ng", "other")}
    assert out["defects"] == {
        f: want["fates"][f] for f in ("ai_confirmed", "ai_rejected", "operator_added")
    }
    assert out["damaged"] == 0
    # every barcode appears once, so every test is a first test
    assert out["first_pass"]["first_tests"] == want["tests"]
    assert out["by_station"]["131"]["tests"] == 1


def test_damaged_data(legacy_repo: PanelRepository) -> None:
    db = legacy_repo.db
    t = 1_546_800_000.0  # 2019-01-06T18:40Z, inside the window
    missing_defect = ObjectId()
    p1, p2, p3, p4, p5 = ObjectId(), ObjectId(), ObjectId(), ObjectId(), ObjectId()

    def panel(pid: ObjectId, barcode: str, when: object) -> dict:
        return {
            "_id": pid,
            "Barcode": barcode,
            "cell_type": "mono",
            "cell_size": "full",
            "cell_amount": 72,
            "EL_no": "EL09",
            "create_time": when,
        }

    def status(pid: ObjectId, by: str, result: object) -> dict:
        return {"_id": ObjectId(), "Panel_ID": pid, "time": t, "result": result, "by": by}

    odd_defect = ObjectId()
    db.panel.insert_many(
        [
            panel(p1, "DMG-LINK", t),
            panel(p2, "DMG-NOSTATUS", t + 1),
            panel(p3, "DMG-TIME", "2019-01-06 18:40"),
            panel(p4, "DMG-TYPE", t + 2),
            panel(p5, "DMG-ODDLINK", t + 3),
        ]
    )
    db.panel_status.insert_many(
        [
            status(p1, "AI", 0),
            status(p1, "OP", 0),
            status(p3, "AI", 1),
            status(p3, "OP", 1),
            status(p4, "AI", 0),
            status(p4, "OP", 1),
            status(p5, "AI", 1),
            status(p5, "OP", 1),
        ]
    )
    op_defect = ObjectId()
    db.defect.insert_many(
        [
            {"_id": odd_defect, "Type": "zz", "Position": [2, 2], "by": "AI", "time": t},
            {"_id": op_defect, "Type": "cr", "Position": [1, 1], "by": "OP", "time": t},
        ]
    )
    db.panel_defect.insert_many(
        [
            {
                "_id": ObjectId(),
                "Panel_ID": p1,
                "Defect_ID": missing_defect,
                "by": "AI",
                "Status": "true",
            },
            {
                "_id": ObjectId(),
                "Panel_ID": p4,
                "Defect_ID": odd_defect,
                "by": "AI",
                "Status": "false",
            },
            # an operator "rejecting" a defect means nothing: no fate, a damage note
            {
                "_id": ObjectId(),
                "Panel_ID": p5,
                "Defect_ID": op_defect,
                "by": "OP",
                "Status": "false",
            },
        ]
    )

    (t1,) = legacy_repo.lookup("DMG-LINK")
    assert any(str(missing_defect) in note and "missing" in note for note in t1.damage)
    assert (t1.ai, t1.op) == ("0", "0")
    assert len(t1.defects) == 1 and t1.defects[0].position is None
    (t2,) = legacy_repo.lookup("DMG-NOSTATUS")
    assert (t2.ai, t2.op) == (None, None)
    assert any("AI" in note for note in t2.damage) and any("OP" in note for note in t2.damage)
    (t3,) = legacy_repo.lookup("DMG-TIME")
    assert any("create_time" in note for note in t3.damage)
    (t4,) = legacy_repo.lookup("DMG-TYPE")
    assert [(d.code, d.fate) for d in t4.defects] == [("zz", "ai_rejected")]
    (t5,) = legacy_repo.lookup("DMG-ODDLINK")
    assert [(d.code, d.by, d.status, d.fate) for d in t5.defects] == [("cr", "OP", "false", None)]
    assert any("Status" in note for note in t5.damage)

    want = legacy_expectations()
    out = compute(
        legacy_repo.window_facts(FROM_2018, TO_2020),
        PlantClock(ZoneInfo("UTC")),
        FROM_2018,
        TO_2020,
        ("type",),
    ).as_json()
    # + DMG-LINK, DMG-NOSTATUS, DMG-TYPE, DMG-ODDLINK; DMG-TIME has no number to place it
    assert out["tests"] == want["tests"] + 4
    # AI: LINK 0, TYPE 0, ODDLINK 1, NOSTATUS missing
    assert out["ai"] == {
        "ok": want["ai"]["ok"] + 1,
        "ng": want["ai"]["ng"] + 2,
        "other": 0,
        "missing": 1,
    }
    # OP: LINK 0, TYPE 1, ODDLINK 1, NOSTATUS missing
    assert out["operator"] == {
        "ok": want["op"]["ok"] + 2,
        "ng": want["op"]["ng"] + 1,
        "other": 0,
        "missing": 1,
    }
    assert out["damaged"] == 3  # DMG-LINK, DMG-NOSTATUS and DMG-ODDLINK
    # the dangling link still has a fate (AI, "true"); the zz defect was rejected
    assert out["defects"]["ai_confirmed"] == want["fates"]["ai_confirmed"] + 1
    assert out["defects"]["ai_rejected"] == want["fates"]["ai_rejected"] + 1
    assert out["defects"]["operator_added"] == want["fates"]["operator_added"]
    assert out["by_type"]["zz"]["tests"] == 1
    # the legacy panel 708 is still right
    (test708,) = legacy_repo.lookup("708")
    assert (test708.ai, test708.op) == ("1", "0")


# -- damaged documents inserted straight into the store ---------------------------------------

T_IN = 1_546_800_000.0  # 2019-01-06T18:40Z, inside [2018, 2020)


def _panel(pid: object, barcode: str, **over: object) -> dict:
    doc = {
        "_id": pid,
        "Barcode": barcode,
        "cell_type": "mono",
        "cell_size": "full",
        "cell_amount": 72,
        "EL_no": "EL77",
        "create_time": T_IN,
    }
    return doc | over


def _statuses(pid: object, ai: object, op: object) -> list[dict]:
    return [
        {"_id": ObjectId(), "Panel_ID": pid, "time": T_IN, "result": ai, "by": "AI"},
        {"_id": ObjectId(), "Panel_ID": pid, "time": T_IN, "result": op, "by": "OP"},
    ]


def _defect(did: object, code: object, position: object, by: str = "AI") -> dict:
    return {"_id": did, "Type": code, "Position": position, "by": by, "time": T_IN}


def _link(pid: object, did: object, by: str, status: str) -> dict:
    return {"_id": ObjectId(), "Panel_ID": pid, "Defect_ID": did, "by": by, "Status": status}


def insert_damaged(db) -> dict[str, object]:
    """Insert damaged tests with pymongo as other software might have left them.

    Returns the panel ids by name (barcode DMG-<name>). In [2018, 2020) they add 8 tests:
    AI ok 4 / ng 3 / missing 1, operator ok 3 / ng 4 / missing 1, defects
    confirmed 3 / rejected 2 / added 1, panel overkill 1 (NOTYPE), panel
    miss 2 (IDSTR, SUMMARY), and 6 damaged (all but IDINT and IDSTR).
    """
    ids: dict[str, object] = {
        "SIXTY": ObjectId(),
        "NULLS": ObjectId(),
        "POS": ObjectId(),
        "NOTYPE": ObjectId(),
        "IDINT": 4242,
        "IDSTR": "not-an-object-id",
        "SUMMARY": ObjectId(),
        "SUMMARY2": ObjectId(),
        "TIMEABC": ObjectId(),
        "TIMENAN": ObjectId(),
    }
    nulls = dict.fromkeys(("cell_type", "cell_size", "cell_amount", "EL_no"))
    db.panel.insert_many(
        [
            _panel(ids["SIXTY"], "DMG-SIXTY", cell_amount="sixty"),
            _panel(ids["NULLS"], "DMG-NULLS", **nulls),
            _panel(ids["POS"], "DMG-POS"),
            _panel(ids["NOTYPE"], "DMG-NOTYPE"),
            _panel(ids["IDINT"], "DMG-IDINT"),
            _panel(ids["IDSTR"], "DMG-IDSTR"),
            _panel(ids["SUMMARY"], "DMG-SUMMARY", schema=1, summary="garbage"),
            _panel(ids["SUMMARY2"], "DMG-SUMMARY2", schema=1, summary={"ai": 1, "defects": 5}),
            _panel(ids["TIMEABC"], "DMG-TIMEABC", create_time="abc"),
        ]
    )
    try:  # MongoDB and mongomock keep a NaN; nx-27017 (JSON inside) refuses it
        db.panel.insert_one(_panel(ids["TIMENAN"], "DMG-TIMENAN", create_time=float("nan")))
    except PyMongoError:
        del ids["TIMENAN"]
    db.panel_status.insert_many(
        _statuses(ids["SIXTY"], "1", "1")
        + _statuses(ids["NULLS"], 0, 0)
        + _statuses(ids["POS"], "0", "0")
        + _statuses(ids["NOTYPE"], "0", "1")
        + _statuses(ids["IDINT"], 1, 1)
        + _statuses(ids["IDSTR"], "1", "0")
        + _statuses(ids["SUMMARY"], "1", "0")
        + _statuses(ids["TIMEABC"], "1", "1")
        + _statuses(ids.get("TIMENAN"), "1", "1")  # orphans where it was refused
    )
    positions = {"d-a1": "A1", "d-one": [1], "d-nested": [[1, 2]]}
    db.defect.insert_many(
        [_defect(did, "cr", pos) for did, pos in positions.items()]
        + [
            _defect("d-notype", None, [1, 1]),
            _defect(77, "cs", [2, 2], "OP"),
            _defect("d-bc", "bc", [3, 3]),
        ]
    )
    db.panel_defect.insert_many(
        [_link(ids["POS"], did, "AI", "true") for did in positions]
        + [
            _link(ids["NOTYPE"], "d-notype", "AI", "false"),
            _link(ids["IDSTR"], 77, "OP", "true"),
            _link(ids["SUMMARY"], "d-bc", "AI", "false"),
        ]
    )
    return ids


DAMAGE_NOTES = {
    "DMG-SIXTY": ["'full' 'sixty' is no module's layout"],
    "DMG-NULLS": ["None None is no module's layout", "EL_no None is not text"],
    "DMG-POS": [
        "defect d-a1 position 'A1' is not [row, col]",
        "defect d-one position [1] is not [row, col]",
        "defect d-nested position [[1, 2]] is not [row, col]",
    ],
    "DMG-NOTYPE": ["defect d-notype has no type (None)"],
    "DMG-IDINT": [],
    "DMG-IDSTR": [],
    "DMG-SUMMARY": ["its summary 'garbage' is not readable"],
    "DMG-SUMMARY2": [
        "no AI verdict stored",
        "no OP verdict stored",
        "its summary {'ai': 1, 'defects': 5} is not readable",
    ],
    "DMG-TIMEABC": ["create_time 'abc' is not a number"],
    "DMG-TIMENAN": ["create_time nan is not a number"],
}
VERDICTS = {
    "DMG-SIXTY": ("1", "1"),
    "DMG-NULLS": ("0", "0"),
    "DMG-POS": ("0", "0"),
    "DMG-NOTYPE": ("0", "1"),
    "DMG-IDINT": ("1", "1"),
    "DMG-IDSTR": ("1", "0"),
    "DMG-SUMMARY": ("1", "0"),
    "DMG-SUMMARY2": (None, None),
    "DMG-TIMEABC": ("1", "1"),
    "DMG-TIMENAN": ("1", "1"),
}


def test_damaged_documents_are_looked_up_and_flagged(legacy_repo: PanelRepository) -> None:
    ids = insert_damaged(legacy_repo.db)
    for barcode in (f"DMG-{name}" for name in ids):
        notes = DAMAGE_NOTES[barcode]
        (test,) = legacy_repo.lookup(barcode)
        assert sorted(test.damage) == sorted(notes), barcode
        assert (test.ai, test.op) == VERDICTS[barcode], barcode
    (pos,) = legacy_repo.lookup("DMG-POS")
    assert sorted(d.label for d in pos.defects) == ["'A1'", "[1]", "[[1, 2]]"]
    assert [d.on_grid(pos.grid) for d in pos.defects] == [False] * 3
    assert {(d.code, d.fate) for d in pos.defects} == {("cr", "ai_confirmed")}
    (notype,) = legacy_repo.lookup("DMG-NOTYPE")
    assert [(d.code, d.fate) for d in notype.defects] == [("?", "ai_rejected")]
    (idstr,) = legacy_repo.lookup("DMG-IDSTR")
    assert [(d.code, d.label, d.fate) for d in idstr.defects] == [("cs", "B2", "operator_added")]
    (summary,) = legacy_repo.lookup("DMG-SUMMARY")
    assert [(d.code, d.label, d.fate) for d in summary.defects] == [("bc", "C3", "ai_rejected")]


def _figures(repo: PanelRepository) -> dict:
    clock = PlantClock(ZoneInfo("UTC"))
    by = ("day", "shift", "station", "type")
    facts = compute(repo.window_facts(FROM_2018, TO_2020), clock, FROM_2018, TO_2020, by)
    report = repo.window_report(clock, FROM_2018, TO_2020, by)
    assert report.as_json() == facts.as_json()
    return facts.as_json()


def test_damaged_documents_are_counted_and_the_rest_is_right(
    legacy_repo: PanelRepository,
) -> None:
    before = _figures(legacy_repo)
    insert_damaged(legacy_repo.db)
    after = _figures(legacy_repo)

    def delta(key: str, sub: str | None = None) -> int:
        if sub is None:
            return after[key] - before[key]
        return after[key].get(sub, 0) - before[key].get(sub, 0)

    assert delta("tests") == 8
    assert [delta("ai", k) for k in ("ok", "ng", "other", "missing")] == [4, 3, 0, 1]
    assert [delta("operator", k) for k in ("ok", "ng", "other", "missing")] == [3, 4, 0, 1]
    assert [delta("defects", k) for k in ("ai_confirmed", "ai_rejected", "operator_added")] == [
        3,
        2,
        1,
    ]
    assert (delta("panel_overkill"), delta("panel_miss")) == (1, 2)
    assert delta("damaged") == 6
    assert after["by_type"]["?"]["tests"] == 1
    station = after["by_station"]["EL77"]
    assert (station["tests"], station["damaged"]) == (7, 5)  # all but NULLS (no EL_no)
    assert after["by_station"]["None"]["tests"] == 1  # NULLS, listed under "None"
    for key in ("by_station", "by_type"):  # the older data's groups are unchanged
        for group, figures in before[key].items():
            if group not in ("EL77", "None", "?", "cr", "cs", "bc"):
                assert after[key][group] == figures, (key, group)


def test_cli_lookup_and_stats_of_damaged_documents(embedded_store, embedded_repo) -> None:
    load_export(embedded_repo.db, LEGACY)
    ids = insert_damaged(embedded_repo.db)
    store = str(embedded_store.target.path)
    for barcode in (f"DMG-{name}" for name in ids):
        notes = DAMAGE_NOTES[barcode]
        code, out = _cli("lookup", "--store", store, "--tz", "UTC", barcode)
        assert code == 0, out
        shown = sorted(line.strip() for line in out.splitlines() if "damaged:" in line)
        assert shown == sorted(f"damaged: {n}" for n in notes)
        code, out = _cli("lookup", "--store", store, "--json", barcode)
        (test,) = json.loads(out)
        assert code == 0 and sorted(test["damage"]) == sorted(notes)
        assert (test["ai_result"], test["gui_result"]) == VERDICTS[barcode]
    code, out = _cli("lookup", "--store", store, "--tz", "UTC", "DMG-TIMEABC")
    assert "1970-01-01" in out  # no time to show: the epoch, flagged as damaged
    code, out = _cli(
        "stats", "--store", store, "--from", "2018-01-01", "--to", "2020-01-01", "--tz", "UTC"
    )
    assert code == 0 and "tests with damaged data                6" in out
    code, out = _cli(
        "stats", "--store", store, "--from", "2018-01-01", "--to", "2020-01-01", "--json"
    )
    figures = json.loads(out)
    assert figures["damaged"] == 6
    assert figures["tests"] == len(read("panel")) + 8


def _cli(*argv: str) -> tuple[int, str]:
    out = io.StringIO()
    code = cli.run(cli.build_parser().parse_args(list(argv)), out=out)
    return code, out.getvalue()


# -- reading export files that are not quite as expected ---------------------------------------


def test_load_export_is_panels_last_and_repeatable_without_ids(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "panel.json").write_bytes(
        b'\xef\xbb\xbf{"Barcode": "NOID", "create_time": 1546800000}\r\n'
        b'{"_id": {"$oid": "5c3251d0a7b2c8d1e8f0a001"}, "Barcode": "WITHID"}\r\n'
    )
    (tmp_path / "el.json").write_text('[{"EL_no": "131"}, {"EL_no": "132"}]')
    order: list[str] = []
    real = legacy.insert_ignoring_duplicates

    def recording(coll, docs):  # noqa: ANN001, ANN202
        order.append(coll.name)
        return real(coll, docs)

    monkeypatch.setattr(legacy, "insert_ignoring_duplicates", recording)
    db = mongomock.MongoClient()["x"]
    assert load_export(db, tmp_path) == {"panel": 2, "el": 2}
    assert order == ["el", "panel"]
    assert load_export(db, tmp_path) == {"panel": 2, "el": 2}  # again: nothing doubled
    assert sorted(p["Barcode"] for p in db.panel.find()) == ["NOID", "WITHID"]
    assert db.el.count_documents({}) == 2


@pytest.mark.parametrize(
    "content, where",
    [
        (b'{"_id": 1}\n\xff\xfe\n', "panel.json:2: not UTF-8"),
        (b'{"_id": 1}\n[1, 2]\n', "panel.json:2: not a document"),
        (b'{"_id": 1}\n{"_id": {"$oid": "zz"}}\n', "panel.json:2: not Extended JSON"),
        (b'{"_id": 1}\n{"t": {"$numberDecimal": "abc"}}\n', "panel.json:2: not Extended JSON"),
        (b'{"_id": 1}\n{"t": {"$timestamp": 5}}\n', "panel.json:2: not Extended JSON"),
        (b'{"_id": 1}\n{"t": {"$date": "garbage"}}\n', "panel.json:2: not Extended JSON"),
        (b'{"_id": 1}\n{"t": {"$date": {"$numberLong": "9' + b"9" * 30 + b'"}}}\n', "json:2: not"),
        (b'{"_id": 1}\n{"a": ' + b"1" * 5000 + b"}\n", "panel.json:2: not Extended JSON"),
        (b'[{"_id": 1}, 5]', "panel.json: not an array of documents"),
    ],
)
def test_load_export_refuses_an_unreadable_file_whole(
    tmp_path: Path, content: bytes, where: str
) -> None:
    (tmp_path / "el.json").write_text('{"EL_no": "131"}\n')
    (tmp_path / "panel.json").write_bytes(content)
    db = mongomock.MongoClient()["x"]
    with pytest.raises(StoreError, match=re.escape(where)):
        load_export(db, tmp_path)
    assert db.el.count_documents({}) == 0  # nothing loaded


def test_a_numeric_barcode_of_older_software_is_found_and_flagged(
    any_repo: PanelRepository,
) -> None:
    oid = ObjectId()
    any_repo.db.panel.insert_one({**_panel(oid, "x"), "Barcode": 12345})
    any_repo.db.panel_status.insert_many(_statuses(oid, "1", "1"))
    (test,) = any_repo.lookup("12345")
    assert test.barcode == "12345" and test.damage == ("Barcode 12345 is not text",)
    assert any_repo.lookup("012345") == []


def test_a_barcode_holding_a_nul_matches_only_itself(any_repo: PanelRepository) -> None:
    for barcode in ("AB\x00CD", "AB", "AB\x00"):
        oid = ObjectId()
        any_repo.db.panel.insert_one(_panel(oid, barcode))
        any_repo.db.panel_status.insert_many(_statuses(oid, "1", "1"))
    assert [t.barcode for t in any_repo.lookup("AB")] == ["AB"]
    assert [t.barcode for t in any_repo.lookup("AB\x00CD")] in ([], ["AB\x00CD"])
