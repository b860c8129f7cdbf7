"""Designs: Sobol indices of the Ishigami function against published values; LHS stratification; stable ids."""

from __future__ import annotations

import math

import numpy as np
import pytest

from backstop.sweep.analysis import sobol_indices
from backstop.sweep.design import Factor, saltelli_unit, variant_id, variant_seed


def ishigami(x: np.ndarray, a: float = 7.0, b: float = 0.1) -> np.ndarray:
    return np.sin(x[:, 0]) + a * np.sin(x[:, 1]) ** 2 + b * x[:, 2] ** 4 * np.sin(x[:, 0])


def test_ishigami_sobol_indices_match_published():
    """Ishigami & Homma (1990), a = 7, b = 0.1: S1 = (0.3139, 0.4424, 0), ST = (0.5576, 0.4424, 0.2437)
    (analytical values, e.g. Saltelli et al. 2010, Table 1; SALib's test suite)."""
    factors = [Factor(f"x{i}", i, "range", -math.pi, math.pi) for i in range(3)]
    u, _ = saltelli_unit(3, 2**13, seed=42)
    x = np.array([[f.value(v) for f, v in zip(factors, row, strict=True)] for row in u])
    assert x.shape == (2**13 * 5, 3)
    si = sobol_indices(ishigami(x), ["x1", "x2", "x3"], seed=1, resamples=100)
    assert si["S1"].to_numpy() == pytest.approx([0.3139, 0.4424, 0.0], abs=0.02)
    assert si["ST"].to_numpy() == pytest.approx([0.5576, 0.4424, 0.2437], abs=0.02)
    assert (si["S1_conf"] < 0.05).all()


def test_sobol_needs_a_saltelli_design():
    with pytest.raises(ValueError, match="multiple of D"):
        sobol_indices(np.ones(7), ["a", "b"])


def test_lhs_one_point_per_stratum(tmp_path):
    from backstop.sweep.design import _lhs

    u = _lhs(4, 50, seed=3)
    for j in range(4):
        assert sorted(np.floor(u[:, j] * 50).astype(int)) == list(range(50))
    assert np.array_equal(u, _lhs(4, 50, seed=3))


def test_factor_quantiles():
    tri = Factor("t", 0, "range", 0.0, 2.0, dist="triangular", mode=0.0)
    assert tri.value(0.0) == 0.0 and tri.value(0.75) == pytest.approx(2 - 2 * math.sqrt(0.25))
    norm = Factor("n", 0, "range", 0.0, 6.0, dist="normal")
    assert norm.value(0.5) == pytest.approx(3.0)
    assert 0.0 <= norm.value(0.0) and norm.value(1.0) <= 6.0
    flag = Factor("w.FRA", 0, "flag", p=0.3)
    assert flag.value(0.29) is True and flag.value(0.31) is False
    choice = Factor("c", 0, "choice", values=(True, False))
    assert [choice.value(u) for u in (0.1, 0.6)] == [True, False]
    date = Factor("d", 0, "range", 738000.0, 738010.0, is_date=True)
    assert date.levels(3)[1].toordinal() == 738005


def test_variant_id_depends_on_values_only():
    a = variant_id({"x": 1.5, "y": True})
    assert a == variant_id({"y": True, "x": 1.5})
    assert a != variant_id({"x": 1.5000001, "y": True})
    assert len(a) == 16 and variant_seed(0, a) != variant_seed(1, a)
    assert 0 <= variant_seed(0, a) < 2**32
