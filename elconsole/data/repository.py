"""Reading and writing EL tests in the five-collection layout."""

from __future__ import annotations

import enum
import hashlib
import logging
import math
import re
from collections import defaultdict
from collections.abc import Collection as Many
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from typing import Any

from pymongo import ASCENDING
from pymongo.collection import Collection
from pymongo.database import Database

from elconsole.data.bulk import insert_ignoring_duplicates
from elconsole.data.errors import mapped_errors
from elconsole.data.gcpause import cyclic_gc_paused
from elconsole.data.summaries import (
    FIRSTS,
    HOUR,
    HOURS,
    QUARTER,
    HourSummaries,
    Plan,
    hour_of,
)
from elconsole.domain.history import StoredDefect, StoredTest, fate_of
from elconsole.domain.plantclock import PlantClock
from elconsole.domain.records import StationRecord, reconcile
from elconsole.domain.stats import (
    ADDED,
    CONFIRMED,
    REJECTED,
    Report,
    TestFacts,
    compute,
    merge_parts,
)

log = logging.getLogger(__name__)

# 2: ids in time order; 1: hashed ids. Panels of both carry a summary.
SCHEMA = 2
OURS = (1, SCHEMA)
CHUNK = 500
RAW_BATCH = 1000  # panels per reply: decoding a reply holds the GIL (the window waits)
FEW = 16
UNKNOWN_TYPE = "?"
Doc = dict[str, Any]

# Only the indexes our queries use: on the embedded store every index makes
# each insert write more pages (the panel's four indexes cost a third of the
# import time), so unused ones are not created.
INDEXES: dict[str, list[list[tuple[str, int]]]] = {
    "panel": [[("Barcode", ASCENDING)], [("create_time", ASCENDING)], [("schema", ASCENDING)]],
    "panel_status": [[("Panel_ID", ASCENDING)]],
    "panel_defect": [[("Panel_ID", ASCENDING)]],
    "defect": [],
    "el": [[("EL_no", ASCENDING)]],
}
# Collections derived from the five, which the console alone writes.
DERIVED: dict[str, list[list[tuple[str, int]]]] = {
    HOURS: [[("hour", ASCENDING)]],
    FIRSTS: [],
    "layouts": [],
}


@dataclass(frozen=True)
class _Older:
    """Panels a store holds that the identity's ``_id`` of this schema would miss."""

    foreign: bool  # written by other software: found by barcode
    hashed: bool  # written with schema 1's ids


class Outcome(enum.Enum):
    """What storing one record did."""

    STORED = "stored"
    PRESENT = "already present"


def panel_id(record: StationRecord) -> str:
    """Return the panel ``_id`` of a record, derived from its identity.

    It begins, as an ObjectId does, with a second: the test's, in ten hex
    digits, and fourteen digits of a hash of the identity follow (24 in all,
    like the ids of schema 1). New tests, and whatever points to them, thus
    go to the end of each index; hashed ids went all over every index and
    slowed a million-test store's import to about 60 % of its rate on an
    empty store.
    """
    return _second(record.create_time) + hashed_panel_id(record)[:14]


def hashed_panel_id(record: StationRecord) -> str:
    """Return the panel ``_id`` that schema 1 gave a record: a hash alone."""
    return _hex_id("panel", record.barcode, record.el_no, repr(record.create_time))


def _second(when: float) -> str:
    return f"{min(max(int(when), 0), 16**10 - 1):010x}"


def _child_id(pid: str, *parts: str) -> str:
    """Return the ``_id`` of a document of the panel ``pid``: in its time order too."""
    return pid[:10] + _hex_id(pid, *parts)[:14]


