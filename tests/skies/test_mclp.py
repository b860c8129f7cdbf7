"""MCLP: published optima, heuristic gap, siting by layered coverage, readers and CLI."""

from __future__ import annotations

import csv
import itertools
import json

import numpy as np
import pytest

from backstop.errors import InputError
from backstop.skies import siting
from backstop.skies.io import read_mclp
from backstop.skies.mclp import MCLPInstance, coverage_matrix, covered_demand, solve
from tests.conftest import run_cli


def _optima(anchors):
    with open(anchors / "mclp" / "optima.csv") as fh:
        return list(csv.DictReader(fh))


def _check(anchors, r):
    inst = read_mclp(anchors / "mclp" / f"{r['instance']}.txt")
    assert inst.demand.sum() == float(r["total_demand"])
    sol = solve(inst, int(r["facilities"]), float(r["radius"]))
    assert sol.status == "optimal"
    assert sol.covered == float(r["optimal_covered_demand"])
    h = solve(inst, int(r["facilities"]), float(r["radius"]), method="heuristic")
    assert h.covered <= sol.covered and h.upper_bound >= sol.covered - 1e-6
    print(f"{r['instance']} p={r['facilities']} r={r['radius']}: exact {sol.covered:g}, heuristic {h.covered:g} (gap vs LP bound {h.gap:.2%})")


def test_sjc324_optima(anchors):
    for r in _optima(anchors):
        if r["instance"] == "SJC324":
            _check(anchors, r)


@pytest.mark.slow
def test_all_optima(anchors):
    for r in _optima(anchors):
        if r["instance"] != "SJC324":
            _check(anchors, r)


def test_exact_vs_enumeration():
    rng = np.random.default_rng(3)
    inst = MCLPInstance(xy=rng.uniform(0, 10, (14, 2)), demand=rng.integers(1, 50, 14).astype(float))
    a = coverage_matrix(inst.xy, inst.xy, 3.0)
    best = max(covered_demand(a, inst.demand, c) for c in itertools.combinations(range(14), 3))
    assert solve(inst, 3, 3.0).covered == best


def test_layered_siting_vs_enumeration():
    rng = np.random.default_rng(4)
    lat, lon = rng.uniform(46, 51, 12), rng.uniform(24, 36, 12)
    val = rng.uniform(1, 10, 12)
    a = siting.coverage_km(lat, lon, lat, lon, 250.0)
    best = max(siting.protected_value(a, val, c, 0.6) for c in itertools.combinations(range(12), 3))
    ex = siting.solve_exact(a, val, 3, 0.6, max_layers=3)
    assert ex.protected_value == pytest.approx(best, rel=1e-9)
    gr = siting.solve_greedy(a, val, 3, 0.6)
    assert gr.protected_value <= best + 1e-9 and gr.upper_bound >= best - 1e-9


def test_read_errors(tmp_path):
    f = tmp_path / "bad.txt"
    f.write_text("3 x\n1 2 3\n4 5 -1\n")
    with pytest.raises(InputError) as e:
        read_mclp(f)
    assert e.value.problems[0].location == "line 3" and e.value.problems[0].field == "demand"


def test_cli_mclp(anchors):
    code, out, _ = run_cli("mclp", str(anchors / "mclp" / "SJC324.txt"), "--facilities", "2", "--radius", "800", "--json")
    assert code == 0
    d = json.loads(out)
    assert d["covered_demand"] == 8790 and d["gap"] == 0
    code, out, err = run_cli("mclp", str(anchors / "mclp" / "SJC324.txt"), "--facilities", "0", "--radius", "800")
    assert code == 2 and "facilities" in " ".join(err.split())


def test_cli_wta(tmp_path):
    f = tmp_path / "tiny.txt"
    f.write_text("2 2 1\n10\n5\n0 0 0.5\n0 1 0.1\n1 0 0.2\n1 1 0.9\n")
    code, out, _ = run_cli("wta", str(f), "--method", "exact", "--json")
    assert code == 0
    d = json.loads(out)
    assert d["status"] == "optimal"
    assert d["objective"] == pytest.approx(10 * 0.5 + 5 * 0.1)
    code, _, err = run_cli("wta", str(tmp_path / "nope.txt"))
    assert code == 2 and "not found" in " ".join(err.split())
