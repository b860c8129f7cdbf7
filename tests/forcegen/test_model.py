"""The MILP on hand-made instances with known optima: rotations, windows, 1-in-3, buddies, stages."""

from __future__ import annotations

import numpy as np
import pytest

from backstop.forcegen.model import Instance, build, monthly_fill, solve_lexicographic
from backstop.solve import MILP, solve


def inst(**kw) -> Instance:
    base = dict(
        horizon=12, rotation_months=6, sustain=False,
        req_qty=np.array([2]), req_weight=np.array([1.0]), req_start=np.array([1]), req_end=np.array([12]),
        pledge_qty=np.array([4]), pledge_nation=np.array([0]), pledge_cost=np.array([1.0]), fair_share=np.array([1.0]),
        pair_p=np.array([0]), pair_r=np.array([0]), pair_start=np.array([1]), pair_end=np.array([12]),
    )
    base.update(kw)
    return Instance(**{k: (np.asarray(v) if isinstance(v, list) else v) for k, v in base.items()})


def test_rotations_ceil_t_over_r():
    # 12 months with 6-month rotations: 2 unit-rotations per position; 4 units hold 2 positions
    s = solve_lexicographic(inst())
    assert s.status == "optimal" and s.y.tolist() == [2.0] and s.fill == 24.0
    # 3 units hold only 1 position for 12 months
    s = solve_lexicographic(inst(pledge_qty=[3]))
    assert s.y.tolist() == [1.0] and s.fill == 12.0
    # with 4-month rotations a 12-month position takes 3 unit-rotations
    s = solve_lexicographic(inst(rotation_months=4, pledge_qty=[5]))
    assert s.y.tolist() == [1.0]


def test_one_in_three_rule():
    s = solve_lexicographic(inst(sustain=True, pledge_qty=[6], req_qty=[5]))
    assert s.y.tolist() == [2.0]  # floor(6/3) deployed at once
    s = solve_lexicographic(inst(sustain=True, pledge_qty=[2], req_qty=[5]))
    assert s.status == "optimal" and s.y.tolist() == [0.0]


def test_monthly_capacity_with_windows():
    # two pledges, windows 1-6 and 4-12, line needs 2 units: months 4-6 overlap but fill caps at 2
    i = inst(req_qty=[2], pledge_qty=[2, 4], pledge_nation=[0, 0], pledge_cost=[1.0, 1.0],
             pair_p=[0, 1], pair_r=[0, 0], pair_start=[1, 4], pair_end=[6, 12])
    s = solve_lexicographic(i)
    fill = monthly_fill(i, s.y)[0]
    assert (fill <= 2).all()
    assert s.fill == fill.sum()
    assert s.fill == 2 * 6 + 2 * 9 - 6 or s.fill == 2 * 9 + 3 * 1 or s.fill >= 18


def test_priority_decides_contested_units():
    i = inst(req_qty=[1, 1], req_weight=[1.0, 5.0], req_start=[1, 1], req_end=[12, 12], pledge_qty=[2],
             pair_p=[0, 0], pair_r=[0, 1], pair_start=[1, 1], pair_end=[12, 12])
    s = solve_lexicographic(i)
    assert s.y.tolist() == [0.0, 1.0]


def test_buddy_constraint():
    # pledge 1 (nation 1) may serve line 0 only if nation 0 does; nation 0 has no pair on line 0
    i = inst(req_qty=[3], pledge_qty=[4, 4], pledge_nation=[0, 1], pledge_cost=[1.0, 1.0], fair_share=np.array([0.5, 0.5]),
             pair_p=[1], pair_r=[0], pair_start=[1], pair_end=[12], pair_buddy=[0])
    assert solve_lexicographic(i).y.tolist() == [0.0]
    i2 = inst(req_qty=[3], pledge_qty=[2, 4], pledge_nation=[0, 1], pledge_cost=[1.0, 1.0], fair_share=np.array([0.5, 0.5]),
              pair_p=[0, 1], pair_r=[0, 0], pair_start=[1, 1], pair_end=[12, 12], pair_buddy=[-1, 0])
    assert solve_lexicographic(i2).y.tolist() == [1.0, 2.0]


def test_fair_share_then_cost():
    # two nations can each fill the 2-unit line; fair shares 50/50 -> one unit each; then cost irrelevant
    i = inst(req_qty=[2], pledge_qty=[4, 4], pledge_nation=[0, 1], pledge_cost=[1.0, 9.0], fair_share=np.array([0.5, 0.5]),
             pair_p=[0, 1], pair_r=[0, 0], pair_start=[1, 1], pair_end=[12, 12])
    s = solve_lexicographic(i)
    assert s.y.tolist() == [1.0, 1.0] and s.deviation == pytest.approx(0.0)
    # without the fairness stage, cost picks the cheap nation
    s2 = solve_lexicographic(i, stages=("fill", "cost"))
    assert s2.y.tolist() == [2.0, 0.0]
    # a 100/0 fair share moves everything to nation 0
    i3 = inst(req_qty=[2], pledge_qty=[4, 4], pledge_nation=[0, 1], pledge_cost=[9.0, 1.0], fair_share=np.array([1.0, 0.0]),
              pair_p=[0, 1], pair_r=[0, 0], pair_start=[1, 1], pair_end=[12, 12])
    assert solve_lexicographic(i3).y.tolist() == [2.0, 0.0]


