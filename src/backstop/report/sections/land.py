"""Report section: corridor map with bottlenecks, closure curves, force ratio over time, regeneration."""

from __future__ import annotations

import pandas as pd
from markupsafe import Markup

from backstop.report.charts import PALETTE, STYLE, new_figure, to_svg
from backstop.report.html import render_template, svg, table
from backstop.report.maps import map_axes
from backstop.results import Result
from backstop.scenario import Scenario

CORRIDOR_BBOX = (-3.0, 43.5, 37.0, 57.5)
MODE_STYLE = {
    "road": ("#8c8c8c", "-"),
    "rail_1435": ("#1f4e79", "-"),
    "rail_1520": ("#c55a11", "-"),
    "gauge_change": ("#7030a0", "-"),
    "sea": ("#2e75b6", ":"),
    "air": ("#548235", "--"),
}


def corridor_map(result: Result) -> str:
    """The corridor network by mode; binding bottlenecks in red, gauge-change points as diamonds."""
    import matplotlib.pyplot as plt

    net = result.data["network"]
    nodes = pd.DataFrame(net["nodes"]).set_index("id")
    edges = pd.DataFrame(net["edges"])
    bott = pd.DataFrame(result.data["bottlenecks"])
    hot = set(bott.loc[(bott["shadow_price"] > 1e-6) | (bott["sim_wait_echelon_days"] > 0), "edge"]) if len(bott) else set()
    fig, ax = map_axes(CORRIDOR_BBOX, width_in=8.0, highlight=("UKR",), tolerance=0.05, labels=False)
    with plt.rc_context(STYLE):
        seen = set()
        for _, e in edges.iterrows():
            a, b = nodes.loc[e["from"]], nodes.loc[e["to"]]
            color, ls = MODE_STYLE.get(e["mode"], ("#000000", "-"))
            closed = e["capacity_per_day"] <= 0
            label = e["mode"] if e["mode"] not in seen else None
            seen.add(e["mode"])
            ax.plot([a["lon"], b["lon"]], [a["lat"], b["lat"]], color="#bbbbbb" if closed else color, linestyle=ls, linewidth=0.9, zorder=3, label=label)
        for _, e in edges[edges["id"].isin(hot)].iterrows():
            a, b = nodes.loc[e["from"]], nodes.loc[e["to"]]
            ax.plot([a["lon"], b["lon"]], [a["lat"], b["lat"]], color="#c00000", linewidth=3.0, alpha=0.7, zorder=4)
            ax.annotate(e["id"].split(":", 1)[-1], ((a["lon"] + b["lon"]) / 2, (a["lat"] + b["lat"]) / 2), fontsize=6, color="#900000", zorder=6, xytext=(3, 3), textcoords="offset points")
        gc = nodes[nodes["kind"] == "gauge_change"]
        ax.scatter(gc["lon"], gc["lat"], marker="D", s=22, color="#7030a0", edgecolor="black", linewidth=0.4, zorder=5, label="gauge change")
        zn = nodes[nodes["zone"] != ""]
        ax.scatter(zn["lon"], zn["lat"], marker="s", s=26, color="#7f6000", edgecolor="black", linewidth=0.4, zorder=5, label="zone")
        for _nid, n in zn.iterrows():
            ax.annotate(n["zone"], (n["lon"], n["lat"]), fontsize=6, xytext=(4, -7), textcoords="offset points", zorder=6)
        ax.plot([], [], color="#c00000", linewidth=3.0, alpha=0.7, label="binding bottleneck")
        ax.legend(loc="upper left", fontsize=6, frameon=True, ncol=2)
        ax.set_title("Corridor network by mode (schematic: straight lines between nodes); red: capacity binding (LP shadow price or queues in the simulation)", loc="left", fontsize=8)
    return to_svg(fig)


def closure_chart(result: Result) -> str:
    """Troops present per zone by day: flow model (solid), simulation (dashed)."""
    import matplotlib.pyplot as plt

    df = pd.DataFrame(result.data["closure"])
    fig, ax = new_figure(7.0, 3.2)
    with plt.rc_context(STYLE):
        for k, (zone, g) in enumerate(df.groupby("zone", sort=True)):
            c = PALETTE[k % len(PALETTE)]
            ax.step(g["day"], g["troops_milp"], where="post", color=c, label=f"{zone} (MILP)")
            ax.step(g["day"], g["troops_sim"], where="post", color=c, linestyle="--", linewidth=0.9, label=f"{zone} (simulation)")
        ax.set_xlabel("days after the order")
        ax.set_ylabel("combat troops present")
        ax.set_title("Closure curves: force present in each zone by day", loc="left")
        ax.legend(fontsize=6, ncol=2, frameon=False)
    return to_svg(fig)


