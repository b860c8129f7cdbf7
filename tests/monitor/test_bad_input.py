"""Issue 15: the import accounts for every line; malformed input is a located row or file error."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import duckdb
import pytest

from backstop.errors import InputError
from backstop.monitor import ingest
from backstop.monitor import store as store_mod
from backstop.monitor.store import Store
from tests.helpers import run_cli
from tests.monitor.test_store import GOOD, HEADER, big_csv, write_csv

ROOT = Path(__file__).resolve().parents[2]


def _rows(n: int) -> list[str]:
    return [GOOD[0].replace("P", "P").replace("49.99", f"{48 + i / 100:.2f}") for i in range(n)]


def _accounted(res) -> None:
    assert res.rows_read == res.rows_added + res.rows_duplicate + res.rows_bad


def test_unclosed_quote_does_not_swallow_later_lines(tmp_path):
    rows = _rows(10)
    rows[2] = '2025-09-05,"Battles,,X,,A,B,48,36,0,0,n,s'  # line 4: a quote never closed
    f = write_csv(tmp_path / "q.csv", rows)  # 11 lines: header + 10
    with Store() as s:
        res = s.import_file(f)
    assert [(p.location, "quote" in p.message) for p in res.problems] == [("line 4", True)]
    assert (res.rows_read, res.rows_added, res.rows_bad) == (10, 9, 1)
    _accounted(res)


def test_latin1_byte_names_its_line_and_the_rest_lands(tmp_path):
    f = write_csv(tmp_path / "l.csv", _rows(8))
    data = f.read_bytes().split(b"\n")
    data[6] = data[6].replace(b"official", b"offici\xe9l")  # line 7
    f.write_bytes(b"\n".join(data))
    with Store() as s:
        res = s.import_file(f)
    assert [(p.location, "UTF-8" in p.message) for p in res.problems] == [("line 7", True)]
    assert res.rows_added == 7
    _accounted(res)


@pytest.mark.parametrize(("field", "value"), [("fatalities", "3000000000"), ("fatalities", "inf"), ("injured", "-1"), ("latitude", "nan"), ("injured", "1e400")])
def test_out_of_range_values_are_row_errors_not_aborted_transactions(tmp_path, field, value):
    cols = HEADER.split(",")
    bad = GOOD[0].split(",")
    bad[cols.index(field)] = value
    f = write_csv(tmp_path / "r.csv", [GOOD[1], ",".join(bad)])
    with Store(tmp_path / "s.duckdb") as s:
        res = s.import_file(f)
        assert [(p.location, p.field, p.value) for p in res.problems] == [("line 3", field, value)]
        assert s.counts()["reports"] == 1
    code, out, err = run_cli("monitor", "import", str(write_csv(tmp_path / "r2.csv", [",".join(bad)])), "--db", str(tmp_path / "t.duckdb"), "--strict")
    err = " ".join(err.split())
    assert code == 2 and "line 2" in err and "Traceback" not in err


def test_air_counts_out_of_range(tmp_path):
    f = tmp_path / "air.csv"
    f.write_text("time_start,time_end,model,launched,destroyed,target\n2025-09-02 18:00,,Shahed,3000000000,1,Kyiv\n2025-09-02 18:00,,Kh-101,8,2,Kyiv\n", encoding="utf-8")
    with Store() as s:
        res = s.import_file(f)
    assert [(p.location, p.field) for p in res.problems] == [("line 2", "launched")] and res.rows_added == 1


@pytest.mark.parametrize(("name", "content"), [("e.csv", b""), ("e.json", b""), ("w.json", b"  \n"), ("l.json", b"[]"), ("h.csv", (HEADER + "\n").encode())])
def test_empty_files_are_errors(tmp_path, name, content):
    f = tmp_path / name
    f.write_bytes(content)
    code, out, err = run_cli("monitor", "import", str(f), "--db", str(tmp_path / "s.duckdb"))
    err = "".join(err.split())
    assert code == 2 and name in err and "Traceback" not in err


def test_non_utf8_json_is_a_located_error(tmp_path):
    f = tmp_path / "x.json"
    f.write_bytes(b'[\n{"event_date": "2025-09-03", "latitude": 48, "longitude": 36,\n "notes": "caf\xe9"}\n]')
    with pytest.raises(InputError) as exc, Store() as s:
        s.import_file(f)
    assert exc.value.problems[0].location == "line 3"
    code, _, err = run_cli("monitor", "import", str(f), "--db", str(tmp_path / "s.duckdb"))
    assert code == 2 and "line 3" in " ".join(err.split())


def test_a_one_megabyte_cell_imports_and_a_huge_one_is_located(tmp_path):
    rows = _rows(3)
    rows[1] = rows[1].replace(",n,", f",{'x' * 1_000_000},")
    with Store() as s:
        res = s.import_file(write_csv(tmp_path / "big.csv", rows))
        assert res.rows_added == 3 and not res.problems
        rows[1] = rows[1].replace("x" * 1_000_000, "y" * (ingest.MAX_CELL_CHARS + 10))
        res = s.import_file(write_csv(tmp_path / "huge.csv", rows))
    assert [p.location for p in res.problems] == ["line 3"] and len(res.problems[0].value) < 200
    _accounted(res)


def test_fast_and_recovering_readers_store_the_same_rows(tmp_path):
    rows = _rows(30) + ['2025-09-05,Battles,"Armed\nclash, with ""quotes""",X,,A,B,48,36,0,0,n,s', "2025-09-05,Battles,,X,,A,B,abc,36,0,0,n,s"]
    f = write_csv(tmp_path / "m.csv", rows)
    out = []
    for reader in ("fast", "recovering"):
        con = duckdb.connect()
        con.execute("SET TimeZone = 'UTC'")
        raw = f.read_bytes()
        rf = ingest._load_csv_fast(con, raw, "m.csv") if reader == "fast" else ingest._load_csv_recovering(con, raw, "m.csv")
        assert rf is not None and rf.path == reader
        probs = ingest.validate_raw(con, rf)
        out.append((con.execute("SELECT * FROM _ok ORDER BY line").fetchall(), [(p.location, p.field) for p in probs]))
    assert out[0] == out[1]
    assert out[0][1] == [("line 34", "latitude")] and out[0][0][-1][0] == 32  # the quoted record starts on line 32


