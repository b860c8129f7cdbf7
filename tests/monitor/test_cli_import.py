"""`backstop monitor import --strict`: rejected rows give exit 2 while the valid rows land."""

from __future__ import annotations

import json

from tests.conftest import run_cli

HEADER = "event_date,event_type,location,latitude,longitude,injured,source\n"


def test_import_strict_exit_code(tmp_path):
    f = tmp_path / "incidents.csv"
    f.write_text(HEADER + "2025-09-03,Explosions/Remote violence,Sumy,50.91,34.80,2,ok\n" + "2025-09-04,Explosions/Remote violence,Odesa,not-a-number,30.7,1,bad\n")
    db = tmp_path / "store.duckdb"
    code, out, err = run_cli("monitor", "import", str(f), "--db", str(db), "--strict")
    assert code == 2
    assert "line 3" in err and "latitude" in err
    code, out, _ = run_cli("monitor", "import", str(f), "--db", str(tmp_path / "other.duckdb"), "--json")
    assert code == 0
    data = json.loads(out)
    assert data["rows_added"] == 1 and data["rows_bad"] == 1
