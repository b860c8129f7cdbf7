"""Offline vector maps: a basemap drawn from the bundled Natural Earth polygons (no tiles)."""

from __future__ import annotations

from functools import lru_cache

from backstop.report.charts import STYLE, new_figure

UKRAINE_BBOX = (21.0, 43.0, 41.0, 53.0)
"""(lon_min, lat_min, lon_max, lat_max) of the default regional map."""

EUROPE_BBOX = (-12.0, 34.0, 45.0, 62.0)

LAND = "#eef0ea"
UKRAINE = "#fdf3d0"
BORDER = "#9a9a9a"
SEA = "#dbe8f3"


@lru_cache(maxsize=8)
def _basemap(bbox: tuple[float, float, float, float], tolerance: float):
    from backstop.reference.geography import region_basemap

    return region_basemap(bbox, tolerance)


def basemap_geoms(bbox=UKRAINE_BBOX, tolerance: float = 0.03) -> dict:
    """ISO3 -> simplified polygon clipped to ``bbox`` (the geometry the basemap draws)."""
    return _basemap(tuple(bbox), tolerance)


def fill_states(ax, codes, *, bbox, tolerance: float = 0.03, facecolor: str = "#9dc3e6", edgecolor: str = "#5b7fa6", zorder: float = 1.5) -> None:
    """Shade some states on a map drawn by :func:`map_axes` (same simplified geometry)."""
    geoms = basemap_geoms(bbox, tolerance)
    rings = [_ring(poly) for code in codes if code in geoms for poly in _polys(geoms[code])]
    _add_polygons(ax, rings, facecolor, edgecolor=edgecolor, linewidth=0.4, zorder=zorder)


def _ring(poly):
    """The exterior ring of a polygon as an (n, 2) array of lon/lat."""
    import numpy as np

    return np.asarray(poly.exterior.coords)[:, :2]


def _add_polygons(ax, rings, facecolors, *, edgecolor, linewidth: float, zorder: float) -> None:
    """All ``rings`` as one ``PolyCollection`` (one draw call instead of one ``ax.fill`` per polygon)."""
    if not rings:
        return
    from matplotlib.collections import PolyCollection

    ax.add_collection(PolyCollection(rings, facecolors=facecolors, edgecolors=edgecolor, linewidths=linewidth, zorder=zorder), autolim=False)


def _polys(geom):
    if geom.geom_type == "Polygon":
        return [geom]
    if hasattr(geom, "geoms"):
        return [p for g in geom.geoms for p in _polys(g)]
    return []


def map_axes(bbox=UKRAINE_BBOX, *, width_in: float = 7.5, highlight=("UKR",), tolerance: float = 0.03, labels: bool = True):
    """A figure and axes with the basemap drawn; plot lon/lat on top of it."""
    import matplotlib.pyplot as plt

    lon0, lat0, lon1, lat1 = bbox
    import math

    aspect = 1 / math.cos(math.radians((lat0 + lat1) / 2))
    height = width_in * (lat1 - lat0) / (lon1 - lon0) * aspect
    fig, ax = new_figure(width_in, height)
    with plt.rc_context(STYLE):
        ax.set_facecolor(SEA)
        rings, colors = [], []
        for code, geom in _basemap(tuple(bbox), tolerance).items():
            color = UKRAINE if code in highlight else LAND
            for poly in _polys(geom):
                rings.append(_ring(poly))
                colors.append(color)
            if labels and geom.area > 2.0:
                c = geom.representative_point()
                ax.text(c.x, c.y, code, fontsize=7, color="#777777", ha="center", va="center", zorder=2)
        _add_polygons(ax, rings, colors, edgecolor=BORDER, linewidth=0.5, zorder=1)
        ax.set_xlim(lon0, lon1)
        ax.set_ylim(lat0, lat1)
        ax.set_aspect(aspect)
        ax.grid(False)
        ax.set_xticks([])
        ax.set_yticks([])
        for s in ax.spines.values():
            s.set_visible(True)
            s.set_color("#bbbbbb")
    return fig, ax
