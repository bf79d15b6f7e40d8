"""Where the review station keeps its folders on this computer."""

from __future__ import annotations

from pathlib import Path

import platformdirs

APP = "elconsole"


def data_dir() -> Path:
    """Return the user's data folder of the console (not created)."""
    return Path(platformdirs.user_data_dir(APP, appauthor=False))


def default_inbox_dir() -> Path:
    """Return the folder where the AI box drops its results by default."""
    return data_dir() / "inbox"


def default_spool_dir() -> Path:
    """Return the folder that keeps judgments the store has not taken yet."""
    return data_dir() / "spool"
