"""The DuckDB store: row validation with line numbers, one transaction per import, idempotence, crashes."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from backstop.errors import InputError
from backstop.monitor import store as store_mod
from backstop.monitor.store import Store
from tests.conftest import run_cli

ROOT = Path(__file__).resolve().parents[2]
HEADER = "event_date,event_type,sub_event_type,actor1,actor2,admin1,location,latitude,longitude,fatalities,injured,notes,source"
GOOD = [
    "2025-09-03,Explosions/Remote violence,Air/drone strike,Military Forces of Russia,,Kharkiv,Kharkiv,49.99,36.23,1,2,n,official",
    "2025-09-04,Battles,Armed clash,Military Forces of Russia,,Zaporizhia,Orikhiv,47.62,35.85,0,0,n,media",
]


def write_csv(path: Path, rows: list[str]) -> Path:
    path.write_text(HEADER + "\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return path


def big_csv(path: Path, n: int) -> Path:
    rows = [f"2025-09-{1 + i % 28:02d},Explosions/Remote violence,Air/drone strike,Military Forces of Russia,,X,P{i},{46 + (i % 500) / 100:.2f},{30 + (i % 700) / 100:.2f},0,{i % 7},n,s{i}" for i in range(n)]
    return write_csv(path, rows)


def test_bad_rows_reported_with_lines_valid_rows_land(tmp_path):
    f = write_csv(
        tmp_path / "mixed.csv",
        [
            GOOD[0],
            "2025-13-03,Battles,,X,,A,B,48,36,0,0,n,s",  # line 3: bad date
            "2025-09-04,Battles,,X,,A,B,abc,36,-1,0,n,s",  # line 4: bad latitude and fatalities
            "2025-09-04,Battles,,X,,A,B,48,36",  # line 5: too few cells
            '2025-09-05,Battles,"Armed\nclash",X,,A,B,48,36,0,0,n,s',  # lines 6-7: quoted newline, valid
            "2025-09-05,Battles,,X,,A,B,95,36,0,0,n,s",  # line 8: latitude out of range
            GOOD[1],
        ],
    )
    with Store(tmp_path / "s.duckdb") as s:
        res = s.import_file(f)
        assert (res.rows_read, res.rows_added, res.rows_bad) == (7, 3, 4)
        lines = [(p.location, p.field) for p in res.problems]
        assert lines == [("line 3", "event_date"), ("line 4", "latitude"), ("line 4", "fatalities"), ("line 5", ""), ("line 8", "latitude")]
        assert s.counts()["reports"] == 3
        stored_lines = sorted(s.reports()["line"].tolist())
        assert stored_lines == [2, 6, 9]


def test_reimport_adds_nothing_and_same_rows_elsewhere_are_not_duplicated(tmp_path):
    f = write_csv(tmp_path / "a.csv", GOOD)
    with Store(tmp_path / "s.duckdb") as s:
        first = s.import_file(f)
        assert first.rows_added == 2
        again = s.import_file(f)
        assert again.skipped and again.rows_added == 0
        # another file with the same two rows (reordered) plus a new one, and a duplicate inside the file
        g = write_csv(tmp_path / "b.csv", [GOOD[1], GOOD[0], GOOD[0].replace("Kharkiv,49.99", "Kharkiv,49.98")])
        res = s.import_file(g)
        assert (res.rows_added, res.rows_duplicate) == (1, 2)
        assert s.counts() == {"imports": 2, "reports": 3, "air_reports": 0}
    # the store persists on disk
    with Store(tmp_path / "s.duckdb") as s:
        assert s.counts()["reports"] == 3


def test_json_jsonl_and_air_force_shapes(tmp_path):
    recs = [dict(zip(HEADER.split(","), r.split(","), strict=True)) for r in GOOD]
    (tmp_path / "a.json").write_text(json.dumps({"data": recs}), encoding="utf-8")
    (tmp_path / "b.jsonl").write_text("\n".join(json.dumps(r) for r in recs) + "\n{oops\n", encoding="utf-8")
    air = tmp_path / "air.csv"
    air.write_text(
        "time_start,time_end,model,launched,destroyed,target\n"
        "2025-09-02 18:00,2025-09-03 09:00,Shahed-136/131,120,100,Kyiv; Odesa\n"
        "2025-09-02 18:00,2025-09-03 09:00,Kh-101,8,10,Kyiv\n"  # more destroyed than launched
        "2025-09-03 18:00,,Iskander-M,2,1,Kharkiv\n",
        encoding="utf-8",
    )
    with Store() as s:
        assert s.import_file(tmp_path / "a.json").rows_added == 2
        r = s.import_file(tmp_path / "b.jsonl")
        assert r.rows_added == 0 and r.rows_duplicate == 2 and [p.location for p in r.problems] == ["line 3"]
        r = s.import_file(air)
        assert r.kind == "air" and r.rows_added == 2 and [(p.location, p.field) for p in r.problems] == [("line 3", "destroyed")]
        paths = s.export_parquet(tmp_path / "pq")
        import pyarrow.parquet as pq

        assert pq.read_table(paths[1]).num_rows == 2 and pq.read_table(paths[2]).num_rows == 2


def test_whole_file_errors(tmp_path):
    with Store() as s:
        with pytest.raises(InputError, match="no such file"):
            s.import_file(tmp_path / "missing.csv")
        (tmp_path / "x.csv").write_text("a,b\n1,2\n", encoding="utf-8")
        with pytest.raises(InputError, match="required columns missing"):
            s.import_file(tmp_path / "x.csv")
        assert s.counts()["imports"] == 0


def test_exception_mid_import_rolls_back(tmp_path, monkeypatch):
    db = tmp_path / "s.duckdb"
    with Store(db) as s:
        s.import_file(write_csv(tmp_path / "a.csv", GOOD))
    monkeypatch.setattr("backstop.monitor.ingest.CHUNK_ROWS", 100)
    calls = []

    def boom(stage):
        calls.append(stage)
        if len(calls) == 3:  # after three chunks already inserted
            raise RuntimeError("disk on fire")

    monkeypatch.setattr(store_mod, "_FAULT_HOOK", boom)
    with Store(db) as s:
        with pytest.raises(RuntimeError):
            s.import_file(big_csv(tmp_path / "big.csv", 1000))
        assert s.counts() == {"imports": 1, "reports": 2, "air_reports": 0}
    monkeypatch.setattr(store_mod, "_FAULT_HOOK", None)
    with Store(db) as s:  # and the same file imports cleanly afterwards (its hash was not recorded)
        assert s.import_file(tmp_path / "big.csv").rows_added == 1000


KILL_SCRIPT = textwrap.dedent(
    """
    import os, signal, sys
    import backstop.monitor.ingest as ingest
    import backstop.monitor.store as store
    ingest.CHUNK_ROWS = 100
    stage_to_kill = sys.argv[3]
    seen = []
    def hook(stage):
        seen.append(stage)
        if stage == stage_to_kill and (stage != "after_chunk" or len(seen) == 5):
            os.kill(os.getpid(), signal.SIGKILL)
    store._FAULT_HOOK = hook
    s = store.Store(sys.argv[1])
    s.import_file(sys.argv[2])
    """
)


@pytest.mark.parametrize("stage", ["after_chunk", "before_commit"])
def test_kill_mid_import_leaves_the_store_as_before(tmp_path, stage):
    db = tmp_path / "s.duckdb"
    with Store(db) as s:
        s.import_file(write_csv(tmp_path / "a.csv", GOOD))
        before = s.reports()
    big = big_csv(tmp_path / "big.csv", 1000)
    script = tmp_path / "kill.py"
    script.write_text(KILL_SCRIPT, encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    proc = subprocess.run([sys.executable, str(script), str(db), str(big), stage], env=env, capture_output=True, timeout=120)
    assert proc.returncode == -signal.SIGKILL, proc.stderr.decode()
    with Store(db) as s:
        assert s.counts() == {"imports": 1, "reports": 2, "air_reports": 0}
        assert s.reports().equals(before)
        assert s.import_file(big).rows_added == 1000


def test_cli_import_reports_lines(tmp_path):
    f = write_csv(tmp_path / "m.csv", [GOOD[0], "2025-13-03,Battles,,X,,A,B,48,36,0,0,n,s"])
    db = tmp_path / "s.duckdb"
    code, out, err = run_cli("monitor", "import", str(f), "--db", str(db))
    assert code == 0 and "1 added" in " ".join(out.split()) and "line 3" in err
    code, out, _ = run_cli("monitor", "import", str(f), "--db", str(db))
    assert code == 0 and "already imported" in out
    code, _, err = run_cli("monitor", "import", str(tmp_path / "none.csv"), "--db", str(db))
    assert code == 2 and "no such file" in " ".join(err.split())