class PanelRepository:
    """Stores station records and reads tests back, on any MongoDB-compatible store.

    Queries keep to what every supported store answers alike: indexed
    ``find()`` calls with ``$in`` for references, grouping done in Python.
    """

    def __init__(self, db: Database[Doc], stats_db: Database[Doc] | None = None) -> None:
        """``stats_db`` is ``db`` with the read preference of statistics reads."""
        self.db = db
        self.stats_db = db if stats_db is None else stats_db
        self._indexed = False
        self._stations: set[str] = set()
        self._older: _Older | None = None
        self._layouts: set[str] = set()
        self.summaries = HourSummaries(db, self, self.stats_db)

    @mapped_errors
    def ensure_indexes(self) -> None:
        """Create the indexes of every query the console makes (idempotent)."""
        if self._indexed:
            return
        for name, specs in {**INDEXES, **DERIVED}.items():
            for keys in specs:
                self.db[name].create_index(keys)
        self._indexed = True

    # -- writing ---------------------------------------------------------

    def store(self, record: StationRecord) -> Outcome:
        """Store one validated record; see ``store_many``."""
        return self.store_many([record])[0]

    @mapped_errors
    def store_many(self, records: Sequence[StationRecord]) -> list[Outcome]:
        """Store validated records in the five collections; one outcome per record.

        Every ``_id`` derives from the record's identity and each panel
        document is written last, after everything it points to: a reader
        never sees half a record, and an interrupted call can be repeated.
        """
        self.ensure_indexes()
        stored = self._identities_stored(records)
        outcomes = [Outcome.PRESENT] * len(records)
        todo: dict[str, int] = {}
        for index, record in enumerate(records):
            if record.identity not in stored:
                todo.setdefault(panel_id(record), index)
        docs = [build_documents(records[i]) for i in todo.values()]
        panels = [doc["panel"][0] for doc in docs]
        facts = [_facts_from_summary(p, False) for p in panels]
        plan = self.summaries.plan(facts)
        try:
            lost = self._insert(docs, [records[i] for i in todo.values()])
        except BaseException:
            self._abandon(plan)
            raise
        self.summaries.finish(plan, [f for f in facts if f.panel_id not in lost])
        for pid, index in todo.items():
            if pid not in lost:
                outcomes[index] = Outcome.STORED
        return outcomes

    def _abandon(self, plan: Plan) -> None:
        """Leave the hours of a failed store dirty; if even that fails, their marks expire."""
        try:
            self.summaries.abandon(plan)
        except Exception as exc:  # noqa: BLE001 - the store's first error is the one to report
            # One line: the store is gone, and the caller reports that in plain words.
            log.warning("could not mark the hours of a failed store: %s", exc)
            log.debug("marking the hours failed", exc_info=True)

    def _insert(self, docs: list[dict[str, list[Doc]]], records: list[StationRecord]) -> set[Any]:
        """Insert the documents, panels last; return the panel ids already stored."""
        for name in ("defect", "panel_defect", "panel_status"):
            insert_ignoring_duplicates(self.db[name], [d for doc in docs for d in doc[name]])
        for el_no in sorted({r.el_no for r in records}):
            self._ensure_station(el_no)
        self._note_layouts({f"{r.cell_size} {r.cell_amount}" for r in records})
        return insert_ignoring_duplicates(self.db.panel, [doc["panel"][0] for doc in docs])

    def _note_layouts(self, layouts: set[str]) -> None:
        new = layouts - self._layouts
        insert_ignoring_duplicates(self.db.layouts, [{"_id": name} for name in sorted(new)])
        self._layouts |= new

    def _identities_stored(self, records: Sequence[StationRecord]) -> set[tuple[str, str, float]]:
        older = self._older_panels()
        by_id = {panel_id(r): r.identity for r in records}
        if older.hashed:
            by_id.update({hashed_panel_id(r): r.identity for r in records})
        found = {by_id[doc["_id"]] for doc in self._find_in(self.db.panel, "_id", list(by_id))}
        if older.foreign:
            found |= self._foreign_identities([r for r in records if r.identity not in found])
        return found

    def _older_panels(self) -> _Older:
        """Which panels that this schema's ids would miss are stored.

        Asked again until both kinds are found (two indexed queries): other
        software, or a console of schema 1, may write to the store meanwhile.
        """
        if self._older is None or not (self._older.foreign and self._older.hashed):
            foreign = self.db.panel.find_one({"schema": {"$exists": False}}, {"_id": 1})
            hashed = self.db.panel.find_one({"schema": 1}, {"_id": 1})
            self._older = _Older(foreign=foreign is not None, hashed=hashed is not None)
        return self._older

    def _foreign_identities(self, records: Sequence[StationRecord]) -> set[tuple[str, str, float]]:
        found: set[tuple[str, str, float]] = set()
        for barcode in sorted({r.barcode for r in records}):
            for doc in self.db.panel.find({"Barcode": barcode}, _IDENTITY_FIELDS):
                when = _number(doc.get("create_time"))
                if when is not None:
                    found.add((barcode, str(doc.get("EL_no")), when))
        return found

    def _ensure_station(self, el_no: str) -> None:
        if el_no in self._stations:
            return
        if self.db.el.find_one({"EL_no": el_no}, {"_id": 1}) is None:
            doc = {"_id": _hex_id("el", el_no), "EL_no": el_no}
            insert_ignoring_duplicates(self.db.el, [doc])
        self._stations.add(el_no)

    # -- reading a module's history ----------------------------------------

    @mapped_errors
    def lookup(self, barcode: str) -> list[StoredTest]:
        """Return every stored test of a barcode, newest first (exact match only)."""
        if not isinstance(barcode, str):
            raise TypeError("a barcode is a string")
        self.ensure_indexes()
        panels = list(self.db.panel.find({"Barcode": barcode}))
        if barcode.isascii() and barcode.isdigit() and len(barcode) < 19:
            # Older software may have stored a numeric barcode as a number.
            panels += self.db.panel.find({"Barcode": int(barcode)})
        # Checked again here: the embedded store compares text only up to a NUL.
        panels = [p for p in panels if _barcode_text(p.get("Barcode")) == barcode]
        panels.sort(key=lambda p: _number(p.get("create_time")) or 0.0, reverse=True)
        return self._stored_tests(panels)

    @mapped_errors
    def find_barcodes(self, fragment: str, limit: int = 50) -> list[str]:
        """Return the first ``limit`` stored barcodes (sorted) that contain ``fragment``.

        The fragment is plain text, never a pattern.
        """
        if not isinstance(fragment, str) or not fragment:
            return []
        self.ensure_indexes()
        query = {"Barcode": {"$regex": re.escape(fragment)}}
        found: set[str] = set()
        for doc in self.db.panel.find(query, {"Barcode": 1, "_id": 0}):
            if isinstance(doc.get("Barcode"), str):
                found.add(doc["Barcode"])
        return sorted(found)[:limit]

    # -- reading a window for statistics -----------------------------------

    @mapped_errors
    def window_facts(self, start: float, end: float) -> list[TestFacts]:
        """Return the facts of every test whose create_time lies in ``[start, end)``."""
        return self.raw_window(start, end)[1]

    def raw_window(
        self, start: float, end: float, db: Database[Doc] | None = None
    ) -> tuple[int, list[TestFacts]]:
        """Return how many panel documents the window's query found, and the tests' facts."""
        self.ensure_indexes()
        query = {"create_time": {"$gte": start, "$lt": end}}
        source = (self.db if db is None else db).panel
        found = list(source.find(query, _PANEL_FIELDS, batch_size=RAW_BATCH))
        panels = [p for p in found if _in_window(p.get("create_time"), start, end)]
        older = self._barcodes_tested_before([p.get("Barcode") for p in panels], start)
        return len(found), self._facts(panels, _first_tests(panels, older))

    def first_test(self, barcode: str) -> TestFacts | None:
        """Return the first test of a barcode in the whole store, or None."""
        panels = [
            p
            for p in self.db.panel.find({"Barcode": barcode}, _PANEL_FIELDS)
            if _number(p.get("create_time")) is not None
        ]
        firsts = _first_tests(panels, set())
        return next((f for f in self._facts(panels, firsts) if f.first_pass), None)

    def _facts(self, panels: list[Doc], firsts: set[str]) -> list[TestFacts]:
        summarised = [p for p in panels if _summary(p) is not None]
        legacy = [p for p in panels if _summary(p) is None]
        facts = [_facts_from_summary(p, _key(p["_id"]) in firsts) for p in summarised]
        facts.extend(self._legacy_facts(legacy, firsts))
        return facts

    @mapped_errors
    def window_report(
        self,
        clock: PlantClock,
        start: float,
        end: float,
        by: Sequence[str] = (),
        stations: Many[str] | None = None,
        layouts: Many[str] | None = None,
    ) -> Report:
        """Return the statistics of ``[start, end)``, as ``stats.compute`` defines them.

        Whole UTC hours come from the hour summaries, split by quarter where
        a day or shift boundary the breakdowns need falls at :15, :30 or :45;
        the window's partial first and last hours, and hours with a boundary
        at any other minute, are read from the panels.
        """
        self.ensure_indexes()
        with cyclic_gc_paused():
            return self._window_report(clock, start, end, by, stations, layouts)

    def _window_report(
        self,
        clock: PlantClock,
        start: float,
        end: float,
        by: Sequence[str],
        stations: Many[str] | None,
        layouts: Many[str] | None,
    ) -> Report:
        first, last = math.ceil(start / HOUR) * HOUR, math.floor(end / HOUR) * HOUR
        clean, split = [], set()
        for hour in range(first, last, HOUR):
            if _whole(clock, hour, HOUR, by):
                clean.append(hour)
            elif all(_whole(clock, q, QUARTER, by) for q in range(hour, hour + HOUR, QUARTER)):
                clean.append(hour)
                split.add(hour)
        facts: list[TestFacts] = []
        for lo, hi in _gaps(start, end, clean):
            facts.extend(self.raw_window(lo, hi, self.stats_db)[1])
        report = compute(facts, clock, start, end, by, stations, layouts)
        if not clean:
            return report
        wanted = set(clean)
        found = self.summaries.parts(clean[0], clean[-1] + HOUR, split)
        parts = [p for p in found if hour_of(p.when) in wanted]
        return merge_parts(report, parts, clock, stations, layouts)

    @mapped_errors
    def rebuild_summaries(self, start: float, end: float) -> int:
        """Recompute the hour summaries of ``[start, end)`` from the panels; return the hours."""
        self.ensure_indexes()
        return self.summaries.rebuild(int(start), int(end))

    @mapped_errors
    def filter_choices(self) -> tuple[list[str], list[str]]:
        """Return the stations (EL_no) and cell layouts that stored tests use."""
        self.ensure_indexes()
        stations = {str(doc.get("EL_no")) for doc in self.db.el.find({}, {"EL_no": 1})}
        layouts = {str(doc["_id"]) for doc in self.db.layouts.find({})}
        if not layouts or self._older_panels().foreign:
            layouts = self._scan_layouts()
        return sorted(stations), sorted(layouts)

    def _scan_layouts(self) -> set[str]:
        layouts: set[str] = set()
        for doc in self.db.panel.find({}, {"cell_size": 1, "cell_amount": 1, "_id": 0}):
            layouts.add(_layout(doc))
        self._note_layouts(layouts)
        return layouts

    def _barcodes_tested_before(self, barcodes: Sequence[Any], start: float) -> set[str]:
        """Return the barcodes among ``barcodes`` with a test before ``start``.

        Sorted barcodes are asked for as index ranges of a chunk each:
        nx-27017 answers a range from the index but scans for ``$in``.
        """
        wanted = sorted({b for b in barcodes if isinstance(b, str)})
        wanted_set = set(wanted)
        older: set[str] = set()
        for chunk in _chunks(wanted):
            query = {"Barcode": {"$gte": chunk[0], "$lte": chunk[-1]}}
            for doc in self.db.panel.find(query, _IDENTITY_FIELDS):
                when = _number(doc.get("create_time"))
                barcode = doc.get("Barcode")
                if barcode in wanted_set and when is not None and when < start:
                    older.add(barcode)
        return older

    def _legacy_facts(self, panels: list[Doc], firsts: set[str]) -> list[TestFacts]:
        return [
            _facts_from_test(test, test.panel_id in firsts) for test in self._stored_tests(panels)
        ]

    def _stored_tests(self, panels: list[Doc]) -> list[StoredTest]:
        """Return the panels with their verdicts and defects read from the other collections."""
        ids = [p["_id"] for p in panels]
        statuses = self._statuses_of(ids)
        links = self._links_of(ids)
        defects = self._defects_by_id(
            [link.get("Defect_ID") for group in links.values() for link in group]
        )
        return [
            _stored_test(
                p, statuses.get(_key(p["_id"]), []), links.get(_key(p["_id"]), []), defects
            )
            for p in panels
        ]

    # -- shared readers ------------------------------------------------------

    def _statuses_of(self, ids: list[Any]) -> dict[str, list[Doc]]:
        return _grouped(self._find_in(self.db.panel_status, "Panel_ID", ids), "Panel_ID")

    def _links_of(self, ids: list[Any]) -> dict[str, list[Doc]]:
        return _grouped(self._find_in(self.db.panel_defect, "Panel_ID", ids), "Panel_ID")

    def _defects_by_id(self, ids: Iterable[Any]) -> dict[str, Doc]:
        unique = list({_key(i): i for i in ids if i is not None}.values())
        return {_key(d["_id"]): d for d in self._find_in(self.db.defect, "_id", unique)}

    @staticmethod
    def _find_in(coll: Collection[Doc], name: str, values: list[Any]) -> Iterator[Doc]:
        """Yield the documents whose ``name`` is one of ``values``.

        A few string values are asked for one by one: nx-27017 answers
        equality from an index but scans the collection for ``$in`` (except
        on ``_id``). ObjectIds always go through ``$in``: nx-27017 cannot
        match them by equality outside ``_id``.
        """
        few = len(values) <= FEW and name != "_id"
        for value in values:
            if few and isinstance(value, str):
                yield from coll.find({name: value})
        rest = [v for v in values if not (few and isinstance(v, str))]
        for chunk in _chunks(rest):
            yield from coll.find({name: {"$in": chunk}})


