"""Natural Earth polygons, GeoNames cities, airports."""

from backstop.reference.airports import airport
from backstop.reference.geography import country, country_at, load_countries
from backstop.reference.sites import load_cities


def test_crimea_and_donbas_are_drawn_in_ukraine():
    assert country_at(34.10, 44.95) == "UKR"  # Simferopol
    assert country_at(37.80, 48.00) == "UKR"  # Donetsk
    assert country_at(37.62, 55.75) == "RUS"  # Moscow
    assert country_at(31.0, 43.5) is None  # Black Sea


def test_polygons_are_valid():
    c = load_countries()
    assert len(c) > 200
    assert all(g.is_valid for g in c.values())
    assert country("UKR").area > 50  # square degrees


def test_cities_from_geonames():
    cities = load_cities()
    names = set(cities["name"])
    assert {"Kyiv", "Odesa", "Kharkiv", "Sumy"} <= names
    kyiv = cities[cities["name"] == "Kyiv"].iloc[0]
    assert kyiv["population"] > 2_000_000
    assert cities["source"].str.contains("GeoNames").all()


def test_airports():
    assert airport("eprz")["city"].startswith("Rzesz")
    assert airport("LSGG")["country"] == "CH"
    assert airport("ZZZZ") is None
