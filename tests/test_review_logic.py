"""The review station's logic without Qt: AI half, scans, queue, inbox, spool, station."""

from __future__ import annotations

import json
import os
import stat
import threading
import time
from pathlib import Path
from typing import Any

import mongomock
import pytest

from elconsole.data.errors import StoreUnavailable
from elconsole.data.pending import PendingQueue, id_from_json, id_to_json
from elconsole.data.repository import Outcome, PanelRepository
from elconsole.domain.records import RecordError, Validator
from elconsole.domain.stats import ADDED, REJECTED
from elconsole.review import paths
from elconsole.review import station as station_module
from elconsole.review.inbox import Inbox
from elconsole.review.judgment import NG, OK, Judgment
from elconsole.review.queue import ReviewItem, ReviewQueue
from elconsole.review.scan import ScanDebouncer, clean_scan
from elconsole.review.spool import Spool
from elconsole.review.station import ReviewStation

T0 = 1_780_000_000.0  # 2026-05-28


def ai_raw(barcode: str = "PV1", t: float = T0, **changes: Any) -> dict[str, Any]:
    raw = {
        "barcode": barcode,
        "cell_type": "mono",
        "cell_size": "full",
        "cell_amount": 60,
        "el_no": "EL01",
        "create_time": t,
        "ai_result": "0",
        "ai_defects": {"cr": [[1, 2]], "cs": [[3, 4]]},
        "ai_time": t + 1.5,
    }
    raw.update(changes)
    return raw


# -- the AI half --------------------------------------------------------------


def test_ai_half_is_validated_with_the_record_rules() -> None:
    half = Validator().validate_ai(ai_raw(barcode="  PV9 \n", ai_result=1))
    assert half.barcode == "PV9"
    assert half.ai_result == "1"
    assert half.ai_defects == {"cr": ((1, 2),), "cs": ((3, 4),)}
    assert half.identity == ("PV9", "EL01", T0)


@pytest.mark.parametrize(
    ("changes", "field", "rule"),
    [
        (
            {"cell_amount": 72, "cell_size": "half"},
            "cell_amount",
            "must be 120 or 144 for half cells",
        ),
        (
            {"ai_defects": {"cr": [[7, 1]]}},
            "ai_defects.cr",
            "position R7C1 is off the module's grid",
        ),
        ({"ai_defects": {"zz": []}}, "ai_defects.zz", "unknown defect type"),
        ({"gui_result": "1"}, "gui_result", "is the operator's, not part of the AI result"),
        ({"operator": "op"}, "operator", "is the operator's, not part of the AI result"),
        ({"colour": "red"}, "colour", "is not a field of a station record"),
    ],
)
def test_ai_half_errors_name_field_value_and_rule(
    changes: dict[str, Any], field: str, rule: str
) -> None:
    with pytest.raises(RecordError) as caught:
        Validator().validate_ai(ai_raw(**changes))
    assert caught.value.field == field
    assert rule in caught.value.rule


def test_ai_half_requires_its_fields_only() -> None:
    raw = ai_raw()
    del raw["ai_time"]
    with pytest.raises(RecordError, match="ai_time: None — is required"):
        Validator().validate_ai(raw)


# -- scans -----------------------------------------------------------------------


def test_scan_text_loses_spaces_prefix_and_suffix() -> None:
    assert clean_scan("  ]C1PV123#\r", prefix="]C1", suffix="#") == "PV123"
    assert clean_scan(" PV123 ") == "PV123"
    assert clean_scan("PV123", prefix="]C1") == "PV123"


def test_same_barcode_within_the_window_is_one_scan() -> None:
    now = [100.0]
    debouncer = ScanDebouncer(3.0, clock=lambda: now[0])
    assert debouncer.accept("A")
    now[0] = 102.9
    assert not debouncer.accept("A")
    now[0] = 103.1  # 3.1 s after the first scan
    assert debouncer.accept("A")
    assert debouncer.accept("B")
    assert debouncer.accept("A")


# -- queue -----------------------------------------------------------------------


def item(barcode: str, t: float, **kw: Any) -> ReviewItem:
    return ReviewItem(Validator().validate_ai(ai_raw(barcode, t)), **kw)