_IDENTITY_FIELDS = {"Barcode": 1, "EL_no": 1, "create_time": 1}
_PANEL_FIELDS = {
    "Barcode": 1,
    "EL_no": 1,
    "create_time": 1,
    "cell_size": 1,
    "cell_amount": 1,
    "summary": 1,
    "schema": 1,
}


def build_documents(record: StationRecord) -> dict[str, list[Doc]]:
    """Return the documents of one record per collection (SPEC section 3)."""
    pid = panel_id(record)
    fates = reconcile(record)
    defects: list[Doc] = []
    links: list[Doc] = []
    summary: list[list[Any]] = []
    for group, by, status, when, fate in (
        (fates.confirmed, "AI", "true", record.ai_time, CONFIRMED),
        (fates.rejected, "AI", "false", record.ai_time, REJECTED),
        (fates.added, "OP", "true", record.gui_time, ADDED),
    ):
        for code, (row, col) in group:
            did = _child_id(pid, "defect", by, code, str(row), str(col))
            defects.append(
                {"_id": did, "Type": code, "Position": [row, col], "by": by, "time": when}
            )
            links.append(
                {
                    "_id": _child_id(pid, "link", did),
                    "Panel_ID": pid,
                    "Defect_ID": did,
                    "by": by,
                    "Status": status,
                }
            )
            summary.append([code, fate, [row, col]])

    statuses = [
        {
            "_id": _child_id(pid, "status", by),
            "Panel_ID": pid,
            "time": record.create_time,
            "result": result,
            "by": by,
        }
        for by, result in (("AI", record.ai_result), ("OP", record.gui_result))
    ]
    panel: Doc = {
        "_id": pid,
        "Barcode": record.barcode,
        "cell_type": record.cell_type,
        "cell_size": record.cell_size,
        "cell_amount": record.cell_amount,
        "EL_no": record.el_no,
        "create_time": record.create_time,
        "schema": SCHEMA,
        "summary": {"ai": record.ai_result, "op": record.gui_result, "defects": summary},
        "ai_time": record.ai_time,
        "gui_time": record.gui_time,
    }
    if record.operator:
        panel["operator"] = record.operator
    return {
        "defect": defects,
        "panel_defect": links,
        "panel_status": statuses,
        "panel": [panel],
    }


