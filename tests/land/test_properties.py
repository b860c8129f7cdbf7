"""Property tests (hypothesis): more capacity never delays closure; a lost crossing never speeds one.

The optimum of the deployment MILP is compared, solved to proven optimality, on small random
networks where every simple route is offered (k large), so that the route sets of the two
instances nest exactly.  The single-unit closure day is checked too.
"""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from backstop.land.flow import build_deployment, solve_flow
from tests.land.helpers import make_net, unit

MODES = ["rail_1520", "road"]


@st.composite
def instances(draw):
    n_mid = draw(st.integers(1, 3))
    nodes = [("H", "AAA", ""), ("Z", "AAA", "z")] + [(f"M{i}", "AAA", "") for i in range(n_mid)]
    names = [n[0] for n in nodes]
    edges = []
    # a guaranteed chain H - M0 - ... - Z, plus random extra edges
    chain = ["H"] + [f"M{i}" for i in range(n_mid)] + ["Z"]
    for a, b in zip(chain, chain[1:], strict=False):
        edges.append((a, b))
    for _ in range(draw(st.integers(0, 4))):
        a, b = draw(st.sampled_from(names)), draw(st.sampled_from(names))
        if a != b:
            edges.append((a, b))
    rows = []
    for k, (a, b) in enumerate(edges):
        mode = draw(st.sampled_from(MODES))
        cap = draw(st.integers(2, 12)) if mode != "road" else draw(st.integers(200, 900))
        rows.append((f"e{k}", a, b, mode, draw(st.integers(50, 700)), cap, draw(st.sampled_from([0, 6, 24]))))
    units = [unit(f"U{i}", "H", "Z", draw(st.integers(0, 4)), trains=float(draw(st.integers(4, 24))), vehicles=float(draw(st.integers(100, 1200))), troops=float(draw(st.integers(100, 3000)))) for i in range(draw(st.integers(1, 3)))]
    return rows, nodes, units


def _best(nodes, rows, units, horizon=14):
    net = make_net(nodes, rows)
    dep = build_deployment(net, units, horizon_days=horizon, k=60, permit_days=0)
    res = solve_flow(dep.problem, mip_rel_gap=0.0, time_limit_s=30)
    assert res.status == "optimal"
    return res


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances(), st.floats(1.0, 3.0))
def test_more_capacity_never_delays_a_closure(inst, factor):
    rows, nodes, units = inst
    base = _best(nodes, rows, units)
    more = _best(nodes, [(i, a, b, m, km, cap * factor, h) for (i, a, b, m, km, cap, h) in rows], units)
    assert more.troop_days >= base.troop_days - 1e-6
    if len(units) == 1:
        b, m = base.closure_day(0), more.closure_day(0)
        assert b is None or (m is not None and m <= b)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances(), st.integers(0, 7))
def test_a_lost_crossing_never_speeds_a_closure(inst, which):
    rows, nodes, units = inst
    base = _best(nodes, rows, units)
    lost = rows[which % len(rows)][0]
    net = make_net(nodes, rows).without([lost])
    dep = build_deployment(net, units, horizon_days=14, k=60, permit_days=0)
    res = solve_flow(dep.problem, mip_rel_gap=0.0, time_limit_s=30)
    assert res.troop_days <= base.troop_days + 1e-6
    for u in range(len(units)):
        b, w = base.closure_day(u), res.closure_day(u)
        if len(units) == 1:
            assert w is None or (b is not None and b <= w)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances())
def test_the_strengthened_model_has_the_same_optimum_and_a_tighter_bound(inst):
    """The spread rows and the earliest-closure fixing cut no integer plan (same proven optimum as
    the plain model) and only lower the LP bound, which still bounds the optimum."""
    rows, nodes, units = inst
    dep = build_deployment(make_net(nodes, rows), units, horizon_days=14, k=60, permit_days=0)
    plain = solve_flow(dep.problem, mip_rel_gap=0.0, time_limit_s=30, strengthen=False)
    tight = solve_flow(dep.problem, mip_rel_gap=0.0, time_limit_s=30)
    assert plain.status == tight.status == "optimal"
    assert abs(plain.troop_days - tight.troop_days) <= 1e-6 * max(1.0, plain.troop_days)
    lp_plain = solve_flow(dep.problem, relax=True, strengthen=False)
    lp_tight = solve_flow(dep.problem, relax=True)
    assert tight.troop_days - 1e-6 <= lp_tight.troop_days <= lp_plain.troop_days + 1e-6
