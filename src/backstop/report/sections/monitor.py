"""Report section: the violation register, commitments fired, a timeline and a map."""

from __future__ import annotations

import numpy as np
import pandas as pd
from markupsafe import Markup

from backstop.report.charts import PALETTE, STYLE, new_figure, to_svg
from backstop.report.html import render_template, svg, table
from backstop.report.maps import UKRAINE_BBOX, map_axes
from backstop.results import Result
from backstop.scenario import Scenario

CLASS_COLORS = {
    "strike_civilian": PALETTE[1],
    "strike_energy": PALETTE[3],
    "strike_port": PALETTE[0],
    "line_crossing": PALETTE[4],
    "fire_in_buffer": PALETTE[2],
    "air_incursion": PALETTE[5],
    "none": "#a5a5a5",
}


def timeline(register: pd.DataFrame, fired: pd.DataFrame, effective) -> str:
    """Violations over time (one row per class, marker size = severity) and commitment triggers."""
    import matplotlib.pyplot as plt

    classes = sorted(register["violation_class"].unique()) if len(register) else []
    fig, ax = new_figure(7.5, max(2.4, 0.45 * (len(classes) + 1) + 1.2))
    with plt.rc_context(STYLE):
        for i, c in enumerate(classes):
            r = register[register["violation_class"] == c]
            ax.scatter(pd.to_datetime(r["event_date"]), np.full(len(r), i), s=12 * r["severity"].to_numpy(float) ** 2,
                       color=CLASS_COLORS.get(c, PALETTE[7]), alpha=0.7, edgecolor="white", linewidth=0.5, label=c)
        if len(fired):
            t = pd.to_datetime(fired["trigger_time"])
            ax.scatter(t, np.full(len(t), len(classes)), marker="v", color="#333333", s=30)
        ax.set_yticks(range(len(classes) + 1), [c.replace("_", " ") for c in classes] + ["commitment fired"])
        if effective is not None:
            ax.axvline(pd.Timestamp(effective).tz_localize(None) if pd.Timestamp(effective).tzinfo else pd.Timestamp(effective), color="#c00000", lw=1, ls="--")
        ax.set_title("Violations after the agreement took effect (dashed); marker area ~ severity squared", loc="left")
        fig.autofmt_xdate()
    return to_svg(fig)


def violation_map(events: pd.DataFrame, line: list, buffer_km: float) -> str:
    """Events on the offline basemap with the line of contact; violations filled, others hollow."""
    import matplotlib.pyplot as plt

    fig, ax = map_axes(UKRAINE_BBOX, width_in=7.5)
    with plt.rc_context(STYLE):
        if line:
            xy = np.array(line)
            ax.plot(xy[:, 0], xy[:, 1], color="#c00000", lw=1.5, zorder=3, label="line of contact (approx.)")
            ax.plot(xy[:, 0], xy[:, 1], color="#c00000", lw=6, alpha=0.15, zorder=2.5, label=f"buffer (~{buffer_km:g} km each side, schematic)")
        ev = events.dropna(subset=["latitude", "longitude"])
        if len(ev) > 20000:
            ev = ev.sample(20000, random_state=0)
        for c, grp in ev.groupby("violation_class"):
            v = grp[grp["violation"]]
            o = grp[~grp["violation"]]
            col = CLASS_COLORS.get(c, PALETTE[7])
            if len(v):
                ax.scatter(v["longitude"], v["latitude"], s=10 + 8 * v["severity"].to_numpy(float) ** 2, color=col, edgecolor="white", lw=0.5, zorder=4, label=c.replace("_", " "))
            if len(o):
                ax.scatter(o["longitude"], o["latitude"], s=30, facecolor="none", edgecolor=col, lw=1, zorder=4)
        ax.legend(loc="upper left", fontsize=7, frameon=True)
        ax.set_title("Incidents: filled = violation after the agreement; hollow = before it or not prohibited", loc="left", fontsize=9)
    return to_svg(fig)


def render(result: Result, scenario: Scenario) -> Markup:
    d = result.data
    ag = d["agreement"]
    counts = d["counts"]
    reg = result.frames["register"]
    fired = result.frames["commitments"]
    events = result.frames["events"]
    badges = [
        (f"reports: {counts['reports']}", "info"),
        (f"events: {counts['events']}", "info"),
        (f"violations: {counts['violations']}", "bad" if counts["violations"] else "ok"),
        (f"major: {counts['major']}", "bad" if counts["major"] else "ok"),
        (f"commitment steps fired: {counts['commitments_fired']}", "warn" if counts["commitments_fired"] else "ok"),
    ]
    agreement = [
        ("Parties", ", ".join(ag["parties"])),
        ("Effective", ag["effective"] or "from the start of the record"),
        ("Buffer", f"{ag['buffer_km']:g} km each side of the line; crossing = {ag['crossing_tolerance_km']:g} km inside the other side"),
        ("Prohibited acts", ", ".join(a.replace("_", " ") for a in ag["prohibited"])),
        ("Verification", f"verified = {ag['verification']['min_sources']}+ sources and confidence >= {ag['verification']['min_confidence']}; commitments count '{ag['verification']['fire_on']}' or better"),
        ("Deduplication", f"same type, within {ag['dedup']['distance_km']:g} km and {ag['dedup']['days']} day(s)"),
    ]
    guarantors = None
    if d["guarantors"]:
        guarantors = table(pd.DataFrame([{**g, "kinds": ", ".join(f"{k} {v}" for k, v in g["kinds"].items())} for g in d["guarantors"]]))
    return render_template(
        "sections/monitor.html.j2",
        badges=badges,
        agreement=[(k, str(v)) for k, v in agreement],
        timeline=svg(timeline(reg, fired, ag["effective"])),
        map=svg(violation_map(events, ag["line_of_contact"], ag["buffer_km"])),
        register=table(reg, max_rows=40, columns=["violation_id", "event_date", "violation_class", "party", "severity", "status", "confidence", "location", "site", "dist_line_km", "fatalities", "injured", "n_sources", "sources", "illustrative"]),
        guarantors=guarantors,
        commitments=table(fired, max_rows=40, columns=["guarantor", "step", "kind", "response", "rule", "trigger_time", "deadline", "violations", "assumption"]),
        assumptions=[f"{a.topic}: {a.text}" for a in result.assumptions],
    )
