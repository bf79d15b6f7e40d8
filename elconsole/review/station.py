"""The review station's background work: polling AI results, storing or spooling judgments.

Every function here may block (disk, store) and runs on the task runner's threads.
"""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from elconsole.data.errors import StoreError
from elconsole.data.repository import Outcome
from elconsole.domain.history import StoredTest
from elconsole.domain.records import RecordError, StationRecord, Validator
from elconsole.review.inbox import Inbox, Refusal
from elconsole.review.queue import ReviewItem
from elconsole.review.spool import Spool, SpoolEntry

log = logging.getLogger(__name__)

_DELIVERING = threading.Lock()  # one judgment at a time goes to the store
# How long a judgment waits for the one ahead of it (a paused store can hold that
# one for the client's whole timeout) before it is left in the spool for later.
LOCK_WAIT_S = 1.0


class Repo(Protocol):
    def store(self, record: StationRecord) -> Outcome: ...

    def lookup(self, barcode: str) -> list[StoredTest]: ...


class Pending(Protocol):
    def waiting(
        self, limit: int = ..., el_no: str | None = ...
    ) -> list[tuple[Any, dict[str, Any]]]: ...

    def remove(self, doc_id: Any) -> None: ...

    def refuse(self, doc_id: Any, reason: str) -> None: ...


@dataclass
class PollResult:
    """AI results found in one poll, those refused, and what could not be read."""

    items: list[ReviewItem] = field(default_factory=list)
    refused: list[Refusal] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Delivery:
    """What became of one judgment: stored, already present, or kept in the spool."""

    record: StationRecord
    outcome: Outcome | None  # None: kept in the spool
    reason: str = ""
    spool_path: Path | None = None
    queued: bool = False  # kept because another judgment was still on its way


class ReviewStation:
    """Moves AI results in and judgments out; no Qt, callable from any thread."""

    def __init__(
        self,
        validator: Validator,
        inbox: Inbox,
        spool: Spool,
        repo: Callable[[], Repo],
        pending: Callable[[], Pending],
        pending_id_in: Callable[[Any], Any] = lambda v: v,
        pending_id_out: Callable[[Any], Any] = lambda v: v,
        station_id: str | None = None,
    ) -> None:
        self.validator = validator
        self.inbox = inbox
        self.spool = spool
        self._repo = repo
        self._pending = pending
        self._id_in = pending_id_in
        self._id_out = pending_id_out
        self.station_id = station_id  # set: take only this EL station's pending results

    # -- AI results in ----------------------------------------------------

    def poll(self, skip: Collection[Path] = ()) -> PollResult:
        """Read the inbox (except ``skip``) and the pending collection."""
        result = PollResult()
        try:
            found = self.inbox.scan(skip)
            result.items += found.accepted
            result.refused += found.refused
        except OSError as exc:
            result.problems.append(f"the inbox {self.inbox.folder} cannot be read: {exc}")
        try:
            self._poll_pending(result)
        except StoreError as exc:
            result.problems.append(f"pending AI results cannot be read: {exc}")
        return result

    def _poll_pending(self, result: PollResult) -> None:
        pending = self._pending()
        for doc_id, doc in pending.waiting(el_no=self.station_id):
            try:
                half = self.validator.validate_ai(doc)
            except RecordError as exc:
                pending.refuse(doc_id, str(exc))
                result.refused.append(Refusal(f"pending {doc.get('barcode', doc_id)}", str(exc)))
                continue
            result.items.append(ReviewItem(half, pending_id=doc_id))

    def history(self, barcode: str) -> list[StoredTest]:
        """Return the stored tests of a barcode; raises StoreError."""
        return self._repo().lookup(barcode)

    # -- judgments out ----------------------------------------------------

    def submit(self, raw: dict[str, Any], item: ReviewItem | None) -> Delivery:
        """Spool a judgment, drop its inbox files, then try to store it.

        Raises OSError when the spool cannot be written (nothing is lost:
        the inbox file stays) and RecordError for a record that breaks a rule.
        """
        record = self.validator.validate(raw)
        paths = _inbox_paths(item)
        pending = None if item is None else self._id_out(item.pending_id)
        entry = self.spool.put(raw, paths, pending)
        for path in paths:
            self.inbox.remove(path)
        return self.deliver(entry, record)

    def deliver(self, entry: SpoolEntry, record: StationRecord | None = None) -> Delivery:
        """Store a spooled judgment; on success clear its sources and its file.

        When the judgment ahead of it is still on its way (the store is slow or
        paused), it is left in the spool for the next flush instead of waiting.
        """
        record = record or self.validator.validate(entry.record)
        with _delivery_turn() as ours:
            if not ours:
                log.info("judgment of %s waits behind another one", record.barcode)
                reason = "another judgment is still on its way to the store"
                return Delivery(record, None, reason, entry.path, queued=True)
            if not entry.path.exists():  # a flush took it from the spool and stored it
                return Delivery(record, Outcome.STORED, "sent with the spool", entry.path)
            return self._deliver(entry, record)

    def _deliver(self, entry: SpoolEntry, record: StationRecord | None = None) -> Delivery:
        record = record or self.validator.validate(entry.record)
        try:
            outcome = self._repo().store(record)
        except StoreError as exc:
            log.info("judgment of %s kept in the spool: %s", record.barcode, exc)
            return Delivery(record, None, str(exc), entry.path)
        self._clear_sources(entry)
        self.spool.remove(entry)
        return Delivery(record, outcome, "", entry.path)

    def flush(self, skip: Collection[Path] = ()) -> list[Delivery]:
        """Store the spooled judgments oldest first.

        Stops when the store fails, or when a judgment still on its way holds it.
        """
        out: list[Delivery] = []
        for entry in self.spool.entries():
            if entry.path in skip:
                continue
            with _delivery_turn() as ours:
                if not ours:
                    break
                if not entry.path.exists():  # a submission just sent it
                    continue
                try:
                    delivery = self._deliver(entry)
                except RecordError as exc:
                    log.error("spooled judgment %s breaks a rule: %s", entry.path, exc)
                    continue
            out.append(delivery)
            if delivery.outcome is None:
                break
        return out

    def _clear_sources(self, entry: SpoolEntry) -> None:
        for path in entry.inbox_paths:
            self.inbox.remove(path)
        if entry.pending_id is None:
            return
        try:
            self._pending().remove(self._id_in(entry.pending_id))
        except StoreError as exc:
            log.warning("pending document of %s not removed: %s", entry.path.name, exc)


@contextlib.contextmanager
def _delivery_turn() -> Iterator[bool]:
    """Take the one-at-a-time turn to the store, waiting LOCK_WAIT_S at most; yield if taken."""
    taken = _DELIVERING.acquire(timeout=LOCK_WAIT_S)
    try:
        yield taken
    finally:
        if taken:
            _DELIVERING.release()


def _inbox_paths(item: ReviewItem | None) -> tuple[Path, ...]:
    if item is None:
        return ()
    first = () if item.inbox_path is None else (item.inbox_path,)
    return (*first, *item.extra_paths)