def test_failed_imports_do_not_grow_the_store(tmp_path, monkeypatch):
    db = tmp_path / "s.duckdb"
    big = big_csv(tmp_path / "big.csv", 20_000)
    with Store(db) as s:
        s.import_file(write_csv(tmp_path / "a.csv", GOOD))
    monkeypatch.setattr(store_mod, "_FAULT_HOOK", lambda stage: (_ for _ in ()).throw(RuntimeError("boom")) if stage == "before_commit" else None)
    sizes = []
    for _ in range(4):
        with Store(db) as s, pytest.raises(RuntimeError):
            s.import_file(big)
        sizes.append(db.stat().st_size)
    assert sizes[-1] <= sizes[0]
    assert not Path(str(db) + ".importing").exists()


def test_a_killed_import_is_compacted_on_the_next_open(tmp_path):
    db = tmp_path / "s.duckdb"
    with Store(db) as s:
        s.import_file(write_csv(tmp_path / "a.csv", GOOD))
    big = big_csv(tmp_path / "big.csv", 20_000)
    script = textwrap.dedent("""
        import os, signal, sys
        import backstop.monitor.store as store
        store._FAULT_HOOK = lambda stage: os.kill(os.getpid(), signal.SIGKILL) if stage == "before_commit" else None
        store.Store(sys.argv[1]).import_file(sys.argv[2])
    """)
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    sizes = []
    for _ in range(3):
        subprocess.run([sys.executable, "-c", script, str(db), str(big)], env=env, timeout=120, check=False)
        assert Path(str(db) + ".importing").exists()
        with Store(db) as s:
            assert s.counts() == {"imports": 1, "reports": 2, "air_reports": 0}
        assert not Path(str(db) + ".importing").exists()
        sizes.append(db.stat().st_size)
    assert sizes[-1] <= sizes[0]


def test_a_concurrent_import_waits_then_gives_a_clear_error(tmp_path):
    db = tmp_path / "s.duckdb"
    Store(db).close()
    code = f"import duckdb, time, sys; c = duckdb.connect({str(db)!r}); print('held', flush=True); time.sleep(3)"
    with subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE) as holder:
        assert holder.stdout.readline().strip() == b"held"
        told = []
        with pytest.raises(InputError, match="in use by another process"):
            Store(db, wait_s=0.3, on_wait=told.append)
        assert told and "waiting up to 0.3 s" in told[0]
        with Store(db, wait_s=30) as s:  # waits for the holder to finish, then works
            assert s.counts()["imports"] == 0
