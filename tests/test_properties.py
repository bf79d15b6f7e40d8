"""Property tests: the validator never fails in any other way, and reconcile adds up."""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

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
