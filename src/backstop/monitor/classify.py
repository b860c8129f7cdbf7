"""Classify events against the agreement's prohibited acts; severity and attribution confidence.

Geometry
--------
Positions are projected to a Lambert azimuthal equal-area plane centred on Ukraine
(``+proj=laea +lat_0=48.5 +lon_0=31.5``, scale error below 1 % within about 700 km of the centre;
Snyder 1987, *Map Projections: A Working Manual*, USGS PP 1395, pp. 182-190), where shapely 2
measures the distance to the line of contact (vectorised GEOS).  The side of the line is membership of the polygon closing the line to the east
(:func:`left_region`): inside = left when walking the line north to south = ``left_side``.

Rules (priority order, first match wins; all vectorised with :func:`numpy.select`)
---------------------------------------------------------------------------------
1. ``line_crossing``: ground action (ACLED *Battles*) by party P at least
   ``crossing_tolerance_km`` inside the side held by the other party.
2. ``strike_energy`` / ``strike_port`` / ``strike_civilian``: a strike (explosions/remote
   violence, violence against civilians) whose *nearest* defended site (bundled cities with
   population >= ``city_min_population``, ports, energy facilities) lies within that kind's
   ``site_radius_km``; the nearest site decides (scipy cKDTree in the plane).
3. ``fire_in_buffer``: any use of force within ``buffer_km`` of the line.
4. ``air_incursion``: a strike beyond the buffer, away from any defended site.

Severity (1-5, an assumption documented in ``docs/monitor.md``)::

    severity = clip(base[class] + floor(log10(1 + 3 * killed + injured)), 1, 5)

with base 4 for crossing, 3 for strikes on civilian areas, energy and ports, 2 for fire in the
buffer and air incursions.

Attribution confidence: ``1 - prod_s (1 - w_s)`` over the event's distinct sources (noisy-OR of
independent reports; Pearl 1988, *Probabilistic Reasoning in Intelligent Systems*, s. 4.3.2),
``w`` = 0.9 for a monitoring mission, 0.6 for an official source, 0.5 otherwise, halved when the
acting party cannot be read from ``actor1``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

LAEA_UKRAINE = "+proj=laea +lat_0=48.5 +lon_0=31.5 +x_0=0 +y_0=0 +ellps=WGS84 +units=m +no_defs"

BASE_SEVERITY = {
    "line_crossing": 4,
    "strike_civilian": 3,
    "strike_energy": 3,
    "strike_port": 3,
    "fire_in_buffer": 2,
    "air_incursion": 2,
    "none": 0,
}

MONITOR_RE = r"monitor|osce|\bsmm\b|hrmmu|\bun\b|united nations|icrc"
OFFICIAL_RE = r"official|authorit|ministry|armed forces|air force|general staff|government|police|emergency|governor|military administration|prosecutor"


def project(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Longitude/latitude [deg] to the Ukraine LAEA plane [m]."""
    tr = _transformer()
    x, y = tr.transform(np.asarray(lon, float), np.asarray(lat, float))
    return np.asarray(x), np.asarray(y)


_TR = None


def _transformer():
    global _TR
    if _TR is None:
        from pyproj import Transformer

        _TR = Transformer.from_crs("EPSG:4326", LAEA_UKRAINE, always_xy=True)
    return _TR


def source_weights(source: pd.Series, monitor_w: float = 0.9, official_w: float = 0.6, media_w: float = 0.5) -> np.ndarray:
    """Probability each report's source is right, from its name (vectorised regex)."""
    s = source.astype(str).str.lower()
    is_mon = s.str.contains(MONITOR_RE, regex=True).to_numpy()
    is_off = s.str.contains(OFFICIAL_RE, regex=True).to_numpy()
    return np.where(is_mon, monitor_w, np.where(is_off, official_w, media_w))


def source_weight_sql(monitor_w: float = 0.9, official_w: float = 0.6, media_w: float = 0.5, column: str = "source") -> str:
    """The SQL (DuckDB, RE2) twin of :func:`source_weights`."""
    low = f"lower({column})"
    return (
        f"CASE WHEN regexp_matches({low}, '{MONITOR_RE}') THEN {float(monitor_w)} "
        f"WHEN regexp_matches({low}, '{OFFICIAL_RE}') THEN {float(official_w)} ELSE {float(media_w)} END"
    )


