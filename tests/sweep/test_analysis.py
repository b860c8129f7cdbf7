"""Scenario discovery and tornado charts on functions whose answer is known."""

from __future__ import annotations

import numpy as np
import pandas as pd

from backstop.sweep.analysis import prim, tornado


def test_prim_finds_the_failure_box():
    rng = np.random.default_rng(0)
    x = pd.DataFrame({"a": rng.uniform(0, 1, 2000), "b": rng.uniform(0, 1, 2000), "c": rng.uniform(0, 1, 2000), "nation": rng.choice(["FRA", "GBR", "DEU"], 2000)})
    fail = (x["a"] > 0.7) & (x["b"] < 0.4) & (x["nation"] != "DEU")
    box = prim(x, fail.to_numpy(), alpha=0.05, min_mass=0.02)
    assert box.density > 0.9 and box.coverage > 0.7
    lo_a, hi_a = box.limits["a"]
    lo_b, hi_b = box.limits["b"]
    assert abs(lo_a - 0.7) < 0.05 and hi_b < 0.45 and lo_b < 0.05
    assert box.limits["nation"] == ["FRA", "GBR"]
    assert "c" not in box.limits or box.limits["c"][1] - box.limits["c"][0] > 0.6  # c does not matter


def test_prim_yes_no_factors():
    rng = np.random.default_rng(1)
    x = pd.DataFrame({"withdraw.GBR": rng.random(400) < 0.5, "withdraw.FRA": rng.random(400) < 0.5, "a": rng.uniform(0, 1, 400)})
    box = prim(x, (x["withdraw.GBR"] & x["withdraw.FRA"]).to_numpy())
    assert box.density == 1.0 and box.coverage == 1.0
    assert sorted(box.describe()) == ["withdraw.FRA is yes", "withdraw.GBR is yes"]


def test_prim_no_failures():
    x = pd.DataFrame({"a": np.linspace(0, 1, 50)})
    box = prim(x, np.zeros(50, bool))
    assert box.coverage == 0 and box.limits == {}


def test_tornado_swings_of_a_linear_function():
    # y = 3 a - b, a in [0, 2] (base 1), b in [0, 10] (base 5); 3 levels each
    meta = {"method": "oat", "factors": [{"name": "a", "base": 1.0}, {"name": "b", "base": 5.0}],
            "oat": [["", None], ["a", 0.0], ["a", 2.0], ["b", 0.0], ["b", 10.0]]}
    rows = [(1.0, 5.0), (0.0, 5.0), (2.0, 5.0), (1.0, 0.0), (1.0, 10.0)]
    tab = pd.DataFrame({"y": [3 * a - b for a, b in rows]})
    t = tornado(tab, meta, "y")
    assert list(t["factor"]) == ["b", "a"]
    assert t.loc[0, "swing"] == 10 and t.loc[1, "swing"] == 6
    assert t.loc[0, "low"] == 10.0 and t.loc[0, "out_low"] == -7.0 and t.loc[0, "base"] == -2.0
