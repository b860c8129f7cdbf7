"""The deployment MILP and the SimPy simulation on networks worked by hand, and against each other."""

from __future__ import annotations

import numpy as np
import pytest

from backstop.land.flow import build_deployment, greedy_schedule, solve_flow
from backstop.land.simulation import simulate
from tests.land.helpers import make_net, unit

# A line H -(rail, 240 km = 12 h at 480 km/day, 8 trains/day)- B -(rail, 240 km, 100 trains/day)- Z:
# transit 24 h = 1 day, entry into both edges on the departure day.
LINE = make_net(
    [("H", "AAA", ""), ("B", "AAA", ""), ("Z", "AAA", "z")],
    [("h-b", "H", "B", "rail_1520", 240, 8, 0), ("b-z", "B", "Z", "rail_1520", 240, 100, 0)],
)


def _solve_both(net, units, horizon=12, permit=0.0):
    dep = build_deployment(net, units, horizon_days=horizon, k=3, permit_days=permit)
    return dep, solve_flow(dep.problem, mip_rel_gap=0.0), simulate(dep)


def test_one_unit_through_one_bottleneck_by_hand():
    # 40 trains at 8 a day leave on days 2..6 (ready day 2) and arrive a day later: closed on day 7
    dep, res, sim = _solve_both(LINE, [unit("A", "H", "Z", 2)])
    assert res.status == "optimal"
    assert res.closure_day(0) == 7
    assert sim.closure_day[0] == 7
    # present on days 7..11 of a 12-day horizon: 5 days x 3000 personnel
    assert res.troop_days == pytest.approx(5 * 3000)
    assert sim.troop_days == pytest.approx(5 * 3000)
    # the bottleneck carries exactly its capacity on days 2..6 and nothing else
    assert np.allclose(res.edge_load[0, 2:7], 8.0)
    assert res.edge_load[0, :2].sum() == pytest.approx(0) and res.edge_load[0, 7:].sum() == pytest.approx(0)


def test_two_units_share_a_bottleneck_heavy_first_by_hand():
    # A (40 trains, 1000 personnel) and B (8 trains, 100 personnel), both ready on day 0, 8 trains/day.
    # A first: A closes day 5, B day 6 -> 1000 x 7 + 100 x 6 = 7600; B first: 100 x 11 + 1000 x 6 = 7100.
    a = unit("A", "H", "Z", 0, troops=1000.0)
    b = unit("B", "H", "Z", 0, trains=8.0, troops=100.0)
    _dep, res, sim = _solve_both(LINE, [a, b])
    assert res.troop_days == pytest.approx(7600)
    assert (res.closure_day(0), res.closure_day(1)) == (5, 6)
    assert sim.closure_day == [5, 6]  # first come, first served in list order = the optimum here


def test_permit_delay_applies_only_to_routes_crossing_a_border():
    net = make_net(
        [("H", "AAA", ""), ("B", "BBB", ""), ("Z", "BBB", "z")],
        [("h-b", "H", "B", "rail_1520", 240, 8, 0), ("b-z", "B", "Z", "rail_1520", 240, 100, 0)],
    )
    _dep, res, sim = _solve_both(net, [unit("A", "H", "Z", 2)], horizon=20, permit=5.0)
    assert res.closure_day(0) == 12 and sim.closure_day[0] == 12  # 7 + 5 days of permits
    _dep, res, _sim = _solve_both(LINE, [unit("A", "H", "Z", 2)], horizon=20, permit=5.0)
    assert res.closure_day(0) == 7


def test_second_route_relieves_the_bottleneck():
    # a parallel road lets vehicles move while trains queue: the MILP splits the unit over both
    net = make_net(
        [("H", "AAA", ""), ("Z", "AAA", "z")],
        [("rail", "H", "Z", "rail_1520", 480, 8, 0), ("road", "H", "Z", "road", 300, 750, 0)],
    )
    dep, res, sim = _solve_both(net, [unit("A", "H", "Z", 0)], horizon=12)
    # rail alone: 5 days of departures (close day 5); road alone: 2 days (1500/750) -> close day 2;
    # split: rail share f with 8/40 per day and road 750/1500 per day: 0.2 + 0.5 = 0.7 a day -> 2 days
    assert res.closure_day(0) == 2
    assert sim.closure_day[0] in (2, 5)  # the simulation takes the fastest route only
    assert res.troop_days >= sim.troop_days


def test_unit_that_cannot_close_in_the_horizon_is_never_present():
    _dep, res, sim = _solve_both(LINE, [unit("A", "H", "Z", 8)], horizon=12)  # needs days 8..12 + 1
    assert res.closure_day(0) is None and sim.closure_day[0] is None
    assert res.troop_days == 0.0
    assert res.arrived[0, -1] > 0.5  # echelons still move (the epsilon term)


