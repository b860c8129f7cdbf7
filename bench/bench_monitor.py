"""Monitoring benchmarks: import 1,000,000 incident rows into DuckDB, then assess them.

Goals (issue 6): import < 60 s, assess < 30 s.  References in the same run: DuckDB's own
``read_csv`` of the same file into a table (the floor for parsing and storing, with no row-level
validation, line numbers, hashing or transaction bookkeeping), and a plain read of the stored
reports into pandas (the floor of any assessment that looks at every row).

Rows: ``BENCH_MONITOR_ROWS`` (default 1,000,000); 80 % distinct events, 20 % second reports of
one of them (other source, within 3 km and a day), 0.1 % malformed rows.
"""

from __future__ import annotations

import os
import tempfile
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from bench.common import Case

ROWS = int(os.environ.get("BENCH_MONITOR_ROWS", "1000000"))
SEED = 20250820
_TMP = Path(tempfile.mkdtemp(prefix="bench_monitor_"))


@lru_cache(maxsize=1)
def incident_file() -> Path:
    """A synthetic ACLED-shape CSV of ``ROWS`` rows (seeded; not timed)."""
    from backstop.monitor.classify import load_sites
    from backstop.scenario import read_scenario

    rng = np.random.default_rng(SEED)
    sc = read_scenario(None)
    line = np.array([[p.lat, p.lon] for p in sorted(sc.rows("line_of_contact"), key=lambda r: r.seq)])
    cities, _ = load_sites(50_000)
    n_dup = ROWS // 5
    n = ROWS - n_dup
    kind = rng.choice(3, size=n, p=[0.4, 0.4, 0.2])
    lat = np.empty(n)
    lon = np.empty(n)
    # near the line: a random point on a random segment, +-0.3 deg
    seg = rng.integers(0, len(line) - 1, n)
    t = rng.random(n)
    pl = line[seg] + (line[seg + 1] - line[seg]) * t[:, None]
    # near a defended site
    site = rng.integers(0, len(cities), n)
    m0, m1, m2 = kind == 0, kind == 1, kind == 2
    lat[m0] = pl[m0, 0] + rng.normal(0, 0.15, m0.sum())
    lon[m0] = pl[m0, 1] + rng.normal(0, 0.2, m0.sum())
    lat[m1] = cities["lat"].to_numpy()[site[m1]] + rng.normal(0, 0.04, m1.sum())
    lon[m1] = cities["lon"].to_numpy()[site[m1]] + rng.normal(0, 0.06, m1.sum())
    lat[m2] = rng.uniform(45.5, 52.0, m2.sum())
    lon[m2] = rng.uniform(23.0, 40.0, m2.sum())
    day = rng.integers(0, 365, n)
    types = np.array(["Explosions/Remote violence", "Battles", "Violence against civilians", "Protests"])
    subs = np.array(["Air/drone strike", "Armed clash", "Attack", "Peaceful protest"])
    ti = rng.choice(4, size=n, p=[0.5, 0.3, 0.15, 0.05])
    actors = np.array(["Military Forces of Russia (2000-)", "Military Forces of Ukraine (2019-)", ""])
    sources = np.array(["Ukrainian Air Force", "Regional military administration", "Kyiv Independent", "Reuters", "HRMMU monitoring mission", "Telegram"])
    base = pd.DataFrame(
        {
            "event_date": (np.datetime64("2025-06-01") + day.astype("timedelta64[D]")).astype(str),
            "event_type": types[ti],
            "sub_event_type": subs[ti],
            "actor1": actors[rng.choice(3, size=n, p=[0.7, 0.25, 0.05])],
            "actor2": "",
            "admin1": "",
            "location": np.char.add("place ", rng.integers(0, 5000, n).astype(str)),
            "latitude": np.round(lat, 5),
            "longitude": np.round(lon, 5),
            "fatalities": rng.poisson(0.3, n),
            "injured": rng.poisson(1.0, n),
            "notes": "synthetic",
            "source": sources[rng.integers(0, len(sources), n)],
        }
    )
    pick = rng.integers(0, n, n_dup)
    dup = base.iloc[pick].copy()
    ang = rng.uniform(0, 2 * np.pi, n_dup)
    r_km = rng.uniform(0, 3, n_dup)
    dup["latitude"] = np.round(dup["latitude"].to_numpy() + r_km * np.sin(ang) / 111.2, 5)
    dup["longitude"] = np.round(dup["longitude"].to_numpy() + r_km * np.cos(ang) / (111.2 * np.cos(np.radians(dup["latitude"].to_numpy()))), 5)
    shift = rng.integers(0, 2, n_dup).astype("timedelta64[D]")
    dup["event_date"] = (pd.to_datetime(dup["event_date"]).to_numpy().astype("datetime64[D]") + shift).astype(str)
    dup["source"] = sources[(np.searchsorted(sources, dup["source"].to_numpy()) + 1) % len(sources)]
    df = pd.concat([base, dup], ignore_index=True).iloc[rng.permutation(ROWS)].reset_index(drop=True)
    bad = rng.choice(ROWS, ROWS // 1000, replace=False)
    df["latitude"] = df["latitude"].astype(object)
    df.loc[bad, "latitude"] = "abc"
    path = _TMP / f"incidents_{ROWS}.csv"
    df.to_csv(path, index=False)
    return path


_COUNTER = [0]


def _fresh_db() -> Path:
    _COUNTER[0] += 1
    return _TMP / f"store_{_COUNTER[0]}.duckdb"


def build_import():
    return incident_file()


def run_import(path: Path) -> dict:
    from backstop.monitor.store import Store

    with Store(_fresh_db()) as s:
        res = s.import_file(path)
    return {"rows": res.rows_read, "added": res.rows_added, "bad": res.rows_bad}


def ref_read_csv(path: Path) -> dict:
    import duckdb

    con = duckdb.connect(str(_fresh_db()))
    con.execute(f"CREATE TABLE raw AS SELECT * FROM read_csv('{path.as_posix()}', header = true, all_varchar = true)")
    n = con.execute("SELECT count(*) FROM raw").fetchall()[0][0]
    con.close()
    return {"rows": n}


@lru_cache(maxsize=1)
def build_assess():
    from backstop.monitor.store import Store
    from backstop.scenario import read_scenario

    db = _TMP / "assess.duckdb"
    if not db.exists():
        with Store(db) as s:
            s.import_file(incident_file())
    return db, read_scenario(None)


def run_assess(inputs) -> dict:
    from backstop.monitor.analysis import assess_store
    from backstop.monitor.store import Store

    db, sc = inputs
    with Store(db) as s:
        r = assess_store(s, sc)
    c = r.data["counts"]
    return {"reports": c["reports"], "events": c["events"], "violations": c["violations"], "fired": c["commitments_fired"]}


def ref_read_reports(inputs) -> dict:
    from backstop.monitor.store import Store

    db, _ = inputs
    with Store(db) as s:
        n = len(s.reports())
    return {"rows": n}


CASES = [
    Case(f"monitor import {ROWS:,} rows (CSV -> DuckDB)", build_import, run_import, goal_s=60.0, reference=ref_read_csv, reference_name="duckdb read_csv"),
    Case(f"monitor assess {ROWS:,} rows (dedup+classify+fire)", build_assess, run_assess, goal_s=30.0, reference=ref_read_reports, reference_name="read reports to pandas"),
]