def _hex_id(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:24]


def _key(value: Any) -> str:
    """Return a reference as a comparable key (ObjectId and string alike)."""
    return str(value)


def _chunks(values: Sequence[Any]) -> Iterator[list[Any]]:
    for i in range(0, len(values), CHUNK):
        yield list(values[i : i + CHUNK])


def _grouped(docs: Iterable[Doc], field: str) -> dict[str, list[Doc]]:
    out: dict[str, list[Doc]] = defaultdict(list)
    for doc in docs:
        out[_key(doc.get(field))].append(doc)
    return out


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    number = float(value)
    return number if number - number == 0.0 else None  # not NaN nor an infinity


def _in_window(value: Any, start: float, end: float) -> bool:
    when = _number(value)
    return when is not None and start <= when < end


def _summary(panel: Doc) -> dict[str, Any] | None:
    """Return the panel's summary if it is whole; else it is read like old data."""
    summary = panel.get("summary")
    if panel.get("schema") in OURS and _summary_ok(summary):
        return summary
    return None


def _summary_ok(summary: Any) -> bool:
    """Whether a stored summary holds two verdicts and well-formed defects."""
    if not isinstance(summary, dict) or not isinstance(summary.get("defects", []), list):
        return False
    verdicts = (isinstance(v, str) and _verdict(v) for v in (summary.get("ai"), summary.get("op")))
    return all(verdicts) and all(_summary_defect_ok(d) for d in summary.get("defects", []))


