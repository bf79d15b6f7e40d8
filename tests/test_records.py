"""Validation of station records and AI/operator reconciliation (domain/records.py)."""

from __future__ import annotations

import math

import pytest

from elconsole.domain.records import (
    REQUIRED,
    RecordError,
    StationRecord,
    Validator,
    clean_barcode,
    reconcile,
    verdict_label,
)

# 2026-03-03T00:00:00Z: 2026-01-01 is day 56*365 + 14 leap days = 20454 after the epoch,
# + 31 (Jan) + 28 (Feb) + 2 = day 20515; 20515 * 86400 = 1_772_496_000.
T = 1_772_496_000.0
NOW = T + 3600.0
# 2000-01-01T00:00:00Z: 30 * 365 + 7 leap days (1972..1996) = 10957 days * 86400.
Y2000 = 946_684_800


def raw(**over: object) -> dict[str, object]:
    record: dict[str, object] = {
        "barcode": "PV0001",
        "cell_type": "mono",
        "cell_size": "full",
        "cell_amount": 72,
        "el_no": "EL01",
        "create_time": T,
        "ai_result": "1",
        "ai_defects": {},
        "ai_time": T + 1.5,
        "gui_result": "1",
        "gui_defects": {},
        "gui_time": T + 12.0,
    }
    record.update(over)
    return record


@pytest.fixture
def v() -> Validator:
    return Validator(now=lambda: NOW)


def refused(v: Validator, record: object) -> RecordError:
    with pytest.raises(RecordError) as info:
        v.validate(record)
    return info.value


# -- accepted -----------------------------------------------------------------


def test_a_plain_record_is_accepted_with_every_field(v: Validator) -> None:
    rec = v.validate(raw(operator="Li Wei"))
    assert isinstance(rec, StationRecord)
    assert (rec.barcode, rec.cell_type, rec.cell_size, rec.cell_amount, rec.el_no) == (
        "PV0001",
        "mono",
        "full",
        72,
        "EL01",
    )
    assert (rec.create_time, rec.ai_time, rec.gui_time) == (T, T + 1.5, T + 12.0)
    assert (rec.ai_result, rec.gui_result) == ("1", "1")
    assert rec.ai_defects == {} and rec.gui_defects == {}
    assert rec.operator == "Li Wei"
    assert isinstance(rec.create_time, float)


def test_operator_is_optional_and_may_be_null(v: Validator) -> None:
    assert v.validate(raw()).operator is None
    assert v.validate(raw(operator=None)).operator is None


@pytest.mark.parametrize("size, amount", [("full", 60), ("full", 72), ("half", 120), ("half", 144)])
def test_every_layout_is_accepted(v: Validator, size: str, amount: int) -> None:
    rec = v.validate(raw(cell_size=size, cell_amount=amount))
    assert (rec.cell_size, rec.cell_amount) == (size, amount)


def test_poly_cells_are_accepted(v: Validator) -> None:
    assert v.validate(raw(cell_type="poly")).cell_type == "poly"


def test_integer_times_are_accepted_as_floats(v: Validator) -> None:
    rec = v.validate(raw(create_time=1_772_496_000))
    assert rec.create_time == T and isinstance(rec.create_time, float)


# -- barcode ------------------------------------------------------------------


def test_barcode_is_trimmed_of_white_space_and_control_characters(v: Validator) -> None:
    assert v.validate(raw(barcode="  PV1\t\r\n")).barcode == "PV1"
    assert v.validate(raw(barcode="\x00\x1bPV2\x7f")).barcode == "PV2"


def test_barcode_is_trimmed_of_unicode_white_space(v: Validator) -> None:
    # U+3000 ideographic space (Chinese IME), U+2003 em space, U+2028 line separator, NEL
    assert v.validate(raw(barcode="\u3000PV1\u2028")).barcode == "PV1"
    assert v.validate(raw(barcode="\u2003\ufeffPV2\x85 ")).barcode == "PV2"
    assert v.validate(raw(el_no="\u3000EL01")).el_no == "EL01"


def test_barcode_keeps_inner_spaces(v: Validator) -> None:
    assert v.validate(raw(barcode=" PV 3 ")).barcode == "PV 3"


def test_barcode_limit_is_64_characters_after_trimming(v: Validator) -> None:
    assert v.validate(raw(barcode="A" * 64)).barcode == "A" * 64
    assert v.validate(raw(barcode="  " + "B" * 64 + "\n")).barcode == "B" * 64
    err = refused(v, raw(barcode="A" * 65))
    assert err.field == "barcode" and "64" in err.rule


