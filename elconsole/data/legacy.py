"""Loading the older station service's mongoexport files into a store, as they are."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from bson import json_util
from pymongo.database import Database

from elconsole.data.errors import StoreError, mapped_errors
from elconsole.data.repository import INDEXES, PanelRepository, insert_ignoring_duplicates

log = logging.getLogger(__name__)

COLLECTIONS = tuple(INDEXES)


@mapped_errors
def load_export(db: Database[dict[str, Any]], folder: Path) -> dict[str, int]:
    """Insert every ``<collection>.json`` of ``folder`` unchanged; return counts.

    Documents whose ``_id`` is already stored are skipped. Raises StoreError
    when the folder holds none of the five collections or a line is not
    Extended JSON.
    """
    counts: dict[str, int] = {}
    for name in COLLECTIONS:
        path = folder / f"{name}.json"
        if path.exists():
            docs = _read(path)
            insert_ignoring_duplicates(db[name], docs)
            counts[name] = len(docs)
    if not counts:
        raise StoreError(f"{folder} holds none of {', '.join(c + '.json' for c in COLLECTIONS)}")
    PanelRepository(db).ensure_indexes()
    return counts


def _read(path: Path) -> list[dict[str, Any]]:
    docs = []
    with path.open(encoding="utf-8") as fh:
        for number, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            try:
                docs.append(json_util.loads(line))
            except ValueError as exc:
                raise StoreError(f"{path}:{number}: not Extended JSON ({exc})") from exc
    return docs
