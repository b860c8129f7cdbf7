"""Which airspace is closed to a leader's state aircraft on a date, and which states a route overflies.

Closures come from two bundled sources, both dated with sources:

* the ``airspace_closed_to_RUS`` intervals of ``memberships.csv`` (EU, UK, Canada, US,
  Switzerland, Norway, ...; scenario overrides apply), for leaders of Russia;
* ``airspace_restrictions.csv``: Ukraine's airspace closed to all flights since 24 Feb 2022
  (not waivable by a host), and closures to Ukrainian state aircraft (assumptions, flagged).

A host state is assumed to open its own airspace to the leaders it invites (``waivable_by_host``);
overflight derogations named in the scenario or on the command line lift any closure.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import shapely

from backstop.summit.obstacles import TERRITORIAL_SEA_KM


@dataclass(frozen=True)
class Closure:
    """Airspace of ``state`` closed to a leader's aircraft."""

    state: str
    waivable_by_host: bool
    note: str
    source: str
    assumption: bool = False


def closures(leader_state: str, snapshot) -> dict[str, Closure]:
    """ISO3 -> :class:`Closure` for a leader of ``leader_state`` on the snapshot's date.

    ``snapshot`` (:class:`~backstop.reference.snapshot.Snapshot`) gives the dated memberships
    (scenario overrides applied) and the airspace restrictions in force.
    """
    from backstop.reference.states import membership_rows

    out: dict[str, Closure] = {}
    if leader_state == "RUS":
        rows = membership_rows("airspace_closed_to_RUS").drop_duplicates("iso3").set_index("iso3")
        for iso3 in snapshot.members("airspace_closed_to_RUS"):
            r = rows.loc[iso3] if iso3 in rows.index else None
            out[iso3] = Closure(
                iso3, True, "" if r is None else r["note"], "" if r is None else r["source"],
                bool(r["assumption"]) if r is not None else False,
            )
    for r in snapshot.airspace:
        if r.closed_to not in ("ALL", leader_state) or r.airspace == leader_state and r.closed_to != "ALL":
            continue
        out[r.airspace] = Closure(r.airspace, r.waivable_by_host, r.note, r.source, r.assumption)
    return out


@lru_cache(maxsize=1)
def _land_index():
    """An STR-tree of land pieces (large polygons cut into 5-degree tiles so distance tests stay local)."""
    from backstop.reference.geography import load_countries
    from backstop.summit.obstacles import _polygons

    codes, geoms = [], []
    tile = 5.0
    for c, g in load_countries().items():
        for part in _polygons(g.simplify(0.005)):
            pieces = [part]
            if len(part.exterior.coords) > 500:
                b = part.bounds
                xs = np.arange(np.floor(b[0] / tile) * tile, b[2] + tile, tile)
                ys = np.arange(np.floor(b[1] / tile) * tile, b[3] + tile, tile)
                boxes = [shapely.box(x, y, x + tile, y + tile) for x in xs[:-1] for y in ys[:-1]]
                cut = shapely.intersection(part, np.array(boxes, dtype=object))
                pieces = [q for q in cut if not q.is_empty]
            for q in pieces:
                for shift in (-360.0, 0.0, 360.0):
                    codes.append(c)
                    geoms.append(shapely.transform(q, lambda xy, s=shift: xy + np.array([s, 0.0])) if shift else q)
    return shapely.STRtree(geoms), np.array(codes)


def overflown(path: np.ndarray, step_km: float = 20.0) -> list[str]:
    """States whose airspace (land, or sea within 12 nm of their land) a densified route crosses, in order.

    ``path`` is a (k, 2) lon/lat polyline densified at about ``step_km`` (longitudes may be
    unwrapped).  Points over land count for that state only; points at sea for every state
    whose land is within 12 nm (WGS84 distance to the nearest land point).
    """
    return overflown_many([path])[0]


def overflown_many(paths: list[np.ndarray]) -> list[list[str]]:
    """:func:`overflown` for many paths in one vectorised pass."""
    from backstop.geo import GEOD

    tree, codes = _land_index()
    if not paths:
        return []
    lens = np.array([len(p) for p in paths])
    pts_xy = np.concatenate(paths)
    owner = np.repeat(np.arange(len(paths)), lens)
    pts = shapely.points(pts_xy)
    hits: list[tuple[int, int, str]] = []  # (path, point index, state)
    pi, gi = tree.query(pts, predicate="intersects")
    land = np.zeros(len(pts_xy), bool)
    land[pi] = True
    hits += list(zip(owner[pi].tolist(), pi.tolist(), codes[gi].tolist(), strict=False))
    sea = np.nonzero(~land)[0]
    if len(sea):
        r = 1.5 * TERRITORIAL_SEA_KM / 111.0 / np.maximum(np.cos(np.radians(pts_xy[sea, 1])), 0.2)
        si, sg = tree.query(pts[sea], predicate="dwithin", distance=r)
        if len(si):
            lines = shapely.shortest_line(pts[sea][si], np.asarray(tree.geometries)[sg])
            a = shapely.get_coordinates(shapely.get_point(lines, 0))
            b = shapely.get_coordinates(shapely.get_point(lines, 1))
            _, _, dist = GEOD.inv(a[:, 0], a[:, 1], b[:, 0], b[:, 1])
            near = np.asarray(dist) <= TERRITORIAL_SEA_KM * 1000.0
            p_idx = sea[si[near]]
            hits += list(zip(owner[p_idx].tolist(), p_idx.tolist(), codes[sg[near]].tolist(), strict=False))
    out: list[dict[str, int]] = [{} for _ in paths]
    for path_i, p, c in sorted(hits, key=lambda h: h[1]):
        out[path_i].setdefault(c, p)
    return [list(o) for o in out]