@pytest.mark.parametrize("value", ["", "   ", "\t\r\n", "\x00"])
def test_empty_barcode_is_refused(v: Validator, value: str) -> None:
    err = refused(v, raw(barcode=value))
    assert err.field == "barcode"
    assert err.value == value


@pytest.mark.parametrize("value", [None, 123, 1.5, True, ["PV1"], {"$ne": None}])
def test_barcode_that_is_not_a_string_is_refused(v: Validator, value: object) -> None:
    assert refused(v, raw(barcode=value)).field == "barcode"


def test_barcode_with_an_inner_control_character_is_refused(v: Validator) -> None:
    assert refused(v, raw(barcode="PV\n1")).field == "barcode"


@pytest.mark.parametrize("value", ['{"$ne": null}', ".*", "$where", "a.b"])
def test_barcodes_that_look_like_queries_are_plain_strings(v: Validator, value: str) -> None:
    assert v.validate(raw(barcode=value)).barcode == value


@pytest.mark.parametrize("name", ["barcode", "el_no", "operator"])
def test_lone_surrogates_are_refused(v: Validator, name: str) -> None:
    # json.loads('"\\ud800"') gives a lone surrogate, which no store can encode as UTF-8.
    err = refused(v, raw(**{name: "PV\ud800"}))
    assert err.field == name


# -- cell type, size and amount -----------------------------------------------


@pytest.mark.parametrize("value", ["MONO", "Mono", "", "cigs", None, 1])
def test_unknown_cell_type_is_refused(v: Validator, value: object) -> None:
    assert refused(v, raw(cell_type=value)).field == "cell_type"


@pytest.mark.parametrize("value", ["quarter", "FULL", None, 72])
def test_unknown_cell_size_is_refused(v: Validator, value: object) -> None:
    assert refused(v, raw(cell_size=value)).field == "cell_size"


@pytest.mark.parametrize(
    "size, amount",
    [
        ("full", 120),
        ("full", 144),
        ("half", 60),
        ("half", 72),
        ("full", 0),
        ("full", 66),
        ("full", "72"),
        ("full", None),
        ("full", True),
    ],
)
def test_cell_amount_must_fit_the_cell_size(v: Validator, size: str, amount: object) -> None:
    err = refused(v, raw(cell_size=size, cell_amount=amount))
    assert err.field == "cell_amount"
    assert err.value == amount


# -- station ------------------------------------------------------------------


@pytest.mark.parametrize("value", ["", "  ", None, 5, "E" * 65])
def test_bad_el_no_is_refused(v: Validator, value: object) -> None:
    assert refused(v, raw(el_no=value)).field == "el_no"


def test_el_no_is_trimmed(v: Validator) -> None:
    assert v.validate(raw(el_no=" EL02\n")).el_no == "EL02"


# -- times ------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["create_time", "ai_time", "gui_time"])
@pytest.mark.parametrize(
    "value", ["1772496000", None, True, False, [T], math.nan, math.inf, -math.inf]
)
def test_times_must_be_finite_numbers(v: Validator, name: str, value: object) -> None:
    err = refused(v, raw(**{name: value}))
    assert err.field == name


@pytest.mark.parametrize("name", ["create_time", "ai_time", "gui_time"])
def test_times_before_2000_are_refused(v: Validator, name: str) -> None:
    assert v.validate(raw(**{name: Y2000})) is not None  # exactly 2000-01-01 is allowed
    for value in (Y2000 - 0.001, 0, -1, 1_500):
        assert refused(v, raw(**{name: value})).field == name


@pytest.mark.parametrize("name", ["create_time", "ai_time", "gui_time"])
def test_times_more_than_a_day_ahead_are_refused(v: Validator, name: str) -> None:
    # now is fixed at NOW; a day is 86400 s.
    assert v.validate(raw(**{name: NOW + 86400})) is not None
    err = refused(v, raw(**{name: NOW + 86400 + 1}))
    assert err.field == name and "future" in err.rule
    assert refused(v, raw(**{name: 10**400})).field == name


def test_the_future_rule_follows_the_injected_clock() -> None:
    later = Validator(now=lambda: NOW + 10 * 86400)
    assert later.validate(raw(create_time=NOW + 5 * 86400)).create_time == NOW + 5 * 86400
    assert refused(Validator(now=lambda: NOW), raw(create_time=NOW + 5 * 86400)).field == (
        "create_time"
    )