def test_lp_relaxation_bounds_the_milp_and_greedy_is_feasible():
    units = [unit(f"U{i}", "H", "Z", i % 3, trains=8.0 * (1 + i % 4), troops=100.0 * (1 + i)) for i in range(6)]
    dep = build_deployment(LINE, units, horizon_days=15, k=2, permit_days=0)
    milp = solve_flow(dep.problem, mip_rel_gap=0.0)
    lp = solve_flow(dep.problem, relax=True)
    assert lp.troop_days >= milp.troop_days - 1e-6
    x = greedy_schedule(dep.problem)
    from backstop.land.flow import define_columns

    c = define_columns(dep.problem)
    U, H = dep.problem.n_units, dep.problem.horizon_days
    greedy_days = dep.problem.unit_weight @ x[c.n_x + U * H :].reshape(U, H).sum(axis=1)
    assert milp.troop_days >= greedy_days - 1e-6
    # greedy respects capacity
    load = np.zeros(H)
    for j in np.flatnonzero(x[: c.n_x] > 0):
        r, t = c.x_route[j], c.x_day[j]
        load[t] += x[j] * dep.problem.route_load[r][0]
    assert load.max() <= 8.0 + 1e-6


def test_spread_days_by_hand():
    from backstop.land.flow import spread_days

    # 1/8 of the unit a day: arrivals on days C-7..C, mean C - 3.5
    # 0.4 a day: 0.4 on C and C-1, 0.2 on C-2 -> mean C - (0.4 x 1 + 0.2 x 2) = C - 0.8
    # a unit that arrives whole in a day has its closure at its mean arrival; one with no route, 0
    assert spread_days(np.array([1 / 8, 0.4, 1.0, 0.0])).tolist() == pytest.approx([3.5, 0.8, 0.0, 0.0])


def test_earliest_closure_and_spread_row_on_the_line_by_hand():
    from backstop.land.flow import arrival_rate, define_columns, earliest_closure

    # 40 trains at 8 a day from day 2, one day in transit: whole on day 7 at the earliest
    dep = build_deployment(LINE, [unit("A", "H", "Z", 2), unit("B", "H", "Z", 0, trains=8.0)], horizon_days=12, k=3, permit_days=0)
    p = dep.problem
    assert arrival_rate(p).tolist() == pytest.approx([8 / 40, 1.0])
    assert earliest_closure(p, define_columns(p)).tolist() == [7, 1]
    # without the strengthening the LP credits A for the share arrived on days 3..6
    plain = solve_flow(p, relax=True, strengthen=False)
    tight = solve_flow(p, relax=True)
    milp = solve_flow(p, mip_rel_gap=0.0)
    assert plain.troop_days > tight.troop_days >= milp.troop_days - 1e-6
    assert tight.troop_days == pytest.approx(milp.troop_days)  # tight here: the LP is the MILP


def test_lp_guided_plan_is_feasible_and_between_greedy_and_the_bound():
    from backstop.land import synthetic as S
    from backstop.land.flow import define_capacity, define_columns, lp_guided_schedule, plan_value

    net = S.network(110, seed=3, n_zones=2)
    units = S.units(net, 14, seed=3, horizon_days=30)
    dep = build_deployment(net, units, horizon_days=30, k=2, permit_days=2.0)
    p = dep.problem
    lp = solve_flow(p, relax=True)
    x = lp_guided_schedule(p, lp)
    assert plan_value(p, greedy_schedule(p)) - 1e-6 <= plan_value(p, x) <= lp.troop_days + 1e-6
    A, _lo, hi, _ed = define_capacity(p, define_columns(p))
    assert (A @ x <= hi + 1e-6).all()
    milp = solve_flow(p, mip_rel_gap=0.0, start=x)
    assert milp.status == "optimal" and plan_value(p, x) <= milp.troop_days + 1e-6 <= lp.troop_days + 2e-6


def test_deterministic_pipeline_without_branch_and_bound_reports_a_proven_gap():
    """node_limit=0: the LP-guided plan, status feasible, gap = 1 - plan / LP, the same on every run;
    its capacity use is the plan's, and branch and bound from it never does worse."""
    from backstop.land import synthetic as S
    from backstop.land.flow import (
        define_capacity,
        define_columns,
        lp_guided_schedule,
        plan_value,
        solve_deployment,
    )

    net = S.network(110, seed=3, n_zones=2)
    units = S.units(net, 14, seed=3, horizon_days=30)
    p = build_deployment(net, units, horizon_days=30, k=2, permit_days=2.0).problem
    lp, plan = solve_deployment(p, node_limit=0)
    assert lp.status == "optimal" and plan.status == "feasible"
    x = lp_guided_schedule(p, lp)
    assert plan.troop_days == pytest.approx(plan_value(p, x))
    assert plan.bound == pytest.approx(lp.troop_days)
    assert plan.gap == pytest.approx(1 - plan.troop_days / lp.troop_days)
    A, _lo, hi, ed = define_capacity(p, define_columns(p))
    assert np.allclose(plan.edge_load[ed[:, 0], ed[:, 1]], A @ x)
    assert (plan.edge_load[ed[:, 0], ed[:, 1]] <= hi + 1e-6).all()
    assert sum(s for _u, _r, _t, s in plan.departures) == pytest.approx(plan.arrived[:, -1].sum())
    lp2, plan2 = solve_deployment(p, node_limit=0)
    assert np.array_equal(plan.present, plan2.present) and plan.departures == plan2.departures
    _lp, milp = solve_deployment(p, mip_rel_gap=0.0)
    assert milp.status == "optimal" and milp.troop_days >= plan.troop_days - 1e-6