def ratio_chart(result: Result, threshold: float, warning_days: float | None = None) -> str:
    """Russian-to-defender ratio per sector by day: central line, low-high band, the 3:1 line and
    the end of the warning time."""
    import matplotlib.pyplot as plt

    df = pd.DataFrame(result.data["force_ratio"])
    fig, ax = new_figure(7.0, 3.2)
    with plt.rc_context(STYLE):
        for k, (sector, g) in enumerate(df.groupby("sector", sort=False)):
            c = PALETTE[k % len(PALETTE)]
            ax.plot(g["day"], g["ratio_mid"], color=c, label=sector)
            ax.fill_between(g["day"], g["ratio_low"], g["ratio_high"], color=c, alpha=0.12, linewidth=0)
        ax.axhline(threshold, color="#c00000", linestyle="--", linewidth=1.0, label=f"{threshold:g}:1 threshold")
        if warning_days is not None:
            ax.axvline(warning_days, color="#404040", linestyle=":", linewidth=1.0, label=f"warning ends (day {warning_days:g})")
        ax.set_xlabel("days after the order")
        ax.set_ylabel("Russian : defender troops")
        ax.set_title("Force ratio per sector over time (band: low-high estimates)", loc="left")
        ax.legend(fontsize=6, ncol=3, frameon=False)
    return to_svg(fig)


def lanchester_chart(result: Result, attack_day: float) -> str:
    """Lanchester square-law duel per sector: attacker (solid) and defender (dashed) strength by
    day, reinforcement arrivals (closures in the zone behind the sector) as markers on the
    defender's line, the attack day (end of the warning) as a vertical line."""
    import matplotlib.pyplot as plt
    import matplotlib.ticker

    duel = pd.DataFrame(result.data["lanchester"])
    ratio = pd.DataFrame(result.data["force_ratio"])
    fig, ax = new_figure(7.0, 3.4)
    with plt.rc_context(STYLE):
        for k, (sector, g) in enumerate(duel.groupby("sector", sort=False)):
            c = PALETTE[k % len(PALETTE)]
            g = g.sort_values("day")
            ax.plot(g["day"], g["attacker"], color=c, label=f"{sector} attacker")
            ax.plot(g["day"], g["defender"], color=c, linestyle="--", label=f"{sector} defender")
            add = ratio[ratio["sector"] == sector].sort_values("day")
            steps = add["reinforcement"].diff().fillna(add["reinforcement"]).to_numpy() > 1e-9
            days = add["day"].to_numpy()[steps]
            hit = g.set_index("day").reindex(days)["defender"]
            ax.scatter(days, hit, marker="^", s=18, color=c, edgecolor="black", linewidth=0.3, zorder=4)
        ax.axvline(attack_day, color="#c00000", linestyle=":", linewidth=1.0, label=f"attack (day {attack_day:g}, end of warning)")
        ax.scatter([], [], marker="^", s=18, color="#808080", edgecolor="black", linewidth=0.3, label="reinforcement arrives")
        ax.set_xlabel("days after the order")
        ax.set_ylabel("troops")
        ax.set_title("Lanchester square law with timed reinforcements (assumed attrition rates; sizes defences, plans no attack)", loc="left", fontsize=8)
        ax.yaxis.set_major_formatter(matplotlib.ticker.StrMethodFormatter("{x:,.0f}"))
        ax.legend(fontsize=6, ncol=4, frameon=False, loc="upper center", bbox_to_anchor=(0.5, -0.18))
    return to_svg(fig)


def render(result: Result, scenario: Scenario) -> Markup:
    d = result.data
    if result.metadata.get("status") == "skipped":
        return render_template("sections/land.html.j2", summary=result.summary, skipped=True)
    sol = d["solver"]
    badges = [
        (f"MILP {sol['status']}", "ok" if sol["status"] == "optimal" else "warn"),
        (f"MILP {sol['troop_days']:,.0f} / LP {sol['lp_troop_days']:,.0f} / simulation {sol['sim_troop_days']:,.0f} personnel-days", "info"),
        (f"closed edges: {', '.join(d['network']['closed']) or 'none'}", "info"),
    ]
    has_sectors = len(result.frames["force_ratio"]) > 0
    cfg = scenario.config.land
    return render_template(
        "sections/land.html.j2",
        summary=result.summary,
        skipped=False,
        badges=badges,
        map=svg(corridor_map(result)),
        closure=svg(closure_chart(result)),
        units=table(result.frames["units"]),
        bottlenecks=table(result.frames["bottlenecks"], caption="shadow price: LP relaxation, personnel-days per extra lift unit a day over the horizon"),
        what_ifs=table(result.frames["what_ifs"]),
        ratio=svg(ratio_chart(result, cfg.ratio_threshold, cfg.warning_days)) if has_sectors else None,
        lanchester=svg(lanchester_chart(result, int(min(cfg.warning_days, d["horizon_days"] - 1)))) if has_sectors and len(result.frames.get("lanchester", ())) else None,
        warning=table(result.frames["warning"]) if has_sectors else None,
        regeneration=table(result.frames["regeneration"], columns=["month", "supply", "need", "shortfall", "trained_brigades", "needed_brigades"]),
        requirements=table(result.frames["requirements"], columns=["id", "capability", "quantity", "zone", "start_month", "end_month", "note"]),
        assumptions=[f"{a.topic}: {a.text} ({a.source})" for a in result.assumptions],
    )