# -- verdicts -----------------------------------------------------------------


@pytest.mark.parametrize("name", ["ai_result", "gui_result"])
@pytest.mark.parametrize("value, code", [(0, "0"), (1, "1"), (2, "2"), ("0", "0"), ("7", "7")])
def test_verdicts_become_digit_strings(v: Validator, name: str, value: object, code: str) -> None:
    assert getattr(v.validate(raw(**{name: value})), name) == code


@pytest.mark.parametrize("name", ["ai_result", "gui_result"])
@pytest.mark.parametrize(
    "value", ["OK", "", " 1", "1.0", "-1", "\u0661", 1.0, True, False, None, -1, 3, [1]]
)
def test_bad_verdicts_are_refused(v: Validator, name: str, value: object) -> None:
    assert refused(v, raw(**{name: value})).field == name


def test_verdict_labels() -> None:
    assert verdict_label("0") == "NG"
    assert verdict_label("1") == "OK"
    assert verdict_label("2") == "other (2)"
    assert verdict_label(None) == "missing"


# -- defects ------------------------------------------------------------------


@pytest.mark.parametrize("name", ["ai_defects", "gui_defects"])
@pytest.mark.parametrize("value", [None, [], [["cr", 1, 1]], "cr", 0])
def test_defects_must_be_an_object(v: Validator, name: str, value: object) -> None:
    assert refused(v, raw(**{name: value})).field == name


@pytest.mark.parametrize("name", ["ai_defects", "gui_defects"])
def test_unknown_defect_type_is_refused(v: Validator, name: str) -> None:
    err = refused(v, raw(**{name: {"cr": [[1, 1]], "xx": [[1, 2]]}}))
    assert err.field == f"{name}.xx"
    assert err.value == "xx"


@pytest.mark.parametrize("pos", [[7, 1], [1, 13], [0, 1], [1, 0], [-1, 3], [6, 13]])
def test_off_grid_positions_on_a_72_cell_module_are_refused(v: Validator, pos: list[int]) -> None:
    # 72 full cells: 6 rows x 72/6 = 12 columns.
    err = refused(v, raw(ai_defects={"cr": [pos]}))
    assert err.field == "ai_defects.cr"
    assert err.value == pos


def test_grid_edges_per_layout(v: Validator) -> None:
    # columns = cell_amount / 6: 60 -> 10, 72 -> 12, 120 -> 20, 144 -> 24.
    for size, amount, cols in (
        ("full", 60, 10),
        ("full", 72, 12),
        ("half", 120, 20),
        ("half", 144, 24),
    ):
        ok = v.validate(raw(cell_size=size, cell_amount=amount, gui_defects={"bc": [[6, cols]]}))
        assert ok.gui_defects == {"bc": ((6, cols),)}
        err = refused(
            v, raw(cell_size=size, cell_amount=amount, gui_defects={"bc": [[6, cols + 1]]})
        )
        assert err.field == "gui_defects.bc"
    assert v.validate(
        raw(cell_size="half", cell_amount=144, ai_defects={"mr": [[1, 24]]})
    ).ai_defects == {"mr": ((1, 24),)}


@pytest.mark.parametrize(
    "pos", [[1], [1, 2, 3], [True, 1], [1, 1.0], ["1", "2"], "A1", None, {"row": 1, "col": 1}]
)
def test_malformed_positions_are_refused(v: Validator, pos: object) -> None:
    assert refused(v, raw(gui_defects={"cs": [pos]})).field == "gui_defects.cs"


def test_positions_must_be_a_list(v: Validator) -> None:
    assert refused(v, raw(gui_defects={"cs": [1, 2]})).field == "gui_defects.cs"
    assert refused(v, raw(gui_defects={"cs": {"1": 2}})).field == "gui_defects.cs"


def test_a_repeated_position_is_one_defect(v: Validator) -> None:
    rec = v.validate(raw(ai_defects={"cr": [[2, 3], [4, 5], [2, 3]], "cs": []}))
    assert rec.ai_defects == {"cr": ((2, 3), (4, 5)), "cs": ()}


# -- fields -------------------------------------------------------------------


@pytest.mark.parametrize("name", REQUIRED)
def test_every_missing_field_is_named(v: Validator, name: str) -> None:
    record = raw()
    del record[name]
    err = refused(v, record)
    assert err.field == name


