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


def make_folder(folder: Path, mode: int = 0o777) -> None:
    """Create ``folder`` and its parents; the console's data folder is made private.

    The data folder also holds the embedded store, whichever creates it first.
    Raises OSError.
    """
    home = data_dir()
    if folder == home or home in folder.parents:
        home.mkdir(parents=True, exist_ok=True, mode=0o700)
    folder.mkdir(parents=True, exist_ok=True, mode=mode)