def _summary_defect_ok(entry: Any) -> bool:
    return (
        isinstance(entry, list)
        and len(entry) in (2, 3)
        and isinstance(entry[0], str)
        and entry[1] in (CONFIRMED, REJECTED, ADDED)
        and (len(entry) == 2 or _on_grid(entry[2]))
    )


def _first_tests(panels: list[Doc], older: set[str]) -> set[str]:
    """Return the panel keys that are their barcode's first test in the store."""
    first: dict[str, Doc] = {}
    for p in panels:
        barcode = p.get("Barcode")
        if not isinstance(barcode, str) or barcode in older:
            continue
        best = first.get(barcode)
        if best is None or (p["create_time"], _key(p["_id"])) < (
            best["create_time"],
            _key(best["_id"]),
        ):
            first[barcode] = p
    return {_key(p["_id"]) for p in first.values()}


def _whole(clock: PlantClock, start: int, length: int, by: Sequence[str]) -> bool:
    """Whether ``[start, start + length)`` lies in one local day and one shift (as used)."""
    last = start + length - 1  # boundaries fall on whole seconds
    if not ("day" in by or "shift" in by):
        return True
    if clock.local(start).utcoffset() != clock.local(last).utcoffset():
        return False
    if "day" in by and clock.day_key(start) != clock.day_key(last):
        return False
    return not ("shift" in by and clock.shift_key(start) != clock.shift_key(last))


