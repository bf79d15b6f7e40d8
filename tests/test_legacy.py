"""The older station service's exports, loaded as they are, on mongomock and nx-27017."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from zoneinfo import ZoneInfo

import mongomock
import pytest
from bson import ObjectId, json_util

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
