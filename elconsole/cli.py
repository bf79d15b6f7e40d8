"""The command line: import, lookup, stats, demo and legacy loading."""

from __future__ import annotations

import argparse
import json
import logging
import re
import sys
from collections import Counter
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, TextIO

from elconsole import logsetup
from elconsole.data.errors import StoreError, StoreUnavailable
from elconsole.data.legacy import load_export
from elconsole.data.repository import Outcome
from elconsole.data.stores import Store, open_store, resolve_target
from elconsole.domain.demo import generate
from elconsole.domain.grid import LAYOUTS
from elconsole.domain.history import StoredTest
from elconsole.domain.ingest import Entry, read_entries
from elconsole.domain.plantclock import PlantClock, zone
from elconsole.domain.records import (
    RecordError,
    StationRecord,
    Validator,
    clean_barcode,
    verdict_label,
)
from elconsole.domain.stats import BREAKDOWNS, Tally

log = logging.getLogger(__name__)

BATCH = 2000  # records per store_many: 500 made `import` about 12 % slower
CANDIDATES = 20  # barcodes listed when a lookup matches none exactly
FIELD_SHOWN = 80
COMMANDS = ("import", "lookup", "stats", "demo", "import-legacy")


def build_parser() -> argparse.ArgumentParser:
    """Return the parser of ``elconsole`` and its subcommands."""
    store_help = (
        "mongodb:// URI or embedded store file (default: $ELCONSOLE_STORE, else the user's)"
    )
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--store", default=argparse.SUPPRESS, help=store_help)
    common.add_argument("-v", "--verbose", action="store_true", default=argparse.SUPPRESS)

    parser = argparse.ArgumentParser(
        prog="elconsole",
        parents=[common],
        description="EL Console: review, look up and count EL tests. No command opens the window.",
    )
    parser.add_argument("--tz", help="plant time zone for the window (default: this computer's)")
    sub = parser.add_subparsers(dest="command")

    p = sub.add_parser("import", parents=[common], help="store station records from files")
    p.add_argument("files", nargs="+", type=Path, metavar="FILE")
    p.add_argument(
        "--batch",
        type=_positive,
        default=BATCH,
        metavar="N",
        help=f"records stored at a time (default: {BATCH})",
    )

    p = sub.add_parser("lookup", parents=[common], help="every EL test of a barcode")
    p.add_argument("barcode")
    p.add_argument("--json", action="store_true", help="print JSON like the older service")
    p.add_argument(
        "--tz", default=argparse.SUPPRESS, help="plant time zone (default: this computer's)"
    )

    p = sub.add_parser("stats", parents=[common], help="figures of a window [from, to)")
    p.add_argument("--from", dest="start", required=True, metavar="T", help="ISO date/time")
    p.add_argument("--to", dest="end", required=True, metavar="T", help="ISO date/time")
    p.add_argument(
        "--tz", default=argparse.SUPPRESS, help="plant time zone (default: this computer's)"
    )
    p.add_argument("--by", type=_breakdowns, default=(), help="any of day,shift,station,type")
    p.add_argument(
        "--station", type=_names, default=None, metavar="EL", help="only these stations (EL01,EL02)"
    )
    p.add_argument(
        "--layout",
        type=_layouts,
        default=None,
        metavar="LAYOUT",
        help='only these cell layouts, e.g. "full 72,half 144"',
    )
    p.add_argument("--json", action="store_true")

    p = sub.add_parser("demo", parents=[common], help="fill the store with generated records")
    p.add_argument("--days", type=_positive, default=7)
    p.add_argument("--seed", type=int, default=2026)

    p = sub.add_parser(
        "import-legacy",
        parents=[common],
        help="load the older service's mongoexport files (panel.json, ...) as they are",
    )
    p.add_argument("folder", type=Path)
    return parser


def run(args: argparse.Namespace, out: TextIO | None = None) -> int:
    """Run a parsed subcommand (printing to ``out``, default stdout); return its exit status."""
    out = out or sys.stdout
    handlers: dict[str, Callable[[Store, argparse.Namespace, TextIO], int]] = {
        "import": cmd_import,
        "lookup": cmd_lookup,
        "stats": cmd_stats,
        "demo": cmd_demo,
        "import-legacy": cmd_import_legacy,
    }
    try:
        target = resolve_target(getattr(args, "store", None))
        with open_store(target) as store:
            store.ping()
            return handlers[args.command](store, args, out)
    except StoreError as exc:
        print(f"elconsole: {exc}", file=sys.stderr)
        return 3
    except ValueError as exc:
        print(f"elconsole: {exc}", file=sys.stderr)
        return 2


