"""The log file: the user's alone, the current one and each after a rotation."""

from __future__ import annotations

import logging
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from elconsole import logsetup


@pytest.fixture
def log_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    path = tmp_path / "log" / "elconsole.log"
    monkeypatch.setattr(logsetup, "log_path", lambda: path)
    root = logging.getLogger()
    before = list(root.handlers)
    yield path
    for handler in root.handlers[len(before) :]:
        handler.close()
    root.handlers[:] = before


def test_the_log_file_and_its_rotations_are_private(log_file: Path) -> None:
    log_file.parent.mkdir(mode=0o700)
    log_file.write_text("from an older console\n")
    log_file.chmod(0o644)
    assert logsetup.setup_logging() == log_file
    assert stat.S_IMODE(log_file.stat().st_mode) == 0o600
    handler = logging.getLogger().handlers[-1]
    assert isinstance(handler, logging.handlers.RotatingFileHandler)
    handler.doRollover()
    logging.getLogger("test").warning("after the rotation")
    for path in (log_file, log_file.with_name("elconsole.log.1")):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
    assert "after the rotation" in log_file.read_text()