def test_the_twelve_required_fields() -> None:
    assert set(REQUIRED) == {
        "barcode",
        "cell_type",
        "cell_size",
        "cell_amount",
        "el_no",
        "create_time",
        "ai_result",
        "ai_defects",
        "ai_time",
        "gui_result",
        "gui_defects",
        "gui_time",
    }


@pytest.mark.parametrize("extra", ["foo", "Barcode", "_id", "$where"])
def test_an_extra_field_is_refused(v: Validator, extra: str) -> None:
    err = refused(v, raw(**{extra: 1}))
    assert err.field == extra


@pytest.mark.parametrize("value", [None, [], "record", 5, [raw()]])
def test_a_record_must_be_an_object(v: Validator, value: object) -> None:
    assert refused(v, value).field == "record"


def test_a_refusal_names_field_value_and_rule(v: Validator) -> None:
    err = refused(v, raw(cell_amount=66))
    assert isinstance(err, ValueError)
    assert err.field == "cell_amount" and err.value == 66
    text = str(err)
    assert "cell_amount" in text and "66" in text and err.rule in text


def test_a_long_value_is_shortened_in_the_message(v: Validator) -> None:
    err = refused(v, raw(barcode="X" * 500))
    assert len(str(err)) < 300


# -- reconcile ----------------------------------------------------------------


def test_reconcile_a_hand_example(v: Validator) -> None:
    rec = v.validate(
        raw(
            ai_result="0",
            ai_defects={"cr": [[1, 2], [3, 4]], "cs": [[2, 2]]},
            gui_result="0",
            gui_defects={"cr": [[1, 2]], "bc": [[5, 10]], "cs": [[2, 3]]},
        )
    )
    fates = reconcile(rec)
    # AI cr@[1,2] also in gui -> confirmed; AI cr@[3,4] and cs@[2,2] not in gui -> rejected;
    # gui bc@[5,10] and cs@[2,3] (a different cell than AI's cs@[2,2]) -> added.
    assert set(fates.confirmed) == {("cr", (1, 2))}
    assert set(fates.rejected) == {("cr", (3, 4)), ("cs", (2, 2))}
    assert set(fates.added) == {("bc", (5, 10)), ("cs", (2, 3))}
    assert len(fates.confirmed) + len(fates.rejected) + len(fates.added) == 5


def test_reconcile_the_type_is_part_of_a_defect(v: Validator) -> None:
    # Same cell, different type: AI cr rejected, operator bc added.
    rec = v.validate(raw(ai_defects={"cr": [[3, 3]]}, gui_defects={"bc": [[3, 3]]}))
    fates = reconcile(rec)
    assert fates.confirmed == ()
    assert fates.rejected == (("cr", (3, 3)),)
    assert fates.added == (("bc", (3, 3)),)


def test_reconcile_without_defects(v: Validator) -> None:
    fates = reconcile(v.validate(raw()))
    assert (fates.confirmed, fates.rejected, fates.added) == ((), (), ())


@pytest.mark.parametrize(
    ("sent", "kept"),
    [
        ("\u200dPV-ZWJ\u200c\u2060", "PV-ZWJ"),  # zero-width joiners and word joiner
        ("\u200ePV-BIDI\u200f\u202a", "PV-BIDI"),  # bidirectional marks
        ("\x9f\x85PV-C1\u00a0", "PV-C1"),  # C1 controls, no-break space
        ("\ufeff\u3000PV-IME\u2028\t", "PV-IME"),
    ],
)
def test_a_barcode_loses_invisible_characters_at_its_ends(sent: str, kept: str) -> None:
    assert Validator(now=lambda: T).validate(raw(barcode=sent)).barcode == kept


@pytest.mark.parametrize("inside", ["\x00", "\x9f", "\u200b", "\u200d", "\ufeff", "\u202e"])
def test_a_barcode_with_an_invisible_character_inside_is_refused(inside: str) -> None:
    with pytest.raises(RecordError) as info:
        Validator(now=lambda: T).validate(raw(barcode=f"AB{inside}CD"))
    assert info.value.field == "barcode"
    assert "control or invisible" in str(info.value)


def test_a_megabyte_of_interleaved_junk_is_trimmed() -> None:
    junk = "\u3000\u200b" * 500_000  # one layer at a time, this took minutes
    assert clean_barcode(junk + "PV-SLOW" + junk) == "PV-SLOW"
