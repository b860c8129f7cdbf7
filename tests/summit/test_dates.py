"""The summit on dates: leaders in office, host invitations and assurances, overflight offers,
precedents and the airspace leaders' aircraft avoid in practice, each as of the summit date (#13)."""

from __future__ import annotations

import datetime as dt

import pytest

from backstop.summit.analysis import plan

D = dt.date


@pytest.fixture(scope="module")
def sc():
    from backstop.scenario import read_scenario

    return read_scenario(None)


def only(result):
    (v,) = result.data["venues"]
    return v, " ".join(v["reasons"])


@pytest.mark.parametrize(
    ("date", "name"),
    [(D(2016, 6, 1), "Barack Obama"), (D(2017, 1, 19), "Barack Obama"), (D(2017, 1, 20), "Donald Trump"), (D(2021, 1, 19), "Donald Trump"),
     (D(2021, 1, 20), "Joe Biden"), (D(2023, 6, 1), "Joe Biden"), (D(2025, 1, 19), "Joe Biden"), (D(2025, 1, 20), "Donald Trump")],
)
def test_us_leader_is_the_office_holder_on_the_date(sc, date, name):
    from backstop.reference.snapshot import snapshot

    assert snapshot(date).leader("USA").name == name


def test_a_2023_summit_has_biden(sc):
    # regression (#13): the US leader on a 2023 date was Donald Trump
    r = plan(sc, date=D(2023, 6, 1), leaders=["USA"], venues=["LSGG"])
    assert [ld["name"] for ld in r.data["leaders"]] == ["Joe Biden"]
    v, text = only(r)
    assert v["verdict"] == "feasible" and "Joe Biden's flight" in text


def test_ukraine_flies_from_kyiv_before_the_invasion_and_from_rzeszow_after():
    from backstop.reference.snapshot import snapshot

    assert snapshot(D(2016, 6, 1)).leader("UKR").name == "Petro Poroshenko"
    assert snapshot(D(2021, 6, 1)).leader("UKR").origin == "UKBB"
    assert snapshot(D(2022, 3, 1)).leader("UKR").origin == "EPRZ"


def test_mongolia_2024_is_conditional_on_its_invitation_with_precedents(sc):
    v, text = only(plan(sc, date=D(2024, 9, 3), leaders=["RUS"], venues=["ZMCK"]))
    assert v["verdict"] == "conditional"
    assert "Mongolia invited Vladimir Putin" in text and "Mongolia's breach" in text
    assert "ZAF on 6 July 2017" in text or "South Africa" in text
    assert "24 October 2024" not in text  # Mongolia's own finding came later
    # after the visit the invitation has lapsed: no assurance, so infeasible
    v, text = only(plan(sc, date=D(2024, 11, 1), leaders=["RUS"], venues=["ZMCK"]))
    assert v["verdict"] == "infeasible" and "has neither invited" in text


def test_budapest_2025_is_conditional_on_hungarys_assurance_and_bulgarias_offer(sc):
    v, text = only(plan(sc, date=D(2025, 10, 20), leaders=["RUS"], venues=["LHBP"]))
    assert v["verdict"] == "conditional"
    assert "Hungary invited Vladimir Putin" in text and "assured Vladimir Putin" in text and "Hungary's breach" in text
    assert "Mongolia" in text or "MNG" in text  # the precedent of 24 Oct 2024
    assert "Bulgaria offered overflight" in text and "depends on that offer" in text
    route = v["routes"]["RUS"]
    assert route["status"] == "detour" and "BGR" in route["overflown"] and not {"POL", "SVK", "ROU", "UKR"} & set(route["overflown"])
    assert len(route["waypoints"]) > 2  # the turning points are reported
    # the offer was made for the Budapest summit: it does not open other venues
    v, text = only(plan(sc, date=D(2025, 10, 20), leaders=["RUS"], venues=["LOWW"]))
    assert "Bulgaria offered" not in text and "Hungary" not in text and v["verdict"] == "infeasible"
    # before Bulgaria's offer (17 Oct) the flight needs derogations nobody offered: infeasible
    v, text = only(plan(sc, date=D(2025, 10, 16), leaders=["RUS"], venues=["LHBP"]))
    assert v["verdict"] == "infeasible" and "no state has offered the overflight needed" in text


def test_a_2016_verdict_on_hungary_does_not_cite_2025(sc):
    v, text = only(plan(sc, date=D(2016, 6, 1), leaders=["RUS"], venues=["LHBP"]))
    assert v["verdict"] == "feasible"  # no warrant yet, no airspace closures yet
    assert "withdraw" not in text and "2025" not in text and "Bulgaria" not in text


def test_russian_state_flights_keep_out_of_georgia_after_december_2023(sc):
    from backstop.reference.snapshot import snapshot

    assert "GEO" in {f.state for f in snapshot(D(2024, 1, 10)).facts("avoided_airspace", "RUS")}
    assert not snapshot(D(2023, 12, 5)).facts("avoided_airspace", "RUS")
    v, text = only(plan(sc, date=D(2024, 1, 10), leaders=["RUS"], venues=["OERK"]))
    assert "GEO" not in v["routes"]["RUS"]["overflown"]
    # a venue in Georgia itself is still reachable (a host is entered)
    v, _ = only(plan(sc, date=D(2024, 1, 10), leaders=["RUS"], venues=["UGTB"]))
    assert v["routes"]["RUS"] is not None


def test_anchorage_2025_goes_via_magadan_and_the_bering_sea(sc):
    """Moscow-Anchorage, 15 Aug 2025: the dated, sourced stopover in Magadan (summit_facts.csv) is a
    waypoint; the route overflies only Russia and the United States, passes Magadan and crosses the
    Bering Sea near the Bering Strait (Flightradar24: entered US airspace over McGrath)."""
    import numpy as np

    from backstop.geo import geodesic_km
    from backstop.summit.routing import Route

    v, text = only(plan(sc, date=D(2025, 8, 15), leaders=["RUS"], venues=["PAED"]))
    r = v["routes"]["RUS"]
    assert v["verdict"] == "feasible" and r["overflown"] == ["RUS", "USA"]
    assert [s["icao"] for s in r["stopovers"]] == ["UHMM"] and "Magadan" in text and "Peskov" in text
    path = Route(tuple(map(tuple, r["waypoints"])), 0.0, 0.0).path(25.0)
    lon = (path[:, 0] + 180.0) % 360.0 - 180.0
    assert geodesic_km(150.72, 59.91, lon, path[:, 1]).min() < 5.0  # Magadan Sokol
    assert geodesic_km(-168.95, 65.75, lon, path[:, 1]).min() < 300.0  # the Bering Strait
    over_bering_sea = (np.abs(lon) > 165.0) & (path[:, 1] > 58.0) & (path[:, 1] < 66.0)
    assert over_bering_sea.any()
    assert 8500 < r["distance_km"] < 9500 and r["direct_km"] < 7100  # about 6,000 km to Magadan + 3,000 km on


def test_a_stopover_applies_only_on_its_dates(sc):
    v, text = only(plan(sc, date=D(2025, 9, 15), leaders=["RUS"], venues=["PAED"]))
    assert v["routes"]["RUS"]["stopovers"] == [] and "Magadan" not in text
    v, _ = only(plan(sc, date=D(2025, 8, 15), leaders=["USA"], venues=["PAED"]))
    assert v["routes"]["USA"]["stopovers"] == []  # a Russian flight's stop is not the US leader's
