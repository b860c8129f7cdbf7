"""Unit and property tests of the obstacle preparation and the geodesic visibility-graph router."""

from __future__ import annotations

import numpy as np
import pytest
import shapely
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from backstop.geo import GEOD, geodesic_km
from backstop.summit.airspace import overflown
from backstop.summit.obstacles import TERRITORIAL_SEA_KM, state_obstacle
from backstop.summit.routing import densify, get_router, paths_of

# A small master set around the Black Sea and the Balkans: closures interact there.
MASTER = frozenset({"UKR", "ROU", "BGR", "GRC", "TUR", "MDA", "HUN", "SRB", "GEO"})


@pytest.fixture(scope="module")
def router():
    return get_router(MASTER)


def test_densify_endpoints_and_antimeridian():
    (p,) = densify([170.0], [60.0], [-170.0], [62.0], 50.0)
    assert p[0, 0] == 170.0 and p[0, 1] == 60.0
    assert p[-1, 0] == pytest.approx(190.0) and p[-1, 1] == 62.0  # unwrapped across 180
    assert (np.diff(p[:, 0]) > 0).all()
    _, _, d = GEOD.inv(170.0, 60.0, -170.0, 62.0)
    seg = GEOD.inv(p[:-1, 0], p[:-1, 1], p[1:, 0], p[1:, 1])[2]
    assert np.sum(seg) == pytest.approx(d, rel=1e-6)  # the points lie on the geodesic


def test_geodesic_matches_published_distance():
    # Moscow Vnukovo - Anchorage: about 7,030 km (great-circle mapper figures ~7,030 km)
    d = geodesic_km(37.2615, 55.5915, np.array([-149.998]), np.array([61.174]))[0]
    assert 6950 < d < 7100


def test_obstacle_contains_land_and_territorial_sea():
    from backstop.reference.geography import country

    obs = shapely.union_all(list(state_obstacle("MLT")))
    assert obs.contains(country("MLT"))
    # a point 15 km off Malta's coast is inside (12 nm = 22.2 km), one 60 km off is not
    c = country("MLT").centroid
    lon, lat, _ = GEOD.fwd(c.x, c.y, 0.0, 15_000 + 8_000)  # Malta is ~8 km tall from its centroid
    assert obs.contains(shapely.Point(lon, lat))
    lon, lat, _ = GEOD.fwd(c.x, c.y, 0.0, 70_000)
    assert not obs.contains(shapely.Point(lon, lat))


def test_land_border_is_not_moved_far():
    # Geneva airport lies ~1-2 km from France: inside France's conservative polygon (simplification margin),
    # but Bern is far inside Switzerland and not in France's polygon
    fra = shapely.union_all(list(state_obstacle("FRA")))
    assert not fra.contains(shapely.Point(7.45, 46.95))


def test_direct_when_nothing_forbidden(router):
    r = router.route((28.75, 41.27), (26.10, 44.57), set())
    assert len(r.waypoints) == 2 and r.detour_km == 0.0


def test_no_route_when_destination_inside_forbidden(router):
    assert router.route((28.75, 41.27), (26.10, 44.57), {"ROU"}) is None  # Bucharest


def test_route_around_romania_and_bulgaria(router):
    # Istanbul -> Chisinau avoiding Romania, Bulgaria and Ukraine: only over the Black Sea
    r = router.route((28.75, 41.27), (28.93, 46.93), {"ROU", "BGR", "UKR"})
    assert r is None or not set(overflown(r.path(10.0))) & {"ROU", "BGR", "UKR"}


