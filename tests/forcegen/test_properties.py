"""Property tests (hypothesis): caveats respected, fill bounded, monotone in pledges.

Caveats are checked against :func:`doc_allows`, a plain-Python statement of the caveat table of
docs/forcegen.md over the bundled zones.csv and capabilities.csv read with the csv module: an
oracle that shares no code with ``backstop.forcegen.caveats`` (which built the model's columns).
"""

from __future__ import annotations

import csv
from importlib import resources

import numpy as np
import pytest
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


def _reference(name: str) -> dict[str, dict[str, str]]:
    with (resources.files("backstop.reference") / "data" / f"{name}.csv").open(encoding="utf-8", newline="") as fh:
        return {row["id"]: row for row in csv.DictReader(fh)}


ZONES = _reference("zones")
CAPABILITIES = _reference("capabilities")


def _yes(text: str) -> bool:
    return text.strip().lower() == "true"


def doc_places(args) -> set[str]:
    """docs/forcegen.md: "an argument is a zone id or an ISO3 state (UKR = every zone with in_ukraine=true)"."""
    out = set()
    for a in args:
        for zid, z in ZONES.items():
            if a.lower() == zid or (z["state"] and a.upper() == z["state"].upper()) or (a.upper() == "UKR" and _yes(z["in_ukraine"])):
                out.add(zid)
    return out


def doc_allows(name: str, args: tuple, zone: str, capability: str, months: int, nations_on_line: set[str]) -> bool:
    """The caveat table of docs/forcegen.md: may a unit of ``capability`` serve ``months`` consecutive
    months in ``zone`` on a line also served by ``nations_on_line``?"""
    if name == "not_in":  # never in these places
        return zone not in doc_places(args)
    if name == "outside_ukraine":  # shorthand for not_in:UKR
        return zone not in doc_places(("UKR",))
    if name == "zones":  # only in these zones
        return zone in doc_places(args)
    if name == "no_combat":  # never on a line of a combat capability in a zone inside Ukraine
        return not (_yes(CAPABILITIES[capability]["combat"]) and _yes(ZONES[zone]["in_ukraine"]))
    if name == "max_months":  # at most N consecutive months
        return months <= int(args[0])
    if name == "only_with":  # only on a line that a unit of ISO3 also serves
        return args[0] in nations_on_line
    if name == "domains":  # only for capabilities of these domains
        return CAPABILITIES[capability]["domain"] in args
    if name == "air_isr_only":  # only air, ISR or intelligence capabilities
        return _yes(CAPABILITIES[capability]["air_isr_intel"])
    raise AssertionError(f"caveat {name!r} is not in the table of docs/forcegen.md")


@pytest.mark.parametrize(
    "name,args,zone,capability,months,with_,expected",
    [
        ("not_in", ("UKR",), "ukr_kyiv", "lr_ad_battery", 1, set(), False),
        ("not_in", ("UKR",), "pol", "lr_ad_battery", 1, set(), True),
        ("outside_ukraine", (), "ukr_east", "lr_ad_battery", 1, set(), False),
        ("zones", ("pol", "ROU"), "rou", "lr_ad_battery", 1, set(), True),
        ("zones", ("pol",), "black_sea", "lr_ad_battery", 1, set(), False),
        ("no_combat", (), "ukr_kyiv", "lr_ad_battery", 1, set(), False),
        ("no_combat", (), "pol", "lr_ad_battery", 1, set(), True),
        ("max_months", ("6",), "pol", "lr_ad_battery", 7, set(), False),
        ("only_with", ("FRA",), "pol", "lr_ad_battery", 1, {"FRA", "GBR"}, True),
        ("only_with", ("FRA",), "pol", "lr_ad_battery", 1, {"GBR"}, False),
        ("domains", ("sea",), "pol", "lr_ad_battery", 1, set(), False),
        ("air_isr_only", (), "pol", "lr_ad_battery", 1, set(), False),
    ],
)
def test_oracle_reads_the_documented_rules(name, args, zone, capability, months, with_, expected):
    assert doc_allows(name, args, zone, capability, months, with_) is expected


@SETTINGS
@given(problems)
def test_no_assignment_violates_a_caveat(prob):
    assert set(prob.taxonomy.zones.index) == set(ZONES)  # the oracle reads the same zones
    inst, meta = make_instance(prob)
    sol = solve_lexicographic(inst, stages=("fill",))
    assert sol.status == "optimal"
    y = sol.y
    nation_of_pair = [prob.pledges[meta.pledge_index[p]].nation for p in inst.pair_p]
    used_pairs = np.flatnonzero(y > 0.5)
    for k in used_pairs:
        pledge = prob.pledges[meta.pledge_index[inst.pair_p[k]]]
        req = prob.requirements[inst.pair_r[k]]
        assert pledge.capability == req.capability
        a, b = int(inst.pair_start[k]), int(inst.pair_end[k])
        assert pledge.start <= a <= b <= pledge.end and req.start <= a and b <= req.end
        on_line = {nation_of_pair[j] for j in used_pairs if inst.pair_r[j] == inst.pair_r[k] and j != k}
        for rs in pledge.restrictions:
            c = rs.caveat
            assert doc_allows(c.name, c.args, req.zone, pledge.capability, b - a + 1, on_line), (rs.key, req.id, req.zone, b - a + 1, on_line)
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