def cmd_import(store: Store, args: argparse.Namespace, out: TextIO) -> int:
    """Store the files' records in batches; 0 if none was refused, 1 if some were.

    Raises StoreError (exit status 3) when the store fails mid-way, after
    printing what was stored: running the same import again finishes the job.
    """
    progress = _Progress()
    try:
        entries = _entries(args.files, progress.counts, out)
        _import_entries(store, entries, progress, out, args.batch)
    except StoreError as exc:
        _print_counts(progress.counts, out, " (interrupted)")
        raise type(exc)(f"{exc}; {progress.resume_note()}") from exc
    _print_counts(progress.counts, out)
    return 0 if progress.counts["refused"] == 0 else 1


class _Progress:
    """Counts of an import and the first entry whose batch is not yet stored."""

    def __init__(self) -> None:
        self.counts: Counter[str] = Counter()
        self.batch: list[StationRecord] = []
        self.pending_from: Entry | None = None  # first entry not known to be stored

    def resume_note(self) -> str:
        stored = self.counts["stored"]
        if self.pending_from is None:
            where = "every valid record was stored"
        else:
            where = (
                f"every valid record before {self.pending_from.source}:"
                f"{self.pending_from.line} is stored"
            )
        return (
            f"{stored} stored by this run ({where}); running the same import again "
            "finishes the job (stored records are skipped)"
        )


def _import_entries(
    store: Store, entries: Iterable[Entry], progress: _Progress, out: TextIO, size: int
) -> None:
    validator = Validator()
    for entry in entries:
        if progress.pending_from is None:
            progress.pending_from = entry
        record = _validated(validator, entry, progress.counts, out)
        if record is not None:
            progress.batch.append(record)
        if len(progress.batch) >= size:
            _store_batch(store, progress.batch, progress.counts)
            progress.pending_from = None
    _store_batch(store, progress.batch, progress.counts)
    progress.pending_from = None


def _print_counts(counts: Counter[str], out: TextIO, note: str = "") -> None:
    print(
        f"stored {counts['stored']}, already present {counts['present']}, "
        f"refused {counts['refused']}{note}",
        file=out,
        flush=True,
    )


def _entries(files: Iterable[Path], counts: Counter[str], out: TextIO) -> Iterable[Entry]:
    for path in files:
        try:
            yield from read_entries(path)
        except OSError as exc:
            counts["refused"] += 1
            print(f"{path}: refused: cannot read the file ({exc.strerror})", file=out)


def _validated(
    validator: Validator, entry: Entry, counts: Counter[str], out: TextIO
) -> StationRecord | None:
    try:
        if entry.error is not None:
            raise ValueError(entry.error)
        return validator.validate(entry.value)
    except (RecordError, ValueError) as exc:
        counts["refused"] += 1
        print(f"{entry.source}:{entry.line}: refused: {_reason(exc)}", file=out)
        return None


def _reason(exc: ValueError) -> str:
    """Return a refusal's reason for one line of output (a huge field name is shortened)."""
    text = str(exc)
    if isinstance(exc, RecordError) and len(exc.field) > FIELD_SHOWN:
        text = text.replace(exc.field, exc.field[: FIELD_SHOWN - 3] + "...", 1)
    return _printable(text)


def _printable(text: str) -> str:
    """Return ``text`` safe to print: control characters and lone surrogates escaped.

    A refused record's field names come from the file: they must neither
    drive the terminal nor fail to encode.
    """
    return "".join(
        c if c.isprintable() else c.encode("unicode_escape").decode("ascii") for c in text
    )


