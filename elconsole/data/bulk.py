"""Inserting documents whose ``_id`` may already be stored."""

from __future__ import annotations

from typing import Any

from pymongo.collection import Collection
from pymongo.errors import BulkWriteError, DuplicateKeyError

DUPLICATE_KEY = 11000


def insert_ignoring_duplicates(
    coll: Collection[dict[str, Any]], docs: list[dict[str, Any]]
) -> set[Any]:
    """Insert documents; return the ``_id``s that were already stored."""
    if not docs:
        return set()
    try:
        coll.insert_many(docs, ordered=False)
    except BulkWriteError as exc:
        errors = exc.details.get("writeErrors", [])
        if any(e.get("code") != DUPLICATE_KEY for e in errors):
            raise
        return {docs[e["index"]]["_id"] for e in errors}
    except DuplicateKeyError:  # a server that reports a one-document batch this way
        return {d["_id"] for d in docs}
    return set()
