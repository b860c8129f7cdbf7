"""Small hand-made corridor networks for the land tests."""

from __future__ import annotations

import math

import pandas as pd

from backstop.land.network import Network, transit_hours
from backstop.land.units import Unit

NAN = math.nan


def make_net(nodes, edges) -> Network:
    """``nodes``: (id, state, zone); ``edges``: (id, from, to, mode, length_km, capacity, handling_h)."""
    n = pd.DataFrame([{"id": i, "name": i, "kind": "hub", "state": s, "lat": 50.0 + k * 0.1, "lon": 20.0 + k * 0.1, "gauge": "", "zone": z} for k, (i, s, z) in enumerate(nodes)]).set_index("id")
    rows = []
    for k, (eid, a, b, mode, km, cap, hh) in enumerate(edges):
        rows.append({"id": eid, "from": a, "to": b, "mode": mode, "length_km": float(km), "capacity_per_day": float(cap), "handling_h": float(hh), "hours": transit_hours(mode, km, hh), "valid_from": "", "source": "test", "assumption": True, "file": "test", "line": k + 2})
    return Network(n, pd.DataFrame(rows))


def unit(uid, home, zone_node, ready, *, trains=40.0, vehicles=1500.0, troops=3000.0, priority=1.0, nation="AAA", zone=None) -> Unit:
    return Unit(uid, nation, "heavy_brigade", home, zone or zone_node, zone_node, float(ready), troops, {"trains": trains, "vehicles": vehicles, "ship_loads": 3.0, "sorties": NAN}, priority, 0, True, troops)
