"""The data layer's own errors: what the rest of the console catches."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import ParamSpec, TypeVar

from pymongo import errors as mongo_errors

P = ParamSpec("P")
R = TypeVar("R")


class StoreError(Exception):
    """The store refused or failed an operation; the message is for the user."""


class StoreUnavailable(StoreError):
    """The store could not be reached; the work may be retried later."""


def mapped_errors(func: Callable[P, R]) -> Callable[P, R]:
    """Wrap a data-layer function so that driver errors become StoreError types."""

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return func(*args, **kwargs)
        except (mongo_errors.ConnectionFailure, mongo_errors.ServerSelectionTimeoutError) as exc:
            raise StoreUnavailable(f"the store cannot be reached ({_short(exc)})") from exc
        except mongo_errors.PyMongoError as exc:
            raise StoreError(f"the store failed: {_short(exc)}") from exc

    return wrapper


def _short(exc: Exception) -> str:
    text = str(exc).split(", Timeout:", 1)[0].split(", Topology Description", 1)[0]
    return text if len(text) <= 200 else text[:197] + "..."
