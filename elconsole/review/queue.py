"""The modules awaiting review: AI results from the inbox and the pending collection."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from elconsole.domain.records import AiHalf

log = logging.getLogger(__name__)

Identity = tuple[str, str, float]


@dataclass
class ReviewItem:
    """One module's AI result and where it came from (a file, a pending document)."""

    half: AiHalf
    inbox_path: Path | None = None
    pending_id: Any = None
    extra_paths: list[Path] = field(default_factory=list)

    @property
    def identity(self) -> Identity:
        return self.half.identity

    @property
    def barcode(self) -> str:
        return self.half.barcode


class ReviewQueue:
    """Modules awaiting review, oldest ``create_time`` first, each EL test once.

    An AI result that arrives twice (file and document) is one item that
    remembers both sources; one judged in this session never comes back.
    """

    def __init__(self) -> None:
        self._items: dict[Identity, ReviewItem] = {}
        self._done: set[Identity] = set()

    def __len__(self) -> int:
        return len(self._items)

    def add(self, item: ReviewItem) -> bool:
        """Add an item or merge its source into the same test's; True when new."""
        key = item.identity
        if key in self._done:
            return False
        known = self._items.get(key)
        if known is None:
            self._items[key] = item
            return True
        _merge(known, item)
        return False

    def items(self) -> list[ReviewItem]:
        """Return the items oldest first (then by barcode)."""
        return sorted(self._items.values(), key=lambda i: (i.half.create_time, i.barcode))

    def first(self) -> ReviewItem | None:
        ordered = self.items()
        return ordered[0] if ordered else None

    def find(self, barcode: str) -> ReviewItem | None:
        """Return the oldest item of a barcode, or None."""
        return next((i for i in self.items() if i.barcode == barcode), None)

    def finish(self, item: ReviewItem) -> None:
        """Remove an item that was judged; it is not taken again."""
        self._items.pop(item.identity, None)
        self._done.add(item.identity)

    def restore(self, item: ReviewItem) -> None:
        """Put a finished item back (its judgment could not be kept)."""
        self._done.discard(item.identity)
        self.add(item)

    def mark_done(self, identity: Identity) -> None:
        """Remember a test judged earlier (e.g. waiting in the spool)."""
        self._done.add(identity)
        self._items.pop(identity, None)

    def known(self, identity: Identity) -> bool:
        return identity in self._items or identity in self._done


def _merge(known: ReviewItem, new: ReviewItem) -> None:
    if new.pending_id is not None and known.pending_id is None:
        known.pending_id = new.pending_id
    if new.inbox_path is not None and new.inbox_path != known.inbox_path:
        if known.inbox_path is None:
            known.inbox_path = new.inbox_path
        elif new.inbox_path not in known.extra_paths:
            known.extra_paths.append(new.inbox_path)