def test_queue_is_oldest_first_and_merges_the_same_test() -> None:
    queue = ReviewQueue()
    assert queue.add(item("B", T0 + 20, inbox_path=Path("b.json")))
    assert queue.add(item("A", T0 + 10))
    assert not queue.add(item("B", T0 + 20, pending_id="p1"))
    assert [i.barcode for i in queue.items()] == ["A", "B"]
    merged = queue.find("B")
    assert merged is not None
    assert (merged.inbox_path, merged.pending_id) == (Path("b.json"), "p1")
    queue.finish(queue.items()[0])
    assert not queue.add(item("A", T0 + 10))  # judged: never back
    assert len(queue) == 1


# -- inbox -----------------------------------------------------------------------


def test_inbox_takes_valid_files_and_moves_refused_ones_aside(tmp_path: Path) -> None:
    folder = tmp_path / "inbox"
    folder.mkdir()
    (folder / "good.json").write_text(json.dumps(ai_raw("PV1")))
    (folder / "bad.json").write_text(json.dumps(ai_raw("PV2", cell_amount=61)))
    (folder / "broken.json").write_text("{not json")
    found = Inbox(folder, Validator(), settle_s=0, incomplete_s=0).scan()

    assert [i.barcode for i in found.accepted] == ["PV1"]
    assert found.accepted[0].inbox_path == folder / "good.json"
    assert sorted(r.source for r in found.refused) == ["bad.json", "broken.json"]
    assert sorted(p.name for p in folder.iterdir()) == ["good.json", "refused"]
    reason = (folder / "refused" / "bad.json.reason.txt").read_text()
    assert reason == "cell_amount: 61 — must be 60 or 72 for full cells\n"
    assert (folder / "refused" / "broken.json").exists()


def test_inbox_waits_for_a_file_to_settle(tmp_path: Path) -> None:
    (tmp_path / "new.json").write_text(json.dumps(ai_raw()))
    assert Inbox(tmp_path, Validator(), settle_s=60).scan().accepted == []


def test_inbox_leaves_a_half_written_file_until_it_is_old(tmp_path: Path) -> None:
    # A slow writer paused mid-file: not JSON yet, but younger than 30 s -> wait, refuse nothing.
    path = tmp_path / "slow.json"
    path.write_text('{"barcode": "PV1", "cell_type": "mo')
    inbox = Inbox(tmp_path, Validator(), settle_s=0)
    first = inbox.scan()
    assert (first.accepted, first.refused) == ([], [])
    assert path.exists()
    path.write_text(json.dumps(ai_raw("PV1")))  # the writer finishes
    assert [i.barcode for i in inbox.scan().accepted] == ["PV1"]
    # still broken after 40 s: refused and moved aside
    path.write_text("{never finished")
    old = time.time() - 40
    os.utime(path, (old, old))
    assert [r.source for r in inbox.scan().refused] == ["slow.json"]
    assert not path.exists()


def test_inbox_takes_a_file_with_a_byte_order_mark(tmp_path: Path) -> None:
    (tmp_path / "bom.json").write_text("\ufeff" + json.dumps(ai_raw("PVBOM")), encoding="utf-8")
    found = Inbox(tmp_path, Validator(), settle_s=0).scan()
    assert ([i.barcode for i in found.accepted], found.refused) == (["PVBOM"], [])


# -- spool -----------------------------------------------------------------------


def test_spool_keeps_one_file_per_judgment_oldest_first(tmp_path: Path) -> None:
    spool = Spool(tmp_path / "spool")
    spool.put({"barcode": "B", "el_no": "EL01", "gui_time": T0 + 5}, (Path("/x/b.json"),))
    spool.put({"barcode": "A", "el_no": "EL01", "gui_time": T0 + 1}, (), {"$oid": "a" * 24})
    entries = spool.entries()
    assert [e.record["barcode"] for e in entries] == ["A", "B"]
    assert entries[0].pending_id == {"$oid": "a" * 24}
    assert entries[1].inbox_paths == (Path("/x/b.json"),)
    assert spool.count() == 2
    assert not list((tmp_path / "spool").glob(".tmp-*"))
    spool.remove(entries[0])
    assert spool.count() == 1


