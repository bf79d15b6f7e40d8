"""Loading the older station service's mongoexport files into a store, as they are."""

from __future__ import annotations

import hashlib
import logging
from pathlib import Path
from typing import Any

from bson import json_util
from bson.errors import BSONError
from pymongo.database import Database

from elconsole.data.bulk import insert_ignoring_duplicates
from elconsole.data.errors import StoreError, mapped_errors
from elconsole.data.repository import PanelRepository

log = logging.getLogger(__name__)

# Panels last, after what they point to: a reader never sees a panel without
# its verdicts, and an interrupted load leaves no panel half loaded.
COLLECTIONS = ("el", "defect", "panel_defect", "panel_status", "panel")
BOM = b"\xef\xbb\xbf"
# What json_util raises on text that is no Extended JSON ({"$oid": "zz"}, ...).
_BAD_JSON = (ValueError, TypeError, KeyError, ArithmeticError, RecursionError, BSONError)
Doc = dict[str, Any]


@mapped_errors
def load_export(db: Database[Doc], folder: Path) -> dict[str, int]:
    """Insert every ``<collection>.json`` of ``folder`` unchanged; return counts.

    Documents whose ``_id`` is already stored are skipped, so a load can be
    repeated (one that stopped half-way finishes). Raises StoreError when the
    folder holds none of the five collections or a file is not Extended JSON
    (nothing is loaded then).
    """
    files = {name: folder / f"{name}.json" for name in COLLECTIONS}
    found = {name: path for name, path in files.items() if path.is_file()}
    if not found:
        raise StoreError(f"{folder} holds none of {', '.join(c + '.json' for c in COLLECTIONS)}")
    docs = {name: _read(path) for name, path in found.items()}
    for name in COLLECTIONS:
        if name in docs:
            insert_ignoring_duplicates(db[name], docs[name])
    PanelRepository(db).ensure_indexes()
    return {name: len(docs[name]) for name in sorted(docs, key=_export_order)}


def _export_order(name: str) -> int:
    """The order of the counts as printed: panel first, as the older service listed them."""
    return ("panel", "el", "panel_status", "defect", "panel_defect").index(name)


def _read(path: Path) -> list[Doc]:
    """Return a mongoexport file's documents (one a line, or one JSON array).

    Raises StoreError naming the file and line of the first one that cannot be read.
    """
    try:
        data = path.read_bytes().removeprefix(BOM)
    except OSError as exc:
        raise StoreError(f"{path}: cannot be read ({exc.strerror})") from exc
    if data.lstrip()[:1] == b"[":
        return [_with_id(d) for d in _array(path, data)]
    docs = []
    for number, raw in enumerate(data.splitlines(), start=1):
        if raw.strip():
            docs.append(_with_id(_document(path, number, raw)))
    return docs


def _document(path: Path, number: int, raw: bytes) -> Doc:
    try:
        doc = json_util.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise StoreError(f"{path}:{number}: not UTF-8 text (byte {exc.start + 1})") from exc
    except _BAD_JSON as exc:
        raise StoreError(f"{path}:{number}: not Extended JSON ({_first_line(exc)})") from exc
    if not isinstance(doc, dict):
        raise StoreError(f"{path}:{number}: not a document (a JSON object)")
    return doc


def _array(path: Path, data: bytes) -> list[Doc]:
    try:
        docs = json_util.loads(data.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise StoreError(f"{path}: not UTF-8 text (byte {exc.start + 1})") from exc
    except _BAD_JSON as exc:
        raise StoreError(f"{path}: not an Extended JSON array ({_first_line(exc)})") from exc
    if not isinstance(docs, list) or not all(isinstance(d, dict) for d in docs):
        raise StoreError(f"{path}: not an array of documents")
    return docs


def _with_id(doc: Doc) -> Doc:
    """Give a document without ``_id`` one derived from its content, so a reload skips it."""
    if "_id" not in doc:
        canonical = json_util.dumps(doc, sort_keys=True).encode("utf-8")
        doc["_id"] = hashlib.sha256(canonical).hexdigest()[:24]
    return doc


def _first_line(exc: BaseException) -> str:
    text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return text if len(text) <= 120 else text[:117] + "..."
