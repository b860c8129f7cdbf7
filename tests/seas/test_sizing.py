"""Sizing formulas against hand-worked cases (numbers worked out on paper, see docs/seas.md)."""

from __future__ import annotations

import math

import pytest

from backstop.seas import sizing as S


def test_random_search_clearance_round_trip():
    c = S.coverage_for_clearance(0.9, 0.8)
    assert c == pytest.approx(2.302585093 / 0.8)  # -ln(0.1) / 0.8
    assert S.clearance(c, 0.8) == pytest.approx(0.9)
    assert S.clearance(1.0, 1.0) == pytest.approx(1 - math.exp(-1))  # 63.2 % at unit coverage


def test_mcm_hand_worked():
    # 100 km of 1 nm lanes, 150 m sweep width, 4 kn, p_d 0.8, 90 % clearance, 12 h/day
    m = S.size_mcm(
        100.0,
        lane_width_m=1852.0,
        sweep_width_m=150.0,
        speed_kn=4.0,
        detection_probability=0.8,
        target_clearance=0.9,
        hours_per_day=12.0,
        clearance_days=60.0,
        resurvey_days=30.0,
        resurvey_fraction=0.25,
        availability=0.7,
    )
    assert m.area_km2 == pytest.approx(185.2)  # 100 km x 1.852 km
    assert m.coverage == pytest.approx(2.878231, rel=1e-6)
    assert m.swept_km == pytest.approx(3553.6, rel=1e-4)  # 2.878231 x 185.2 / 0.150
    assert m.vessel_hours == pytest.approx(479.70, rel=1e-4)  # / 7.408 km/h
    assert m.vessel_days == pytest.approx(39.975, rel=1e-4)  # / 12 h
    assert m.vessels_initial == 1  # ceil(39.975 / 60 / 0.7) = ceil(0.952)
    assert m.resurvey_vessel_days == pytest.approx(9.994, rel=1e-3)
    assert m.vessels_sustain == 1  # ceil(9.994 / 30 / 0.7) = ceil(0.476)


def test_mcm_scales_linearly_with_lane_length():
    kw = dict(lane_width_m=1852.0, sweep_width_m=150.0, speed_kn=4.0, detection_probability=0.8, target_clearance=0.95, hours_per_day=12.0, clearance_days=30.0, resurvey_days=30.0, resurvey_fraction=0.25, availability=1.0)
    a, b = S.size_mcm(200.0, **kw), S.size_mcm(400.0, **kw)
    assert b.vessel_days == pytest.approx(2 * a.vessel_days)


def test_escorts_hand_worked():
    e = S.size_escorts(3.0, 33.0, 24.0, 2, 0.7)
    assert e.cycle_h == 114.0  # 2 x 33 + 2 x 24
    assert e.busy == pytest.approx(3 / 168 * 114 * 2)  # 4.0714
    assert e.escorts == 6  # ceil(4.0714 / 0.7) = ceil(5.816)
    assert S.size_escorts(0.0, 33.0, 24.0, 2, 0.7).escorts == 0
    assert S.size_escorts(0.1, 10.0, 0.0, 2, 1.0).escorts == 2  # at least one convoy's escort


def test_mpa_hand_worked():
    m = S.size_mpa(750.0, 100.0, 72.0, 550.0, 10.0, 6.0)
    assert m.orbits == 4  # ceil(750 / 200)
    assert m.on_station_h == pytest.approx(10 - 144 / 550)  # 9.738 h
    assert m.sorties_per_day == pytest.approx(24 / (10 - 144 / 550))
    assert m.aircraft_per_orbit == 5  # ceil(2.4645 x 10 / 6) = ceil(4.11)
    far = S.size_mpa(750.0, 100.0, 3000.0, 550.0, 10.0, 6.0)
    assert far.aircraft_per_orbit is None


def test_bad_parameters_raise():
    with pytest.raises(ValueError):
        S.coverage_for_clearance(1.0, 0.8)
    with pytest.raises(ValueError):
        S.coverage_for_clearance(0.9, 0.0)
