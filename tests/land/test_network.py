"""The bundled corridor network: sourced rows, the gauge-change points, dated edges, routing rules."""

from __future__ import annotations

import pytest

from backstop.land.network import LIFT_OF_MODE, load_network, routes
from backstop.reference import load_table


@pytest.fixture(scope="module")
def net():
    return load_network("2025-09-01")


def test_every_row_has_source_as_of_and_assumption():
    for name in ("land_nodes", "land_edges", "land_unit_types", "land_readiness", "land_training"):
        df = load_table(name)
        assert (df["source"].str.strip() != "").all(), name
        assert (df["as_of"].str.strip() != "").all(), name
        assert df["assumption"].isin([True, False]).all(), name
    # every capacity is an estimate and says so
    assert load_table("land_edges")["assumption"].all()


def test_gauge_change_points_of_the_issue_are_in_the_network(net):
    gc = set(net.nodes.index[net.nodes["kind"] == "gauge_change"])
    assert {"mostyska", "yahodyn", "chop", "izov", "vadul_siret"} <= gc
    pairs = {(e["from"], e["to"]) for _, e in net.edges[net.edges["mode"] == "gauge_change"].iterrows()}
    assert {("przemysl", "mostyska"), ("dorohusk", "yahodyn"), ("cierna", "chop"), ("zahony", "chop"), ("hrubieszow", "izov"), ("siret", "vadul_siret")} <= pairs


def test_nato_force_model_tiers_are_the_public_figures():
    t = load_table("land_readiness").set_index("tier")
    assert t.loc["1", "troops"] == "100000" and t.loc["1", "notice_max_days"] == "10"
    assert t.loc["2", "troops"] == "200000" and (t.loc["2", "notice_min_days"], t.loc["2", "notice_max_days"]) == ("10", "30")
    assert t.loc["3", "troops"] == "500000" and t.loc["3", "notice_max_days"] == "180"
    assert not t["assumption"].any()


def test_uzhhorod_standard_gauge_line_enters_on_5_september_2025():
    before = load_network("2025-09-04").edges["id"]
    after = load_network("2025-09-05").edges["id"]
    assert "rail_1435:cierna-uzhhorod" not in set(before)
    assert "rail_1435:cierna-uzhhorod" in set(after)


def test_zone_nodes_cover_the_zones_in_ukraine(net):
    zones = set(load_table("zones").query("in_ukraine")["id"])
    assert zones <= set(net.nodes["zone"])


def test_heavy_units_never_fly_and_gauge_changes_are_edges(net):
    modes = {"road", "rail_1435", "rail_1520", "gauge_change", "sea"}
    rs = routes(net, "metz", "kyiv", 3, modes)
    assert len(rs) == 3
    assert all(net.edges["mode"].iat[i] != "air" for r in rs for i in r.edges)
    for r in rs:
        ms = [net.edges["mode"].iat[i] for i in r.edges]
        for a, b in zip(ms, ms[1:], strict=False):
            assert {a, b} != {"rail_1435", "rail_1520"}
    assert [r.hours for r in rs] == sorted(r.hours for r in rs)
    assert all(r.crosses_border for r in rs)


def test_light_units_may_fly(net):
    rs = routes(net, "brize_norton", "rzeszow", 1, set(LIFT_OF_MODE))
    assert rs and net.edges["mode"].iat[rs[0].edges[0]] == "air"


def test_closing_an_edge_removes_it_from_every_route(net):
    closed = net.without(["road:korczowa-krakovets"])
    rs = routes(closed, "rzeszow", "lviv", 5, {"road"})
    idx = int(net.edges.index[net.edges["id"] == "road:korczowa-krakovets"][0])
    assert rs and all(idx not in r.edges for r in rs)


def test_yen_on_scipy_matches_networkx(net):
    """Our Yen (SciPy Dijkstra spurs) gives the same k shortest path lengths as networkx's."""
    from itertools import islice

    import networkx as nx

    from backstop.land.network import RouteGraph, incidence_graph

    modes = {"road", "rail_1435", "rail_1520", "gauge_change", "sea"}
    g, G = RouteGraph(net, modes), incidence_graph(net, modes)
    for a, b in [("southampton", "vinnytsia"), ("metz", "kyiv"), ("warsaw", "lviv"), ("constanta", "odesa")]:
        mine = [c for c, _p in g.k_shortest(g.vertex_of[a], g.vertex_of[b], 8)]
        ref = [nx.path_weight(G, p, "weight") for p in islice(nx.shortest_simple_paths(G, a, b, weight="weight"), 8)]
        assert mine == pytest.approx(ref, abs=1e-6)
