"""Airports from the ``airportsdata`` package (MIT licence; ICAO-keyed)."""

from __future__ import annotations

from functools import lru_cache

AIRPORTS_SOURCE = "airportsdata package (MIT), compiled from public aeronautical data"


@lru_cache(maxsize=1)
def load_airports() -> dict[str, dict]:
    """ICAO code -> record (``name, city, country (ISO2), lat, lon, iata, ...``)."""
    import airportsdata

    return airportsdata.load("ICAO")


def airport(icao: str) -> dict | None:
    """One airport by ICAO code (case-insensitive), or None."""
    return load_airports().get(icao.upper())
