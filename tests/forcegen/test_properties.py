"""Property tests (hypothesis): caveats respected, fill bounded, monotone in pledges."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from backstop.forcegen.model import monthly_fill, required_matrix, solve_lexicographic
from backstop.forcegen.problem import make_instance
from backstop.forcegen.synthetic import synthetic_problem

problems = st.builds(
    lambda seed, n, p, r, h, rot, sustain: synthetic_problem(
        np.random.default_rng(seed), n_nations=n, n_pledges=p, n_requirements=r, horizon=h, rotation_months=rot,
        sustain=sustain, n_capabilities=3, caveat_rate=0.6),
    seed=st.integers(0, 2**32 - 1),
    n=st.integers(1, 5),
    p=st.integers(1, 14),
    r=st.integers(1, 8),
    h=st.integers(1, 12),
    rot=st.integers(1, 6),
    sustain=st.booleans(),
)

SETTINGS = settings(max_examples=30, deadline=None)


@SETTINGS
@given(problems)
def test_no_assignment_violates_a_caveat(prob):
    inst, meta = make_instance(prob)
    sol = solve_lexicographic(inst, stages=("fill",))
    assert sol.status == "optimal"
    y = sol.y
    nation_of_pair = [prob.pledges[meta.pledge_index[p]].nation for p in inst.pair_p]
    for k in np.flatnonzero(y > 0.5):
        pledge = prob.pledges[meta.pledge_index[inst.pair_p[k]]]
        req = prob.requirements[inst.pair_r[k]]
        assert pledge.capability == req.capability
        a, b = int(inst.pair_start[k]), int(inst.pair_end[k])
        assert pledge.start <= a <= b <= pledge.end and req.start <= a and b <= req.end
        for rs in pledge.restrictions:
            c = rs.caveat
            assert c.zone_allowed(req.zone, pledge.capability, prob.taxonomy), (rs.key, req.zone)
            if c.name == "max_months":
                assert b - a + 1 <= int(c.args[0])
            if c.name == "only_with":
                same_line = [j for j in np.flatnonzero(y > 0.5) if inst.pair_r[j] == inst.pair_r[k] and nation_of_pair[j] == c.args[0]]
                assert same_line, f"{pledge.id} served {req.id} without {c.args[0]}"
    # each pledge within its unit-rotations
    used = np.zeros(inst.n_pledges)
    np.add.at(used, inst.pair_p, inst.pair_usage * y)
    assert (used <= inst.pledge_qty + 1e-9).all()


@SETTINGS
@given(problems)
def test_fill_never_exceeds_requirement(prob):
    inst, _ = make_instance(prob)
    sol = solve_lexicographic(inst)
    fill = monthly_fill(inst, sol.y)
    assert (fill <= required_matrix(inst) + 1e-9).all()
    assert (fill >= 0).all()


@SETTINGS
@given(problems, st.integers(0, 100))
def test_removing_a_pledge_never_increases_fill(prob, which):
    inst, _ = make_instance(prob)
    base = solve_lexicographic(inst, stages=("fill",)).fill
    drop = which % len(prob.pledges)
    inst2, _ = make_instance(prob, drop_pledges=[drop])
    assert solve_lexicographic(inst2, stages=("fill",)).fill <= base + 1e-6


@SETTINGS
@given(problems)
def test_lifting_a_restriction_never_decreases_fill(prob):
    keys = list(prob.restrictions)
    if not keys:
        return
    inst, _ = make_instance(prob)
    base = solve_lexicographic(inst, stages=("fill",)).fill
    lifted, _ = make_instance(prob, lifted=[keys[0]])
    assert solve_lexicographic(lifted, stages=("fill",)).fill >= base - 1e-6
