"""Report section: the scenario, its toggles and the coalition as of its date (with a map)."""

from __future__ import annotations

from markupsafe import Markup

from backstop.report.charts import to_svg
from backstop.report.html import render_template, svg, table
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


def render(result: Result, scenario: Scenario) -> Markup:
    d = result.data
    sc = d["scenario"]
    tog = d["toggles"]
    facts = [
        ("Name", sc["name"]),
        ("As of", sc["as_of"]),
        ("Planning period", f"{sc['start']} to {sc['end']}"),
        ("Russia's red line", "enforced: no NATO-member ground units in Ukraine" if tog["russia_red_line"] else "not enforced"),
        ("US contribution", "air, ISR and intelligence only" if tog["us_air_isr_only"] else "not limited"),
        ("Membership overrides", ", ".join(f"{k} -> {v or 'still a member'}" for k, v in tog["membership_overrides"].items()) or "none"),
        ("Tables provided", ", ".join(f"{k} ({v})" for k, v in d["tables"].items()) or "none"),
    ]
    coalition = result.frames["coalition"]
    return render_template(
        "sections/overview.html.j2",
        description=sc["description"],
        facts=[(k, "" if v is None else str(v)) for k, v in facts],
        badges=[(f"{k.replace('_', ' ')}: {v}", "info") for k, v in d["membership_counts"].items()],
        warnings=d["warnings"],
        map=svg(coalition_map(coalition)),
        coalition=table(coalition, max_rows=80, columns=["iso3", "name", "coalition", "nato", "eu", "positions", "positions_stated_later", "membership_assumption", "source"]),
        sources=sc["sources"],
    )
