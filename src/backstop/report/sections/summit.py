"""Report section: summit venues ranked, with reasons, and a world map of the leaders' routes."""

from __future__ import annotations

import numpy as np
from markupsafe import Markup

from backstop.report.charts import PALETTE, to_svg
from backstop.report.html import render_template, svg, table
from backstop.report.maps import map_axes
from backstop.results import Result
from backstop.scenario import Scenario

KIND = {"feasible": "ok", "conditional": "warn", "infeasible": "bad"}
WORLD_BBOX = (-180.0, 0.0, 180.0, 90.0)


def split_antimeridian(path: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Longitudes wrapped into [-180, 180) with NaN breaks where a line crosses the antimeridian."""
    lon = (path[:, 0] + 180.0) % 360.0 - 180.0
    lat = path[:, 1].astype(float)
    jumps = np.nonzero(np.abs(np.diff(lon)) > 180.0)[0]
    lon = np.insert(lon, jumps + 1, np.nan)
    lat = np.insert(lat, jumps + 1, np.nan)
    return lon, lat


def routes_map(result: Result, max_venues: int = 6) -> str:
    """World map: each leader's route to the best-ranked venues that have routes (antimeridian split)."""
    from backstop.summit.routing import Route

    d = result.data
    fig, ax = map_axes(WORLD_BBOX, width_in=9.0, highlight=("UKR",), tolerance=0.3, labels=False)
    ax.set_rasterization_zorder(2)  # the basemap (zorder 1) as an embedded image: a small file
    colours = {ld["state"]: PALETTE[i % len(PALETTE)] for i, ld in enumerate(d["leaders"])}
    shown = [v for v in d["venues"] if any(r is not None for r in v["routes"].values())][:max_venues]
    for v in shown:
        style = {"feasible": "-", "conditional": "--", "infeasible": ":"}[v["verdict"]]
        for state, r in v["routes"].items():
            if r is None or r["distance_km"] == 0:
                continue
            route = Route(tuple(map(tuple, r["waypoints"])), r["distance_km"], r["direct_km"])
            lon, lat = split_antimeridian(route.path(50.0))
            ax.plot(lon, lat, style, color=colours[state], linewidth=1.1, zorder=3)
        end = next(r["waypoints"][-1] for r in v["routes"].values() if r)
        ax.plot([(end[0] + 180) % 360 - 180], [end[1]], "o", color="#222222", markersize=3, zorder=4)
        ax.text((end[0] + 180) % 360 - 180, end[1] + 1.0, v["city"], fontsize=6, zorder=5)
    for state, c in colours.items():
        ax.plot([], [], color=c, label=state)
    ax.legend(loc="lower left", fontsize=7, frameon=True)
    ax.set_title("Leaders' routes to the best-ranked venues (solid feasible, dashed conditional, dotted infeasible)", loc="left", fontsize=9)
    return to_svg(fig)


def render(result: Result, scenario: Scenario) -> Markup:
    d = result.data
    opts = d["options"]
    intro = (
        f"Date {d['date']}; leaders: "
        + ", ".join(f"{ld['name']} ({ld['state']}, from {ld['origin']})" for ld in d["leaders"])
        + f". Derogations: {', '.join(opts['allow_overflight']) or 'none'}; ICC airspace avoided: {'yes' if opts['avoid_icc_airspace'] else 'no'}."
    )
    frame = result.frames["venues"].copy()
    return render_template(
        "sections/summit.html.j2",
        summary=result.summary,
        intro=intro,
        venues_table=table(frame.drop(columns=["reason"]), max_rows=60),
        map=svg(routes_map(result)),
        venues=d["venues"],
        kinds=KIND,
    )
