"""The seas pipeline step, exposure, CLI and report: shape, requirement lines, bad input."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from backstop.reference.tables import load_table
from backstop.results import Result
from backstop.scenario.models.skies import Site
from tests.conftest import run_cli


def test_requirements_use_known_capabilities_and_zones(seas_result):
    caps = set(load_table("capabilities")["id"])
    zones = set(load_table("zones")["id"])
    reqs = seas_result.requirements
    assert {q.capability for q in reqs} == {"mcm_vessel", "escort_frigate", "mpa_orbit"}
    for q in reqs:
        assert q.capability in caps and q.zone in zones and q.origin == "seas" and q.quantity > 0
    assert {"ukr_odesa", "rou", "black_sea", "tur_straits"} <= {q.zone for q in reqs}


def test_sizing_matches_formula_on_the_corridor(seas_result, bundled):
    cfg = bundled.config.seas
    d = seas_result.data["sizing"]
    import math

    c = -math.log(1 - cfg.mcm_target_clearance) / cfg.mcm_detection_probability
    days = c * d["lanes_km"] * cfg.mcm_lane_width_m / cfg.mcm_sweep_width_m / (cfg.mcm_speed_kn * 1.852) / cfg.mcm_hours_per_day
    assert d["mcm"]["total"]["vessel_days"] == pytest.approx(days)
    assert sum(d["lanes_by_zone_km"].values()) == pytest.approx(d["lanes_km"])
    # the shared trunk is counted once: lanes are shorter than the sum of routes
    assert d["lanes_km"] < sum(r["length_km"] for r in seas_result.data["routes"])


def test_port_sites_are_skies_sites(seas_result):
    sites = [Site(**s) for s in seas_result.data["sites"]]
    ids = {s.id for s in sites}
    assert {"port-odesa", "anch-odesa", "port-izmail"} <= ids
    assert all(s.kind == "port" and s.value > 0 for s in sites)


def test_exposure_fallback_and_skies_key(seas_result, bundled):
    from backstop.seas.exposure import exposure_table, port_sites

    ex = pd.DataFrame(seas_result.data["exposure"])
    assert (ex["method"] == "seas fallback").all()
    assert (ex["expected_leakers"] <= ex["weapons_aimed"]).all() and (ex["expected_leakers"] >= 0).all()
    sites = [Site(**s) for s in seas_result.data["sites"]]
    fake = Result("skies", "skies", frames={"sites": pd.DataFrame({"id": ["port-odesa", "pivdennyi", "city-1"], "expected_leakers": [2.5, 1.0, 9.0]})})

    class Ctx:
        results = {"skies": fake}

    table, method, notes = exposure_table(bundled, sites, Ctx())
    assert method == "skies"
    got = dict(zip(table["site"], table["expected_leakers"], strict=False))
    assert got == {"port-odesa": 2.5, "port-pivdennyi": 1.0}
    # the skies branch's shape: mean_leakers and arrivals for the wave named in data["wave"]
    fake2 = Result("skies", "skies", data={"wave": "w"}, frames={"sites": pd.DataFrame({"id": ["port-izmail"], "arrivals": [4.0], "mean_leakers": [0.5]})})
    Ctx.results = {"skies": fake2}
    table, method, notes = exposure_table(bundled, sites, Ctx())
    assert method == "skies" and table.iloc[0].to_dict() | {} == {"site": "port-izmail", "name": "Izmail port", "kind": "port", "wave": "w", "weapons_aimed": 4.0, "expected_leakers": 0.5, "method": "skies"}
    assert port_sites(bundled, []) and all(s.id.startswith("port-") for s in port_sites(bundled, []))


def test_cli_json(seas_result):
    code, out, err = run_cli("seas", "--json")
    assert code == 0, err
    d = json.loads(out)
    assert d["name"] == "seas" and len(d["routes"]) == 4 and d["requirements"]
    assert all(len(r["coordinates"]) > 2 for r in d["routes"])


def test_cli_negative_speed():
    code, out, err = run_cli("seas", "--speed", "-4")
    assert code == 2 and "speed" in err and "Traceback" not in err


def test_report_section(seas_result, bundled):
    from backstop.report.sections.seas import render

    html = render(seas_result, bundled)
    assert "<svg" in html and "Requirement lines" in html and "c = -ln(1 - P*) / p_d" in html


def _write(path, text):
    path.write_text(text, encoding="utf-8")


def test_zone_closing_every_route_names_the_row(scenario_dir):
    _write(
        scenario_dir / "exclusion_zones.csv",
        "id,name,shape,lat,lon,radius_km,vertices,buffer_km,reason,source,assumption\n"
        "strait,Bosporus closed,circle,41.12,29.06,15,,0,test,test,true\n",
    )
    code, out, err = run_cli("seas", str(scenario_dir))
    err = " ".join(err.split())
    assert code == 2
    assert "exclusion_zones.csv" in err and "line 2" in err and "strait" in err and "closes every route" in err


def test_negative_speed_in_scenario(scenario_dir):
    toml = (scenario_dir / "scenario.toml").read_text(encoding="utf-8").replace("speed_kn = 12.0", "speed_kn = -5.0")
    _write(scenario_dir / "scenario.toml", toml)
    code, out, err = run_cli("seas", str(scenario_dir))
    err = " ".join(err.split())
    assert code == 2 and "speed_kn" in err


def test_river_port_without_approach_is_off_the_water(scenario_dir):
    (scenario_dir / "port_approaches.csv").unlink()
    code, out, err = run_cli("seas", str(scenario_dir))
    err = " ".join(err.split())
    assert code == 2 and "izmail" in err and "off the water" in err and "ports.csv" in err


def test_bad_zone_row(scenario_dir):
    _write(
        scenario_dir / "exclusion_zones.csv",
        "id,name,shape,lat,lon,radius_km,vertices,buffer_km,reason,source,assumption\n"
        "tri,bad,polygon,,,,30 44; 31 44,0,test,test,true\n",
    )
    code, out, err = run_cli("validate", str(scenario_dir))
    err = " ".join(err.split())
    assert code == 2 and "exclusion_zones.csv, line 2" in err and "vertices" in err and "at least 3" in err


def test_exposure_fallback_regions_allocation(scenario_dir):
    from backstop.scenario import read_scenario
    from backstop.seas.analysis import plan_corridor
    from backstop.seas.exposure import exposure_table, interception_rates, port_sites

    _write(
        scenario_dir / "waves.csv",
        "wave,weapon,count,launch_area,arrival_start_h,arrival_end_h,allocation,source\n"
        "w1,shahed_136,100,,0,6,regions:Odesa=1.0,test\n"
        "w2,shahed_136,100,,0,6,regions:Kharkiv=1.0,test\n",
    )
    toml = scenario_dir / "scenario.toml"  # the default wave must be one of the new waves (validation checks it)
    toml.write_text(toml.read_text(encoding="utf-8").replace('wave = "record_2025_09_06"', 'wave = "w1"'), encoding="utf-8")
    scenario = read_scenario(scenario_dir)
    sites = port_sites(scenario, plan_corridor(scenario).routes)
    table, method, _ = exposure_table(scenario, sites)
    assert method == "seas fallback"
    w1 = table[table["wave"] == "w1"]
    w2 = table[table["wave"] == "w2"]
    assert 0 < w1["weapons_aimed"].sum() < 100  # Odesa region: ports share with the city and energy sites
    assert w2["weapons_aimed"].sum() == 0  # nothing aimed at Kharkiv reaches the ports
    rate = interception_rates(0.85)[0]["drone"]
    assert w1["expected_leakers"].sum() == pytest.approx(w1["weapons_aimed"].sum() * (1 - rate))


def test_cli_closing_the_bosporus_is_an_input_error_naming_the_key():
    code, out, err = run_cli("seas", "--close", "bosporus")
    err = " ".join(err.split())
    assert code == 2 and "seas.closed_passages" in err and "no route" in err, err
    code, out, err = run_cli("seas", "--close", "atlantis")
    assert code == 2 and "unknown searoute passage" in " ".join(err.split())


def test_cli_require_territorial_waters():
    code, out, err = run_cli("seas", "--territorial-waters", "require", "--json")
    assert code == 0, err
    for r in json.loads(out)["routes"]:
        assert set(r["waters_km"]) <= {"UKR", "ROU", "BGR", "TUR"}


def test_unknown_port_ids_are_named(scenario_dir):
    toml = (scenario_dir / "scenario.toml").read_text(encoding="utf-8").replace('"pivdennyi", "izmail"]', '"pivdennyi", "atlantis"]')
    _write(scenario_dir / "scenario.toml", toml)
    code, out, err = run_cli("seas", str(scenario_dir))
    err = " ".join(err.split())
    assert code == 2 and "seas.ports" in err and "atlantis" in err
    _write(scenario_dir / "port_approaches.csv", "port,waypoints,note,source,assumption\nnowhere,29.8 45.1,,,true\n")
    code, out, err = run_cli("seas", str(scenario_dir))
    err = " ".join(err.split())
    assert code == 2 and "port_approaches.csv, line 2" in err and "nowhere" in err
