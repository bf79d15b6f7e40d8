"""Property tests: the validator never fails in any other way, and reconcile adds up."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path
from types import SimpleNamespace

import mongomock
import pytest
from faults.helpers import assert_store_holds_exactly, raw_record
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from elconsole import cli
from elconsole.data.repository import PanelRepository
from elconsole.domain.records import REQUIRED, RecordError, StationRecord, Validator, reconcile

T = 1_772_496_000.0  # 2026-03-03T00:00:00Z
V = Validator(now=lambda: T)
SETTINGS = settings(
    max_examples=150, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)

json_scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=20)
)
json_values = st.recursive(
    json_scalars,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)
# values near the domain, to reach the deeper rules more often
plausible = st.one_of(
    json_values,
    st.sampled_from(["mono", "poly", "full", "half", "0", "1", "2", "EL01", "PV1", "cr", "xx"]),
    st.sampled_from([60, 72, 120, 144, 0, 1, 2, T, T + 86400 * 2, 946684799.0]),
    st.dictionaries(
        st.sampled_from(["cr", "cs", "bc", "mr", "xx"]),
        st.lists(st.lists(st.integers(-2, 30), max_size=3), max_size=3),
        max_size=3,
    ),
)
field_names = st.sampled_from(list(REQUIRED) + ["operator", "extra", "Barcode"])


def outcome(value: object) -> StationRecord | None:
    try:
        return V.validate(value)
    except RecordError as exc:
        assert isinstance(exc.field, str) and exc.field
        str(exc)  # the message can always be made
        return None


@SETTINGS
@given(json_values)
def test_any_json_value_is_a_record_or_a_record_error(value: object) -> None:
    assert outcome(value) is None or isinstance(outcome(value), StationRecord)


@SETTINGS
@given(st.dictionaries(field_names, plausible, min_size=8, max_size=14))
def test_any_record_like_object_is_a_record_or_a_record_error(value: dict) -> None:
    result = outcome(value)
    if result is not None:
        assert set(REQUIRED) <= set(value)


# printable, no white space: what a trimmed barcode may hold
PRINTABLE = st.characters(
    min_codepoint=33, max_codepoint=0x2FFF, exclude_categories=("Cs", "Cc", "Cf", "Zs", "Zl", "Zp")
)


@st.composite
def valid_records(draw: st.DrawFn) -> dict:
    size, amount = draw(st.sampled_from([("full", 60), ("full", 72), ("half", 120), ("half", 144)]))
    columns = amount // 6

    def defects() -> dict:
        return draw(
            st.dictionaries(
                st.sampled_from(["cr", "cs", "bc", "mr"]),
                st.lists(
                    st.tuples(st.integers(1, 6), st.integers(1, columns)).map(list), max_size=5
                ),
                max_size=4,
            )
        )

    t = draw(st.floats(946684800.0, T + 86400, allow_nan=False))
    return {
        "barcode": draw(st.text(PRINTABLE, min_size=1, max_size=64)),
        "cell_type": draw(st.sampled_from(["mono", "poly"])),
        "cell_size": size,
        "cell_amount": amount,
        "el_no": draw(st.sampled_from(["EL01", "EL02", "131"])),
        "create_time": t,
        "ai_result": draw(st.sampled_from(["0", "1", "2", 0, 1, 2, "13"])),
        "ai_defects": defects(),
        "ai_time": t,
        "gui_result": draw(st.sampled_from(["0", "1", 0, 1])),
        "gui_defects": defects(),
        "gui_time": t,
    }


@SETTINGS
@given(valid_records())
def test_valid_records_are_accepted_and_reconcile_adds_up(raw: dict) -> None:
    raw = json.loads(json.dumps(raw))  # as it would arrive
    rec = V.validate(raw)
    assert rec.barcode == raw["barcode"].strip()
    assert rec.ai_result == str(raw["ai_result"])
    ai = {(c, tuple(p)) for c, ps in raw["ai_defects"].items() for p in ps}
    gui = {(c, tuple(p)) for c, ps in raw["gui_defects"].items() for p in ps}
    fates = reconcile(rec)
    assert len(fates.confirmed) + len(fates.rejected) == len(ai)
    assert len(fates.confirmed) + len(fates.added) == len(gui)
    assert set(fates.confirmed) == ai & gui
    assert set(fates.rejected) == ai - gui
    assert set(fates.added) == gui - ai


@SETTINGS
@given(valid_records(), st.sampled_from(list(REQUIRED)), json_values)
def test_one_field_replaced_by_anything(raw: dict, name: str, value: object) -> None:
    raw[name] = value
    result = outcome(raw)
    if result is not None and name in ("cell_type", "cell_size", "el_no"):
        assert isinstance(value, str)


JUNK = st.text(
    st.sampled_from(
        [
            " ",
            "\t",
            "\r",
            "\n",
            "\x00",
            "\x1f",
            "\x7f",
            "\u00a0",
            "\u200b",
            "\ufeff",
            "\u3000",
            "\u2028",
            "\x85",
        ]
    ),
    max_size=4,
)
CORE = st.text(PRINTABLE, min_size=1, max_size=20)


@SETTINGS
@given(valid_records(), JUNK, CORE, JUNK)
def test_surrounding_junk_is_trimmed_from_a_barcode(
    raw: dict, before: str, core: str, after: str
) -> None:
    raw["barcode"] = before + core + after
    assert V.validate(raw).barcode == core


# -- hostile files through `elconsole import` ----------------------------------------------

STRING_FIELDS = ("barcode", "cell_type", "cell_size", "el_no", "ai_result", "gui_result")
TIME_FIELDS = ("create_time", "ai_time", "gui_time")
NOT_A_STRING = [None, 7, 2.5, True, [], ["PV1"], {}, {"$ne": None}, {"$regex": ".*"}]
NOT_A_NUMBER = [None, "abc", "1772496000", True, [], {}, {"$gt": 0}, "NaN"]
NOT_FINITE = ["NaN", "Infinity", "-Infinity", "1e400", "-1e400", str(10**30), "1" + "0" * 40]


def _record(i: int) -> dict:
    return raw_record(i, "HOST")


@st.composite
def broken_lines(draw: st.DrawFn, i: int) -> tuple[bytes, str | None]:
    """A line that must be refused, and the field its refusal must name (None: not JSON)."""
    rec = _record(i)
    kind = draw(
        st.sampled_from(
            [
                "missing",
                "extra",
                "not a string",
                "not a number",
                "not finite",
                "amount",
                "barcode",
                "position",
                "defect type",
                "truncated",
                "not utf-8",
                "control",
                "garbage",
            ]
        )
    )
    if kind == "missing":
        name = draw(st.sampled_from(list(REQUIRED)))
        del rec[name]
        return _dump(rec), name
    if kind == "extra":
        name = draw(st.sampled_from(["Barcode", "_id", "$where", "extra", "ai_defect", ""]))
        rec[name] = draw(json_values)
        return _dump(rec), name
    if kind == "not a string":
        name = draw(st.sampled_from(STRING_FIELDS))
        rec[name] = draw(st.sampled_from(NOT_A_STRING))
        return _dump(rec), name
    if kind == "not a number":
        name = draw(st.sampled_from([*TIME_FIELDS, "cell_amount"]))
        rec[name] = draw(st.sampled_from(NOT_A_NUMBER))
        return _dump(rec), name
    if kind == "not finite":
        name = draw(st.sampled_from([*TIME_FIELDS, "cell_amount"]))
        literal = draw(st.sampled_from(NOT_FINITE))
        rec[name] = "@@"
        return _dump(rec).replace(b'"@@"', literal.encode()), name
    if kind == "amount":
        rec["cell_amount"] = draw(st.sampled_from([0, -72, 73, 120, "sixty", 72.5, 10**30]))
        return _dump(rec), "cell_amount"
    if kind == "barcode":
        rec["barcode"] = draw(
            st.sampled_from(["", "   ", "\t\x00", "B" * 65, "x" * 100_000, "A\x01B", "\ud800"])
        )
        return _dump(rec), "barcode"
    if kind == "position":
        rec["gui_defects"] = {"cr": [draw(st.sampled_from(["A1", [1], [[1, 2]], [0, 1], [7, 1]]))]}
        return _dump(rec), "gui_defects.cr"
    if kind == "defect type":
        rec["ai_defects"] = {"zz": [[1, 1]]}
        return _dump(rec), "ai_defects.zz"
    if kind == "truncated":
        line = _dump(rec)
        return line[: draw(st.integers(1, len(line) - 1))], None
    if kind == "not utf-8":
        line = _dump(rec)
        at = draw(st.integers(0, len(line)))
        return line[:at] + draw(st.sampled_from([b"\xff", b"\xc3", b"\xed\xa0\x80"])) + line[
            at:
        ], None
    if kind == "control":
        return _dump(rec).replace(b"HOST", b"HO\x01ST", 1), None  # raw control in a string
    junk = draw(st.binary(min_size=0, max_size=40)).replace(b"\n", b"").replace(b"\r", b"")
    return b"#" + junk, None


def _dump(rec: dict) -> bytes:
    return json.dumps(rec).encode("utf-8")


@st.composite
def hostile_files(draw: st.DrawFn) -> tuple[bytes, list[dict], dict[int, str | None]]:
    """A JSON Lines file mixing valid records and broken lines; what each line must become."""
    n = draw(st.integers(1, 12))
    valid: list[dict] = []
    broken: dict[int, str | None] = {}
    lines: list[bytes] = []
    for i in range(n):
        if draw(st.booleans()):
            rec = _record(i)
            valid.append(rec)
            lines.append(_dump(rec))
        else:
            line, field_name = draw(broken_lines(i))
            broken[len(lines) + 1] = field_name
            lines.append(line)
    newline = draw(st.sampled_from([b"\n", b"\r\n"]))
    bom = draw(st.sampled_from([b"", b"\xef\xbb\xbf"]))
    return bom + newline.join(lines) + newline, valid, broken


REFUSAL = re.compile(r"^(?P<source>.+?):(?P<line>\d+): refused: (?P<reason>.*)$")


def _import(tmp_path: Path, data: bytes) -> tuple[int, str, mongomock.Database]:
    path = tmp_path / "hostile.jsonl"
    path.write_bytes(data)
    db = mongomock.MongoClient()["elconsole_test"]
    store = SimpleNamespace(repo=PanelRepository(db))
    out = io.StringIO()
    args = cli.build_parser().parse_args(["import", str(path)])
    code = cli.cmd_import(store, args, out)  # type: ignore[arg-type]
    return code, out.getvalue(), db


@SETTINGS
@given(hostile_files())
def test_import_refuses_each_broken_line_and_stores_the_rest(
    tmp_path_factory: pytest.TempPathFactory, case: tuple[bytes, list[dict], dict]
) -> None:
    data, valid, broken = case
    code, out, db = _import(tmp_path_factory.mktemp("hostile"), data)
    *refusals, last = out.splitlines()
    assert last == f"stored {len(valid)}, already present 0, refused {len(broken)}"
    assert code == (1 if broken else 0)
    seen = {}
    for text in refusals:
        match = REFUSAL.match(text)
        assert match, text
        seen[int(match["line"])] = match["reason"]
        assert text.isprintable() and len(text) < 1000
    assert sorted(seen) == sorted(broken)
    for line, field_name in broken.items():
        if field_name is not None:  # field: value — rule
            assert seen[line].startswith(f"{field_name[:77]}"), seen[line]
            assert " — " in seen[line]
    assert_store_holds_exactly(db, valid)


@pytest.mark.parametrize(
    "name, literal, named",
    [
        ("create_time", "NaN", True),
        ("ai_time", "Infinity", True),
        ("gui_time", "-Infinity", True),
        ("create_time", "1e400", True),
        ("create_time", "1000000000000000000000000000000", True),
        ("cell_amount", "NaN", True),
        ("cell_amount", "9" * 5000, False),  # more digits than Python reads: not JSON
    ],
)
def test_import_refuses_json_numbers_beyond_reason(
    tmp_path: Path, name: str, literal: str, named: bool
) -> None:
    line = _dump(_record(1) | {name: "@@"}).replace(b'"@@"', literal.encode())
    code, out, db = _import(tmp_path, line + b"\n" + _dump(_record(2)) + b"\n")
    refusal, last = out.splitlines()
    assert code == 1 and last == "stored 1, already present 0, refused 1"
    assert refusal.startswith(f"{tmp_path / 'hostile.jsonl'}:1: refused: ")
    if named:
        assert f"refused: {name}: " in refusal
    else:
        assert "refused: not valid JSON" in refusal
    assert_store_holds_exactly(db, [_record(2)])


def test_import_of_a_json_array_with_a_bom_and_crlf(tmp_path: Path) -> None:
    recs = [_record(1), _record(2)]
    data = b"\xef\xbb\xbf[\r\n" + b",\r\n".join(_dump(r) for r in recs) + b"\r\n]\r\n"
    code, out, db = _import(tmp_path, data)
    assert (code, out) == (0, "stored 2, already present 0, refused 0\n")
    assert_store_holds_exactly(db, recs)


# -- a barcode is plain text, never a query or a pattern ---------------------------------------

HOSTILE_BARCODES = [
    '{"$ne": null}',
    ".*",
    "$ne",
    "$where",
    "^PV",
    "PV.*",
    "a|b",
    "(",
    "[",
    "\\",
    "{}",
    "PV030000004",
    "PV030000005",
]


def test_a_query_object_is_not_a_barcode() -> None:
    for value in ({"$ne": None}, {"$regex": ".*"}, ["PV1"], None, 7):
        raw = _record(1) | {"barcode": value}
        with pytest.raises(RecordError) as info:
            V.validate(raw)
        assert info.value.field == "barcode" and "must be a string" in str(info.value)


def _store_hostile(repo: PanelRepository) -> None:
    recs = [V.validate(_record(i) | {"barcode": b}) for i, b in enumerate(HOSTILE_BARCODES)]
    repo.store_many(recs)


def _check_plain_text(repo: PanelRepository) -> None:
    for barcode in HOSTILE_BARCODES:
        assert [t.barcode for t in repo.lookup(barcode)] == [barcode]
        want = sorted(b for b in HOSTILE_BARCODES if barcode in b)
        assert repo.find_barcodes(barcode) == want, barcode
    for absent in ("$", "PV0300000", "*", "|", ".", "P.0"):
        assert repo.lookup(absent) == []
    assert repo.find_barcodes(".") == [".*", "PV.*"]
    assert repo.find_barcodes("$") == ["$ne", "$where", '{"$ne": null}']
    with pytest.raises(TypeError):
        repo.lookup({"$ne": None})  # type: ignore[arg-type]
    assert repo.find_barcodes({"$ne": None}) == []  # type: ignore[arg-type]


def test_hostile_barcodes_match_only_themselves(any_repo: PanelRepository) -> None:
    _store_hostile(any_repo)
    _check_plain_text(any_repo)


@SETTINGS
@given(st.text(min_size=1, max_size=12))
def test_any_fragment_finds_exactly_the_barcodes_containing_it(fragment: str) -> None:
    repo = _HOSTILE_REPO
    want = sorted(b for b in HOSTILE_BARCODES if fragment in b)
    assert repo.find_barcodes(fragment) == want
    assert [t.barcode for t in repo.lookup(fragment)] == (
        [fragment] if fragment in HOSTILE_BARCODES else []
    )


_HOSTILE_REPO = PanelRepository(mongomock.MongoClient()["hostile"])
_store_hostile(_HOSTILE_REPO)


def test_cli_lookup_of_hostile_barcodes(tmp_path: Path) -> None:
    store = str(tmp_path / "cli.db")
    path = tmp_path / "in.jsonl"
    path.write_text(
        "".join(
            json.dumps(_record(i) | {"barcode": b}) + "\n" for i, b in enumerate(HOSTILE_BARCODES)
        )
    )
    assert _run_cli("import", "--store", store, str(path))[0] == 0
    for barcode in ('{"$ne": null}', ".*", "$ne"):
        code, out = _run_cli("lookup", "--store", store, "--json", barcode)
        assert code == 0
        assert [t["Barcode"] for t in json.loads(out)] == [barcode]
    code, out = _run_cli("lookup", "--store", store, "--json", '{"$gt": ""}')
    assert (code, json.loads(out)) == (1, [])


def _run_cli(*argv: str) -> tuple[int, str]:
    out = io.StringIO()
    code = cli.run(cli.build_parser().parse_args(list(argv)), out=out)
    return code, out.getvalue()
