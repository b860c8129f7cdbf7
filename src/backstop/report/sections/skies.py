"""Report section: safe skies (map of sites, rings and leakers; leaker distribution; depletion)."""

from __future__ import annotations

import numpy as np
import pandas as pd
from markupsafe import Markup

from backstop.report.charts import PALETTE, new_figure, to_svg
from backstop.report.html import render_template, svg, table
from backstop.report.maps import UKRAINE_BBOX, map_axes
from backstop.results import Result
from backstop.scenario import Scenario


def skies_map(result: Result) -> str:
    """Sites sized by value, engagement rings of the defences, expected leakers by site."""
    sites = result.frames["sites"]
    fig, ax = map_axes(UKRAINE_BBOX, width_in=7.5)
    km_deg = 1 / 111.0
    for d in result.data["defences"]:
        if d["range_km"] < 20:
            continue
        r = d["range_km"] * km_deg
        lat_r = np.radians(d["lat"])
        t = np.linspace(0, 2 * np.pi, 60)
        ax.plot(d["lon"] + r * np.cos(t) / np.cos(lat_r), d["lat"] + r * np.sin(t), lw=0.6, color=PALETTE[0] if d["range_km"] >= 50 else "#7aa6c9", alpha=0.7, zorder=3)
    v = sites["value"].to_numpy(float)
    ax.scatter(sites["lon"], sites["lat"], s=8 + 120 * np.sqrt(v / max(v.max(), 1)), facecolor="none", edgecolor="#333333", lw=0.6, zorder=4, label="defended site (size = value)")
    lk = sites["mean_leakers"].to_numpy(float)
    hit = lk > 0.05
    ax.scatter(sites.loc[hit, "lon"], sites.loc[hit, "lat"], s=6 + 25 * lk[hit], color="#c0392b", alpha=0.75, zorder=5, label="expected leakers (size)")
    ax.legend(loc="lower left", fontsize=7, frameon=True)
    ax.set_title(f"Defended sites, engagement rings (>= 20 km) and expected leakers, wave {result.data['wave']}", loc="left", fontsize=9)
    return to_svg(fig)


def leaker_chart(result: Result) -> str:
    h = np.asarray(result.data["leakers_histogram"], float)
    fig, ax = new_figure(7.0, 2.8)
    ax.bar(np.arange(len(h)), h / max(h.sum(), 1), color=PALETTE[0], width=1.0)
    ax.set_xlabel("damaging leakers per wave (drones, cruise, ballistic)")
    ax.set_ylabel("share of trials")
    ax.set_title(f"Distribution of leakers over {result.data['trials']} trials", loc="left", fontsize=9)
    return to_svg(fig)


def depletion_chart(result: Result) -> str:
    c = result.data["campaign"]
    fig, ax = new_figure(7.0, 3.2)
    nights = np.arange(1, len(c["dates"]) + 1)
    k = 0
    for s, stock in c["stock"].items():
        st = np.asarray(stock, float)
        if st.size == 0 or st[0] <= 0 or s in ("ew_jammer_team",):
            continue
        if st.min() >= st[0]:  # never drawn down: production keeps up; listed in the table below
            continue
        ax.plot(nights, np.minimum(st / st[0], 1.05), label=s, color=PALETTE[k % len(PALETTE)], lw=1.2)
        ro = c["runs_out"].get(s)
        if ro:
            ax.axvline(ro["night"], color=PALETTE[k % len(PALETTE)], lw=0.6, ls=":")
        k += 1
    ax.set_xlabel("night")
    ax.set_ylabel("stock / initial stock")
    ax.set_ylim(0, 1.08)
    ax.set_title(f"Interceptor stocks drawn down, wave '{c['wave']}' every night (dotted: the night a type runs out)", loc="left", fontsize=9)
    ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)
    return to_svg(fig)


def _spec_words(spec: dict) -> str:
    h = spec["half_life_days"]
    return ("static" if h is None else f"half-life {h:g} days") + (", size term" if spec["size_term"] else ", no size term") + f", {spec['shrink']:.0%} constant"


def render(result: Result, scenario: Scenario) -> Markup:
    d = result.data
    sel = d["selected"]
    rows = [{"class": c, "launched": sel["launched"][c], "mean leakers": v["mean"], "p90": v["p90"], "SE": v["se"], "intercepted": sel["intercept_share"][c]} for c, v in sel["leakers"].items()]
    cal = d["calibration"]
    cal_intro = cal_wave = cal_error = None
    if cal.get("method") == "nights":
        m = cal["model"]
        cal_intro = (f"Night model fitted to {m['classes']['drone']['nights']} nights of the Ukrainian Air Force's reports ({m['first_night']} to {m['last_night']}) "
                     "by weighted maximum likelihood (beta-binomial per class, weapon-type offsets, log wave-size term, time weights), each class's half-life, size term and "
                     "shrinkage toward the constant chosen by rolling-origin cross-validation (" + "; ".join(f"{c}: {_spec_words(v['spec'])}" for c, v in m["classes"].items()) + f"), "
                     f"centred on {m['at']}. Each wave's kill probabilities are scaled per class (P' = 1 - (1 - P)^m) so that its simulated share downed matches "
                     "the prediction; 'matched' is false where the layers cannot reach it (arrivals at sites no layer of that class covers).")
        cal_wave = table(pd.DataFrame(cal["waves"].get(d["wave"], [])))
        cal_error = table(pd.DataFrame(cal["error"]))
    ro = [{"system": s, "runs out night": (v or {}).get("night"), "date": (v or {}).get("date")} for s, v in d["campaign"]["runs_out"].items()]
    siting = None
    if d.get("siting"):
        s = d["siting"]
        siting = (
            f"{s['batteries']} batteries, radius {s['radius_km']:.0f} km, layered probabilistic covering ({s['method']}, {s['status']}, gap {s['gap']:.2%}): "
            f"protected value {s['optimal_protected_value']:,.0f} at the optimal sites ({', '.join(s['optimal_sites'])}) against {s['current_protected_value']:,.0f} at the current positions."
        )
    requirements = None
    if result.requirements:
        requirements = table(pd.DataFrame([{"id": r.id, "capability": r.capability, "quantity": r.quantity, "zone": r.zone, "note": r.note} for r in result.requirements]))
    return render_template(
        "sections/skies.html.j2",
        summary=result.summary,
        wave=d["wave"],
        map=svg(skies_map(result)),
        leakers=table(pd.DataFrame(rows)),
        leaker_chart=svg(leaker_chart(result)),
        calibration_intro=cal_intro,
        calibration_wave=cal_wave,
        calibration_error=cal_error,
        waves=table(result.frames["waves"]),
        depletion_chart=svg(depletion_chart(result)),
        runs_out=table(pd.DataFrame(ro)),
        siting=siting,
        requirements=requirements,
        sizing=table(result.frames["sizing"], max_rows=30) if len(result.frames["sizing"]) else None,
    )
