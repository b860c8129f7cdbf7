"""The scenario at a glance: period, toggles, the coalition as of its date, and every assumption.

This is the first analysis of ``backstop assess``; it reads only the scenario and the bundled
reference data.
"""

from __future__ import annotations

import pandas as pd

from backstop.reference.states import membership_rows, state_names
from backstop.results import Assumption, Result
from backstop.scenario import Scenario


def coalition_table(scenario: Scenario) -> pd.DataFrame:
    """The coalition as of the scenario date: members, NATO/EU status, published positions."""
    names = state_names()
    snap = scenario.snapshot
    members = snap.members("coalition")
    nato = set(snap.members("nato"))
    eu = set(snap.members("eu"))
    rows = membership_rows("coalition").set_index("iso3")

    def _join(items) -> dict[str, str]:
        out: dict[str, set[str]] = {}
        for p in items:
            out.setdefault(p.iso3, set()).add(p.position)
        return {k: ", ".join(sorted(v)) for k, v in out.items()}

    positions = _join(snap.positions)
    later = _join(snap.positions_later)
    out = []
    for iso3 in sorted(set(members) | set(positions) | set(later), key=lambda c: names.get(c, c)):
        row = rows.loc[iso3] if iso3 in rows.index else None
        if isinstance(row, pd.DataFrame):
            row = row.iloc[0]
        out.append(
            {
                "iso3": iso3,
                "name": names.get(iso3, iso3),
                "coalition": iso3 in members,
                "nato": iso3 in nato,
                "eu": iso3 in eu,
                "positions": positions.get(iso3, ""),
                "positions_stated_later": later.get(iso3, ""),
                "membership_assumption": bool(row["assumption"]) if row is not None else False,
                "source": row["source"] if row is not None else "",
            }
        )
    return pd.DataFrame(out)


def scenario_assumptions(scenario: Scenario) -> list[Assumption]:
    """Assumptions carried by the scenario's own rows (illustrative pledges and the like)."""
    out = []
    for p in scenario.rows("pledges"):
        if p.assumption:
            out.append(
                Assumption(
                    "pledge",
                    f"{p.nation} offers {p.quantity} x {p.capability} (illustrative pledge {p.id})",
                    p.statement or "national pledges are not public",
                    scenario.as_of.isoformat(),
                )
            )
    return out


def run(scenario: Scenario, context=None) -> Result:
    """Summarise the scenario: period, toggles, coalition as of the date, membership counts."""
    cfg = scenario.config
    coalition = coalition_table(scenario)
    counts = {b: len(scenario.snapshot.members(b)) for b in ("nato", "eu", "icc", "coalition", "airspace_closed_to_RUS")}
    toggles = cfg.toggles
    n_members = int(coalition["coalition"].sum()) if len(coalition) else 0
    summary = [
        f"Scenario '{cfg.scenario.title or cfg.scenario.name}' as of {scenario.as_of:%d %B %Y}; "
        f"planning period {scenario.start} to {scenario.end}.",
        f"The coalition counts {n_members} states on that date; NATO {counts['nato']}, EU {counts['eu']}, "
        f"Rome Statute parties {counts['icc']}; {counts['airspace_closed_to_RUS']} states close their airspace to Russian aircraft.",
        "Political toggles: "
        + ("Russia's red line enforced (no NATO-member ground units in Ukraine)" if toggles.russia_red_line else "Russia's red line not enforced")
        + "; "
        + ("US limited to air, ISR and intelligence." if toggles.us_air_isr_only else "US contribution not limited."),
    ]
    tables_present = {name: len(rows) for name, rows in scenario.tables.items()}
    data = {
        "scenario": {
            "name": cfg.scenario.name,
            "title": cfg.scenario.title,
            "as_of": scenario.as_of,
            "start": scenario.start,
            "end": scenario.end,
            "description": cfg.scenario.description,
            "sources": cfg.scenario.sources,
        },
        "toggles": toggles.model_dump(mode="json"),
        "membership_counts": counts,
        "tables": tables_present,
        "coalition": coalition,
        "warnings": [str(w) for w in scenario.warnings],
    }
    return Result(
        name="overview",
        title="Scenario and coalition",
        summary=summary,
        data=data,
        frames={"coalition": coalition},
        assumptions=scenario_assumptions(scenario),
        metadata={"status": "ok"},
    )
