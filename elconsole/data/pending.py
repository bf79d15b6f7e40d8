"""The ``pending`` collection: AI results waiting for the operator's judgment."""

from __future__ import annotations

import logging
import time
from typing import Any

from bson import ObjectId
from pymongo import ASCENDING
from pymongo.database import Database

from elconsole.data.errors import mapped_errors

log = logging.getLogger(__name__)

COLLECTION = "pending"
REFUSED = "elconsole_refused"  # set on a document the console would not take
REFUSED_AT = "elconsole_refused_at"
LIMIT = 1000
Doc = dict[str, Any]


class PendingQueue:
    """AI results in ``db.pending``, read oldest first and removed once judged.

    A document that breaks a record rule is marked, not deleted, so that
    whoever runs the AI box can see it.
    """

    def __init__(self, db: Database[Doc]) -> None:
        self._coll = db[COLLECTION]

    @mapped_errors
    def waiting(self, limit: int = LIMIT, el_no: str | None = None) -> list[tuple[Any, Doc]]:
        """Return up to ``limit`` (id, fields) pairs, oldest create_time first.

        The fields are the document without ``_id``; refused ones are left out;
        with ``el_no`` only that station's.
        """
        query = {} if el_no is None else {"el_no": el_no}
        cursor = self._coll.find(query).sort("create_time", ASCENDING).limit(limit)
        out = []
        for doc in cursor:
            if REFUSED in doc:
                continue
            doc_id = doc.pop("_id")
            out.append((doc_id, doc))
        return out

    @mapped_errors
    def remove(self, doc_id: Any) -> None:
        """Delete a document whose judgment is stored."""
        self._coll.delete_one({"_id": doc_id})

    @mapped_errors
    def refuse(self, doc_id: Any, reason: str) -> None:
        """Mark a document as refused with the reason, so it is not read again."""
        self._coll.update_one({"_id": doc_id}, {"$set": {REFUSED: reason, REFUSED_AT: time.time()}})
        log.warning("pending document %s refused: %s", doc_id, reason)


def id_to_json(doc_id: Any) -> Any:
    """Return a document id in a form JSON can hold (see ``id_from_json``)."""
    if isinstance(doc_id, ObjectId):
        return {"$oid": str(doc_id)}
    return doc_id


def id_from_json(value: Any) -> Any:
    """Return the document id written by ``id_to_json``."""
    if isinstance(value, dict) and set(value) == {"$oid"}:
        return ObjectId(value["$oid"])
    return value
