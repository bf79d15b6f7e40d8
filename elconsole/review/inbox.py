"""The inbox folder where the AI box drops one JSON file per module."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path

from elconsole.domain.records import RecordError, Validator
from elconsole.review.paths import make_folder
from elconsole.review.queue import ReviewItem

log = logging.getLogger(__name__)

REFUSED = "refused"
SETTLE_S = 1.0  # a file younger than this may still be being written
INCOMPLETE_S = 30.0  # a file that is not JSON yet is refused only once this old


@dataclass(frozen=True)
class Refusal:
    """An AI result that was not taken, and why (in words for the operator)."""

    source: str
    reason: str


@dataclass
class InboxScan:
    """What one look into the inbox found."""

    accepted: list[ReviewItem] = field(default_factory=list)
    refused: list[Refusal] = field(default_factory=list)


class Inbox:
    """Reads AI results from a folder; refused files go to ``refused/`` with a reason."""

    def __init__(
        self,
        folder: Path,
        validator: Validator,
        settle_s: float = SETTLE_S,
        incomplete_s: float = INCOMPLETE_S,
    ) -> None:
        self.folder = folder
        self._validator = validator
        self._settle_s = settle_s
        self._incomplete_s = max(incomplete_s, settle_s)

    @property
    def refused_folder(self) -> Path:
        return self.folder / REFUSED

    def scan(self, skip: Collection[Path] = ()) -> InboxScan:
        """Read every settled ``*.json`` file not in ``skip``; returns what was found.

        Raises OSError when the folder cannot be created or listed.
        """
        make_folder(self.folder)
        found = InboxScan()
        now = time.time()
        for path in sorted(self.folder.glob("*.json")):
            if path in skip or not _settled(path, now, self._settle_s):
                continue
            self._read_one(path, found, now)
        return found

    def remove(self, path: Path) -> None:
        """Delete an inbox file whose judgment is stored or spooled."""
        path.unlink(missing_ok=True)

    def _read_one(self, path: Path, found: InboxScan, now: float) -> None:
        try:
            raw = json.loads(path.read_text(encoding="utf-8-sig"))  # a BOM is no harm
            half = self._validator.validate_ai(raw)
        except json.JSONDecodeError as exc:
            if _settled(path, now, self._incomplete_s):
                self._refuse(path, f"not valid JSON: {exc}", found)
            else:  # a slow writer may not have finished it yet
                log.info("inbox file %s is not complete JSON yet: %s", path.name, exc)
            return
        except (RecordError, ValueError) as exc:
            reason = str(exc) if isinstance(exc, RecordError) else f"not readable text: {exc}"
            self._refuse(path, reason, found)
            return
        except OSError as exc:
            log.warning("inbox file %s could not be read: %s", path, exc)
            return
        found.accepted.append(ReviewItem(half, inbox_path=path))

    def _refuse(self, path: Path, reason: str, found: InboxScan) -> None:
        found.refused.append(Refusal(path.name, reason))
        self._move_aside(path, reason)

    def _move_aside(self, path: Path, reason: str) -> None:
        self.refused_folder.mkdir(exist_ok=True)
        target = _free_name(self.refused_folder / path.name)
        path.replace(target)
        target.with_name(target.name + ".reason.txt").write_text(reason + "\n", encoding="utf-8")
        log.warning("inbox file %s refused: %s", path.name, reason)


def _settled(path: Path, now: float, settle_s: float) -> bool:
    try:
        return now - path.stat().st_mtime >= settle_s
    except OSError:
        return False


def _free_name(path: Path) -> Path:
    candidate, number = path, 1
    while candidate.exists():
        candidate = path.with_name(f"{path.stem}-{number}{path.suffix}")
        number += 1
    return candidate
