"""Report section: the corridor map (routes, exclusion zones, ports, exposure) and the sizing table."""

from __future__ import annotations

import pandas as pd
from markupsafe import Markup

from backstop.report.charts import PALETTE, to_svg
from backstop.report.html import render_template, svg, table
from backstop.report.maps import map_axes
from backstop.results import Result
from backstop.scenario import Scenario

BLACK_SEA_BBOX = (27.0, 40.6, 42.0, 47.2)


def corridor_map(result: Result) -> str:
    """Black Sea map: routes, exclusion zones, ports and anchorages sized by expected leakers."""
    d = result.data
    fig, ax = map_axes(BLACK_SEA_BBOX, width_in=7.5, highlight=("UKR",), tolerance=0.02)
    for z in d["constraints"]["exclusion_zones"]:
        xs = [p[0] for p in z["polygon"]]
        ys = [p[1] for p in z["polygon"]]
        ax.fill(xs, ys, facecolor="#c00000", alpha=0.15, edgecolor="#c00000", linewidth=0.8, zorder=2)
        ax.text(sum(xs) / len(xs), sum(ys) / len(ys), z["id"], fontsize=7, color="#900000", ha="center", zorder=5)
    ok = [r for r in d["routes"] if r["status"] == "ok"]
    for k, r in enumerate(ok):
        # shared trunks overlap: draw the first route widest so every colour stays visible
        xs = [p[0] for p in r["coordinates"]]
        ys = [p[1] for p in r["coordinates"]]
        width = 1.2 + 1.1 * (len(ok) - 1 - k)
        ax.plot(xs, ys, color=PALETTE[k % len(PALETTE)], linewidth=width, solid_capstyle="round", zorder=3, label=f"{r['name']} ({r['length_nm']:.0f} nm)")
    exposure = pd.DataFrame(d["exposure"])
    worst = exposure.groupby("site")["expected_leakers"].max().to_dict() if len(exposure) else {}
    n_port = 0
    for s in d["sites"]:
        leak = worst.get(s["id"], 0.0)
        marker = "s" if s["id"].startswith("port-") else "^"
        ax.scatter([s["lon"]], [s["lat"]], s=20 + 40 * leak, marker=marker, color="#7f6000", edgecolor="black", linewidth=0.4, zorder=4)
        if s["id"].startswith("port-"):
            left = n_port % 2 == 1
            ax.annotate(
                f"{s['name'].replace(' port', '')}: {leak:.1f}",
                (s["lon"], s["lat"]),
                xytext=(-8 if left else 8, 6 - 10 * (n_port % 3)),
                textcoords="offset points",
                ha="right" if left else "left",
                fontsize=7,
                zorder=6,
                bbox={"boxstyle": "round,pad=0.15", "facecolor": "white", "alpha": 0.7, "linewidth": 0},
            )
            n_port += 1
    dest = d["destination"]
    ax.scatter([dest["lon"]], [dest["lat"]], marker="*", s=80, color="#1f4e79", zorder=4)
    ax.legend(loc="lower right", fontsize=7, frameon=True)
    ax.set_title("Corridor routes, exclusion zones (red), ports (squares) and anchorages (triangles);\nmarker size and label: expected leakers in the worst wave", loc="left", fontsize=8)
    return to_svg(fig)


def render(result: Result, scenario: Scenario) -> Markup:
    d = result.data
    c = d["constraints"]
    badges = [
        (f"territorial waters: {c['territorial_waters']} ({', '.join(c['territorial_states'])})", "info"),
        (f"exclusion zones: {len(c['exclusion_zones'])}", "warn" if c["exclusion_zones"] else "info"),
        (f"closed passages: {', '.join(c['closed_passages']) or 'none'}", "info"),
        (f"exposure: {d['exposure_method']}", "warn" if d["exposure_method"] != "skies" else "ok"),
    ]
    ex = result.frames["exposure"]
    exposure = None
    if len(ex):
        pivot = ex.pivot_table(index=["site", "name"], columns="wave", values="expected_leakers", aggfunc="sum", sort=False).reset_index()
        pivot.columns = [str(c) for c in pivot.columns]
        exposure = table(pivot, caption=f"Expected leakers reaching each site, by wave ({d['exposure_method']})")
    return render_template(
        "sections/seas.html.j2",
        summary=result.summary,
        badges=badges,
        map=svg(corridor_map(result)),
        routes=table(result.frames["routes"]),
        exposure=exposure,
        sizing=table(result.frames["sizing"]),
        requirements=table(result.frames["requirements"], columns=["id", "capability", "quantity", "zone", "start_month", "end_month", "note"]),
        assumptions=[f"{a.topic}: {a.text} ({a.source})" for a in result.assumptions],
    )
