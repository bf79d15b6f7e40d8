"""Pre-aggregated statistics: one summary document per UTC hour, kept exact."""

from __future__ import annotations

import json
import logging
import math
import secrets
import time
from collections import defaultdict
from collections.abc import Collection as Many
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Protocol

from bson import ObjectId
from pymongo.collection import Collection
from pymongo.database import Database

from elconsole.data.bulk import insert_ignoring_duplicates
from elconsole.domain.stats import OK, Part, Summary, TestFacts

log = logging.getLogger(__name__)

HOUR = 3600
# Each hour also keeps its counts per quarter, so that an hour holding a day or
# shift boundary at :15, :30 or :45 (Asia/Kolkata, Asia/Kathmandu) needs no raw read.
QUARTER = 900
QUARTERS = HOUR // QUARTER
FORMAT = 3  # of the hour documents; one of another format is recomputed
HOURS = "stats_hours"
FIRSTS = "first_tests"
STALE_S = 300.0  # a writer's mark older than this belongs to a writer that died
TRIES = 50
ANY_TIME = {"$gte": -1e15, "$lt": 1e15}
# Small reply batches: the driver decodes a batch holding the GIL, which would
# stall the window's thread for a large one.
BATCH_DOCS = 100
Doc = dict[str, Any]
Group = tuple[str, str]  # (EL_no, layout)
Slot = tuple[str, str, int]  # (EL_no, layout, quarter of the hour 0-3)


class RawReader(Protocol):
    """What the summaries need from the repository: tests read from the panels."""

    def raw_window(self, start: float, end: float) -> tuple[int, list[TestFacts]]:
        """Return the number of panel documents in ``[start, end)`` and their facts."""

    def first_test(self, barcode: str) -> TestFacts | None:
        """Return the first test of a barcode in the whole store."""


def hour_of(when: float) -> int:
    """Return the start (unix seconds) of the UTC hour holding ``when``."""
    return int(math.floor(when / HOUR)) * HOUR


