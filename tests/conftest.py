"""Shared fixtures: offscreen Qt, a fresh mongomock database, a real nx-27017 server."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

# The user's own log, settings, review spool and default store stay out of the
# tests' reach, also in the console processes that tests start (XDG folders:
# Linux, where the tests run).
_HOME = tempfile.mkdtemp(prefix="elconsole-tests-")
for _name in ("XDG_STATE_HOME", "XDG_DATA_HOME", "XDG_CONFIG_HOME"):
    os.environ[_name] = os.path.join(_HOME, _name.lower())
atexit.register(shutil.rmtree, _HOME, True)

from collections.abc import Iterator  # noqa: E402
from pathlib import Path  # noqa: E402

import mongomock  # noqa: E402
import pytest  # noqa: E402

from elconsole.data.repository import DERIVED, INDEXES, PanelRepository  # noqa: E402
from elconsole.data.stores import (  # noqa: E402
    Store,
    StoreTarget,
    open_store,
    statistics_database,
)

SHARED_RECORDS = Path(__file__).parent / "data" / "station-records.jsonl"


@pytest.fixture
def mock_db() -> mongomock.Database:
    """A fresh, empty in-memory database."""
    return mongomock.MongoClient()["elconsole_test"]


@pytest.fixture
def mock_repo(mock_db: mongomock.Database) -> PanelRepository:
    return PanelRepository(mock_db)


@pytest.fixture(scope="session")
def embedded_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    """One real nx-27017 server for the session, over a temporary SQLite file."""
    path = tmp_path_factory.mktemp("embedded") / "store.db"
    store = open_store(StoreTarget(path=path))
    store.ping()
    yield store
    store.close()


@pytest.fixture
def embedded_repo(embedded_store: Store) -> PanelRepository:
    """A repository on the session's nx-27017 server, emptied first.

    nx-27017 over one file shares collections between database names, so
    each test empties the collections instead of using a database of its own.
    """
    for name in (*INDEXES, *DERIVED, "pending"):
        embedded_store.db.drop_collection(name)
    return PanelRepository(embedded_store.db)


@pytest.fixture(params=["mongomock", "embedded", "mongodb"])
def any_repo(request: pytest.FixtureRequest) -> Iterator[PanelRepository]:
    """The same test on mongomock, on nx-27017 and (with MONGODB_URI) on real MongoDB."""
    if request.param == "mongomock":
        yield PanelRepository(mongomock.MongoClient()["elconsole_test"])
    elif request.param == "embedded":
        yield request.getfixturevalue("embedded_repo")
    else:
        uri = os.environ.get("MONGODB_URI")
        if not uri:
            pytest.skip("MONGODB_URI is not set")
        store = open_store(StoreTarget(uri=uri))
        name = "elconsole_pytest"
        store.client.drop_database(name)
        db = store.client.get_database(name, write_concern=store.db.write_concern)
        yield PanelRepository(db, stats_db=statistics_database(db))
        store.client.drop_database(name)
        store.close()
