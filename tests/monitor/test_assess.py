"""Classification against the agreement, commitments fired, the pipeline step, CLI and report."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from backstop.monitor.classify import (
    classify_events,
    left_region,
    line_geometry,
    project,
    source_weights,
)
from backstop.monitor.dedup import merge_reports
from backstop.monitor.guarantee import fire_commitments
from backstop.scenario.models.monitor import Commitment, LinePoint, MonitorSection
from tests.conftest import run_cli
from tests.monitor.test_dedup import offset

# a straight north-south line along 37 E; RUS holds the east (left walking south)
LINE = [LinePoint(seq=i, lat=50.0 - 0.25 * i, lon=37.0) for i in range(17)]  # dense: straight segments in the plane
SITES = pd.DataFrame(
    [
        {"name": "Westcity", "kind": "city", "lat": 48.0, "lon": 35.0},
        {"name": "Plant", "kind": "energy", "lat": 48.0, "lon": 34.0},
        {"name": "Harbour", "kind": "port", "lat": 46.5, "lon": 31.0},
    ]
)
KM_LON = 111.19 * np.cos(np.radians(48.0))


def events(rows):
    df = pd.DataFrame(rows, columns=["event_date", "event_type", "sub_event_type", "actor1", "latitude", "longitude", "fatalities", "injured", "source"])
    df["event_date"] = pd.to_datetime(df["event_date"])
    df["source_weight"] = source_weights(df["source"])
    ev, _ = merge_reports(df, 10.0, 1)
    return ev


def classify(rows, **cfg):
    section = MonitorSection(effective="2025-09-01T00:00:00Z", **cfg)
    line, lonlat = line_geometry(LINE)
    return classify_events(events(rows), section, line, SITES, left_region(lonlat))


def test_geometry_distance_and_side():
    ev = classify(
        [
            ("2025-09-02", "Battles", "Armed clash", "Military Forces of Russia", *offset(48.0, 37.0, 5, 270), 0, 0, "official"),  # 5 km west
            ("2025-09-02", "Battles", "Armed clash", "Military Forces of Russia", *offset(48.5, 37.0, 30, 90), 0, 0, "official"),  # 30 km east
            ("2025-09-02", "Battles", "Armed clash", "Military Forces of Ukraine", *offset(47.0, 37.0, 1, 90), 0, 0, "official"),  # 1 km east
        ]
    )
    assert ev["dist_line_km"].tolist() == pytest.approx([5.0, 30.0, 1.0], rel=0.01, abs=0.02)
    assert ev["side_party"].tolist() == ["UKR", "RUS", "RUS"]
    # RUS 5 km on the UKR side: crossing; RUS on its own side: nothing; UKR 1 km over (< 2 km tolerance): fire in buffer
    assert ev["violation_class"].tolist() == ["line_crossing", "none", "fire_in_buffer"]
    assert ev["party"].tolist() == ["RUS", "RUS", "UKR"]


def test_nearest_site_decides_and_severity_and_effective_date():
    ev = classify(
        [
            ("2025-09-02", "Explosions/Remote violence", "Air/drone strike", "Military Forces of Russia", 48.0, 35.05, 2, 21, "Ukrainian authorities"),
            ("2025-09-02", "Explosions/Remote violence", "Air/drone strike", "Military Forces of Russia", 48.0, 34.02, 0, 0, "media"),
            ("2025-09-02", "Explosions/Remote violence", "Air/drone strike", "Military Forces of Russia", 46.52, 31.0, 0, 3, "OSCE monitoring mission"),
            ("2025-09-02", "Explosions/Remote violence", "Air/drone strike", "Military Forces of Russia", 49.5, 33.0, 0, 0, "media"),
            ("2025-08-20", "Explosions/Remote violence", "Air/drone strike", "", 48.0, 35.0, 0, 15, "media"),
        ]
    )
    assert ev["violation_class"].tolist() == ["strike_civilian", "strike_energy", "strike_port", "air_incursion", "strike_civilian"]
    # severity = clip(base + floor(log10(1 + 3 k + i)), 1, 5)
    assert ev["severity"].tolist() == [4, 3, 3, 2, 4]
    assert ev["confidence"].tolist() == pytest.approx([0.6, 0.5, 0.9, 0.5, 0.25])
    assert ev["status"].tolist() == ["probable", "reported", "probable", "reported", "reported"]
    assert ev["violation"].tolist() == [True, True, True, True, False]  # last: before the agreement and no actor


def test_prohibited_subset_and_two_sources_verify():
    ev = classify(
        [
            ("2025-09-02", "Explosions/Remote violence", "Shelling/artillery/missile attack", "Military Forces of Russia", 48.0, 37.0 - 8 / KM_LON, 0, 0, "General Staff official"),
            ("2025-09-03", "Explosions/Remote violence", "Shelling/artillery/missile attack", "Military Forces of Russia", 48.01, 37.0 - 8 / KM_LON, 0, 0, "Reuters"),
        ],
        prohibited=["line_crossing"],
    )
    assert len(ev) == 1 and ev["n_sources"].iloc[0] == 2
    assert ev["violation_class"].iloc[0] == "fire_in_buffer" and not ev["violation"].iloc[0]
    assert ev["status"].iloc[0] == "verified" and ev["confidence"].iloc[0] == pytest.approx(0.8)


def _register(days, sev=4, cls="strike_civilian", party="RUS", status="probable"):
    return pd.DataFrame(
        {
            "violation_id": [f"V{i}" for i in range(len(days))],
            "event_date": pd.Timestamp("2025-09-01") + pd.to_timedelta(days, unit="D"),
            "violation_class": cls,
            "severity": sev,
            "party": party,
            "status": status,
        }
    )


def test_count_rule_fires_on_the_rising_edge():
    c = Commitment(id="p", guarantor="coalition", violation_class="any", min_severity=4, response="air policing", kind="air_policing", deadline_hours=168, rule="count:3/days:7")
    fired = fire_commitments(_register([0, 2, 5, 6, 20, 30, 31, 32]), [c])
    # 0,2,5 -> fires at day 5 (known end of day 6); 6 keeps it true; 20 alone; 30,31,32 fires again
    assert fired["violations"].tolist() == ["V0;V1;V2", "V5;V6;V7"]
    assert fired["trigger_time"].tolist() == [pd.Timestamp("2025-09-07"), pd.Timestamp("2025-10-04")]
    assert (fired["deadline"] - fired["trigger_time"]).tolist() == [pd.Timedelta(hours=168)] * 2
    # six days apart is inside a 7-day window; 7 days apart is not
    assert len(fire_commitments(_register([0, 3, 6]), [c])) == 1
    assert len(fire_commitments(_register([0, 3, 7]), [c])) == 0


def test_each_rule_filters_class_severity_party_status():
    c = Commitment(id="c", guarantor="USA", violation_class="strike_port", min_severity=3, response="consult", kind="consult", deadline_hours=24)
    reg = pd.concat(
        [
            _register([1], sev=3, cls="strike_port"),
            _register([2], sev=2, cls="strike_port"),
            _register([3], sev=5, cls="strike_energy"),
            _register([4], sev=5, cls="strike_port", party="UKR"),
            _register([5], sev=5, cls="strike_port", status="reported"),
        ],
        ignore_index=True,
    )
    reg["violation_id"] = [f"V{i}" for i in range(len(reg))]
    fired = fire_commitments(reg, [c])
    assert fired["violations"].tolist() == ["V0"]
    assert fired["deadline"].iloc[0] == pd.Timestamp("2025-09-04 00:00")  # event 2 Sep, known end of day, +24 h
    assert len(fire_commitments(reg, [c], fire_on="reported")) == 2


def test_bad_commitment_rule_is_an_input_error(scenario_dir):
    from backstop.errors import InputError
    from backstop.scenario import read_scenario

    p = scenario_dir / "commitments.csv"
    p.write_text(p.read_text(encoding="utf-8").replace("count:3/days:7", "three in a week", 1), encoding="utf-8")
    with pytest.raises(InputError) as exc:
        read_scenario(scenario_dir)
    assert any(pr.field == "rule" and pr.location.startswith("line ") for pr in exc.value.problems)


def test_pipeline_step_on_bundled(bundled):
    from backstop.monitor.analysis import run
    from backstop.pipeline import RunContext

    r = run(bundled, RunContext(quick=True))
    c = r.data["counts"]
    assert c["reports"] == 11 and c["events"] == 9  # two pairs of duplicate reports merged
    reg = r.frames["register"]
    assert set(reg["violation_class"]) == {"strike_civilian", "strike_port", "strike_energy", "line_crossing"}
    assert (pd.to_datetime(reg["event_date"]) >= pd.Timestamp("2025-09-01")).all()  # the seed's night predates the agreement
    fired = r.frames["commitments"]
    policing = fired[fired["commitment"] == "coal-policing"]
    assert len(policing) == 1 and policing["violations"].iloc[0].count(";") == 2  # three major violations within seven days
    assert {"coalition", "USA", "EU"} <= set(fired["guarantor"])
    ev = r.frames["events"]
    seed = ev[pd.to_datetime(ev["event_date"]) == pd.Timestamp("2025-08-20")]
    assert set(seed["violation_class"]) == {"strike_civilian"} and seed["injured"].sum() == 15


def test_cli_assess_json_and_store(tmp_path):
    code, out, err = run_cli("monitor", "assess", "--json")
    assert code == 0, err
    doc = json.loads(out)
    assert doc["name"] == "monitor" and doc["counts"]["violations"] == len(doc["register"])
    assert doc["agreement"]["buffer_km"] == 15.0 and len(doc["agreement"]["line_of_contact"]) >= 10
    from backstop.scenario import bundled_path

    db = tmp_path / "m.duckdb"
    assert run_cli("monitor", "import", str(bundled_path() / "incidents.csv"), "--db", str(db))[0] == 0
    code, out2, err = run_cli("monitor", "assess", "--db", str(db), "--json")
    assert code == 0, err
    assert json.loads(out2)["counts"] == doc["counts"]
    code, _, err = run_cli("monitor", "assess", "--db", str(tmp_path / "none.duckdb"))
    assert code == 2 and "no such store" in " ".join(err.split())


def test_report_section_renders(bundled):
    from backstop.monitor.analysis import run
    from backstop.report.sections.monitor import render

    html = render(run(bundled, None), bundled)
    assert html.count("<svg") == 2 and "Violation register" in html
    assert "air policing" in html.lower()


def test_projection_is_metric():
    x, y = project(np.array([31.5, 31.5]), np.array([48.5, 49.5]))
    assert abs(y[1] - y[0]) == pytest.approx(111_200, rel=0.01)


def test_air_force_summaries_become_air_incursions(tmp_path, bundled):
    from backstop.monitor.analysis import assess_store
    from backstop.monitor.store import Store

    air = tmp_path / "air.csv"
    air.write_text(
        "time_start,time_end,model,launched,destroyed,target\n"
        "2025-08-19 18:00,2025-08-20 08:30,Shahed-136/131,93,84,Sumy; Odesa\n"  # before the agreement
        "2025-09-02 18:00,2025-09-03 08:30,Shahed-136/131,120,100,Kyiv\n"
        "2025-09-04 18:00,2025-09-05 08:30,Kh-101,4,4,Lviv\n",
        encoding="utf-8",
    )
    with Store() as s:
        s.import_file(air)
        r = assess_store(s, bundled)
    reg = r.frames["register"]
    assert reg["origin"].tolist() == ["air_summary", "air_summary"]
    assert reg["severity"].tolist() == [4, 2]  # clip(2 + floor(log10(1 + launched)), 1, 5)
    assert set(reg["party"]) == {"RUS"} and set(reg["violation_class"]) == {"air_incursion"}
    assert r.data["counts"]["air_reports"] == 3


def test_source_weights_sql_matches_pandas():
    import duckdb

    from backstop.monitor.classify import source_weight_sql

    src = pd.Series(["OSCE SMM", "UN HRMMU monitoring mission", "Ukrainian Air Force", "Kharkiv regional military administration", "Reuters", "", "summary", "Sumy governor"])
    con = duckdb.connect()
    con.register("t", pd.DataFrame({"source": src}))
    sql = con.execute(f"SELECT {source_weight_sql()} AS w FROM t").fetchnumpy()["w"]
    assert sql.tolist() == source_weights(src).tolist() == [0.9, 0.9, 0.6, 0.6, 0.5, 0.5, 0.5, 0.6]


def test_bad_incident_date_in_scenario_is_located(scenario_dir):
    from backstop.errors import InputError
    from backstop.monitor.analysis import run
    from backstop.scenario import read_scenario

    p = scenario_dir / "incidents.csv"
    p.write_text(p.read_text(encoding="utf-8").replace("2025-09-05", "2025-09-35", 1), encoding="utf-8")
    with pytest.raises(InputError) as exc:
        run(read_scenario(scenario_dir), None)
    (pr,) = exc.value.problems
    assert (pr.file, pr.location, pr.field, pr.value) == ("incidents.csv", "line 7", "event_date", "2025-09-35")
    code, _, err = run_cli("monitor", "assess", str(scenario_dir))
    assert code == 2 and "line 7" in err


def test_cli_import_parquet_export(tmp_path):
    from backstop.scenario import bundled_path

    code, out, err = run_cli("monitor", "import", str(bundled_path() / "incidents.csv"), "--db", str(tmp_path / "m.duckdb"), "--parquet", str(tmp_path / "pq"), "--json")
    assert code == 0, err
    import pyarrow.parquet as pq

    assert pq.read_table(tmp_path / "pq" / "reports.parquet").num_rows == json.loads(out)["rows_added"] == 11
