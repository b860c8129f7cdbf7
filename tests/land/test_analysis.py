"""The land analysis on the bundled scenario: result shape, cross-check, requirement lines, CLI."""

from __future__ import annotations

import json

import numpy as np
import pytest

from backstop.land import adequacy as A
from backstop.land import regeneration as G
from tests.helpers import run_cli


@pytest.fixture(scope="module")
def result(bundled):
    from backstop.land.analysis import run
    from backstop.pipeline import RunContext

    return run(bundled, RunContext(quick=True))


def test_every_unit_closes_and_the_milp_is_proven(result):
    d = result.data
    assert d["solver"]["status"] == "optimal"
    assert d["solver"]["lp_troop_days"] >= d["solver"]["troop_days"] - 1e-6
    # the optimised plan is at least as good as the first-come-first-served simulation
    assert d["solver"]["troop_days"] >= d["solver"]["sim_troop_days"] - 1e-6
    units = result.frames["units"]
    assert units["closure_day"].notna().all()
    # no unit closes before its notice plus permits plus its fastest route allow
    assert (units["closure_day"] >= units["ready_day"] + units["fastest_route_days"]).all()


def test_flow_and_simulation_agree_when_no_capacity_binds(bundled):
    from backstop.land.analysis import prepare
    from backstop.land.flow import build_deployment, solve_flow
    from backstop.land.simulation import simulate

    net, units, _ = prepare(bundled)
    roomy = net.with_capacity(1000.0)
    dep = build_deployment(roomy, units, horizon_days=60, k=3, permit_days=5.0)
    res = solve_flow(dep.problem, mip_rel_gap=0.0)
    sim = simulate(dep)
    expected = [int(np.ceil(u.ready_day + (5.0 if dep.routes[i][0].crosses_border else 0))) + dep.routes[i][0].days for i, u in enumerate(units)]
    assert [res.closure_day(i) for i in range(len(units))] == expected
    assert sim.closure_day == expected


@pytest.mark.slow
def test_requirement_lines_reach_force_generation(bundled):
    from backstop.pipeline import ANALYSES, assess

    names = [a.name for a in ANALYSES]
    assert names.index("land") < names.index("forcegen")
    results = {r.name: r for r in assess(bundled, only=["land", "forcegen"], quick=True)}
    lines = results["land"].requirements
    assert lines and all(q.origin == "land" for q in lines)
    assert {q.capability for q in lines} <= {"mech_battalion", "training_team"}
    ids = set(results["forcegen"].frames["requirements"]["id"]) if "requirements" in results["forcegen"].frames else set()
    assert not ids or {q.id for q in lines} <= ids


def test_force_ratio_by_hand():
    s = A.Sector("s", "S", "z", 100.0, (60_000.0, 90_000.0, 120_000.0), (20_000.0, 30_000.0, 40_000.0))
    add = {"s": np.array([0.0, 0.0, 10_000.0])}
    t = A.ratio_table([s], add, threshold=3.0, troops_per_km=250.0)
    assert t["ratio_mid"].tolist() == pytest.approx([3.0, 3.0, 90 / 40])
    assert t["ratio_high"].iloc[0] == pytest.approx(120 / 20) and t["ratio_low"].iloc[0] == pytest.approx(60 / 40)
    assert t["holds"].tolist() == [True, True, True]  # 3:1 does not exceed the threshold; 300/km >= 250
    t = A.ratio_table([s], add, threshold=2.5, troops_per_km=250.0)
    assert t["holds"].tolist() == [False, False, True]  # 3.0 > 2.5, then 2.25
    reqs, warn = A.requirement_lines([s], add, warning_days=1, threshold=3.0, troops_per_km=250.0, battalion_troops=500.0)
    # short on day 1: max(90,000/3, 250 x 100) - 30,000 = 0 troops -> the ratio threshold binds exactly
    assert warn["troops_short_at_warning"].iloc[0] == pytest.approx(0.0) and not reqs
    reqs, warn = A.requirement_lines([s], add, warning_days=1, threshold=2.0, troops_per_km=250.0, battalion_troops=500.0)
    assert reqs[0].quantity == 30 and reqs[0].capability == "mech_battalion"  # 45,000 - 30,000 = 15,000 / 500
    assert warn["days_to_hold"].iloc[0] is None  # 40,000 on day 2 is still short of 45,000
    reqs, warn = A.requirement_lines([s], add, warning_days=0, threshold=2.5, troops_per_km=250.0, battalion_troops=500.0)
    assert warn["days_to_hold"].iloc[0] == 2 and reqs[0].quantity == 12  # 36,000 - 30,000 = 6,000 / 500


def test_lanchester_reinforcement_helps_the_defender():
    none = A.lanchester(90_000, 30_000, np.zeros(30), attrition_per_day=0.01, defender_advantage=3.0)
    more = A.lanchester(90_000, 30_000, np.r_[np.zeros(5), np.full(25, 10_000.0)], attrition_per_day=0.01, defender_advantage=3.0)
    assert more[1][-1] > none[1][-1] and more[0][-1] <= none[0][-1]
    # square law: b D^2 - a R^2 is (nearly) conserved without reinforcement (daily Euler steps)
    R, D = none
    inv = 3.0 * D**2 - R**2
    assert abs(inv[5] - inv[0]) / abs(inv[0]) < 0.05