def actor_party(actor: pd.Series) -> np.ndarray:
    """ISO3 of the acting party read from ACLED ``actor1`` (``RUS``, ``UKR`` or '')."""
    a = actor.astype(str).str.lower()
    rus = a.str.contains("russia", regex=False).to_numpy()
    ukr = a.str.contains("ukrain", regex=False).to_numpy()
    return np.where(rus & ~ukr, "RUS", np.where(ukr & ~rus, "UKR", ""))


def line_geometry(line_rows) -> tuple[object | None, np.ndarray]:
    """Projected shapely LineString of the line of contact (None when fewer than 2 vertices)."""
    import shapely

    pts = sorted(line_rows, key=lambda r: r.seq)
    if len(pts) < 2:
        return None, np.zeros((0, 2))
    lonlat = np.array([[p.lon, p.lat] for p in pts], float)
    x, y = project(lonlat[:, 0], lonlat[:, 1])
    return shapely.LineString(np.column_stack([x, y])), lonlat


def left_region(lonlat: np.ndarray):
    """Projected polygon of the line's left side (walking north to south).

    Bounded by the line, the meridian of its north end running 5 deg north, the meridian of its
    south end running 5 deg south, and a closure 15 deg east of the line: everything east of the
    line, including the territory behind it.
    """
    import shapely

    if len(lonlat) < 2:
        return None
    (lon0, lat0), (lon1, lat1) = lonlat[0], lonlat[-1]
    east = lonlat[:, 0].max() + 15.0
    ring = [tuple(p) for p in lonlat] + [(lon1, lat1 - 5.0), (east, lat1 - 5.0), (east, lat0 + 5.0), (lon0, lat0 + 5.0)]
    # densify the closure so it stays straight-ish in the projection
    arr = np.array(ring + [ring[0]])
    dense = [arr[0]]
    for a, b in zip(arr[:-1], arr[1:], strict=True):
        for t in np.linspace(0, 1, 20)[1:]:
            dense.append(a + (b - a) * t)
    dense = np.array(dense)
    x, y = project(dense[:, 0], dense[:, 1])
    poly = shapely.Polygon(np.column_stack([x, y]))
    return poly if poly.is_valid else poly.buffer(0)


def line_distance_side(line, x: np.ndarray, y: np.ndarray, region=None) -> tuple[np.ndarray, np.ndarray]:
    """Distance [km] of each point to ``line`` and side (+1 left, -1 right, walking the line)."""
    import shapely

    n = len(x)
    if line is None or n == 0:
        return np.full(n, np.inf), np.zeros(n)
    dist = shapely.distance(shapely.points(x, y), line) / 1000.0
    if region is None:
        return dist, np.zeros(n)
    shapely.prepare(region)
    inside = shapely.contains_xy(region, x, y)
    return dist, np.where(inside, 1.0, -1.0)


