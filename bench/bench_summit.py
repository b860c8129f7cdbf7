"""Summit planner benchmarks: 300 venues x 3 leaders, judged and routed, against the direct geodesics.

The goal (issue 5): under 5 s after warm-up.  Warm-up loads or builds the prepared obstacles and
visibility graphs of each leader's closed airspace (cached in memory and on disk) and the
shortest-path trees from each departure airport; the timed run then routes every leader to
every venue (direct-route test, tangent joins with pruning, overflown states) and writes the
verdicts with their reasons.  The reference is the bare WGS84 direct geodesic of the same 900
pairs (pyproj, vectorised): the ratio shows what avoiding closed airspace and judging costs.
"""

from __future__ import annotations

import datetime as dt

import numpy as np

from bench.common import Case

DATE = dt.date(2025, 10, 20)


def _build(n: int = 300, seed: int = 20251020):
    from backstop.reference.airports import load_airports
    from backstop.reference.states import state_names
    from backstop.scenario import read_scenario

    rng = np.random.default_rng(seed)
    names = set(state_names())
    iso = __import__("backstop.reference", fromlist=["load_table"]).load_table("states")
    iso2 = dict(zip(iso["iso2"], iso["iso3"], strict=False))
    # airports with an IATA code (scheduled service) in a known state, sorted for reproducibility
    codes = sorted(k for k, a in load_airports().items() if a.get("iata") and iso2.get(a["country"]) in names and abs(a["lat"]) < 75)
    venues = list(rng.choice(codes, size=n, replace=False))
    return {"scenario": read_scenario(None), "venues": venues}


def _run(inputs):
    import time

    from backstop.summit.analysis import plan

    t0 = time.process_time()
    r = plan(inputs["scenario"], date=DATE, venues=inputs["venues"])
    cpu_s = time.process_time() - t0
    v = r.data["venues"]
    routes = [x for row in v for x in row["routes"].values()]
    return {
        "venues": len(v),
        "routes": sum(x is not None for x in routes),
        "detours": sum(x is not None and x["status"] == "detour" for x in routes),
        "derogation": sum(x is not None and x["status"] == "needs_derogation" for x in routes),
        "feasible": sum(row["verdict"] == "feasible" for row in v),
        "min_sets": sum(x is not None and x.get("minimal_derogations") is not None for x in routes),
        "min_smaller": sum(x is not None and bool(x.get("minimal_derogations")) and x["minimal_derogations"]["states"] is not None
                           and len(x["minimal_derogations"]["states"]) < len(x["derogations_needed"]) for x in routes),
        "cpu_s": round(cpu_s, 3),
    }


def _reference(inputs):
    from pyproj import Geod

    from backstop.reference.airports import airport

    g = Geod(ellps="WGS84")
    origins = [airport(c) for c in ("UUWW", "EPRZ", "KADW")]
    dests = [airport(c) for c in inputs["venues"]]
    lon1 = np.repeat([o["lon"] for o in origins], len(dests))
    lat1 = np.repeat([o["lat"] for o in origins], len(dests))
    lon2 = np.tile([d["lon"] for d in dests], len(origins))
    lat2 = np.tile([d["lat"] for d in dests], len(origins))
    _, _, dist = g.inv(lon1, lat1, lon2, lat2)
    return {"mean_direct_km": float(np.mean(dist) / 1000.0)}


CASES = [
    Case("summit 300 venues x 3 leaders (warm)", _build, _run, goal_s=5.0, reference=_reference,
         reference_name="direct geodesics", warmup=True),
    Case("summit 14 default venues x 3 leaders (warm)", lambda: _build_default(), _run,
         reference=_reference, reference_name="direct geodesics", warmup=True),
]


def _build_default():
    from backstop.reference import load_table
    from backstop.scenario import read_scenario

    return {"scenario": read_scenario(None), "venues": list(load_table("summit_venues")["icao"])}
