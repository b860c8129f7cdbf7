"""Corridor routing: exclusion zones are never entered, closures give 'no route', lengths are right."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from backstop import geo
from backstop.errors import InputError
from backstop.seas import corridor as C
from backstop.seas import waters as W


def _samples(route, step_km=0.5):
    """Points every ~step_km along a route (straight pieces in the routing plane)."""
    x, y = W.to_xy(route.lon, route.lat)
    xs, ys = [], []
    for k in range(len(x) - 1):
        n = max(2, int(np.hypot(x[k + 1] - x[k], y[k + 1] - y[k]) / (step_km * 1000)) + 2)
        t = np.linspace(0, 1, n)
        xs.append(x[k] + t * (x[k + 1] - x[k]))
        ys.append(y[k] + t * (y[k + 1] - y[k]))
    return W.to_lonlat(np.concatenate(xs), np.concatenate(ys))


def test_bundled_routes_lengths_and_legs(seas_result):
    routes = seas_result.data["routes"]
    assert {r["port"] for r in routes} == {"odesa", "chornomorsk", "pivdennyi", "izmail"}
    for r in routes:
        assert r["status"] == "ok"
        assert 500 < r["length_km"] < 1000  # Odesa-Istanbul is about 350-420 nm by sea
        assert r["length_nm"] == pytest.approx(r["length_km"] / 1.852)
        assert r["transit_h"] == pytest.approx(r["length_nm"] / seas_result.data["speed_kn"])
        assert sum(leg["length_km"] for leg in r["legs"]) == pytest.approx(r["length_km"], rel=1e-3)
        # geodesic length of the returned polyline is the reported length
        lon, lat = zip(*r["coordinates"], strict=False)
        assert geo.line_km(lon, lat) == pytest.approx(r["length_km"], rel=1e-4)
        # 'prefer' keeps the route in Romanian and Bulgarian territorial waters
        assert r["waters_km"].get("ROU", 0) > 100 and r["waters_km"].get("BGR", 0) > 100
        assert r["waters_km"]["TUR"] > 0


def test_require_mode_never_leaves_allowed_waters(corridor_ports):
    ports, dest = corridor_ports
    routes = C.plan_routes(ports, dest, C.Constraints(territorial_waters="require"))
    for r in routes:
        assert r.ok
        assert set(r.waters_km()) <= {"UKR", "ROU", "BGR", "TUR"}


def test_cross_check_against_plain_searoute():
    """On searoute's own lanes (no grid), the router reproduces searoute.searoute's length."""
    origin = (30.9493, 46.5279)  # a searoute node off Odesa
    ref = C.searoute_reference(origin, C.BOSPORUS_SOUTH)
    dest = C.PortInput("x", "x", *C.BOSPORUS_SOUTH)
    (r,) = C.plan_routes([C.PortInput("o", "o", *origin)], dest, densify=False)
    assert r.ok
    assert r.length_km == pytest.approx(ref, rel=0.005)
    # the densified network can only shorten the route
    (r2,) = C.plan_routes([C.PortInput("o", "o", *origin)], dest)
    assert r2.length_km <= r.length_km * 1.001


def test_searoute_no_path_warning_is_caught():
    """searoute warns instead of failing; the wrapper turns that into None (warnings are errors here)."""
    assert C.searoute_reference((30.9493, 46.5279), C.BOSPORUS_SOUTH, ["bosporus"]) is None


def test_closing_the_bosporus_gives_no_route(corridor_ports):
    ports, dest = corridor_ports
    for c in (C.Constraints(closed_passages=("bosporus",)), C.Constraints(zones=(C.Zone.circle("strait", 29.06, 41.12, 8.0),))):
        routes = C.plan_routes(ports, dest, c)
        for r in routes:
            assert r.status == "no route"
            assert r.length_km is None and r.transit_h is None and r.lon == []
            assert "no route" in r.reason or "exclusion zone" in r.reason
    routes = C.plan_routes(ports, dest, C.Constraints(zones=(C.Zone.circle("strait", 29.06, 41.12, 8.0),)))
    assert all(r.blocking_zones == ["strait"] for r in routes)


def test_zone_at_the_port_is_named(corridor_ports):
    ports, dest = corridor_ports
    routes = C.plan_routes(ports, dest, C.Constraints(zones=(C.Zone.circle("odesa_bay", 30.75, 46.5, 5.0),)))
    r = {r.port: r for r in routes}
    assert r["odesa"].status == "no route" and "odesa_bay" in r["odesa"].reason
    assert r["izmail"].ok


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    lon=st.floats(28.0, 38.0),
    lat=st.floats(41.5, 46.5),
    radius_km=st.floats(5.0, 250.0),
)
def test_route_never_enters_a_random_circle(corridor_ports, lon, lat, radius_km):
    ports, dest = corridor_ports
    zone = C.Zone.circle("z", lon, lat, radius_km)
    routes = C.plan_routes(ports, dest, C.Constraints(zones=(zone,)), diagnose=False)
    for r in routes:
        if not r.ok:
            assert r.length_km is None and r.reason
            continue
        slon, slat = _samples(r)
        d = geo.geodesic_km(np.full(len(slon), lon), np.full(len(slat), lat), slon, slat)
        assert d.min() > radius_km


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    lon=st.floats(28.5, 37.0),
    lat=st.floats(42.0, 46.0),
    dx=st.floats(0.2, 2.0),
    dy=st.floats(0.2, 1.5),
    buffer_km=st.floats(0.0, 60.0),
)
def test_route_never_enters_a_random_polygon(corridor_ports, lon, lat, dx, dy, buffer_km):
    import shapely

    ports, dest = corridor_ports
    zone = C.Zone.polygon_zone("p", [(lon, lat), (lon + dx, lat + dy / 3), (lon + dx / 2, lat + dy)], buffer_km)
    routes = C.plan_routes(ports, dest, C.Constraints(zones=(zone,)), diagnose=False)
    true_zone = W.project(shapely.Polygon([(lon, lat), (lon + dx, lat + dy / 3), (lon + dx / 2, lat + dy)]))
    for r in routes:
        if r.ok:
            x, y = W.to_xy(*_samples(r))
            # distance in the plane; the zone's 0.5 % margin covers the projection's scale error
            assert shapely.distance(true_zone, shapely.points(x, y)).min() > buffer_km * 1000 * 0.995


def test_negative_speed_is_an_input_error(corridor_ports):
    ports, dest = corridor_ports
    with pytest.raises(InputError, match="speed_kn"):
        C.plan_routes(ports, dest, speed_kn=-3.0)


def test_port_off_the_water_is_an_input_error(corridor_ports):
    _, dest = corridor_ports
    kyiv = C.PortInput("kyiv", "Kyiv", 30.52, 50.45, file="ports.csv", line=42)
    with pytest.raises(InputError) as exc:
        C.plan_routes([kyiv], dest)
    p = exc.value.problems[0]
    assert p.location == "line 42" and "off the water" in p.message and "kyiv" in p.message


def test_waters_median_line():
    """A point in the Danube mouth area, nearer Romania than Ukraine, is Romanian; far out is 'outside'."""
    x, y = W.to_xy([29.70, 31.5, 28.75], [44.90, 43.5, 43.5])
    lab = W.classify_waters(x, y)
    assert lab[0] == "ROU" and lab[1] == W.HIGH_SEAS and lab[2] == "BGR"


def test_grid_edges_and_links_never_cross_land():
    import shapely

    net = C.build_network(0.1)
    grid = net.origin.astype(str) == "grid"
    assert grid.sum() > 10_000
    assert not shapely.intersects(W.land_m(), net.lines[grid]).any()
    # the Bosporus exists only as searoute's tagged edges
    assert (net.passage.astype(str) == "bosporus").sum() >= 5


def test_anchorage_lies_beyond_the_river_approach(seas_result):
    sites = {s["id"]: s for s in seas_result.data["sites"]}
    routes = {r["port"]: r for r in seas_result.data["routes"]}
    assert routes["izmail"]["access_km"] > 50  # Danube approach to the Sulina mouth
    a = sites["anch-izmail"]
    x, y = W.to_xy(a["lon"], a["lat"])
    assert not W.land_m().contains(__import__("shapely").Point(float(x), float(y)))


def test_unconstrained_odesa_istanbul_matches_published_distance(corridor_ports):
    """Port-distance tables (e.g. sea-distances.org) give Odesa-Istanbul as roughly 340-350 nm."""
    ports, dest = corridor_ports
    (r,) = C.plan_routes([p for p in ports if p.id == "odesa"], dest, C.Constraints(territorial_waters="off"))
    assert 330 <= r.length_nm <= 365