def test_pending_ids_survive_json() -> None:
    from bson import ObjectId

    oid = ObjectId()
    assert id_from_json(json.loads(json.dumps(id_to_json(oid)))) == oid
    assert id_from_json(id_to_json("p-1")) == "p-1"


# -- judgment --------------------------------------------------------------------


def test_judgment_keeps_ai_defects_until_rejected_and_adds_by_keys() -> None:
    judgment = Judgment(Validator().validate_ai(ai_raw()), add_code="bc")
    assert judgment.cursor == (1, 2)  # the first defect is current
    assert judgment.verdict() == NG
    judgment.reject()  # cr A2 rejected
    judgment.step(1)  # to cs C4
    assert judgment.current == ("cs", 3, 4)
    judgment.reject()
    assert judgment.verdict() == OK
    judgment.move(1, 1)  # D5, empty
    judgment.keep()  # adds bc at D5
    assert [(m.code, m.label, m.fate) for m in judgment.marks()] == [
        ("cr", "A2", REJECTED),
        ("cs", "C4", REJECTED),
        ("bc", "D5", ADDED),
    ]
    judgment.step(-1)  # back from D5 to C4
    judgment.keep()  # cs C4 kept again
    assert judgment.gui_defects(("cr", "cs", "bc", "mr")) == {"cs": [[3, 4]], "bc": [[4, 5]]}
    assert judgment.verdict() == NG
    judgment.set_verdict(OK)
    record = judgment.record(T0 + 30, "op7")
    assert (record["gui_result"], record["gui_time"], record["operator"]) == ("1", T0 + 30, "op7")
    assert Validator().validate(record).gui_defects == {"bc": ((4, 5),), "cs": ((3, 4),)}


def test_judgment_cursor_stays_on_the_grid_and_clicks_toggle() -> None:
    judgment = Judgment(Validator().validate_ai(ai_raw(ai_defects={})), add_code="mr")
    judgment.move(-5, -5)
    assert judgment.cursor == (1, 1)
    judgment.move(99, 99)
    assert judgment.cursor == (6, 10)
    judgment.click(2, 2)
    assert [(m.key, m.fate) for m in judgment.marks()] == [(("mr", 2, 2), ADDED)]
    judgment.click(2, 2)
    assert judgment.marks() == []
    assert judgment.verdict() == OK


# -- station: store or spool -----------------------------------------------------


class FlakyRepo:
    """A repository whose store can be switched off."""

    def __init__(self, repo: PanelRepository) -> None:
        self.repo = repo
        self.up = True
        self.calls = 0

    def store(self, record: Any) -> Outcome:
        self.calls += 1
        if not self.up:
            raise StoreUnavailable("the store cannot be reached (test)")
        return self.repo.store(record)

    def lookup(self, barcode: str) -> Any:
        return self.repo.lookup(barcode)


def make_station(tmp_path: Path, repo: Any, db: Any) -> ReviewStation:
    return ReviewStation(
        Validator(),
        Inbox(tmp_path / "inbox", Validator(), settle_s=0),
        Spool(tmp_path / "spool"),
        lambda: repo,
        lambda: PendingQueue(db),
        id_from_json,
        id_to_json,
    )


def test_unreachable_store_spools_and_flush_stores_once(tmp_path: Path) -> None:
    db = mongomock.MongoClient()["t"]
    repo = FlakyRepo(PanelRepository(db))
    station = make_station(tmp_path, repo, db)
    (tmp_path / "inbox").mkdir()
    (tmp_path / "inbox" / "a.json").write_text(json.dumps(ai_raw("PV1")))
    db.pending.insert_one(ai_raw("PV2", T0 + 5))
    found = station.poll()
    assert [i.barcode for i in found.items] == ["PV1", "PV2"]

    repo.up = False
    for it in found.items:
        raw = Judgment(it.half).record(T0 + 60, "op1")
        assert station.submit(raw, it).outcome is None
    assert station.spool.count() == 2
    assert not (tmp_path / "inbox" / "a.json").exists()  # kept in the spool instead
    assert db.pending.count_documents({}) == 1  # removed only once stored

    repo.up = True
    outcomes = [d.outcome for d in station.flush()]
    assert outcomes == [Outcome.STORED, Outcome.STORED]
    assert station.spool.count() == 0
    assert db.pending.count_documents({}) == 0
    assert db.panel.count_documents({}) == 2
    assert station.flush() == []


