"""Bad land input: located errors (file, line, field, value, hint), exit 2, reported by validate."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers import run_cli

HEADER = "id,nation,type,home,zone,readiness_days,tier,count,priority,assumption,statement\n"


def _validate(folder: Path, *args: str) -> tuple[int, str]:
    """Exit code and the error text with rich's line wrapping undone."""
    code, _out, err = run_cli(*(args or ("validate",)), str(folder))
    return code, " ".join(err.split())


def _write(folder: Path, name: str, text: str) -> None:
    (folder / name).write_text(text, encoding="utf-8")


def test_unknown_home_node_is_located(scenario_dir):
    _write(scenario_dir, "land_units.csv", HEADER + "X-1,GBR,battalion,atlantis,ukr_kyiv,5,1,1,1,true,\n")
    code, err = _validate(scenario_dir)
    assert code == 2
    assert "land_units.csv, line 2: field 'home' (value 'atlantis'): unknown node" in err
    assert "Hint:" in err


def test_impossible_notice_for_its_tier(scenario_dir):
    _write(scenario_dir, "land_units.csv", HEADER + "X-1,GBR,battalion,metz,ukr_kyiv,30,1,1,1,true,\n")
    code, err = _validate(scenario_dir)
    assert code == 2
    assert "field 'readiness_days' (value '30'): impossible notice for NATO Force Model tier 1 (0-10 days)" in err


def test_notice_beyond_the_horizon(scenario_dir):
    _write(scenario_dir, "land_units.csv", HEADER + "X-1,GBR,heavy_brigade,metz,ukr_kyiv,90,3,1,1,true,\n")
    code, err = _validate(scenario_dir)
    assert code == 2
    assert "cannot leave before the end of the 60-day horizon" in err


def test_missing_readiness_and_tier_is_a_parse_error(scenario_dir):
    _write(scenario_dir, "land_units.csv", HEADER + "X-1,GBR,battalion,metz,ukr_kyiv,,,1,1,true,\n")
    code, err = _validate(scenario_dir)
    assert code == 2 and "land_units.csv, line 2" in err and "readiness_days or tier" in err


def test_new_edge_without_capacity_and_unknown_node(scenario_dir):
    _write(scenario_dir, "land_corridors.csv", "id,from_node,to_node,mode,length_km,capacity_per_day\nnew-1,lviv,narnia,road,100,\n")
    code, err = _validate(scenario_dir)
    assert code == 2
    assert "land_corridors.csv, line 2: field 'to_node' (value 'narnia'): unknown node" in err
    assert "land_corridors.csv, line 2: field 'capacity_per_day'" in err and "no capacity" in err


def test_zero_capacity_on_a_bundled_edge(scenario_dir):
    _write(scenario_dir, "land_corridors.csv", "id,capacity_per_day\nroad:korczowa-krakovets,0\n")
    code, err = _validate(scenario_dir)
    assert code == 2 and "an edge with no capacity moves nothing" in err and "closed = true" in err


def test_no_route_names_the_gap_between_components(scenario_dir):
    # close every crossing from Poland, Slovakia, Hungary and Romania into Ukraine
    from backstop.land.analysis import border_edges
    from backstop.land.network import load_network

    lines = "".join(f"{e},true\n" for e in border_edges(load_network("2025-09-01")))
    _write(scenario_dir, "land_corridors.csv", "id,closed\n" + lines)
    code, err = _validate(scenario_dir)
    assert code == 2
    assert "land_units.csv, line 2: field 'zone' (value 'ukr_kyiv'): no route for a battalion from southampton to zone ukr_kyiv (kyiv)" in err
    assert "the closest nodes across the gap are" in err
    assert "add an edge across the gap" in err


@pytest.mark.parametrize("cell", ["-1", "nan", "inf", "1e400"])
def test_notice_must_be_a_finite_number_in_range(scenario_dir, cell):
    _write(scenario_dir, "land_units.csv", HEADER + f"X-1,GBR,battalion,metz,ukr_kyiv,{cell},,1,1,true,\n")
    code, err = _validate(scenario_dir)
    assert code == 2 and "land_units.csv, line 2" in err and "Traceback" not in err


def test_the_land_command_exits_2_on_bad_input(scenario_dir):
    _write(scenario_dir, "land_units.csv", HEADER + "X-1,GBR,battalion,atlantis,ukr_kyiv,5,1,1,1,true,\n")
    code, out, err = run_cli("land", str(scenario_dir), "--json")
    assert code == 2 and out == "" and "atlantis" in err
