"""Cross-check of the visibility-graph router against an independent method: Dijkstra on a fine grid.

The grid (0.1 deg cells, 16-connected, WGS84 edge lengths) only uses cells whose box misses the
obstacles, so its path is feasible: the exact router must never be longer, and the grid's
angular discretisation keeps it within a few percent above the optimum.
"""

from __future__ import annotations

import numpy as np
import pytest
import shapely
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import dijkstra

from backstop.geo import GEOD
from backstop.summit.obstacles import state_obstacle
from backstop.summit.routing import get_router

BOX = (27.0, 39.5, 42.0, 48.0)
STEP = 0.1


def grid_distance(origin, dest, states):
    lon0, lat0, lon1, lat1 = BOX
    xs = np.arange(lon0, lon1 + 1e-9, STEP)
    ys = np.arange(lat0, lat1 + 1e-9, STEP)
    X, Y = np.meshgrid(xs, ys)
    obstacle = shapely.union_all([p for s in states for p in state_obstacle(s)])
    shapely.prepare(obstacle)
    h = STEP / 2
    cells = shapely.box(X.ravel() - h, Y.ravel() - h, X.ravel() + h, Y.ravel() + h)
    free = ~shapely.intersects(cells, obstacle)
    ny, nx = X.shape
    F = free.reshape(ny, nx)
    rows, cols = [], []
    moves = [(dx, dy) for dx in range(-2, 3) for dy in range(-2, 3) if (dx, dy) != (0, 0) and np.gcd(abs(dx), abs(dy)) == 1]
    JJ, II = np.meshgrid(np.arange(nx), np.arange(ny))
    for dx, dy in moves:
        sx, sy = int(np.sign(dx)), int(np.sign(dy))
        # cells the straight move passes through besides its ends (conservative for diagonals)
        if abs(dx) == 2:
            via = [(sx, 0), (sx, dy)]
        elif abs(dy) == 2:
            via = [(0, sy), (dx, sy)]
        elif dx and dy:
            via = [(dx, 0), (0, dy)]
        else:
            via = []
        ok = F.copy()
        for ox, oy in [(dx, dy), *via]:
            jj, ii = JJ + ox, II + oy
            inside = (jj >= 0) & (jj < nx) & (ii >= 0) & (ii < ny)
            ok &= inside & F[np.clip(ii, 0, ny - 1), np.clip(jj, 0, nx - 1)]
        a = (II * nx + JJ)[ok]
        b = ((II + dy) * nx + (JJ + dx))[ok]
        rows.append(a)
        cols.append(b)
    idx = np.arange(nx * ny).reshape(ny, nx)
    r, c = np.concatenate(rows), np.concatenate(cols)
    w = GEOD.inv(X.ravel()[r], Y.ravel()[r], X.ravel()[c], Y.ravel()[c])[2] / 1000.0
    g = coo_matrix((w, (r, c)), shape=(nx * ny, nx * ny)).tocsr()

    def nearest(p):
        i = int(round((p[1] - lat0) / STEP)), int(round((p[0] - lon0) / STEP))
        return idx[i]

    s, t = nearest(origin), nearest(dest)
    assert free[s] and free[t]
    d = dijkstra(g, indices=s)[t]
    # connect the exact end points to the cell centres
    d += GEOD.inv(origin[0], origin[1], X.ravel()[s], Y.ravel()[s])[2] / 1000.0
    d += GEOD.inv(dest[0], dest[1], X.ravel()[t], Y.ravel()[t])[2] / 1000.0
    return d


@pytest.mark.parametrize(
    "origin, dest, states",
    [
        ((39.7, 47.25), (28.75, 41.27), {"UKR"}),            # Rostov -> Istanbul around Crimea
        ((37.77, 44.72), (28.65, 44.17), {"UKR"}),           # Novorossiysk -> Constanta, south of Crimea
        ((39.92, 43.45), (28.86, 47.01), {"UKR"}),           # Sochi -> Chisinau, round Crimea then over Romania
        ((39.7, 47.25), (28.65, 44.17), {"UKR", "TUR"}),     # Rostov -> Constanta, squeezed between Crimea and Türkiye
        ((41.6, 41.6), (28.86, 47.01), {"UKR", "ROU"}),      # Batumi -> Chisinau: Moldova is enclosed by Ukraine and Romania
    ],
)
def test_router_matches_grid_dijkstra(origin, dest, states):
    router = get_router(frozenset({"UKR", "ROU", "BGR", "GRC", "TUR", "MDA", "HUN", "SRB", "GEO"}))
    route = router.route(origin, dest, states)
    grid = grid_distance(origin, dest, states)
    if route is None:
        assert not np.isfinite(grid)
        return
    assert np.isfinite(grid)
    assert route.distance_km <= grid + 1.0  # exact optimum never longer than a feasible grid path
    assert route.distance_km >= 0.93 * grid  # the grid's discretisation costs only a few percent
    assert route.detour_km > 1.0  # a real detour, not the direct geodesic