def test_statuses_are_reported_not_raised():
    A = __import__("scipy.sparse", fromlist=["csr_array"]).csr_array(np.array([[1.0, 1.0]]))
    bad = MILP(np.array([1.0, 1.0]), A, np.array([5.0]), np.array([np.inf]), np.zeros(2), np.ones(2), np.ones(2, np.uint8))
    r = solve(bad)
    assert r.status == "infeasible" and r.x is None
    unb = MILP(np.array([-1.0, 0.0]), A, np.array([-np.inf]), np.array([np.inf]), np.zeros(2), np.array([np.inf, 1.0]), np.zeros(2, np.uint8))
    assert solve(unb).status in ("unbounded", "infeasible", "error")


def test_empty_instance():
    i = inst(pair_p=[], pair_r=[], pair_start=[], pair_end=[])
    s = solve_lexicographic(i)
    assert s.status == "optimal" and s.fill == 0.0
    m, _ = build(i)
    assert m.shape[1] == 0 + 0 + 1 + 1


def _random_plan_rows(seed):
    from tests.forcegen.test_crosscheck import _instance

    rng = np.random.default_rng(seed)
    i = _instance(seed)
    from backstop.forcegen.model import layout, upper_bounds

    lay = layout(i)
    y = rng.integers(0, upper_bounds(i).astype(int) + 1)
    return i, lay, y


@pytest.mark.parametrize("seed", range(6))
def test_hull_and_window_rows_never_cut_an_integer_plan(seed):
    """The convex-hull rows and burden windows are valid for every integer plan with that total."""
    from backstop.forcegen.model import burden, define_burden_window, define_fair_share_hull

    i, lay, y = _random_plan_rows(seed)
    b = burden(i, y.astype(float))
    total = float(b.sum())
    dev = np.abs(b - i.fair_share * total)
    x = np.r_[y, np.zeros(lay.n_z), dev, total]
    A, lo, hi = define_fair_share_hull(i, lay, total)
    assert np.all(A @ x >= lo - 1e-9)
    A, lo, hi = define_burden_window(i, lay, total, float(dev.sum()))
    assert np.all(A @ x >= lo - 1e-9) and np.all(A @ x <= hi + 1e-9)
    # and the hull rows reach the rounding floor: with d at the hull, the LP bound is at least sum dist
    a = i.fair_share * total
    assert dev.sum() >= np.abs(a - np.round(a)).sum() - 1e-9


@pytest.mark.parametrize("seed", range(4))
def test_optimal_face_keeps_every_optimal_plan(seed):
    """Restricting to the fill stage's LP optimal face keeps the optimum (and reports exactness)."""
    from backstop.forcegen.model import fill_objective, optimal_face
    from tests.forcegen.test_crosscheck import _instance

    i = _instance(seed)
    m, lay = build(i, fair=False)
    c = -fill_objective(i, lay)
    mip = solve(MILP(c, m.A, m.row_lo, m.row_hi, m.lb, m.ub, m.integrality))
    lp = solve(MILP(c, m.A, m.row_lo, m.row_hi, m.lb, m.ub, m.integrality), relax=True)
    face, exact = optimal_face(MILP(c, m.A, m.row_lo, m.row_hi, m.lb, m.ub, m.integrality), lp, mip.objective)
    assert exact == (lp.objective >= mip.objective - 1e-7 * max(1.0, abs(mip.objective)))
    again = solve(face)
    assert again.status == "optimal" and again.objective == pytest.approx(mip.objective, abs=1e-7)
    if exact:  # every point of the face is fill-optimal: maximising the loss of fill cannot lose any
        worst = solve(MILP(-c, face.A, face.row_lo, face.row_hi, face.lb, face.ub, face.integrality))
        assert -worst.objective == pytest.approx(mip.objective, abs=1e-6)


@pytest.mark.parametrize("seed", range(8))
def test_apportionment_is_the_least_integer_deviation(seed):
    """Largest remainders = brute force over every integer burden vector near the targets."""
    import itertools

    from backstop.forcegen.model import apportionment

    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, 5))
    share = rng.random(n) + 0.05
    if seed % 3 == 0:  # ties: equal shares
        share = np.ones(n)
    share = share / share.sum()
    total = float(rng.integers(0, 30))
    best, lo, hi = apportionment(share, total)
    a = share * total
    vals = []
    for b in itertools.product(*[range(int(np.floor(x)) - 2, int(np.floor(x)) + 4) for x in a]):
        if sum(b) == total:
            vals.append((float(np.abs(np.array(b) - a).sum()), b))
    floor = min(v for v, _ in vals)
    assert best == pytest.approx(floor, abs=1e-9)
    optimal = {b for v, b in vals if v <= floor + 1e-9}
    inside = {b for _, b in vals if all(lo[j] <= b[j] <= hi[j] for j in range(n))}
    assert optimal == inside  # the bounds (with the sum) describe exactly the optimal burden vectors