def quarter_of(when: float) -> int:
    """Return which quarter (0-3) of its UTC hour ``when`` falls in."""
    return min(QUARTERS - 1, int((when - hour_of(when)) // QUARTER))


def count_panels(db: Database[Doc], start: float, end: float) -> int:
    """Return how many panels have a create_time in ``[start, end)`` (an indexed count)."""
    query = {"create_time": {"$gte": start, "$lt": end}}
    found = list(db.panel.aggregate([{"$match": query}, {"$count": "n"}]))
    return int(found[0]["n"]) if found else 0


@dataclass
class HourDoc:
    """One hour's summaries as stored, with the marks of writers at work on it."""

    hour: int
    rev: int = 0
    docs: int = 0  # panel documents of the hour the summaries count
    dirty: bool = False
    pending: list[str] = field(default_factory=list)  # "token:time:panels"
    groups: dict[Group, dict[str, Any]] = field(default_factory=dict)  # Summary.to_doc()
    # Per group, the Tally vector of each quarter ([] for none); parsed when first used.
    quarters_text: str = "[]"
    _quarters: dict[Group, list[list[int]]] | None = None

    @classmethod
    def parse(cls, doc: Doc) -> HourDoc:
        known = doc.get("format") == FORMAT
        groups = json.loads(doc.get("groups") or "[]") if known else []
        return cls(
            hour=int(doc["hour"]),
            rev=int(doc.get("rev", 0)),
            docs=int(doc.get("docs", 0)),
            dirty=bool(doc.get("dirty")) or not known,
            pending=[str(p) for p in doc.get("pending", [])],
            groups={(g[0], g[1]): g[2] for g in groups},
            quarters_text=str(doc.get("quarters") or "[]") if known else "[]",
        )

    @property
    def quarters(self) -> dict[Group, list[list[int]]]:
        """Return each group's Tally vectors by quarter of the hour."""
        if self._quarters is None:
            parsed = json.loads(self.quarters_text)
            self._quarters = {(g[0], g[1]): g[2] for g in parsed}
        return self._quarters

    def as_doc(self) -> Doc:
        groups = [[el, layout, doc] for (el, layout), doc in sorted(self.groups.items())]
        if self._quarters is None:
            quarters = self.quarters_text
        else:
            rows = [[el, layout, v] for (el, layout), v in sorted(self._quarters.items())]
            quarters = json.dumps(rows, separators=(",", ":"))
        return {
            "_id": _hour_id(self.hour),
            "hour": self.hour,
            "format": FORMAT,
            "rev": self.rev,
            "docs": self.docs,
            "dirty": self.dirty,
            "pending": self.pending,
            "inflight": sum(_mark_panels(p) for p in _live(self.pending)),
            "groups": json.dumps(groups, separators=(",", ":")),
            "quarters": quarters,
        }

    def add(self, slot: Slot, summary: Summary) -> None:
        """Add a summary of tests of one quarter to its group's and to the quarter's."""
        el_no, layout, quarter = slot
        group = (el_no, layout)
        held = self.groups.get(group)
        total = Summary() if held is None else Summary.from_doc(held)
        total.merge(summary)
        self.groups[group] = total.to_doc()
        vectors = self.quarters.setdefault(group, [[] for _ in range(QUARTERS)])
        vectors[quarter] = _plus(vectors[quarter], summary.total.to_vector())

    def parts(self, split: bool) -> list[Part]:
        """Return the hour's summaries, ``split`` by quarter for the day and shift counts.

        Split, a group gives one part of its types and heat (which no breakdown
        divides by time) and one part of its counts per quarter.
        """
        if not split:
            return [Part(float(self.hour), el, lay, doc) for (el, lay), doc in self.groups.items()]
        out: list[Part] = []
        for (el_no, layout), doc in self.groups.items():
            out.append(Part(float(self.hour), el_no, layout, {"y": doc["y"], "h": doc["h"]}))
            vectors = self.quarters.get((el_no, layout), [])
            for quarter, vector in enumerate(vectors):
                if vector:
                    when = float(self.hour + quarter * QUARTER)
                    out.append(Part(when, el_no, layout, {"t": vector}))
        return out

    @property
    def busy(self) -> bool:
        """Whether a writer (still alive) is storing tests of this hour."""
        return bool(_live(self.pending))

    @property
    def inflight(self) -> int:
        return sum(_mark_panels(p) for p in _live(self.pending))


@dataclass
class Plan:
    """A writer's marks on the hours it is about to change."""

    token: str
    hours: dict[int, int]  # hour -> panels it may add there
    firsts: dict[str, Doc]  # barcode -> its first test as stored before


class HourSummaries:
    """Keeps and reads the per-hour summaries of the panel collection.

    Writers mark the hours they change before inserting panels and fold
    their tests in afterwards, with a compare-and-set on each hour's ``rev``.
    Readers trust an hour only if no live writer marks it, it is not dirty,
    and the panels counted in the store match its ``docs``; otherwise they
    recompute it from the panels (and store the result if nobody wrote
    meanwhile). ``first_tests`` holds each barcode's first test, so that a
    writer knows which earlier first test a new record displaces.
    """

    def __init__(
        self, db: Database[Doc], raw: RawReader, read_db: Database[Doc] | None = None
    ) -> None:
        """``read_db`` serves the checks of the statistics reads (a secondary may do)."""
        self.db = db
        self.read = db if read_db is None else read_db
        self.raw = raw
        self.hours: Collection[Doc] = db[HOURS]
        self.firsts: Collection[Doc] = db[FIRSTS]

    # -- writing ---------------------------------------------------------

    def plan(self, facts: Sequence[TestFacts]) -> Plan:
        """Mark the hours that storing ``facts`` will change (call before inserting)."""
        firsts = self._existing(self._read_firsts({f.barcode for f in facts}))
        hours: dict[int, int] = defaultdict(int)
        for fact in facts:
            hours[hour_of(fact.create_time)] += 1
        for old in filter(None, _displaced(_candidates(facts), firsts).values()):
            hours.setdefault(hour_of(float(old["t"])), 0)
        plan = Plan(secrets.token_hex(8), dict(hours), firsts)
        self._mark(plan)
        return plan

    def finish(self, plan: Plan, inserted: Sequence[TestFacts]) -> None:
        """Fold the tests this writer inserted into the hours it marked."""
        candidates = _candidates(inserted)
        displaced = _displaced(candidates, plan.firsts)
        conflicts = self._write_firsts(candidates, displaced)
        changes: dict[int, dict[Slot, Summary]] = defaultdict(dict)
        counts: dict[int, int] = defaultdict(int)
        for fact in inserted:
            first = fact.barcode in displaced and candidates[fact.barcode] is fact
            hour = hour_of(fact.create_time)
            _group(changes[hour], fact).add(_with_first(fact, first))
            counts[hour] += 1
        for old in filter(None, displaced.values()):
            gone = _first_facts(old)
            _group(changes[hour_of(gone.create_time)], gone).add_first(gone, -1)
        dirty: set[int] = set()
        for barcode in conflicts:
            dirty |= self._resolve(candidates[barcode])
        for hour in plan.hours:
            self._fold(plan.token, hour, changes.get(hour, {}), counts[hour], hour in dirty)
        self._dirty(dirty - set(plan.hours))

    def abandon(self, plan: Plan) -> None:
        """After a failed store: leave the marked hours dirty, to be recomputed."""
        for hour in plan.hours:
            self._fold(plan.token, hour, {}, 0, True)

    def _existing(self, firsts: dict[str, Doc]) -> dict[str, Doc]:
        """Drop first tests whose panel is gone (deleted by hand); dirty their hours."""
        if not firsts:
            return firsts
        pids = [doc["pid"] for doc in firsts.values()]
        ids = pids + [ObjectId(p) for p in pids if ObjectId.is_valid(p)]  # older software's
        found = {str(d["_id"]) for d in self.db.panel.find({"_id": {"$in": ids}}, {"_id": 1})}
        gone = {b: doc for b, doc in firsts.items() if doc["pid"] not in found}
        for barcode, doc in gone.items():
            self.firsts.delete_one({"_id": barcode, "pid": doc["pid"]})
        self._dirty({hour_of(float(doc["t"])) for doc in gone.values()})
        return {b: doc for b, doc in firsts.items() if b not in gone}

    def _mark(self, plan: Plan) -> None:
        if not plan.hours:
            return
        ids = [_hour_id(h) for h in plan.hours]
        have = {d["_id"] for d in self.hours.find({"_id": {"$in": ids}}, {"_id": 1})}
        missing = [HourDoc(h).as_doc() for h in plan.hours if _hour_id(h) not in have]
        insert_ignoring_duplicates(self.hours, missing)
        now = time.time()
        for hour, panels in plan.hours.items():
            self.hours.update_one(
                {"_id": _hour_id(hour)},
                {
                    "$push": {"pending": f"{plan.token}:{now!r}:{panels}"},
                    "$inc": {"rev": 1, "inflight": panels},
                },
            )

    def _fold(
        self, token: str, hour: int, changes: dict[Slot, Summary], docs: int, dirty: bool
    ) -> None:
        for _ in range(TRIES):
            doc = self.hours.find_one({"_id": _hour_id(hour)})
            if doc is None:  # removed meanwhile: recompute from the panels
                return
            current = HourDoc.parse(doc)
            mine = [p for p in current.pending if p.startswith(f"{token}:")]
            if not mine:  # our mark was taken for a dead writer's: distrust the hour
                self._dirty({hour})
                return
            current.pending = [p for p in _live(current.pending) if p not in mine]
            for slot, summary in changes.items():
                current.add(slot, summary)
            current.docs += docs
            current.dirty = current.dirty or dirty
            if self._swap(current):
                return
        log.warning("hour %d changed too often to fold in; marking it dirty", hour)
        self._dirty({hour})

    def _swap(self, hour: HourDoc) -> bool:
        """Store ``hour`` if nobody changed it since it was read (its ``rev``)."""
        old = hour.rev
        hour.rev = old + 1
        result = self.hours.replace_one({"_id": _hour_id(hour.hour), "rev": old}, hour.as_doc())
        return result.matched_count == 1

    def _dirty(self, hours: Iterable[int]) -> None:
        for hour in hours:
            self.hours.update_one(
                {"_id": _hour_id(hour)}, {"$set": {"dirty": True}, "$inc": {"rev": 1}}
            )

    def _read_firsts(self, barcodes: Iterable[str]) -> dict[str, Doc]:
        wanted = sorted(barcodes)
        if not wanted:
            return {}
        found: dict[str, Doc] = {}
        for i in range(0, len(wanted), 500):
            for doc in self.firsts.find({"_id": {"$in": wanted[i : i + 500]}}):
                found[doc["_id"]] = doc
        return found

    def _write_firsts(
        self,
        candidates: dict[str, TestFacts],
        displaced: dict[str, Doc | None],
    ) -> set[str]:
        """Store the new first tests; return the barcodes another writer changed meanwhile."""
        new = [_first_doc(candidates[b]) for b, old in displaced.items() if old is None]
        conflicts = {str(i) for i in insert_ignoring_duplicates(self.firsts, new)}
        for barcode, old in displaced.items():
            if old is None:
                continue
            query = {"_id": barcode, "pid": old["pid"]}
            done = self.firsts.replace_one(query, _first_doc(candidates[barcode]))
            if done.matched_count != 1:
                conflicts.add(barcode)
        return conflicts

    def _resolve(self, candidate: TestFacts) -> set[int]:
        """After a lost race on a barcode's first test: store the earlier of the two.

        Returns the hours whose first-pass counts may now be wrong.
        """
        hours = {hour_of(candidate.create_time)}
        for _ in range(TRIES):
            doc = self.firsts.find_one({"_id": candidate.barcode})
            if doc is None:
                if not insert_ignoring_duplicates(self.firsts, [_first_doc(candidate)]):
                    return hours
                continue
            hours.add(hour_of(float(doc["t"])))
            if _order(candidate) >= (float(doc["t"]), str(doc["pid"])):
                return hours
            query = {"_id": candidate.barcode, "pid": doc["pid"]}
            if self.firsts.replace_one(query, _first_doc(candidate)).matched_count == 1:
                return hours
        return hours

    # -- reading ---------------------------------------------------------

    def parts(self, start: int, end: int, split: Many[int] = ()) -> list[Part]:
        """Return exact summaries of every whole hour in ``[start, end)`` (hour bounds).

        The hours in ``split`` give their day and shift counts per quarter.
        """
        if end <= start:
            return []
        self._check_everything()
        hours = self._read_hours(start, end)
        stale = self._stale(hours, start, end)
        rebuilt: set[int] = set()
        while stale:  # a rebuild may find first tests that dirty other hours
            for hour in sorted(stale):
                hours[hour] = self._rebuild(hour)
            rebuilt |= stale
            again = self._read_hours(start, end).values()
            stale = {d.hour for d in again if d.dirty and d.hour not in rebuilt}
        return [part for h in hours.values() for part in h.parts(h.hour in split)]

    def rebuild(self, start: int, end: int) -> int:
        """Recompute the summaries of every hour in ``[start, end)``; return how many."""
        hours = range(hour_of(start), end, HOUR)
        for hour in hours:
            self._rebuild(hour)
        return len(hours)

    def _read_hours(self, start: int, end: int) -> dict[int, HourDoc]:
        query = {"hour": {"$gte": start, "$lt": end}}
        found = self.read[HOURS].find(query, batch_size=BATCH_DOCS)
        return {d.hour: d for d in map(HourDoc.parse, found)}

    def _stale(self, hours: dict[int, HourDoc], start: int, end: int) -> set[int]:
        """Return the hours whose summaries cannot be trusted."""
        stale = {h.hour for h in hours.values() if h.dirty or h.busy}
        skipped = {h: count_panels(self.read, h, h + HOUR) for h in stale}
        trusted = {h: d.docs for h, d in hours.items() if h not in stale}
        return stale | set(self._miscounted(trusted, skipped, start, end))

    def _miscounted(
        self, docs: dict[int, int], skipped: dict[int, int], start: int, end: int
    ) -> Iterable[int]:
        """Yield the hours whose panel count differs from their ``docs`` (by bisection)."""
        expected = sum(docs.values()) + sum(skipped.values())
        if count_panels(self.read, start, end) == expected:
            return
        if end - start <= HOUR:
            yield start
            return
        middle = start + (end - start) // HOUR // 2 * HOUR
        for lo, hi in ((start, middle), (middle, end)):
            inside = {h: n for h, n in docs.items() if lo <= h < hi}
            yield from self._miscounted(
                inside, {h: n for h, n in skipped.items() if lo <= h < hi}, lo, hi
            )

    def _check_everything(self) -> None:
        """Find hours outside any window that lack panels (a crash, other software)."""
        stored = count_panels(self.read, ANY_TIME["$gte"], ANY_TIME["$lt"])
        sums = list(
            self.read[HOURS].aggregate(
                [{"$group": {"_id": None, "d": {"$sum": "$docs"}, "f": {"$sum": "$inflight"}}}]
            )
        )
        docs, inflight = (int(sums[0]["d"]), int(sums[0]["f"])) if sums else (0, 0)
        if docs <= stored <= docs + inflight:
            return
        log.info("summaries count %d panels, the store %d: looking for the hours", docs, stored)
        span = self._span()
        if span is None:
            return
        hours = self._read_hours(*span)
        stale = {h for h in self._stale(hours, *span) if not hours.get(h, HourDoc(h)).busy}
        for hour in sorted(stale):
            self._rebuild(hour)

    def _span(self) -> tuple[int, int] | None:
        first = self.db.panel.find_one({"create_time": ANY_TIME}, sort=[("create_time", 1)])
        last = self.db.panel.find_one({"create_time": ANY_TIME}, sort=[("create_time", -1)])
        if first is None or last is None:
            return None
        return hour_of(float(first["create_time"])), hour_of(float(last["create_time"])) + HOUR

    def _rebuild(self, hour: int) -> HourDoc:
        """Recompute one hour from its panels; store it unless a writer came by."""
        token = secrets.token_hex(8)
        self._mark(Plan(token, {hour: 0}, {}))
        marked = HourDoc.parse(self.hours.find_one({"_id": _hour_id(hour)}) or {"hour": hour})
        docs, facts = self.raw.raw_window(hour, hour + HOUR)
        slots: dict[Slot, Summary] = {}
        for fact in facts:
            _group(slots, fact).add(fact)
        fresh = HourDoc(hour, rev=marked.rev, docs=docs)
        for slot, summary in sorted(slots.items()):
            fresh.add(slot, summary)
        self._reconcile_firsts(facts)
        alone = all(p.startswith(f"{token}:") for p in _live(marked.pending))
        if not (alone and self._swap(fresh)):
            self._fold(token, hour, {}, 0, False)
        return fresh

    def _reconcile_firsts(self, facts: Sequence[TestFacts]) -> None:
        """Correct ``first_tests`` for the barcodes of recomputed tests; dirty the hours hit."""
        stored = self._read_firsts({f.barcode for f in facts})
        hit: set[int] = set()
        for fact in facts:
            doc = stored.get(fact.barcode)
            if fact.first_pass and (doc is None or doc["pid"] != fact.panel_id):
                hit |= self._set_first(fact.barcode, fact, doc)
            elif not fact.first_pass and doc is not None and doc["pid"] == fact.panel_id:
                hit |= self._set_first(fact.barcode, self.raw.first_test(fact.barcode), doc)
        hour_now = {hour_of(f.create_time) for f in facts}
        self._dirty(hit - hour_now)

    def _set_first(self, barcode: str, first: TestFacts | None, old: Doc | None) -> set[int]:
        if old is None:
            if first is not None:
                insert_ignoring_duplicates(self.firsts, [_first_doc(first)])
            return set()
        if first is None:
            self.firsts.delete_one({"_id": barcode, "pid": old["pid"]})
        else:
            self.firsts.replace_one({"_id": barcode, "pid": old["pid"]}, _first_doc(first))
        hit = {hour_of(float(old["t"]))}
        return hit | ({hour_of(first.create_time)} if first is not None else set())


def _hour_id(hour: int) -> str:
    return f"h{hour}"


def _live(pending: Iterable[str]) -> list[str]:
    now = time.time()
    return [p for p in pending if now - _mark_time(p) < STALE_S]


def _mark_time(mark: str) -> float:
    try:
        return float(mark.split(":")[1])
    except (IndexError, ValueError):
        return 0.0


def _mark_panels(mark: str) -> int:
    try:
        return int(mark.split(":")[2])
    except (IndexError, ValueError):
        return 0


def _group(slots: dict[Slot, Summary], fact: TestFacts) -> Summary:
    """Return the summary of the fact's station, layout and quarter among ``slots``."""
    return slots.setdefault((fact.el_no, fact.layout, quarter_of(fact.create_time)), Summary())


def _plus(held: list[int], vector: list[int]) -> list[int]:
    """Return two count vectors added up (``[]`` is none)."""
    return list(vector) if not held else [a + b for a, b in zip(held, vector, strict=True)]


def _candidates(facts: Iterable[TestFacts]) -> dict[str, TestFacts]:
    """Return each barcode's earliest test among ``facts``."""
    best: dict[str, TestFacts] = {}
    for fact in facts:
        held = best.get(fact.barcode)
        if held is None or _order(fact) < _order(held):
            best[fact.barcode] = fact
    return best


def _displaced(candidates: dict[str, TestFacts], firsts: dict[str, Doc]) -> dict[str, Doc | None]:
    """Return barcode -> the stored first test (None: none) for candidates that come earlier."""
    out: dict[str, Doc | None] = {}
    for barcode, fact in candidates.items():
        old = firsts.get(barcode)
        if old is None or _order(fact) < (float(old["t"]), str(old["pid"])):
            out[barcode] = old
    return out


def _order(fact: TestFacts) -> tuple[float, str]:
    return (fact.create_time, fact.panel_id)


def _with_first(fact: TestFacts, first: bool) -> TestFacts:
    return fact if fact.first_pass == first else replace(fact, first_pass=first)


def _first_doc(fact: TestFacts) -> Doc:
    return {
        "_id": fact.barcode,
        "t": fact.create_time,
        "pid": fact.panel_id,
        "el": fact.el_no,
        "layout": fact.layout,
        "ok": fact.op == OK,
        "codes": sorted({code for code, _ in fact.defects}),
    }


def _first_facts(doc: Doc) -> TestFacts:
    """Return enough of a stored first test to take its first-pass counts away."""
    return TestFacts(
        panel_id=str(doc["pid"]),
        barcode=str(doc["_id"]),
        el_no=str(doc["el"]),
        create_time=float(doc["t"]),
        layout=str(doc["layout"]),
        ai=None,
        op=OK if doc.get("ok") else None,
        defects=tuple((str(code), "") for code in doc.get("codes", [])),
        first_pass=True,
    )
