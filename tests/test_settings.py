"""Settings: defaults, validation naming field, value and rule, the file, precedence."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from elconsole import settings as st
from elconsole.data import stores
from elconsole.domain.defect_types import DefectType
from elconsole.domain.plantclock import Shift


def test_defaults_are_the_spec_defaults() -> None:
    s = st.Settings()
    assert [(x.name, x.start) for x in s.shifts] == [
        ("day", dt.time(8, 0)),
        ("night", dt.time(20, 0)),
    ]
    assert [t.code for t in s.defect_types] == ["cr", "cs", "bc", "mr"]
    assert (s.store, s.time_zone, s.language) == ("", "", "system")


def test_missing_file_gives_defaults(tmp_path: Path) -> None:
    assert st.load(tmp_path / "none.json") == st.Settings()


def test_save_then_load_round_trips(tmp_path: Path) -> None:
    path = tmp_path / "cfg" / "settings.json"
    chosen = st.Settings(
        store="mongodb://op:pw@db1,db2/plant?replicaSet=rs0",
        time_zone="Asia/Shanghai",
        shifts=(Shift("A", dt.time(6, 0)), Shift("B", dt.time(14, 0)), Shift("C", dt.time(22, 0))),
        defect_types=(DefectType("cr", "隐裂", "#d62728"), DefectType("br", "Broken", "#000000")),
        inbox_dir=str(tmp_path),
        station_id="EL-03",
        scanner_prefix="]C1",
        scanner_suffix="\t",
        language="zh_CN",
    )
    st.save(chosen, path)
    assert st.load(path) == chosen
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["shifts"][2] == {"name": "C", "start": "22:00"}
    assert data["defect_types"][0]["label"] == "隐裂"
    assert path.stat().st_mode & 0o077 == 0


def test_every_bad_value_is_named_with_its_rule(tmp_path: Path) -> None:
    data = st.to_data(st.Settings())
    data.update(
        store="ftp://u:secret@host/x",
        time_zone="Mars/Olympus",
        shifts=[{"name": "day", "start": "08:00"}, {"name": "day", "start": "8:00"}],
        defect_types=[{"code": "CR!", "label": "", "colour": "red"}],
        inbox_dir=str(tmp_path / "missing"),
        station_id="EL 03",
        scanner_prefix="x" * 17,
        language="fr",
    )
    with pytest.raises(st.SettingsInvalid) as caught:
        st.parse(data)
    errors = {e.key: (e.value, e.rule) for e in caught.value.errors}
    assert errors == {
        "store": ("ftp://u:***@host/x", st.RULE_STORE),
        "time_zone": ("Mars/Olympus", st.RULE_ZONE),
        "inbox_dir": (str(tmp_path / "missing"), st.RULE_INBOX),
        "station_id": ("EL 03", st.RULE_STATION),
        "scanner_prefix": ("x" * 17, st.RULE_SCANNER),
        "language": ("fr", st.RULE_LANGUAGE),
        "shifts.2.name": ("day", st.RULE_NAME),
        "shifts.2.start": ("8:00", st.RULE_START),
        "defect_types.1.code": ("CR!", st.RULE_CODE),
        "defect_types.1.label": ("", st.RULE_LABEL),
        "defect_types.1.colour": ("red", st.RULE_COLOUR),
    }
    assert "secret" not in str(caught.value)


def test_no_shift_and_no_type_are_refused() -> None:
    with pytest.raises(st.SettingsInvalid) as caught:
        st.parse({"shifts": [], "defect_types": []})
    assert {e.key for e in caught.value.errors} == {"shifts", "defect_types"}


def test_a_store_folder_is_refused_a_file_path_accepted(tmp_path: Path) -> None:
    assert st.parse({"store": str(tmp_path / "line3.db")}).store == str(tmp_path / "line3.db")
    with pytest.raises(st.SettingsInvalid):
        st.parse({"store": str(tmp_path)})


def test_save_refuses_invalid_and_writes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    with pytest.raises(st.SettingsInvalid):
        st.save(st.Settings(time_zone="Nowhere/Town"), path)
    assert not path.exists()


def test_a_bad_value_in_the_file_takes_its_default_only(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    path.write_text(json.dumps({"time_zone": "Nowhere/Town", "station_id": "EL-02"}))
    loaded = st.load(path)
    assert (loaded.time_zone, loaded.station_id) == ("", "EL-02")


def test_a_broken_file_gives_defaults(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    path.write_text("{not json")
    assert st.load(path) == st.Settings()


def test_command_line_then_environment_then_saved() -> None:
    saved = st.Settings(store="/data/saved.db", time_zone="Europe/Berlin")
    env = {"ELCONSOLE_STORE": "/data/env.db"}
    assert st.effective_store(saved, st.Overrides(store="/cli.db"), env) == "/cli.db"
    assert st.effective_store(saved, st.Overrides(), env) == "/data/env.db"
    assert st.effective_store(saved, st.Overrides(), {}) == "/data/saved.db"
    assert st.effective_store(st.Settings(), st.Overrides(), {}) is None
    assert st.effective_zone(saved, st.Overrides(time_zone="UTC")) == "UTC"
    assert st.effective_zone(saved, st.Overrides()) == "Europe/Berlin"


@pytest.mark.parametrize(
    ("uri", "rule"),
    [
        ("mongodb://op:secret@host:abc/db", stores.URI_PORT),
        ("mongodb://op:secret@host:99999/db", stores.URI_PORT),
        ("mongodb://op:secret@h@x/db", stores.URI_USERINFO),
        ("mongodb+srv://op:secret@host:27017/db", stores.URI_SRV),
        ("mongodb://op:secret@a b/db", stores.URI_HOST),
    ],
)
def test_a_malformed_mongodb_uri_is_refused_without_its_password(uri: str, rule: str) -> None:
    with pytest.raises(st.SettingsInvalid) as caught:
        st.parse({"store": uri})
    [error] = caught.value.errors
    assert (error.key, error.rule) == ("store", rule)
    assert error.value.startswith("mongodb") and "op:***@" in error.value
    assert "secret" not in str(caught.value)


def test_a_password_with_an_at_sign_stays_hidden_when_refused() -> None:
    with pytest.raises(st.SettingsInvalid) as caught:
        st.parse({"store": "mongodb://op:p@ss@host:abc/db"})
    assert caught.value.errors[0].value == "mongodb://op:***@host:abc/db"


def test_well_formed_uris_pass_without_any_lookup() -> None:
    for uri in (
        "mongodb://op:pw@db1,db2:27018/plant?replicaSet=rs0",
        "mongodb+srv://op:pw@cluster0.example.invalid/plant?srvMaxHosts=2",
        "mongodb://[::1]:27017/db",
    ):
        assert stores.check_uri(uri) is None
        assert st.parse({"store": uri}).store == uri