lon_s = st.floats(18.0, 45.0)
lat_s = st.floats(35.0, 52.0)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(lon_s, lat_s, lon_s, lat_s, st.sets(st.sampled_from(sorted(MASTER)), min_size=1))
def test_route_never_enters_a_forbidden_states_airspace(router, lo1, la1, lo2, la2, forbidden):
    r = router.route((lo1, la1), (lo2, la2), forbidden)
    assume(r is not None)
    # independent check: land polygons plus 12 nm measured by WGS84 distance (not the prepared obstacles)
    over = set(overflown(r.path(5.0)))
    assert not over & forbidden, (r.waypoints, over & forbidden)
    # the reported length is the sum of the WGS84 legs and never shorter than the direct geodesic
    w = np.asarray(r.waypoints)
    legs = GEOD.inv(w[:-1, 0], w[:-1, 1], w[1:, 0], w[1:, 1])[2]
    assert r.distance_km == pytest.approx(np.sum(legs) / 1000.0, rel=1e-6, abs=1e-6)
    assert r.distance_km >= r.direct_km - 1e-6


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(lon_s, lat_s, lon_s, lat_s, st.sets(st.sampled_from(sorted(MASTER)), min_size=1), st.sets(st.sampled_from(sorted(MASTER))))
def test_allowing_more_states_never_lengthens_a_route(router, lo1, la1, lo2, la2, forbidden, allowed):
    strict = router.route((lo1, la1), (lo2, la2), forbidden)
    relaxed = router.route((lo1, la1), (lo2, la2), forbidden - allowed)
    if strict is not None:
        assert relaxed is not None
        assert relaxed.distance_km <= strict.distance_km + 1e-6


def test_batch_routes_equal_single_routes(router):
    o = (28.75, 41.27)
    dests = [(33.0, 44.0), (21.0, 42.0), (41.0, 41.5), (24.0, 47.5)]
    f = {"UKR", "BGR", "GRC"}
    batch = router.routes(o, dests, f)
    for d, b in zip(dests, batch, strict=False):
        s = router.route(o, d, f)
        assert (s is None) == (b is None)
        if s is not None:
            assert s.distance_km == pytest.approx(b.distance_km)
    paths = paths_of([b for b in batch if b is not None], 10.0)
    for b, p in zip([b for b in batch if b is not None], paths, strict=False):
        assert np.allclose(p, b.path(10.0))


def test_overflown_reports_territorial_sea():
    # Istanbul -> Odesa over the Black Sea crosses Türkiye and ends in Ukraine
    p = densify([28.75], [41.27], [30.68], [46.43], 5.0)[0]
    over = overflown(p)
    assert over[0] == "TUR" and over[-1] == "UKR"
    assert TERRITORIAL_SEA_KM == pytest.approx(22.224)


def test_route_across_the_antimeridian_avoids_the_aleutians(bundled):
    import datetime as dt

    from backstop.summit.airspace import closures

    master = frozenset(closures("RUS", bundled.snapshot_on(dt.date(2025, 8, 15)))) | {"UKR"}
    router = get_router(master)
    # North Pacific -> Bering Sea across the Aleutian chain, avoiding US airspace: through a gap near 180 deg
    o, d = (175.0, 48.0), (-175.0, 56.0)
    direct = router.route(o, d, set())
    assert "USA" in overflown(direct.path(5.0))
    route = router.route(o, d, {"USA"})
    assert route is not None and len(route.waypoints) > 2
    path = route.path(5.0)
    assert path[:, 0].max() > 180.0  # unwrapped across the antimeridian
    assert "USA" not in overflown(path)
    assert direct.distance_km < route.distance_km < 1.1 * direct.distance_km


def test_cache_dir_follows_platformdirs_and_the_override(monkeypatch, tmp_path):
    # regression (#11): the graph cache was a hard-coded ~/.cache and the tests wrote there
    import os

    from platformdirs import user_cache_dir

    from backstop.summit.routing import cache_dir

    assert os.environ.get("BACKSTOP_CACHE_DIR"), "the test suite must point BACKSTOP_CACHE_DIR at a temporary folder"
    assert not str(cache_dir()).startswith(user_cache_dir("backstop", appauthor=False))
    monkeypatch.setenv("BACKSTOP_CACHE_DIR", str(tmp_path))
    assert cache_dir() == tmp_path / "summit"
    monkeypatch.delenv("BACKSTOP_CACHE_DIR")
    assert str(cache_dir()) == os.path.join(user_cache_dir("backstop", appauthor=False), "summit")