def _gaps(start: float, end: float, hours: list[int]) -> list[tuple[float, float]]:
    """Return the parts of ``[start, end)`` that the (sorted) whole hours leave out."""
    gaps: list[tuple[float, float]] = []
    at = start
    for hour in hours:
        if hour > at:
            gaps.append((at, float(hour)))
        at = float(hour + HOUR)
    if at < end:
        gaps.append((at, end))
    return gaps


def _layout(panel: Doc) -> str:
    return f"{panel.get('cell_size')} {panel.get('cell_amount')}"


def _facts_from_summary(panel: Doc, first: bool) -> TestFacts:
    summary = panel["summary"]
    return TestFacts(
        panel_id=_key(panel["_id"]),
        barcode=str(panel.get("Barcode")),
        el_no=str(panel.get("EL_no")),
        create_time=float(panel["create_time"]),
        layout=_layout(panel),
        ai=summary.get("ai"),
        op=summary.get("op"),
        defects=tuple((str(d[0]), str(d[1])) for d in summary.get("defects", [])),
        first_pass=first,
        cells=tuple(_cell(d[0], d[1], d[2]) for d in summary.get("defects", []) if len(d) > 2),
    )


def _facts_from_test(test: StoredTest, first: bool) -> TestFacts:
    return TestFacts(
        panel_id=test.panel_id,
        barcode=test.barcode,
        el_no=test.el_no,
        create_time=test.create_time,
        layout=f"{test.cell_size} {test.cell_amount}",
        ai=test.ai,
        op=test.op,
        defects=tuple((d.code, d.fate) for d in test.defects if d.fate is not None),
        first_pass=first,
        damage=test.damage,
        cells=tuple(
            _cell(d.code, d.fate, d.position)
            for d in test.defects
            if d.fate is not None and _on_grid(d.position)
        ),
    )


def _on_grid(position: Any) -> bool:
    """Whether a stored position is a [row, col] pair of positive integers."""
    return (
        isinstance(position, (list, tuple))
        and len(position) == 2
        and all(isinstance(v, int) and not isinstance(v, bool) and v > 0 for v in position)
    )