def _store_batch(store: Store, batch: list[StationRecord], counts: Counter[str]) -> None:
    """Store a batch; once again when the console whose server we shared stopped it."""
    if not batch:
        return
    try:
        outcomes = store.repo.store_many(batch)
    except StoreUnavailable:
        if store.server is None or not store.server.take_over():
            raise
        outcomes = store.repo.store_many(batch)  # what was stored is "already present"
    for outcome in outcomes:
        counts["stored" if outcome is Outcome.STORED else "present"] += 1
    batch.clear()


def cmd_lookup(store: Store, args: argparse.Namespace, out: TextIO) -> int:
    tests = store.repo.lookup(_barcode_argument(args.barcode))
    if args.json:
        shown = _jsonable([t.as_legacy_json() for t in tests])
        json.dump(shown, out, indent=2, ensure_ascii=False, allow_nan=False)
        print(file=out)
        return 0 if tests else 1
    if not tests:
        _print_candidates(store, clean_barcode(args.barcode), out)
        return 1
    clock = PlantClock(zone(getattr(args, "tz", None)))
    for test in tests:
        _print_test(test, clock, out)
    return 0


def _print_candidates(store: Store, fragment: str, out: TextIO) -> None:
    """Say that nothing matched; list the stored barcodes containing ``fragment``."""
    print(f"no EL test of {fragment!r} is stored", file=out)
    found = store.repo.find_barcodes(fragment, limit=CANDIDATES + 1)
    if not found:
        return
    more = f" (the first {CANDIDATES})" if len(found) > CANDIDATES else ""
    print(f"barcodes containing {fragment!r}{more}:", file=out)
    for barcode in found[:CANDIDATES]:
        print(f"  {_printable(barcode)}", file=out)


def _barcode_argument(text: str) -> str:
    """Return the barcode typed on the command line, trimmed; raises ValueError if not text."""
    barcode = clean_barcode(text)
    try:
        barcode.encode("utf-8")
    except UnicodeEncodeError:  # bytes that are not UTF-8 arrive as lone surrogates
        raise ValueError(f"the barcode {_printable(barcode)} is not UTF-8 text") from None
    return barcode


def _print_test(test: StoredTest, clock: PlantClock, out: TextIO) -> None:
    """Print one stored test; stored text (old or damaged data) is printed escaped."""
    lines = [
        f"{test.barcode}  {_when(clock, test.create_time)}  station {test.el_no}  "
        f"{test.cell_type} {test.cell_size} {test.cell_amount}  "
        f"AI {verdict_label(test.ai)}  operator {verdict_label(test.op)}"
    ]
    grid = test.grid
    for d in test.defects:
        where = d.label if d.on_grid(grid) else f"{d.label} (off-grid)"
        fate = (d.fate or f"by {d.by}, Status {d.status}").replace("_", " ")
        lines.append(f"    {d.code:<3} {where:<16} {fate}")
    lines.extend(f"    damaged: {note}" for note in test.damage)
    for line in lines:
        print(_printable(line), file=out)


def _when(clock: PlantClock, when: float) -> str:
    """Return a stored time in the plant zone, or the number if no calendar holds it."""
    try:
        return clock.format(when)
    except (ValueError, OverflowError, OSError):
        return f"time {when!r}"


def _jsonable(value: Any) -> Any:
    """Return stored data as plain JSON: ObjectIds, dates and the like as text, NaN as null."""
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, float) and value - value != 0.0:
        return None
    if value is None or isinstance(value, (str, int, float)):
        return value
    return str(value)


def cmd_stats(store: Store, args: argparse.Namespace, out: TextIO) -> int:
    clock = PlantClock(zone(getattr(args, "tz", None)))
    start, end = clock.parse(args.start), clock.parse(args.end)
    if end <= start:
        raise ValueError("--to must be later than --from")
    stations, layouts = getattr(args, "station", None), getattr(args, "layout", None)
    report = store.repo.window_report(clock, start, end, args.by, stations, layouts)
    _warn_unknown(store, stations)
    if args.json:
        json.dump(report.as_json(), out, indent=2)
        print(file=out)
        return 0
    print(f"{clock.format(start)} to {clock.format(end)} (end excluded)", file=out)
    for label, chosen in (("stations", stations), ("layouts", layouts)):
        if chosen is not None:
            print(f"{label}: {', '.join(sorted(chosen))}", file=out)
    if not report.total.tests:
        print("no EL tests in this window", file=out)
        return 0
    _print_tally(report.total, out, "")
    for name, groups in report.breakdowns.items():
        print(f"\nby {name}:", file=out)
        for key, tally in sorted(groups.items()):
            print(f"  {_printable(key)}", file=out)  # a station name is stored text
            _print_tally(tally, out, "    ")
    return 0