def test_pending_document_breaking_a_rule_is_marked_not_deleted(tmp_path: Path) -> None:
    db = mongomock.MongoClient()["t"]
    station = make_station(tmp_path, PanelRepository(db), db)
    db.pending.insert_one(ai_raw("PV3", el_no=""))
    found = station.poll()
    assert found.items == []
    assert [r.reason for r in found.refused] == ["el_no: '' — must not be empty"]
    doc = db.pending.find_one({})
    assert doc["elconsole_refused"] == "el_no: '' — must not be empty"
    assert station.poll().refused == []  # not read again


def test_a_station_takes_only_its_own_pending_results(tmp_path: Path) -> None:
    db = mongomock.MongoClient()["t"]
    station = make_station(tmp_path, PanelRepository(db), db)
    station.station_id = "EL02"
    db.pending.insert_many([ai_raw("PV1"), ai_raw("PV2", el_no="EL02")])
    assert [i.barcode for i in station.poll().items] == ["PV2"]


class StuckRepo(FlakyRepo):
    """A repository whose store call hangs (a paused server) until released."""

    def __init__(self, repo: PanelRepository) -> None:
        super().__init__(repo)
        self.entered = threading.Event()
        self.release = threading.Event()

    def store(self, record: Any) -> Outcome:
        self.entered.set()
        assert self.release.wait(10)
        return super().store(record)


def test_a_judgment_behind_a_stuck_one_is_queued_without_holding_its_thread(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(station_module, "LOCK_WAIT_S", 0.2)
    db = mongomock.MongoClient()["t"]
    repo = StuckRepo(PanelRepository(db))
    station = make_station(tmp_path, repo, db)
    first, second = (Judgment(Validator().validate_ai(ai_raw(b))) for b in ("PV1", "PV2"))
    stuck = threading.Thread(target=station.submit, args=(first.record(T0 + 60, "op1"), None))
    stuck.start()
    assert repo.entered.wait(10)
    began = time.monotonic()
    delivery = station.submit(second.record(T0 + 61, "op1"), None)
    assert time.monotonic() - began < 2  # 0.2 s, not as long as the stuck call
    assert (delivery.record.barcode, delivery.outcome, delivery.queued) == ("PV2", None, True)
    assert station.flush() == []  # the stuck call still holds the store: nothing sent
    assert station.spool.count() == 2

    repo.release.set()
    stuck.join(10)
    assert [(d.record.barcode, d.outcome) for d in station.flush()] == [("PV2", Outcome.STORED)]
    assert sorted(p["Barcode"] for p in db.panel.find()) == ["PV1", "PV2"]
    assert station.spool.count() == 0


def test_the_data_folder_is_private_whichever_folder_comes_first(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = tmp_path / "share" / "elconsole"
    monkeypatch.setattr(paths, "data_dir", lambda: home)
    Inbox(home / "inbox", Validator(), settle_s=0).scan()
    assert stat.S_IMODE(home.stat().st_mode) == 0o700
    Spool(home / "spool").put({"barcode": "PV1"})
    assert stat.S_IMODE((home / "spool").stat().st_mode) == 0o700
    elsewhere = tmp_path / "shared-inbox"  # a folder of the AI box's: left as made
    Inbox(elsewhere, Validator(), settle_s=0).scan()
    assert stat.S_IMODE(elsewhere.stat().st_mode) == 0o777 & ~_umask()


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def test_a_judgment_a_flush_already_sent_is_not_stored_again(tmp_path: Path) -> None:
    db = mongomock.MongoClient()["t"]
    repo = FlakyRepo(PanelRepository(db))
    station = make_station(tmp_path, repo, db)
    raw = Judgment(Validator().validate_ai(ai_raw("PV1"))).record(T0 + 60, "op1")
    entry = station.spool.put(raw)
    assert [(d.record.barcode, d.outcome) for d in station.flush()] == [("PV1", Outcome.STORED)]
    delivery = station.deliver(entry)  # the submission that wrote the file comes second
    assert (delivery.outcome, repo.calls) == (Outcome.STORED, 1)
    assert db.panel.count_documents({}) == 1
