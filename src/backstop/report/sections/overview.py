"""Report section: the scenario, its toggles and the coalition as of its date (with a map)."""

from __future__ import annotations

from backstop.report.charts import to_svg
from backstop.report.html import badge, bullets, esc, figure, table
from backstop.report.maps import EUROPE_BBOX, fill_states, map_axes
from backstop.results import Result
from backstop.scenario import Scenario


def coalition_map(coalition) -> str:
    """Europe map: coalition members shaded, positions marked."""
    fig, ax = map_axes(EUROPE_BBOX, width_in=6.5, highlight=("UKR",), tolerance=0.08, labels=False)
    members = set(coalition.loc[coalition["coalition"], "iso3"]) if len(coalition) else set()
    fill_states(ax, sorted(members), bbox=EUROPE_BBOX, tolerance=0.08)
    ax.set_title(f"Coalition members in Europe ({len(members)} states in all, incl. outside Europe); Ukraine in yellow", loc="left", fontsize=9)
    return to_svg(fig)


def render(result: Result, scenario: Scenario) -> str:
    d = result.data
    sc = d["scenario"]
    tog = d["toggles"]
    kv = [
        ("Name", sc["name"]),
        ("As of", sc["as_of"]),
        ("Planning period", f"{sc['start']} to {sc['end']}"),
        ("Russia's red line", "enforced: no NATO-member ground units in Ukraine" if tog["russia_red_line"] else "not enforced"),
        ("US contribution", "air, ISR and intelligence only" if tog["us_air_isr_only"] else "not limited"),
        ("Membership overrides", ", ".join(f"{k} -> {v or 'still a member'}" for k, v in tog["membership_overrides"].items()) or "none"),
        ("Tables provided", ", ".join(f"{k} ({v})" for k, v in d["tables"].items()) or "none"),
    ]
    parts = [f"<p>{esc(sc['description'])}</p>" if sc["description"] else ""]
    parts.append("<dl class='kv'>" + "".join(f"<dt>{esc(k)}</dt><dd>{esc(v)}</dd>" for k, v in kv) + "</dl>")
    counts = d["membership_counts"]
    parts.append(
        "<p>"
        + " ".join(badge(f"{k.replace('_', ' ')}: {v}", "info") for k, v in counts.items())
        + "</p>"
    )
    if d["warnings"]:
        parts.append("<h3>Validation warnings</h3>" + bullets(d["warnings"]))
    coalition = result.frames["coalition"]
    parts.append(figure(coalition_map(coalition), "Natural Earth 1:10m polygons, simplified; no tiles, no network."))
    parts.append("<h3>The coalition as of the scenario date</h3>")
    parts.append(
        table(
            coalition,
            max_rows=80,
            columns=["iso3", "name", "coalition", "nato", "eu", "positions", "positions_stated_later", "membership_assumption", "source"],
        )
    )
    if sc["sources"]:
        parts.append("<h3>Scenario sources</h3>" + bullets(sc["sources"]))
    return "\n".join(parts)
