"""Seeded synthetic corridor networks and units, for tests and benchmarks (never for analysis).

A grid-like network of ``n_nodes`` nodes on a plane west of a border, a few gauge-change and
road crossings, and zones east of it; ``n_units`` units at random homes in the west with random
types and notice.  Same seed, same instance.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from backstop.land.network import Network, transit_hours
from backstop.land.units import Unit

LIFT = {
    "heavy_brigade": ({"trains": 40.0, "vehicles": 1500.0, "ship_loads": 3.0, "sorties": math.nan}, 3000.0, 4000.0),
    "battalion": ({"trains": 8.0, "vehicles": 250.0, "ship_loads": 1.0, "sorties": math.nan}, 500.0, 700.0),
    "light_brigade": ({"trains": 15.0, "vehicles": 600.0, "ship_loads": 1.0, "sorties": 150.0}, 2500.0, 3500.0),
}


def network(n_edges: int = 300, *, seed: int = 0, n_zones: int = 5) -> Network:
    """A connected synthetic network with about ``n_edges`` edges (rail and road, a border with crossings)."""
    rng = np.random.default_rng(seed)
    n_west = max(4, int(n_edges / 4.3))
    n_east = max(n_zones, n_west // 4)
    lon_w = rng.uniform(0, 12, n_west)
    lat_w = rng.uniform(45, 55, n_west)
    lon_e = rng.uniform(14, 20, n_east)
    lat_e = rng.uniform(45, 55, n_east)
    ids = [f"w{i}" for i in range(n_west)] + [f"e{i}" for i in range(n_east)]
    nodes = pd.DataFrame({
        "id": ids, "name": ids, "kind": "hub", "state": ["AAA"] * n_west + ["UKR"] * n_east,
        "lat": np.r_[lat_w, lat_e], "lon": np.r_[lon_w, lon_e], "gauge": "",
        "zone": [""] * n_west + [f"z{i}" if i < n_zones else "" for i in range(n_east)],
    }).set_index("id")
    rows = []

    def add(a, b, mode, cap, handling=0.0):
        la, oa = nodes.at[a, "lat"], nodes.at[a, "lon"]
        lb, ob = nodes.at[b, "lat"], nodes.at[b, "lon"]
        km = 111.0 * math.hypot(la - lb, (oa - ob) * math.cos(math.radians(50))) * 1.25 + 1.0
        rows.append({"id": f"{mode}:{a}-{b}-{len(rows)}", "from": a, "to": b, "mode": mode, "length_km": km, "capacity_per_day": float(cap), "handling_h": handling})

    def knn(lon, lat, prefix, k, modes):
        pts = np.c_[lon, lat]
        for i in range(len(pts)):
            d = np.hypot(*(pts - pts[i]).T)
            for j in np.argsort(d)[1 : k + 1]:
                if i < j or i not in np.argsort(np.hypot(*(pts - pts[j]).T))[1 : k + 1]:
                    for m, cap in modes:
                        add(f"{prefix}{i}", f"{prefix}{j}", m, cap)

    knn(lon_w, lat_w, "w", 2, [("rail_1435", rng.integers(10, 30)), ("road", 1500)])
    knn(lon_e, lat_e, "e", 2, [("rail_1520", rng.integers(8, 20)), ("road", 1200)])
    east_edge = np.argsort(lon_w)[-6:]
    west_edge = np.argsort(lon_e)[:6]
    for k, (a, b) in enumerate(zip(east_edge, west_edge, strict=True)):
        if k % 2 == 0:
            add(f"w{a}", f"e{b}", "gauge_change", int(rng.integers(3, 9)), 24.0)
        else:
            add(f"w{a}", f"e{b}", "road", int(rng.integers(300, 900)), 6.0)
    edges = pd.DataFrame(rows).drop_duplicates("id").reset_index(drop=True)
    # keep the west and east halves connected inside (a chain along longitude)
    extra = []
    for prefix, lon in (("w", lon_w), ("e", lon_e)):
        order = np.argsort(lon)
        for a, b in zip(order, order[1:], strict=False):
            extra.append((f"{prefix}{a}", f"{prefix}{b}"))
    for a, b in extra:
        add(a, b, "road", 1500)
    edges = pd.DataFrame(rows).reset_index(drop=True)
    edges["hours"] = [transit_hours(m, k, h) for m, k, h in zip(edges["mode"], edges["length_km"], edges["handling_h"], strict=True)]
    for col, val in (("valid_from", ""), ("source", "synthetic"), ("assumption", True), ("file", "synthetic"), ("line", 0)):
        edges[col] = val
    return Network(nodes, edges)


def units(net: Network, n_units: int = 200, *, seed: int = 0, horizon_days: int = 60) -> list[Unit]:
    """``n_units`` units at random western homes bound for random zones."""
    rng = np.random.default_rng(seed + 1)
    homes = [n for n in net.nodes.index if n.startswith("w")]
    zones = [z for z in net.nodes["zone"] if z]
    types = list(LIFT)
    out = []
    for i in range(n_units):
        t = types[int(rng.choice(len(types), p=[0.2, 0.6, 0.2]))]
        lift, troops, personnel = LIFT[t]
        z = zones[int(rng.integers(len(zones)))]
        ready = float(rng.choice([2, 5, 10, 20, 30]))
        ready = min(ready, horizon_days - 10)
        out.append(Unit(f"U{i}", "AAA", t, homes[int(rng.integers(len(homes)))], z, net.zone_node(z), ready, troops, dict(lift), 1.0, 0, True, personnel))
    return out
