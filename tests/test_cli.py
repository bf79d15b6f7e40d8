"""The command line: import, lookup, stats, demo and import-legacy on an embedded store."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import time
from collections import Counter, defaultdict
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from elconsole import app, cli

DATA = Path(__file__).parent / "data"
SAMPLE = DATA / "station-records.jsonl"
T = 1_772_496_000.0  # 2026-03-03T00:00:00Z (20515 days * 86400)


def run_cli(*argv: str) -> tuple[int, str]:
    out = io.StringIO()
    code = cli.run(cli.build_parser().parse_args(list(argv)), out=out)
    return code, out.getvalue()


def raw(barcode: str, t: float = T, **over: object) -> dict:
    r = {
        "barcode": barcode,
        "cell_type": "mono",
        "cell_size": "full",
        "cell_amount": 72,
        "el_no": "EL01",
        "create_time": t,
        "ai_result": "1",
        "ai_defects": {},
        "ai_time": t + 1.0,
        "gui_result": "1",
        "gui_defects": {},
        "gui_time": t + 10.0,
    }
    r.update(over)
    return r


def write_jsonl(path: Path, records: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


@pytest.fixture
def store(tmp_path: Path) -> str:
    return str(tmp_path / "cli-store.db")


# -- import -------------------------------------------------------------------------------


def test_import_then_import_again(store: str, tmp_path: Path) -> None:
    f = write_jsonl(tmp_path / "a.jsonl", [raw("A"), raw("B"), raw("A", T + 600)])
    code, out = run_cli("import", "--store", store, str(f))
    assert code == 0
    assert out.strip().splitlines()[-1] == "stored 3, already present 0, refused 0"
    code, out = run_cli("--store", store, "import", str(f))
    assert code == 0
    assert out.strip().splitlines()[-1] == "stored 0, already present 3, refused 0"


def test_import_a_mixed_file(store: str, tmp_path: Path) -> None:
    f = tmp_path / "mixed.jsonl"
    lines = [
        json.dumps(raw("GOOD1")).encode(),  # 1: valid
        b'{"barcode": "BROKEN", ',  # 2: not JSON
        b'{"barcode": "\xff\xfe"}',  # 3: not UTF-8
        json.dumps(raw("BAD", cell_amount=61)).encode(),  # 4: breaks a rule
        b"   ",  # 5: blank, skipped
        json.dumps(raw("GOOD2", gui_result=0)).encode(),  # 6: valid
        b"[1, 2]",  # 7: not an object
        json.dumps(raw("\ud800X")).encode(),  # 8: a lone surrogate (valid JSON text)
    ]
    f.write_bytes(b"\n".join(lines) + b"\n")
    code, out = run_cli("import", "--store", store, str(f))
    assert code == 1
    assert out.strip().splitlines()[-1] == "stored 2, already present 0, refused 5"
    refusals = [line for line in out.splitlines() if ": refused: " in line]
    assert [line.split(": refused: ")[0] for line in refusals] == [
        f"{f}:{n}" for n in (2, 3, 4, 7, 8)
    ]
    assert "not valid JSON" in refusals[0]
    assert "UTF-8" in refusals[1]
    assert "cell_amount" in refusals[2] and "61" in refusals[2]
    assert "record" in refusals[3]
    assert "barcode" in refusals[4]

    code, out = run_cli("lookup", "--store", store, "--json", "GOOD2")
    assert code == 0
    assert [t["gui_result"] for t in json.loads(out)] == ["0"]
    code, out = run_cli("lookup", "--store", store, "--json", "BAD")
    assert code == 1 and json.loads(out) == []

    code, out = run_cli("import", "--store", store, str(f))
    assert code == 1
    assert out.strip().splitlines()[-1] == "stored 0, already present 2, refused 5"


def test_import_a_json_array_and_a_missing_file(store: str, tmp_path: Path) -> None:
    arr = tmp_path / "arr.json"
    arr.write_text(json.dumps([raw("ARR1"), raw("ARR2"), raw("ARR1")]), encoding="utf-8")
    code, out = run_cli("import", "--store", store, str(arr), str(tmp_path / "missing.jsonl"))
    assert code == 1
    assert "missing.jsonl: refused: cannot read the file" in out
    # ARR1 twice in the file: the second is already present
    assert out.strip().splitlines()[-1] == "stored 2, already present 1, refused 1"


def test_an_array_refusal_names_the_line_of_its_element(store: str, tmp_path: Path) -> None:
    arr = tmp_path / "lines.json"
    good = json.dumps(raw("ARRL1"))
    arr.write_text(f'[\n  {good},\n\n  5,\n  {{"barcode":\n 7}}\n]\n', encoding="utf-8")
    code, out = run_cli("import", "--store", store, str(arr))
    assert code == 1
    assert f"{arr}:4: refused: record: 5" in out  # the 2nd element, on line 4
    assert f"{arr}:5: refused:" in out  # the 3rd starts on line 5
    assert out.strip().splitlines()[-1] == "stored 1, already present 0, refused 2"


def test_json_lines_whose_first_line_is_an_array(store: str, tmp_path: Path) -> None:
    f = tmp_path / "first.jsonl"
    f.write_text("[1, 2]\n" + json.dumps(raw("FLA1")) + "\n", encoding="utf-8")
    code, out = run_cli("import", "--store", store, str(f))
    assert code == 1 and f"{f}:1: refused:" in out
    assert out.strip().splitlines()[-1] == "stored 1, already present 0, refused 1"


def test_app_main_import(store: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # cli.run's default `out` is the sys.stdout of import time, so catch it here
    buf, real_run = io.StringIO(), cli.run
    monkeypatch.setattr(cli, "run", lambda parsed: real_run(parsed, out=buf))
    f = write_jsonl(tmp_path / "one.jsonl", [raw("MAIN1")])
    assert app.main(["--store", store, "import", str(f)]) == 0
    assert app.main(["--store", store, "import", str(f), str(tmp_path / "nope.jsonl")]) == 1
    out = buf.getvalue()
    assert "stored 1, already present 0, refused 0" in out
    assert "stored 0, already present 1, refused 1" in out


# -- lookup -----------------------------------------------------------------------------


HAND = raw(
    "PVHAND",
    el_no="EL02",
    cell_type="poly",
    cell_size="half",
    cell_amount=144,
    ai_result="0",
    ai_defects={"cr": [[3, 17], [1, 1]]},
    gui_result="0",
    gui_defects={"cr": [[3, 17]], "bc": [[6, 24]]},
)


def test_lookup_json_shape(store: str, tmp_path: Path) -> None:
    f = write_jsonl(tmp_path / "h.jsonl", [HAND, raw("PVHAND", T - 3600)])
    assert run_cli("import", "--store", store, str(f))[0] == 0
    code, out = run_cli("lookup", "--store", store, "--json", "  PVHAND\t")
    assert code == 0
    tests = json.loads(out)
    assert [t["create_time"] for t in tests] == [T, T - 3600]  # newest first
    newest = tests[0]
    for key, value in {
        "Barcode": "PVHAND",
        "EL_no": "EL02",
        "cell_type": "poly",
        "cell_size": "half",
        "create_time": T,
        "ai_result": "0",
        "gui_result": "0",
    }.items():
        assert newest[key] == value, key
    # cr C17: AI, confirmed; cr A1: AI, rejected; bc F24: operator, added.
    got = sorted(
        (
            d["Defect"][0]["Type"],
            d["Defect"][0]["Position"],
            d["Defect"][0]["by"],
            d["Defect"][0]["time"],
            d["Status"],
            d["by"],
        )
        for d in newest["Defects"]
    )
    assert got == [
        ("bc", [6, 24], "OP", T + 10.0, "true", "OP"),
        ("cr", [1, 1], "AI", T + 1.0, "false", "AI"),
        ("cr", [3, 17], "AI", T + 1.0, "true", "AI"),
    ]
    assert all(len(d["Defect"]) == 1 for d in newest["Defects"])
    assert tests[1]["Defects"] == [] and tests[1]["ai_result"] == "1"


def test_lookup_text(store: str, tmp_path: Path) -> None:
    f = write_jsonl(tmp_path / "h.jsonl", [HAND])
    run_cli("import", "--store", store, str(f))
    code, out = run_cli("lookup", "--store", store, "--tz", "Asia/Shanghai", "PVHAND")
    assert code == 0
    # T is 2026-03-03 00:00 UTC = 08:00 in Shanghai
    assert "2026-03-03 08:00:00" in out
    assert "AI NG" in out and "operator NG" in out
    assert re.search(r"cr\s+C17\s+ai confirmed", out)
    assert re.search(r"cr\s+A1\s+ai rejected", out)
    assert re.search(r"bc\s+F24\s+operator added", out)
    code, out = run_cli("lookup", "--store", store, "NOPE")
    assert code == 1 and "NOPE" in out


# -- stats ------------------------------------------------------------------------------------


def plain_figures(lines: list[dict], start: float, end: float, tz: ZoneInfo) -> dict:
    """Figures per group worked out in plain Python from the raw records."""
    records, seen = [], set()
    for r in lines:
        ident = (r["barcode"], r["el_no"], float(r["create_time"]))
        if ident not in seen:
            seen.add(ident)
            records.append(r)

    def kind(code: object) -> str:
        return {"1": "ok", "0": "ng"}.get(str(code), "other")

    def shift(t: float) -> str:
        local = dt.datetime.fromtimestamp(t, tz)
        if local.hour < 8:
            return f"{(local.date() - dt.timedelta(days=1)).isoformat()} night"
        return f"{local.date().isoformat()} {'day' if local.hour < 20 else 'night'}"

    groups: dict = defaultdict(
        lambda: defaultdict(
            lambda: {
                "tests": 0,
                "ai": Counter(),
                "op": Counter(),
                "fates": Counter(),
            }
        )
    )
    for r in records:
        t = r["create_time"]
        if not start <= t < end:
            continue
        a = {(c, tuple(p)) for c, ps in r["ai_defects"].items() for p in ps}
        g = {(c, tuple(p)) for c, ps in r["gui_defects"].items() for p in ps}
        fates = (
            [(c, "ai_confirmed") for c, _ in a & g]
            + [(c, "ai_rejected") for c, _ in a - g]
            + [(c, "operator_added") for c, _ in g - a]
        )
        keys = {
            "total": ["all"],
            "day": [dt.datetime.fromtimestamp(t, tz).date().isoformat()],
            "station": [r["el_no"]],
            "shift": [shift(t)],
            "type": sorted({c for c, _ in fates}),
        }
        for name, ks in keys.items():
            for k in ks:
                tally = groups[name][k]
                tally["tests"] += 1
                tally["ai"][kind(r["ai_result"])] += 1
                tally["op"][kind(r["gui_result"])] += 1
                tally["fates"].update(f for c, f in fates if name != "type" or c == k)
    return groups


def verdicts(counter: Counter) -> dict:
    return {k: counter[k] for k in ("ok", "ng", "other")}


@pytest.fixture(scope="module")
def sample_store(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, str]:
    store = str(tmp_path_factory.mktemp("cli-sample") / "sample.db")
    code, out = run_cli("import", "--store", store, str(SAMPLE))
    return store, out


def test_import_the_sample_file(sample_store: tuple[str, str]) -> None:
    lines = [json.loads(x) for x in SAMPLE.read_text(encoding="utf-8").splitlines() if x.strip()]
    distinct = len({(r["barcode"], r["el_no"], float(r["create_time"])) for r in lines})
    _, out = sample_store
    assert out.strip().splitlines()[-1] == (
        f"stored {distinct}, already present {len(lines) - distinct}, refused 0"
    )


def test_stats_of_the_sample_data(sample_store: tuple[str, str]) -> None:
    store, _ = sample_store
    code, out = run_cli(
        "stats",
        "--store",
        store,
        "--from",
        "2026-03-03",
        "--to",
        "2026-03-06",
        "--tz",
        "Asia/Shanghai",
        "--json",
        "--by",
        "day,station,type,shift",
    )
    assert code == 0
    got = json.loads(out)
    tz = ZoneInfo("Asia/Shanghai")
    start = T - 8 * 3600  # 2026-03-03 00:00 +08:00
    end = start + 3 * 86400
    assert got["window"] == {"from": start, "to": end, "zone": "Asia/Shanghai"}
    lines = [json.loads(x) for x in SAMPLE.read_text(encoding="utf-8").splitlines() if x.strip()]
    want = plain_figures(lines, start, end, tz)

    total = want["total"]["all"]
    # the README's figures, worked out by its authors from the same records
    assert (total["tests"], verdicts(total["ai"]), verdicts(total["op"])) == (
        3508,
        {"ok": 2790, "ng": 673, "other": 45},
        {"ok": 3075, "ng": 433, "other": 0},
    )
    assert got["tests"] == 3508
    assert got["ai"] == {"ok": 2790, "ng": 673, "other": 45}
    assert got["operator"] == {"ok": 3075, "ng": 433, "other": 0}
    assert got["panel_overkill"] == 283 and got["panel_overkill_rate"] == 283 / 3075
    assert got["panel_miss"] == 38 and got["panel_miss_rate"] == 38 / 433
    assert got["defects"] == {"ai_confirmed": 592, "ai_rejected": 323, "operator_added": 95}
    assert got["defect_overkill_rate"] == 323 / 915
    assert got["defect_miss_rate"] == 95 / 687
    assert got["yield"] == 3075 / 3508

    for name in ("day", "station", "shift", "type"):
        mine, theirs = want[name], got[f"by_{name}"]
        assert sorted(theirs) == sorted(mine), name
        for key, tally in mine.items():
            assert theirs[key]["tests"] == tally["tests"], (name, key)
            assert theirs[key]["ai"] == verdicts(tally["ai"]), (name, key)
            assert theirs[key]["operator"] == verdicts(tally["op"]), (name, key)
            assert theirs[key]["defects"] == {
                f: tally["fates"][f] for f in ("ai_confirmed", "ai_rejected", "operator_added")
            }, (name, key)
    assert [got["by_day"][d]["tests"] for d in ("2026-03-03", "2026-03-04", "2026-03-05")] == [
        1180,
        1173,
        1155,
    ]
    assert sorted(got["by_station"]) == ["EL01", "EL02", "EL03"]
    assert sum(v["tests"] for v in got["by_shift"].values()) == 3508
    assert "2026-03-02 night" in got["by_shift"]  # 00:00-08:00 on 03-03


def test_stats_text(sample_store: tuple[str, str]) -> None:
    store, _ = sample_store
    code, out = run_cli(
        "stats",
        "--store",
        store,
        "--from",
        "2026-03-03",
        "--to",
        "2026-03-06",
        "--tz",
        "Asia/Shanghai",
    )
    assert code == 0
    assert re.search(r"tests\s+3508", out)
    assert re.search(r"panel overkill rate\s+9\.20% \(283 / 3075\)", out)  # 283/3075 = 0.0920


@pytest.mark.parametrize(
    ("options", "keep"),
    [
        (("--station", "EL02"), lambda r: r["el_no"] == "EL02"),
        (("--station", "EL01, EL03"), lambda r: r["el_no"] in ("EL01", "EL03")),
        (
            ("--layout", "half-144,full 60"),
            lambda r: (r["cell_size"], r["cell_amount"]) in (("half", 144), ("full", 60)),
        ),
        (
            ("--station", "EL03", "--layout", "full:72"),
            lambda r: r["el_no"] == "EL03" and (r["cell_size"], r["cell_amount"]) == ("full", 72),
        ),
    ],
)
def test_stats_filters(sample_store: tuple[str, str], options: tuple[str, ...], keep) -> None:
    store, _ = sample_store
    start = T - 8 * 3600 + 5 * 3600 + 1800.5  # 05:30:00.5 on 03-03 in Shanghai
    end = start + 2 * 86400 - 3600
    code, out = run_cli(
        "stats",
        "--store",
        store,
        "--tz",
        "Asia/Shanghai",
        "--json",
        "--by",
        "day,station,type",
        "--from",
        dt.datetime.fromtimestamp(start, ZoneInfo("Asia/Shanghai")).isoformat(),
        "--to",
        dt.datetime.fromtimestamp(end, ZoneInfo("Asia/Shanghai")).isoformat(),
        *options,
    )
    assert code == 0
    got = json.loads(out)
    lines = [json.loads(x) for x in SAMPLE.read_text(encoding="utf-8").splitlines() if x.strip()]
    want = plain_figures([r for r in lines if keep(r)], start, end, ZoneInfo("Asia/Shanghai"))
    total = want["total"]["all"]
    assert 0 < got["tests"] == total["tests"] < 3508
    assert got["ai"] == verdicts(total["ai"]) and got["operator"] == verdicts(total["op"])
    for name in ("day", "station", "type"):
        assert {k: v["tests"] for k, v in got[f"by_{name}"].items()} == {
            k: v["tests"] for k, v in want[name].items()
        }


def test_stats_filters_in_text(sample_store: tuple[str, str]) -> None:
    store, _ = sample_store
    code, out = run_cli(
        "stats",
        "--store",
        store,
        "--from",
        "2026-03-03",
        "--to",
        "2026-03-04",
        "--tz",
        "Asia/Shanghai",
        "--station",
        "EL02,EL01",
        "--layout",
        "half_120",
    )
    assert code == 0
    assert "stations: EL01, EL02" in out and "layouts: half 120" in out
    code, out = run_cli(
        "stats",
        "--store",
        store,
        "--from",
        "2026-03-03",
        "--to",
        "2026-03-04",
        "--station",
        "NOPE",
        "--json",
    )
    assert code == 0 and json.loads(out)["tests"] == 0


def test_stats_of_an_empty_window(sample_store: tuple[str, str]) -> None:
    store, _ = sample_store
    code, out = run_cli(
        "stats",
        "--store",
        store,
        "--from",
        "2019-01-01",
        "--to",
        "2019-01-02",
        "--tz",
        "UTC",
        "--json",
    )
    assert code == 0
    got = json.loads(out)
    assert got["tests"] == 0 and got["yield"] is None and got["defect_miss_rate"] is None


def test_stats_refuses_a_backward_window(store: str, capsys: pytest.CaptureFixture) -> None:
    code, _ = run_cli(
        "stats", "--store", store, "--from", "2026-03-06", "--to", "2026-03-03", "--tz", "UTC"
    )
    assert code == 2
    assert "--to" in capsys.readouterr().err
    code, _ = run_cli(
        "stats", "--store", store, "--from", "soon", "--to", "2026-03-03", "--tz", "UTC"
    )
    assert code == 2
    code, _ = run_cli(
        "stats", "--store", store, "--from", "2026-03-01", "--to", "2026-03-03", "--tz", "Mars/Base"
    )
    assert code == 2


def test_stats_refuses_an_unknown_breakdown(store: str) -> None:
    with pytest.raises(SystemExit) as info:
        cli.build_parser().parse_args(
            ["stats", "--from", "2026-03-01", "--to", "2026-03-02", "--by", "day,week"]
        )
    assert info.value.code == 2


def test_top_level_tz_is_not_lost(store: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("elconsole.domain.plantclock.local_zone_name", lambda: "UTC")
    code, out = run_cli(
        "--tz",
        "Asia/Shanghai",
        "stats",
        "--store",
        store,
        "--from",
        "2026-03-03",
        "--to",
        "2026-03-04",
        "--json",
    )
    assert code == 0
    assert json.loads(out)["window"]["zone"] == "Asia/Shanghai"


# -- demo --------------------------------------------------------------------------------------


def test_demo_then_stats(store: str) -> None:
    code, out = run_cli("demo", "--store", store, "--days", "1", "--seed", "7")
    assert code == 0
    stored = int(re.search(r"demo: stored (\d+), already present 0", out).group(1))
    # 3 stations, one module every 3-6 minutes for a day: at least 3 * 24 * 60 / 6 = 720
    assert 3 * 24 * 10 <= stored <= 3 * 24 * 20 * 2
    now = time.time()
    since = dt.datetime.fromtimestamp(now - 3 * 86400, dt.UTC).isoformat()
    until = dt.datetime.fromtimestamp(now + 86400, dt.UTC).isoformat()
    code, out = run_cli(
        "stats",
        "--store",
        store,
        "--from",
        since,
        "--to",
        until,
        "--tz",
        "UTC",
        "--json",
        "--by",
        "station",
    )
    assert code == 0
    got = json.loads(out)
    assert got["tests"] == stored
    assert sum(v["tests"] for v in got["by_station"].values()) == stored
    assert got["ai"]["ok"] + got["ai"]["ng"] + got["ai"]["other"] == stored
    assert got["operator"]["ok"] + got["operator"]["ng"] + got["operator"]["other"] == stored
    # re-tests exist, so fewer first tests than tests, and never more
    assert 0 < got["first_pass"]["first_tests"] <= stored


# -- errors and legacy --------------------------------------------------------------------------


def test_an_unreachable_store_exits_3_without_the_password(
    capsys: pytest.CaptureFixture,
) -> None:
    code, out = run_cli("lookup", "--store", "mongodb://el:s3cret@127.0.0.1:1/el", "X")
    assert code == 3
    err = capsys.readouterr().err
    assert "cannot be reached" in err and "s3cret" not in err


def test_import_legacy_then_lookup(store: str) -> None:
    folder = DATA / "legacy"
    code, out = run_cli("import-legacy", "--store", store, str(folder))
    assert code == 0
    for name in ("panel", "el", "panel_status", "defect", "panel_defect"):
        n = sum(1 for line in (folder / f"{name}.json").read_text().splitlines() if line.strip())
        assert f"{name} {n}" in out
    code, out = run_cli("lookup", "--store", store, "--json", "708")
    (test,) = json.loads(out)
    assert (test["EL_no"], test["ai_result"], test["gui_result"]) == ("131", "1", "0")
    assert sorted(d["Defect"][0]["Position"] for d in test["Defects"]) == [[28, 74], [37, 41]]
    assert all(d["on_grid"] is False for d in test["Defects"])


# -- import and lookup when the store or the input misbehaves ------------------------------------


class _FailingRepo:
    """Stores the first ``good`` batches, then the store goes away."""

    def __init__(self, good: int) -> None:
        self.good = good
        self.stored: list[str] = []
        self.sizes: list[int] = []

    def store_many(self, records: list) -> list:
        from elconsole.data.errors import StoreUnavailable
        from elconsole.data.repository import Outcome

        if self.good == 0:
            raise StoreUnavailable("the store cannot be reached (connection closed)")
        self.good -= 1
        self.sizes.append(len(records))
        self.stored.extend(r.barcode for r in records)
        return [Outcome.STORED] * len(records)


def test_an_import_cut_short_says_what_was_stored_and_how_to_finish(tmp_path: Path) -> None:
    from types import SimpleNamespace

    from elconsole.data.errors import StoreUnavailable

    lines = [raw(f"CUT{i:05d}", T + i) for i in range(1200)]
    path = write_jsonl(tmp_path / "cut.jsonl", lines[:3] + [{"barcode": 5}] + lines[3:])
    repo = _FailingRepo(good=2)  # two batches of 500, then the store goes
    args = cli.build_parser().parse_args(["import", "--batch", "500", str(path)])
    out = io.StringIO()
    with pytest.raises(StoreUnavailable) as info:
        cli.cmd_import(SimpleNamespace(repo=repo, server=None), args, out)  # type: ignore[arg-type]
    assert repo.stored == [r["barcode"] for r in lines[:1000]]
    assert out.getvalue().splitlines()[-1] == (
        "stored 1000, already present 0, refused 1 (interrupted)"
    )
    message = str(info.value)
    # 1000 records and the refused line: the 1001st record is on line 1002
    assert f"every valid record before {path}:1002 is stored" in message
    assert "1000 stored by this run" in message
    assert "running the same import again finishes the job" in message


def test_import_stores_in_batches_of_2000_unless_told(tmp_path: Path) -> None:
    from types import SimpleNamespace

    path = write_jsonl(tmp_path / "b.jsonl", [raw(f"B{i:05d}", T + i) for i in range(4500)])
    for given, sizes in (([], [2000, 2000, 500]), (["--batch", "1500"], [1500] * 3)):
        repo = _FailingRepo(good=99)
        args = cli.build_parser().parse_args(["import", *given, str(path)])
        store = SimpleNamespace(repo=repo, server=None)
        cli.cmd_import(store, args, io.StringIO())  # type: ignore[arg-type]
        assert repo.sizes == sizes


def test_lookup_of_bytes_that_are_not_text(store: str, capsys: pytest.CaptureFixture) -> None:
    code, out = run_cli("lookup", "--store", store, "PV\udcff")
    assert code == 2 and out == ""
    assert "is not UTF-8 text" in capsys.readouterr().err


def test_array_lines_count_carriage_returns(tmp_path: Path) -> None:
    from elconsole.domain.ingest import read_entries

    f = tmp_path / "cr.json"
    f.write_bytes(b'[\r {"a": 1},\r\r {"b": 2}\r]\r')
    assert [(e.line, e.value) for e in read_entries(f)] == [(2, {"a": 1}), (4, {"b": 2})]
    stray = tmp_path / "stray.json"
    stray.write_text('[\n {"a": 1}\n]\n]\n', encoding="utf-8")  # a pretty array, one ] too many
    (entry,) = read_entries(stray)
    assert (entry.line, entry.error) == (4, "not a valid JSON array: Extra data")
