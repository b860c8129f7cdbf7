"""The ``backstop summit`` command: JSON shape, bad input (exit 2 naming the value), pipeline and report."""

from __future__ import annotations

import json

import pytest

from tests.conftest import run_cli


def test_json_shape():
    code, out, err = run_cli("summit", "--date", "2025-10-20", "--venues", "LTFM,UKBB", "--json")
    assert code == 0, err
    d = json.loads(out)
    assert d["name"] == "summit" and d["date"] == "2025-10-20"
    assert [v["venue"] for v in d["venues"]] == ["LTFM", "UKBB"]
    for v in d["venues"]:
        assert set(v) >= {"venue", "state", "verdict", "reasons", "routes", "rank"}
        assert v["verdict"] in ("feasible", "conditional", "infeasible")
        assert all(isinstance(s, str) and s.endswith(".") for s in v["reasons"])
        assert set(v["routes"]) == {"RUS", "UKR", "USA"}
    ist = d["venues"][0]["routes"]["RUS"]
    assert set(ist) >= {"distance_km", "overflown", "detour_km", "flight_time_h", "waypoints"}
    assert d["venues"][1]["routes"]["UKR"] is None


def test_leaders_filter_and_adhoc_venue():
    code, out, err = run_cli("summit", "--leaders", "RUS", "--venues", "ZBAA", "--date", "2025-09-01", "--json")
    assert code == 0, err
    v = json.loads(out)["venues"][0]
    assert v["state"] == "CHN" and set(v["routes"]) == {"RUS"} and v["verdict"] == "feasible"


def test_allow_overflight_changes_budapest():
    code, out, _ = run_cli("summit", "--leaders", "RUS", "--venues", "LHBP", "--date", "2025-10-20", "--allow-overflight", "POL,SVK", "--json")
    assert code == 0
    r = json.loads(out)["venues"][0]["routes"]["RUS"]
    assert r["status"] in ("direct", "detour") and not r["derogations_needed"]


def test_text_output():
    code, out, err = run_cli("summit", "--venues", "LTFM", "--date", "2025-10-20")
    assert code == 0, err
    assert "Istanbul" in out and "feasible" in out


@pytest.mark.parametrize(
    "args, value",
    [
        (["--venues", "XXXX"], "XXXX"),
        (["--leaders", "FRA"], "FRA"),
        (["--allow-overflight", "ZZZ"], "ZZZ"),
        (["--date", "1900-01-01"], "1900-01-01"),
        (["--date", "2010-01-01"], "2010-01-01"),
        (["--date", "not-a-date"], "not-a-date"),
    ],
)
def test_bad_input_exit_2(args, value):
    code, out, err = run_cli("summit", *args)
    assert code == 2
    assert value in err and "Traceback" not in err


def test_bad_scenario_tables(scenario_dir):
    (scenario_dir / "leaders.csv").write_text("state,name,origin,warrants\nRUS,Putin,UUWW,icc-2023-03-17-putin\nXYZ,Nobody,QQQQ,bogus\n")
    (scenario_dir / "venues.csv").write_text("icao,city,state,immunity_assurance\nLTFM,Istanbul,TUR,false\n")
    code, out, err = run_cli("summit", str(scenario_dir))
    assert code == 2
    for v in ("XYZ", "QQQQ", "bogus"):
        assert v in err


def test_scenario_tables_replace_defaults(scenario_dir):
    (scenario_dir / "leaders.csv").write_text("state,name,origin,warrants\nRUS,Putin,UUWW,icc-2023-03-17-putin\n")
    (scenario_dir / "venues.csv").write_text("icao,city,state,immunity_assurance\nLOWW,Vienna,AUT,true\n")
    code, out, err = run_cli("summit", str(scenario_dir), "--date", "2025-10-20", "--allow-overflight", "POL,SVK", "--json")
    assert code == 0, err
    v = json.loads(out)["venues"][0]
    # Austria is a party; its assurance makes Vienna conditional, with the Court's caveat
    assert v["verdict"] == "conditional" and any("Mongolia" in s for s in v["reasons"])


def test_pipeline_step_and_report(quick_assess, bundled):
    from backstop.report.sections.summit import render, split_antimeridian

    result = quick_assess.results["summit"]
    assert result.name == "summit" and len(result.data["venues"]) == 14
    html = render(result, bundled)
    assert "<svg" in html and "Istanbul" in html and len(html) < 600_000
    import numpy as np

    lon, lat = split_antimeridian(np.array([[170.0, 60.0], [185.0, 61.0], [200.0, 62.0]]))
    assert np.isnan(lon[1]) and lon[-1] == pytest.approx(-160.0)
