"""Monte Carlo: analytic single-layer check, determinism, monotonicity (hypothesis)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from backstop.skies.assets import Assets
from backstop.skies.catalogue import CLASSES
from backstop.skies.defences import Batteries, concat
from backstop.skies.montecarlo import simulate, summarise


def one_site(n_sites: int = 1) -> Assets:
    lat = np.linspace(50.0, 50.0 + 0.5 * (n_sites - 1), n_sites)
    lon = np.full(n_sites, 30.0)
    return Assets(ids=np.array([f"s{i}" for i in range(n_sites)]), names=np.array([f"S{i}" for i in range(n_sites)]), kinds=np.array(["city"] * n_sites), lat=lat, lon=lon, value=np.full(n_sites, 1e6), population=np.full(n_sites, 1e6), region=np.array([""] * n_sites))


def layers(pk: float, n_layers: int, magazine: int = -1, look: bool = True, lat=50.0, range_km: float = 10.0) -> Batteries:
    b = n_layers
    return Batteries(
        row_id=np.array([f"b{i}" for i in range(b)]), system=np.array(["test"] * b), capability=np.array(["sr_ad_battery"] * b),
        lat=np.full(b, lat), lon=np.full(b, 30.0), range_km=np.full(b, range_km), pk=np.tile([pk, pk, pk, pk], (b, 1)),
        magazine=np.full(b, magazine, np.int64), count=np.ones(b, np.int64), look=np.full(b, look), cost_usd=np.full(b, 1000.0),
    )


@pytest.mark.parametrize("pk,n_layers,look", [(0.5, 1, True), (0.3, 2, True), (0.7, 1, False), (0.2, 3, False)])
def test_mean_leakers_match_binomial(pk, n_layers, look):
    """N threats, n = 2 x layers independent shots each: E[leakers] = N (1 - Pk)^n within 3 SE."""
    N, trials = 400, 4000
    cls = np.zeros(N, np.int64)
    out = simulate(cls, np.zeros(N, np.int64), np.full(N, 50.0), one_site(), layers(pk, n_layers, look=look), trials, np.random.default_rng(7))
    leak = out.leakers_by_class[:, 0]
    se = leak.std(ddof=1) / np.sqrt(trials)
    expected = N * (1 - pk) ** (2 * n_layers)
    assert abs(leak.mean() - expected) <= 3 * se, (leak.mean(), expected, se)


def test_shots_fired_shoot_look_shoot():
    """SLS fires 1 + P(miss) shots per threat on average; shoot-shoot always 2."""
    N, trials, pk = 200, 3000, 0.6
    cls = np.zeros(N, np.int64)
    site = np.zeros(N, np.int64)
    out = simulate(cls, site, np.full(N, 50.0), one_site(), layers(pk, 1, look=True), trials, np.random.default_rng(1))
    assert out.used.mean() == pytest.approx(N * (2 - pk), rel=0.01)
    out = simulate(cls, site, np.full(N, 50.0), one_site(), layers(pk, 1, look=False), trials, np.random.default_rng(1))
    assert out.used.mean() == 2 * N


def test_magazine_limits_engagements():
    N, mag = 100, 30
    cls = np.zeros(N, np.int64)
    out = simulate(cls, np.zeros(N, np.int64), np.full(N, 50.0), one_site(), layers(1.0, 1, magazine=mag), 50, np.random.default_rng(2))
    # Pk = 1: one shot per kill, so exactly `mag` threats die
    assert np.all(out.used == mag)
    assert np.all(out.leakers_by_class[:, 0] == N - mag)


def test_out_of_range_threats_all_leak():
    cls = np.zeros(10, np.int64)
    out = simulate(cls, np.zeros(10, np.int64), np.full(10, 50.0), one_site(), layers(0.9, 1, lat=52.0), 20, np.random.default_rng(0))
    assert np.all(out.leakers_by_class[:, 0] == 10) and out.used.sum() == 0


def test_same_seed_same_result():
    rng_args = dict(cls=np.array([0, 1, 2, 3] * 25), site=np.repeat([0, 1], 50), warhead_kg=np.full(100, 50.0))
    a = simulate(assets=one_site(2), bat=layers(0.5, 2, magazine=60), trials=300, rng=np.random.default_rng(42), **rng_args)
    b = simulate(assets=one_site(2), bat=layers(0.5, 2, magazine=60), trials=300, rng=np.random.default_rng(42), **rng_args)
    for f in ("leakers_by_class", "leakers_by_site", "value_destroyed", "people_struck", "used"):
        assert np.array_equal(getattr(a, f), getattr(b, f))
    c = simulate(assets=one_site(2), bat=layers(0.5, 2, magazine=60), trials=300, rng=np.random.default_rng(43), **rng_args)
    assert not np.array_equal(a.leakers_by_class, c.leakers_by_class)


@settings(max_examples=30, deadline=None)
@given(pk=st.floats(0.05, 0.95), mag=st.integers(0, 80), extra=st.integers(1, 40), n=st.integers(1, 60), seed=st.integers(0, 2**31))
def test_more_interceptors_never_raise_leakers(pk, mag, extra, n, seed):
    """Common random numbers: a larger magazine never leaves more leakers in any trial."""
    cls = np.zeros(n, np.int64)
    site = np.zeros(n, np.int64)
    a = simulate(cls, site, np.full(n, 50.0), one_site(), layers(pk, 1, magazine=mag), 50, np.random.default_rng(seed))
    b = simulate(cls, site, np.full(n, 50.0), one_site(), layers(pk, 1, magazine=mag + extra), 50, np.random.default_rng(seed))
    assert np.all(b.leakers_by_class <= a.leakers_by_class)


@settings(max_examples=25, deadline=None)
@given(pk=st.floats(0.05, 0.95), pk2=st.floats(0.05, 0.95), mag=st.integers(0, 60), n=st.integers(1, 60), seed=st.integers(0, 2**31))
def test_an_extra_layer_never_raises_leakers(pk, pk2, mag, n, seed):
    """Adding a battery (engaging last) never leaves more leakers in any trial (common random numbers)."""
    cls = np.zeros(n, np.int64)
    site = np.zeros(n, np.int64)
    base = layers(pk, 1, magazine=mag)
    more = concat(base, layers(pk2, 1, magazine=mag).__class__(**{**layers(pk2, 1, magazine=mag).__dict__, "cost_usd": np.array([5000.0])}))
    a = simulate(cls, site, np.full(n, 50.0), one_site(), base, 50, np.random.default_rng(seed))
    b = simulate(cls, site, np.full(n, 50.0), one_site(), more, 50, np.random.default_rng(seed))
    assert np.all(b.leakers_by_class <= a.leakers_by_class)


def test_summary_fields():
    cls = np.array([0] * 50 + [1] * 30 + [2] * 5 + [3] * 2)
    site = np.zeros(len(cls), np.int64)
    out = simulate(cls, site, np.where(cls == 1, 0.0, 100.0), one_site(), layers(0.5, 1), 200, np.random.default_rng(3))
    s = summarise(out, cls, 1e6, layers(0.5, 1))
    assert set(s["leakers"]) == set(CLASSES)
    assert s["launched"] == {"drone": 50, "decoy": 30, "cruise": 5, "ballistic": 2}
    assert s["leakers_total"]["mean"] == pytest.approx(out.leakers_by_class[:, [0, 2, 3]].sum(axis=1).mean())
    assert s["cost_exchange_ratio"] == pytest.approx(s["interceptor_cost_usd"]["mean"] / 1e6)
    assert s["people_struck"]["mean"] <= 1e6 and s["value_destroyed"]["mean"] > 0


@settings(max_examples=15, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), trials=st.integers(1, 120), mag=st.integers(-1, 50))
def test_same_seed_same_result_property(seed, trials, mag):
    cls = np.array([0, 1, 2, 3, 0, 0, 1, 2] * 6)
    site = np.arange(len(cls)) % 2
    args = (cls, site, np.where(cls == 1, 0.0, 90.0), one_site(2), layers(0.4, 2, magazine=mag), trials)
    a = simulate(*args, np.random.default_rng(seed), chunk=37)
    b = simulate(*args, np.random.default_rng(seed), chunk=37)
    assert np.array_equal(a.leakers_by_class, b.leakers_by_class) and np.array_equal(a.used, b.used)
    assert np.allclose(a.value_destroyed, b.value_destroyed)
