"""The embedded server's insert: the same rows as neosqlite's own, for less work."""

from __future__ import annotations

import copy
import inspect
import json
import math
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from typing import Any

import neosqlite
import pytest
from neosqlite.exceptions import MalformedDocument

from elconsole.data.embedded import _Sections, document_inserter

Insert = Callable[[Any, dict[str, Any]], Any]


def _plain(helper: Any, document: dict[str, Any]) -> Any:
    return helper._internal_insert(document)


@pytest.fixture
def tables() -> tuple[Any, Any, Any]:
    conn = neosqlite.Connection(":memory:")
    for name in ("plain", "lean"):
        conn[name].create()
    return conn, conn["plain"].query_engine.helpers, conn["lean"].query_engine.helpers


DOCS: list[dict[str, Any]] = [
    {"_id": "0069a62480aa00bb11cc22", "Barcode": "PV1", "create_time": 1772496000.25},
    {"Type": "cr", "Position": [1, 2], "by": "AI", "time": None, "ok": True},
    {"_id": 7, "nested": {"list": [1, {"raw": b"\x00\x01"}], "text": "裂纹\u0000"}},
    {"_id": None, "n": -0.0, "big": 2**62},
]


def _rows(conn: Any, table: str) -> list[tuple[str, str]]:
    return list(conn.db.execute(f"SELECT _id, data FROM {table} ORDER BY id"))


def test_the_rows_are_the_ones_neosqlite_writes(tables: tuple[Any, Any, Any]) -> None:
    conn, plain, lean = tables
    insert = document_inserter()
    docs = copy.deepcopy(DOCS)
    for doc in docs:
        _plain(plain, copy.deepcopy(doc))
        insert(lean, doc)
    assert docs[1].pop("_id") is not None  # given the new id, as neosqlite does
    assert docs == DOCS  # and otherwise unchanged: nested lists and all
    mine, theirs = _rows(conn, "lean"), _rows(conn, "plain")
    assert len(mine) == len(theirs) == 4
    for index in (0, 2):  # given ids: the very same row
        assert mine[index] == theirs[index]
    assert mine[0][0] == "0069a62480aa00bb11cc22"
    for index in (1, 3):  # new ObjectIds: the same row but for the id
        for row in (mine[index], theirs[index]):
            data = json.loads(row[1])
            assert data["_id"]["id"] == row[0] and len(row[0]) == 24
            assert data.pop("_id") and data == {k: v for k, v in DOCS[index].items() if k != "_id"}


def test_a_document_without_id_gets_the_stored_one() -> None:
    conn = neosqlite.Connection(":memory:")
    conn["t"].create()
    doc: dict[str, Any] = {"a": 1}
    new_id = document_inserter()(conn["t"].query_engine.helpers, doc)
    assert doc["_id"] is new_id
    assert _rows(conn, "t")[0][0] == str(new_id)


@pytest.mark.parametrize("insert", [_plain, document_inserter()], ids=["neosqlite", "lean"])
def test_refusals_are_the_same(insert: Insert, tables: tuple[Any, Any, Any]) -> None:
    conn, helper, _ = tables
    insert(helper, {"_id": "dup", "v": 1})
    with pytest.raises(sqlite3.IntegrityError, match="UNIQUE"):
        insert(helper, {"_id": "dup", "v": 2})
    for number in (math.nan, math.inf, -math.inf):
        with pytest.raises(ValueError, match="Invalid JSON document"):
            insert(helper, {"_id": "x", "v": [number]})
    with pytest.raises(MalformedDocument, match="dictionary"):
        insert(helper, ["not", "a", "dict"])  # type: ignore[arg-type]
    assert [json.loads(d)["v"] for _, d in _rows(conn, "plain")] == [1]


def test_sections_are_logged_by_their_count() -> None:
    sections = _Sections([("body", {"insert": "panel"}), ("payload", {"documents": [{}] * 3})])
    assert f"{sections}" == "<2 sections>"
    assert [kind for kind, _ in sections] == ["body", "payload"]


def test_the_server_process_gets_all_three_changes() -> None:
    """What ``run_server_here`` installs, in a fresh interpreter as the server's."""
    probe = (
        "from elconsole.data.embedded import change_the_server; change_the_server(); "
        "from nx_27017.handler import NeoSQLiteHandler as H; "
        "from neosqlite.collection.query_helper.crud_operations import CRUDOperationsMixin as C; "
        "h = H.handle_insert; "
        "print(C._internal_insert.__qualname__, h.__code__.co_qualname, "
        "h.__wrapped__.__code__.co_qualname, h.__wrapped__.__wrapped__.__module__)"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    ).stdout.split()
    assert out == [
        "document_inserter.<locals>.insert",
        "_insert_logs_without_documents.<locals>.brief",
        "_insert_batches_in_one_transaction.<locals>.batched",
        "nx_27017.handler",
    ]


def test_the_library_lines_the_changes_stand_in_for_are_there() -> None:
    """With new releases of nx-27017 or neosqlite, look again at embedded.py."""
    from neosqlite.collection.query_helper.crud_operations import CRUDOperationsMixin
    from nx_27017.handler import NeoSQLiteHandler

    handler = inspect.getsource(NeoSQLiteHandler.handle_insert)
    assert 'logger.debug(f"handle_insert sections: {sections}")' in handler
    insert = inspect.getsource(CRUDOperationsMixin._internal_insert)
    for line in ("deepcopy(document)", "_validate_json_document(json_str)", "(data, _id)"):
        assert line in insert