def _cell(code: Any, fate: Any, position: Any) -> tuple[str, str, int, int]:
    row, col = position
    return (str(code), str(fate), int(row), int(col))


def _verdict(value: Any) -> str | None:
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return str(value)
    if isinstance(value, str) and value.isascii() and value.isdigit():
        return value
    return None


def _barcode_text(value: object) -> str | None:
    """Return a stored barcode as text: a string as it is, an integer in digits."""
    if isinstance(value, str):
        return value
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return str(value)
    return None


def _stored_test(
    panel: Doc, statuses: list[Doc], links: list[Doc], defects: dict[str, Doc]
) -> StoredTest:
    damage: list[str] = []
    verdicts = _verdicts(statuses, damage)
    stored = [_stored_defect(link, defects, damage) for link in links]
    when = _number(panel.get("create_time"))
    if when is None:
        damage.append(f"create_time {panel.get('create_time')!r} is not a number")
    for name in ("Barcode", "EL_no"):
        if not isinstance(panel.get(name), str):
            damage.append(f"{name} {_short(panel.get(name))} is not text")
    if panel.get("schema") in OURS and _summary(panel) is None:
        damage.append(f"its summary {_short(panel.get('summary'))} is not readable")
    test = StoredTest(
        panel_id=_key(panel["_id"]),
        barcode=str(panel.get("Barcode")),
        el_no=str(panel.get("EL_no")),
        cell_type=str(panel.get("cell_type")),
        cell_size=str(panel.get("cell_size")),
        cell_amount=panel.get("cell_amount"),
        create_time=when if when is not None else 0.0,
        ai=verdicts.get("AI"),
        op=verdicts.get("OP"),
        defects=tuple(sorted(stored, key=lambda d: (d.fate or "", d.code, d.label))),
        operator=panel.get("operator"),
        damage=tuple(damage),
    )
    if test.grid is None:
        layout = f"{_short(panel.get('cell_size'))} {_short(panel.get('cell_amount'))}"
        return replace(test, damage=(*test.damage, f"{layout} is no module's layout"))
    return test


def _verdicts(statuses: list[Doc], damage: list[str]) -> dict[str, str]:
    found: dict[str, str] = {}
    ordered = sorted(statuses, key=lambda s: _number(s.get("time")) or 0.0)
    for status in ordered:
        by = status.get("by")
        code = _verdict(status.get("result"))
        if by not in ("AI", "OP"):
            damage.append(f"a verdict by {by!r} (expected AI or OP)")
        elif code is None:
            damage.append(f"{by} verdict {status.get('result')!r} is not a verdict code")
        else:
            if by in found:
                damage.append(f"more than one {by} verdict; the latest is shown")
            found[by] = code
    for by in ("AI", "OP"):
        if by not in found and not any(by in d for d in damage):
            damage.append(f"no {by} verdict stored")
    return found


def _stored_defect(link: Doc, defects: dict[str, Doc], damage: list[str]) -> StoredDefect:
    did = link.get("Defect_ID")
    doc = defects.get(_key(did))
    if doc is None:
        damage.append(f"defect {did} is missing")
        doc = {}
    by = str(link.get("by") or doc.get("by") or "?")
    status = str(link.get("Status"))
    fate = fate_of(by, status)
    if fate is None:
        damage.append(f"a defect link by {by!r} with Status {status!r}")
    code = doc.get("Type")
    if doc and not (isinstance(code, str) and code):
        damage.append(f"defect {did} has no type ({_short(code)})")
    if doc and not _row_col(doc.get("Position")):
        damage.append(f"defect {did} position {_short(doc.get('Position'))} is not [row, col]")
    return StoredDefect(
        code=code if isinstance(code, str) and code else UNKNOWN_TYPE,
        position=doc.get("Position"),
        by=by,
        status=status,
        time=_number(doc.get("time")),
        fate=fate,
    )


def _row_col(position: Any) -> bool:
    """Whether a stored position is two integers (on the grid or not)."""
    return (
        isinstance(position, list)
        and len(position) == 2
        and all(isinstance(v, int) and not isinstance(v, bool) for v in position)
    )


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."
