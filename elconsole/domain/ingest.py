"""Reading station records from JSON Lines files or JSON arrays."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

BOM = b"\xef\xbb\xbf"


@dataclass(frozen=True)
class Entry:
    """One record's place in a file and either its parsed value or why it failed."""

    source: str
    line: int
    value: Any = None
    error: str | None = None


def read_entries(path: Path) -> Iterator[Entry]:
    """Yield every record of a file; a line that is not JSON yields an error entry.

    A leading UTF-8 byte order mark (as Windows editors write) is skipped.
    Raises OSError when the file cannot be read.
    """
    data = path.read_bytes().removeprefix(BOM)
    source = str(path)
    if data.lstrip()[:1] == b"[" and not _lines_after_an_array(data):
        yield from _array_entries(source, data)
        return
    for number, raw in enumerate(data.splitlines(), start=1):
        if raw.strip():
            yield _parse_line(source, number, raw)


def _parse_line(source: str, number: int, raw: bytes) -> Entry:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        return Entry(source, number, error=f"not UTF-8 text (byte {exc.start + 1})")
    try:
        return Entry(source, number, value=json.loads(text))
    except json.JSONDecodeError as exc:
        return Entry(source, number, error=f"not valid JSON: {exc.msg} at column {exc.colno}")
    except RecursionError:
        return Entry(source, number, error="not valid JSON: nested too deeply")
    except ValueError as exc:  # e.g. an integer of more than 4300 digits
        return Entry(source, number, error=f"not valid JSON: {_first_words(exc)}")


def _array_entries(source: str, data: bytes) -> Iterator[Entry]:
    try:
        items = json.loads(data.decode("utf-8"))
    except UnicodeDecodeError as exc:
        yield Entry(source, 1, error=f"not UTF-8 text (byte {exc.start + 1})")
        return
    except json.JSONDecodeError as exc:
        yield Entry(source, exc.lineno, error=f"not a valid JSON array: {exc.msg}")
        return
    except RecursionError:
        yield Entry(source, 1, error="not valid JSON: nested too deeply")
        return
    except ValueError as exc:  # e.g. an integer of more than 4300 digits
        yield Entry(source, 1, error=f"not a valid JSON array: {_first_words(exc)}")
        return
    if not isinstance(items, list):
        yield Entry(source, 1, error="a JSON file must hold an array of records")
        return
    lines = _element_lines(data.decode("utf-8"))
    for line, item in zip(lines, items, strict=True):
        yield Entry(source, line, value=item)


def _lines_after_an_array(data: bytes) -> bool:
    """Whether a file starting with ``[`` is JSON Lines: its first line is a whole value.

    (A JSON Lines file whose first line is an array, say; a pretty-printed
    array's first line is ``[`` alone, which is no whole value.)
    """
    first = data.lstrip().splitlines()[0]
    try:
        json.loads(first.decode("utf-8"))
    except (ValueError, RecursionError):  # JSONDecodeError and UnicodeDecodeError too
        return False
    return bool(data.strip()[len(first) :].strip())


def _element_lines(text: str) -> list[int]:
    """Return the line on which each element of a valid JSON array starts."""
    decoder = json.JSONDecoder()
    lines: list[int] = []
    line, counted = 1, 0
    at = text.index("[") + 1
    while True:
        while text[at] in " \t\r\n,":
            at += 1
        if text[at] == "]":
            return lines
        line += _line_breaks(text, counted, at)
        counted = at
        lines.append(line)
        at = decoder.raw_decode(text, at)[1]


def _first_words(exc: Exception) -> str:
    return str(exc).split(":", 1)[0]


_BREAK = re.compile(r"\r\n|\r|\n")  # what splitlines() ends a line with, in JSON text


def _line_breaks(text: str, start: int, end: int) -> int:
    """Return how many line breaks ``text[start:end]`` holds (CR, LF or CR LF)."""
    return len(_BREAK.findall(text, start, end))