def test_regeneration_balance_by_hand(bundled):
    cfg = bundled.config.land.model_copy(update={"replacement_per_month": 10_000.0, "domestic_training_per_month": 5_000.0, "partner_training_share": 0.0, "trainees_per_team_month": 100.0, "regeneration_months": 3})
    table, reqs, s = G.balance(cfg, teams_offered=20)
    assert s["supply_per_month"] == pytest.approx(7_000.0)
    assert reqs[0].quantity == 30 and reqs[0].capability == "training_team"
    assert table["trained_cum"].tolist() == pytest.approx([7_000.0, 14_000.0, 21_000.0])


def test_land_cli_json():
    code, out, err = run_cli("land", "--quick", "--json")
    assert code == 0, err
    d = json.loads(out)
    for key in ("units", "closure", "bottlenecks", "what_ifs", "force_ratio", "warning", "regeneration", "network", "requirements", "solver"):
        assert key in d
    assert d["solver"]["status"] == "optimal" and d["solver"]["troop_days"] > 0
    assert {q["origin"] for q in d["requirements"]} == {"land"}
    # every what-if of the issue, even in quick mode: a crossing lost (the busiest), permits, a withdrawal
    cases = {w["case"] for w in d["what_ifs"]}
    assert {"base", "lost", "permit_days", "withdraw"} <= cases
    lost = [w for w in d["what_ifs"] if w["case"] == "lost"][0]
    assert lost["element"] in {e["id"] for e in d["network"]["edges"]} and lost["delta_troop_days"] <= 1e-6


def test_land_cli_text_shows_every_deliverable():
    """Closure curve per zone, bottlenecks, what-ifs, days to reinforce against warning, the
    regeneration by month and the requirement lines, with bracketed text shown, not eaten as markup."""
    code, out, err = run_cli("land", "--quick")
    assert code == 0, err
    text = " ".join(out.split())
    for title in ("Closure curve per zone", "Binding bottlenecks", "What-ifs", "days to reinforce", "days of warning",
                  "Regeneration of Ukraine's forces by month", "Requirement lines for force generation"):
        assert title in text, title
    assert "ukr_kyiv" in text and "LAND-TRAIN" in text
    assert "[land]" in "".join(out.split())  # the training note names its config section


def test_land_cli_nodes():
    code, out, _err = run_cli("land", "--nodes", "--json")
    assert code == 0 and any(n["id"] == "mostyska" for n in json.loads(out))


def test_what_ifs_never_improve_on_the_base_plan(bundled):
    from backstop.land.analysis import _solve, prepare, what_ifs

    cfg = bundled.config.land.model_copy(update={"whatif_lost": ["rail_1520:lviv-ternopil", "gauge_change:siret-vadul_siret"], "whatif_permit_days": [15.0], "whatif_withdraw": ["FRA"]})
    net, units, _ = prepare(bundled)
    cache: dict = {}
    dep, base = _solve(net, units, cfg, cache=cache)
    w = what_ifs(net, units, cfg, base, cache, base_dep=dep).set_index(["case", "element"])
    assert (w["delta_troop_days"] <= 1e-6).all()
    assert w.loc[("lost", "rail_1520:lviv-ternopil"), "delta_troop_days"] < 0  # the binding line
    assert w.loc[("permit_days", "15"), "delta_troop_days"] < 0
    assert w.loc[("withdraw", "FRA"), "units_closed"] == len(units) - 3


def test_report_section_charts_force_ratio_and_lanchester(result, bundled):
    """The land section draws the map, closure curves, the force ratio with its 3:1 line and the
    Lanchester duel with timed reinforcements, each an inline SVG (no external resource)."""
    from backstop.report.sections.land import lanchester_chart, ratio_chart, render

    cfg = bundled.config.land
    html = str(render(result, bundled))
    assert html.count("<svg") == 4
    assert 'src="http' not in html and 'href="http' not in html  # namespaces only, nothing fetched
    ratio = ratio_chart(result, cfg.ratio_threshold, cfg.warning_days)
    assert f"{cfg.ratio_threshold:g}:1 threshold" in ratio and "warning ends" in ratio
    duel = result.frames["lanchester"]
    sectors = list(dict.fromkeys(duel["sector"]))
    svg = lanchester_chart(result, int(cfg.warning_days))
    for s in sectors:
        assert f"{s} attacker" in svg and f"{s} defender" in svg
    assert "reinforcement arrives" in svg and f"attack (day {int(cfg.warning_days)}" in svg
    # the duel's defender gains exactly the reinforcements before the attack day
    fr = result.frames["force_ratio"]
    s0 = sectors[0]
    g = duel[duel["sector"] == s0].set_index("day")
    add = fr[fr["sector"] == s0].set_index("day")["reinforcement"]
    w = int(cfg.warning_days)
    assert g.loc[w, "defender"] - g.loc[0, "defender"] == pytest.approx(add.loc[w] - add.loc[0])
