"""Judgments kept on the station's disk until the store takes them."""

from __future__ import annotations

import json
import logging
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from elconsole.review.paths import make_folder

log = logging.getLogger(__name__)

DAMAGED = "damaged"


@dataclass(frozen=True)
class SpoolEntry:
    """One judgment on disk: the full raw record and the sources to clear once stored."""

    path: Path
    record: dict[str, Any]
    inbox_paths: tuple[Path, ...] = ()
    pending_id: Any = None  # as JSON; the data layer turns it back into an id


class Spool:
    """A folder of one JSON file per judgment, each written atomically.

    Files are named by submission time, so ``entries()`` is oldest first.
    """

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def put(
        self, record: dict[str, Any], inbox_paths: tuple[Path, ...] = (), pending_id: Any = None
    ) -> SpoolEntry:
        """Write a judgment (temp file, then rename); returns its entry. Raises OSError."""
        make_folder(self.folder, 0o700)  # the station's judgments: this user's alone
        body = {
            "record": record,
            "inbox": [str(p) for p in inbox_paths],
            "pending": pending_id,
        }
        path = self.folder / _name(record)
        _write_atomically(path, json.dumps(body, ensure_ascii=False, sort_keys=True))
        return SpoolEntry(path, record, inbox_paths, pending_id)

    def entries(self) -> list[SpoolEntry]:
        """Return the waiting judgments, oldest first; unreadable files are set aside."""
        if not self.folder.is_dir():
            return []
        out = []
        for path in sorted(self.folder.glob("*.json")):
            entry = self._read(path)
            if entry is not None:
                out.append(entry)
        return out

    def count(self) -> int:
        """Return how many judgments wait."""
        return len(list(self.folder.glob("*.json"))) if self.folder.is_dir() else 0

    def remove(self, entry: SpoolEntry) -> None:
        entry.path.unlink(missing_ok=True)

    def _read(self, path: Path) -> SpoolEntry | None:
        try:
            body = json.loads(path.read_text(encoding="utf-8"))
            return SpoolEntry(
                path,
                dict(body["record"]),
                tuple(Path(p) for p in body.get("inbox", [])),
                body.get("pending"),
            )
        except (OSError, ValueError, KeyError, TypeError) as exc:
            log.error("spool file %s is damaged (%s); set aside", path, exc)
            damaged = self.folder / DAMAGED
            damaged.mkdir(exist_ok=True)
            path.replace(damaged / path.name)
            return None


def _name(record: dict[str, Any]) -> str:
    gui_ns = int(float(record.get("gui_time", 0)) * 1e9)
    safe = "".join(c if c.isalnum() or c in "-_" else "_" for c in str(record.get("barcode")))
    station = "".join(c if c.isalnum() or c in "-_" else "_" for c in str(record.get("el_no")))
    return f"{gui_ns:020d}-{safe[:64]}-{station[:32]}.json"


def _write_atomically(path: Path, text: str) -> None:
    fd, temp = tempfile.mkstemp(prefix=".tmp-", suffix=".part", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
