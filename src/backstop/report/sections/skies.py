"""Report section: safe skies (map of sites, rings and leakers; leaker distribution; depletion)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from backstop.report.charts import PALETTE, new_figure, to_svg
from backstop.report.html import bullets, esc, figure, table
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


def calibration_html(cal: dict, wave: str) -> str:
    """The night-by-night calibration: the wave's predicted and simulated shares, and the error table."""
    if cal.get("method") != "nights":
        return "<h3>Calibration</h3><p>None: the catalogue's kill probabilities as they are ([skies] calibration = 'none').</p>"
    m = cal["model"]
    head = (f"<h3>Calibration on the night-by-night record</h3><p>Night model fitted to {m['classes']['drone']['nights']} nights of the Ukrainian Air Force's "
            f"reports ({esc(m['first_night'])} to {esc(m['last_night'])}) by weighted maximum likelihood (beta-binomial per class, weapon-type offsets, "
            f"log wave-size term, time half-life {m['half_life_days']:g} days, centred on {esc(m['at'])}). Each wave's kill probabilities are scaled per class "
            "(P' = 1 - (1 - P)^m) so that its simulated share downed matches the prediction; 'matched' is false where the layers cannot reach it "
            "(arrivals at sites no layer of that class covers).</p>")
    rows = pd.DataFrame(cal["waves"].get(wave, []))
    err = pd.DataFrame(cal["error"])
    return (head + f"<h4>Wave {esc(wave)}</h4>" + table(rows) + "<h4>Calibration error of the night model (share downed): pooled bias and per-night mean absolute error, "
            "in sample and cross-validated by time (rolling origin), against a constant predictor</h4>" + table(err))


def render(result: Result, scenario: Scenario) -> str:
    d = result.data
    parts = [bullets(result.summary)]
    parts.append(figure(skies_map(result), "Sites sized by value; rings: engagement envelopes of systems reaching 20 km or more; red: expected leakers by site."))
    sel = d["selected"]
    rows = [{"class": c, "launched": sel["launched"][c], "mean leakers": v["mean"], "p90": v["p90"], "SE": v["se"], "intercepted": sel["intercept_share"][c]} for c, v in sel["leakers"].items()]
    parts.append("<h3>Leakers per class</h3>" + table(pd.DataFrame(rows)))
    parts.append(figure(leaker_chart(result), "Monte Carlo distribution of damaging leakers."))
    parts.append(calibration_html(d["calibration"], d["wave"]))
    parts.append("<h3>All waves</h3>" + table(result.frames["waves"]))
    parts.append(figure(depletion_chart(result), "Campaign: stock of each interceptor type by night, with production and deliveries."))
    ro = [{"system": s, "runs out night": (v or {}).get("night"), "date": (v or {}).get("date")} for s, v in d["campaign"]["runs_out"].items()]
    parts.append(table(pd.DataFrame(ro)))
    if d.get("siting"):
        s = d["siting"]
        parts.append(f"<h3>Siting of long-range batteries</h3><p>{s['batteries']} batteries, radius {s['radius_km']:.0f} km, layered probabilistic covering ({esc(s['method'])}, {esc(s['status'])}, gap {s['gap']:.2%}): protected value {s['optimal_protected_value']:,.0f} at the optimal sites ({esc(', '.join(s['optimal_sites']))}) against {s['current_protected_value']:,.0f} at the current positions.</p>")
    if result.requirements:
        parts.append("<h3>Batteries required (requirement lines)</h3>" + table(pd.DataFrame([{"id": r.id, "capability": r.capability, "quantity": r.quantity, "zone": r.zone, "note": r.note} for r in result.requirements])))
    if len(result.frames["sizing"]):
        parts.append("<h3>Sizing steps</h3>" + table(result.frames["sizing"], max_rows=30))
    return "\n".join(parts)
