"""Fault-test fixtures: a private server per test, always resumed and killed afterwards."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from faults.helpers import ServerUnderTest


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "slow: a fault test that waits out a timeout (still runs in CI)"
    )


@pytest.fixture
def server(tmp_path: Path) -> Iterator[ServerUnderTest]:
    """A real nx-27017 server over a file of this test's own (killing it hurts no other test)."""
    srv = ServerUnderTest(tmp_path / "faults" / "store.db")
    try:
        srv.start()
        yield srv
    finally:
        srv.close()