def nearest_sites(sites: pd.DataFrame, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Index into ``sites`` of the nearest site to each point and its distance [km]."""
    from scipy.spatial import cKDTree

    n = len(x)
    if sites.empty or n == 0:
        return np.full(n, -1), np.full(n, np.inf)
    sx, sy = project(sites["lon"].to_numpy(float), sites["lat"].to_numpy(float))
    tree = cKDTree(np.column_stack([sx, sy]))
    d, i = tree.query(np.column_stack([x, y]), k=1)
    return i.astype(np.int64), d / 1000.0


def classify_events(events: pd.DataFrame, cfg, line, sites: pd.DataFrame, region=None) -> pd.DataFrame:
    """Add the assessment columns to ``events`` (from :func:`.dedup.merge_reports`).

    Added columns: ``party, dist_line_km, side_party, in_buffer, site, site_kind, site_dist_km,
    violation_class, severity, confidence, status, after_effective, violation``.
    """
    ev = events.copy()
    n = len(ev)
    x, y = project(ev["longitude"].to_numpy(float), ev["latitude"].to_numpy(float))
    dist, side = line_distance_side(line, x, y, region)
    parties = list(cfg.parties)
    other = next((p for p in parties if p != cfg.left_side), "")
    side_party = np.where(side > 0, cfg.left_side, np.where(side < 0, other, ""))
    party = actor_party(ev["actor1"])
    idx, sdist = nearest_sites(sites, x, y)
    kinds = sites["kind"].to_numpy(str) if not sites.empty else np.array([], str)
    names = sites["name"].to_numpy(str) if not sites.empty else np.array([], str)
    site_kind = np.where(idx >= 0, kinds[np.clip(idx, 0, None)] if len(kinds) else "", "")
    site_name = np.where(idx >= 0, names[np.clip(idx, 0, None)] if len(names) else "", "")
    radius = np.array([cfg.site_radius_km.get(k, 0.0) for k in ("city", "energy", "port")])
    kind_code = np.select([site_kind == "city", site_kind == "energy", site_kind == "port"], [0, 1, 2], -1)
    within = (kind_code >= 0) & (sdist <= np.where(kind_code >= 0, radius[np.clip(kind_code, 0, 2)], -1))

    et = ev["event_type"].astype(str).str.lower()
    st = ev["sub_event_type"].astype(str).str.lower()
    ground = et.str.contains("battle", regex=False).to_numpy()
    strike = (et.str.contains("explosion|remote violence|violence against civilians", regex=True) | st.str.contains("strike|shelling|missile|drone|artillery", regex=True)).to_numpy() & ~ground
    force = ground | strike
    crossing = ground & (party != "") & (side_party != "") & (side_party != party) & (dist >= cfg.crossing_tolerance_km)
    in_buffer = dist <= cfg.buffer_km
    cls = np.select(
        [
            crossing,
            strike & within & (kind_code == 1),
            strike & within & (kind_code == 2),
            strike & within & (kind_code == 0),
            force & in_buffer,
            strike,
        ],
        ["line_crossing", "strike_energy", "strike_port", "strike_civilian", "fire_in_buffer", "air_incursion"],
        "none",
    )
    base = np.vectorize(BASE_SEVERITY.get, otypes=[int])(cls) if n else np.zeros(0, int)
    cas = np.floor(np.log10(1 + 3 * ev["fatalities"].to_numpy(float) + ev["injured"].to_numpy(float)))
    severity = np.where(cls == "none", 0, np.clip(base + cas, 1, 5)).astype(int)

    ver = cfg.verification
    conf = ev["source_confidence"].to_numpy(float) * np.where(party == "", 0.5, 1.0)
    conf = np.round(conf, 6)
    flag = ev["verified_flag"].to_numpy(bool) if "verified_flag" in ev else np.zeros(n, bool)
    verified = flag | ((ev["n_sources"].to_numpy(int) >= ver.min_sources) & (conf >= ver.min_confidence))
    probable = ~verified & (conf >= ver.min_confidence)
    status = np.where(verified, "verified", np.where(probable, "probable", "reported"))

    dates = pd.to_datetime(ev["event_date"])
    if cfg.effective is None:
        after = np.ones(n, bool)
    else:
        eff = pd.Timestamp(cfg.effective)
        eff = eff.tz_convert(None) if eff.tzinfo is not None else eff
        midnight = eff == eff.normalize()
        after = (dates >= eff.normalize()).to_numpy() if midnight else (dates > eff.normalize()).to_numpy()
    prohibited = np.isin(cls, list(cfg.prohibited))
    violation = prohibited & after & np.isin(party, parties)

    ev["party"] = party
    ev["dist_line_km"] = np.round(dist, 3)
    ev["side_party"] = side_party
    ev["in_buffer"] = in_buffer
    ev["site"] = site_name
    ev["site_kind"] = site_kind
    ev["site_dist_km"] = np.round(sdist, 3)
    ev["violation_class"] = cls
    ev["severity"] = severity
    ev["major"] = severity >= cfg.major_severity
    ev["confidence"] = conf
    ev["status"] = status
    ev["after_effective"] = after
    ev["violation"] = violation
    return ev


def load_sites(min_population: int) -> tuple[pd.DataFrame, list[str]]:
    """Defended sites (cities, energy, ports) with ``kind, name, lat, lon``; notes on absent tables."""
    from backstop.reference.sites import load_cities

    notes = []
    cities = load_cities("UA", min_population)  # largest first
    cx, cy = project(cities["lon"].to_numpy(float), cities["lat"].to_numpy(float))
    d = np.hypot(cx[:, None] - cx[None, :], cy[:, None] - cy[None, :])
    # GeoNames lists city districts (Zarichnyi in Sumy, Obolon in Kyiv) as cities: keep the city
    district = (np.tril(d < 10_000.0, k=-1)).any(axis=1)
    frames = [cities.loc[~district, ["name", "lat", "lon"]].assign(kind="city")]
    for kind, loader in (("energy", "load_energy"), ("port", "load_ports")):
        try:
            from backstop.reference import sites as mod

            df = getattr(mod, loader)()
            frames.append(df[["name", "lat", "lon"]].assign(kind=kind))
        except (KeyError, FileNotFoundError, AttributeError):
            notes.append(f"reference table for {kind} sites not available: strikes near {kind} sites classed by the nearest city")
    sites = pd.concat(frames, ignore_index=True)
    return sites, notes
