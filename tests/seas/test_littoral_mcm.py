"""Seas sizes mine clearing against the littoral MCM group's capacity while the straits are closed."""

from __future__ import annotations

import datetime as dt

from backstop.reference.straits import closure_on, mcm_group_on
from backstop.scenario import read_scenario
from backstop.seas.sizing import littoral_mcm


def test_littoral_capacity_and_shortfall():
    day = dt.date(2025, 8, 20)
    out = littoral_mcm(11, mcm_group_on(day), closure_on(day))
    assert out["only_littoral_navies"] and out["capacity_vessels"] == 6 and out["shortfall_vessels"] == 5
    assert abs(out["covered_share"] - 6 / 11) < 1e-12 and out["group"]["vessels_assumption"]
    assert littoral_mcm(4, mcm_group_on(day), closure_on(day))["shortfall_vessels"] == 0
    before = littoral_mcm(3, mcm_group_on(dt.date(2023, 1, 1)), closure_on(dt.date(2023, 1, 1)))
    assert before["capacity_vessels"] == 0 and before["group"] is None and before["only_littoral_navies"]


def test_seas_states_the_littoral_group(seas_result, scenario_dir):
    from backstop.seas.analysis import _littoral_mcm

    r = seas_result
    d = r.data["mcm_littoral"]
    need = sum(q.quantity for q in r.requirements if q.capability == "mcm_vessel" and q.id.endswith("CLEAR"))
    assert d["vessels_needed"] == need and d["only_littoral_navies"]
    assert any("only littoral navies can clear mines" in s and "MCM Black Sea" in s for s in r.summary)
    toml = scenario_dir / "scenario.toml"
    toml.write_text(toml.read_text().replace("us_air_isr_only = true", "us_air_isr_only = true\nmontreux_closure = false"))
    lifted = _littoral_mcm(read_scenario(scenario_dir), r.requirements)
    assert not lifted["only_littoral_navies"] and "Straits open" in lifted["sentence"]
