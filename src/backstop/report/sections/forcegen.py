"""Report section: force generation, written as a staff brief (bottom line, gaps, what binds, burden)."""

from __future__ import annotations

import numpy as np
import pandas as pd
from markupsafe import Markup

from backstop.report.charts import PALETTE, STYLE, bar_chart, new_figure, to_svg
from backstop.report.html import render_template, svg, table
from backstop.results import Result
from backstop.scenario import Scenario


def _frame(value) -> pd.DataFrame:
    return value if isinstance(value, pd.DataFrame) else pd.DataFrame(value or [])


def fill_heatmap(fzm: pd.DataFrame) -> str:
    """Zone x month heatmap of the share of required unit-months filled (gap units annotated)."""
    import matplotlib.pyplot as plt

    zones = sorted(fzm["zone"].unique())
    months = sorted(fzm["month"].unique())
    labels = fzm.drop_duplicates("month").set_index("month")["label"].reindex(months).tolist()
    req = fzm.pivot(index="zone", columns="month", values="required").reindex(index=zones, columns=months).to_numpy()
    got = fzm.pivot(index="zone", columns="month", values="filled").reindex(index=zones, columns=months).to_numpy()
    with np.errstate(invalid="ignore", divide="ignore"):
        pct = np.where(req > 0, got / req, np.nan)
    fig, ax = new_figure(7.5, 0.35 * len(zones) + 1.4)
    with plt.rc_context(STYLE):
        cmap = plt.get_cmap("RdYlGn").with_extremes(bad="#eeeeee")
        im = ax.imshow(np.ma.masked_invalid(pct), aspect="auto", cmap=cmap, vmin=0, vmax=1)
        ax.set_yticks(range(len(zones)), zones)
        ax.set_xticks(range(len(months)), labels, rotation=45, ha="right")
        ax.grid(False)
        for i in range(len(zones)):
            for j in range(len(months)):
                gap = req[i, j] - got[i, j]
                if req[i, j] > 0 and gap > 0:
                    ax.text(j, i, f"-{gap:.0f}", ha="center", va="center", fontsize=7)
        fig.colorbar(im, ax=ax, label="share filled", fraction=0.03)
        ax.set_title("Fill by zone and month (cell text: units missing)", loc="left")
    return to_svg(fig)


def fill_by_capability(req: pd.DataFrame) -> str:
    """Stacked bars: filled and missing unit-months per capability."""
    import matplotlib.pyplot as plt

    g = req.groupby("capability")[["filled", "gap"]].sum().sort_values("gap", ascending=False)
    fig, ax = new_figure(7.5, 0.25 * len(g) + 1.2)
    with plt.rc_context(STYLE):
        y = np.arange(len(g))
        ax.barh(y, g["filled"], color=PALETTE[2], label="filled")
        ax.barh(y, g["gap"], left=g["filled"], color=PALETTE[1], label="gap")
        ax.set_yticks(y, g.index)
        ax.invert_yaxis()
        ax.set_xlabel("unit-months")
        ax.legend(frameon=False, loc="lower right")
        ax.set_title("Filled and missing unit-months by capability", loc="left")
    return to_svg(fig)


def render(result: Result, scenario: Scenario) -> Markup:
    d = result.data
    req = _frame(d["requirements"])
    gaps = _frame(d["gaps"])
    bur = _frame(d["burden"])
    bind = _frame(d["binding"])
    fzm = _frame(d["fill_by_zone_month"])
    tot = d["totals"]
    model = d["model"]
    fill = tot["fill_pct"]
    badges = [
        (f"solver: {d['status']}", "ok" if d["status"] == "optimal" else "bad"),
        (f"fill {fill:.0f}%", "ok" if fill >= 90 else "warn" if fill >= 60 else "bad"),
        (f"{len(gaps)} gap lines", "warn" if len(gaps) else "ok"),
    ]
    intro = (
        f"The statement of requirements has {len(req)} lines ({tot['required_unit_months']:,.0f} unit-months over "
        f"{model['horizon_months']} months). Pledged units are sourced by a mixed-integer programme on HiGHS with three "
        "objectives in strict order: priority-weighted fill, then the least deviation from burden-sharing fair shares, "
        f"then cost. A position held T months with {model['rotation_months']}-month rotations takes ceil(T/{model['rotation_months']}) "
        f"unit-rotations; sustainability rule: {model['sustainability_rule']}. Every pledge is illustrative: national "
        "pledges are not public."
    )
    gaps_table = None
    if len(gaps):
        g = gaps.copy()
        g["months"] = g["from"] + " to " + g["to"]
        gaps_table = table(g, columns=["requirement", "capability", "zone", "months", "missing_units", "priority", "reason"], max_rows=40)
    if len(bind):
        off = pd.to_numeric(bind["fill_lost_if_toggles_off"], errors="coerce").fillna(0.0) if "fill_lost_if_toggles_off" in bind else 0.0
        shown = bind[(bind["status"] == "binds") | (off > 0)].copy()
    else:
        shown = bind
    binding = None
    if len(shown):
        shown = shown.rename(columns={"fill_lost_unit_months": "fill lost", "fill_lost_if_toggles_off": "lost if toggles off"})
        binding = table(shown, columns=["restriction", "kind", "fill lost", "weighted_fill_lost", "lost if toggles off", "pledges"], max_rows=40)
    burden = None
    if len(bur):
        b = bur.sort_values("unit_months", ascending=False)
        chart = bar_chart(b["nation"].tolist(), (100 * b["share"]).tolist(), horizontal=True, reference=(100 * b["fair_share"]).tolist(),
                          reference_label=f"fair share ({model['fair_share_basis']})", xlabel="% of unit-months", title="Share of the force by nation")
        burden = {"chart": svg(chart), "table": table(b, columns=["nation", "unit_months", "share", "fair_share", "deviation", "units_used", "pledged_units", "cost_usd"], max_rows=60)}
    wd = d.get("withdrawal")
    withdrawal = None
    if wd:
        withdrawal = {
            "nations": ", ".join(wd["nations"]),
            "text": f"Fill falls from {wd['fill_with_all_unit_months']:,.0f} to {wd['fill_without_unit_months']:,.0f} unit-months.",
            "table": table(pd.DataFrame(wd["requirements"])) if wd["requirements"] else None,
        }
    model_line = (
        f"Model: {model['rows']:,} rows, {model['columns']:,} columns, {model['nonzeros']:,} nonzeros; "
        + "; ".join(f"{s['stage']} {s['status']} ({s['iterations']:,} simplex iterations, {s['nodes']:,} nodes)" for s in model["stages"])
        + "."
    )
    return render_template(
        "sections/forcegen.html.j2",
        badges=badges,
        summary=result.summary,
        intro=intro,
        heatmap=svg(fill_heatmap(fzm)) if len(fzm) else None,
        by_capability=svg(fill_by_capability(req)) if len(req) else None,
        gaps=gaps_table,
        binding=binding,
        n_free=len(bind) - len(shown),
        burden=burden,
        withdrawal=withdrawal,
        assignments=table(_frame(d["assignments"]), columns=["requirement", "zone", "nation", "pledge", "capability", "units", "from", "to", "unit_rotations", "cost_usd"], max_rows=80),
        model_line=model_line,
        notes=model["notes"],
    )