def _warn_unknown(store: Store, stations: frozenset[str] | None) -> None:
    """On stderr: the chosen stations that no stored test names (a typing error?)."""
    if not stations:
        return
    known, _ = store.repo.filter_choices()
    for name in sorted(stations - set(known)):
        print(f"elconsole: no test of station {name!r} is stored", file=sys.stderr)


def _print_tally(t: Tally, out: TextIO, pad: str) -> None:
    rows = [
        ("tests", str(t.tests)),
        ("AI OK / NG / other", f"{t.ai['ok']} / {t.ai['ng']} / {t.ai['other']}"),
        ("operator OK / NG / other", f"{t.op['ok']} / {t.op['ng']} / {t.op['other']}"),
        ("yield", _ratio(t.op["ok"], t.tests)),
        ("first-pass yield", _ratio(t.first_ok, t.first_tests)),
        ("panel overkill rate", _ratio(t.panel_overkill, t.op["ok"])),
        ("panel miss rate", _ratio(t.panel_miss, t.op["ng"])),
        (
            "defects confirmed / rejected / added",
            " / ".join(
                str(t.defects[k]) for k in ("ai_confirmed", "ai_rejected", "operator_added")
            ),
        ),
        ("defect overkill rate", _ratio(t.defects["ai_rejected"], t.ai_judged)),
        ("defect miss rate", _ratio(t.defects["operator_added"], t.real_defects)),
    ]
    if t.damaged:
        rows.append(("tests with damaged data", str(t.damaged)))
    for label, value in rows:
        print(f"{pad}{label:<38} {value}", file=out)


def _ratio(num: int, den: int) -> str:
    if not den:
        return f"no data ({num} / 0)"
    return f"{num / den:.2%} ({num} / {den})"


def cmd_demo(store: Store, args: argparse.Namespace, out: TextIO) -> int:
    validator = Validator()
    records = [validator.validate(raw) for raw in generate(args.days, seed=args.seed)]
    counts: Counter[str] = Counter()
    for i in range(0, len(records), BATCH):
        _store_batch(store, records[i : i + BATCH], counts)
    print(
        f"demo: stored {counts['stored']}, already present {counts['present']} "
        f"({args.days} days, 3 stations) in {store.description}",
        file=out,
    )
    return 0


def cmd_import_legacy(store: Store, args: argparse.Namespace, out: TextIO) -> int:
    counts = load_export(store.db, args.folder)
    shown = ", ".join(f"{name} {n}" for name, n in counts.items())
    print(f"loaded {shown}", file=out)
    return 0


def _breakdowns(text: str) -> tuple[str, ...]:
    names = tuple(n.strip() for n in text.split(",") if n.strip())
    for name in names:
        if name not in BREAKDOWNS:
            raise argparse.ArgumentTypeError(f"{name!r} is not one of {', '.join(BREAKDOWNS)}")
    return names


def _names(text: str) -> frozenset[str]:
    names = frozenset(n.strip() for n in text.split(",") if n.strip())
    if not names:
        raise argparse.ArgumentTypeError("name at least one")
    return names


def _layouts(text: str) -> frozenset[str]:
    """Return layouts as "<cell_size> <cell_amount>"; "full-72" and "full:72" are read too."""
    layouts = frozenset(" ".join(re.split(r"[\s:_-]+", n)) for n in _names(text))
    allowed = {f"{size} {amount}" for size, amounts in LAYOUTS.items() for amount in amounts}
    unknown = sorted(layouts - allowed)
    if unknown:
        shown = ", ".join(sorted(allowed))
        raise argparse.ArgumentTypeError(f"{unknown[0]!r} is not a cell layout: one of {shown}")
    return layouts


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError("must be 1 or more")
    return value


def setup_logging(args: argparse.Namespace) -> None:
    """Warnings (everything with --verbose) to standard error, and the log file."""
    logsetup.setup_logging(verbose=bool(getattr(args, "verbose", False)))
