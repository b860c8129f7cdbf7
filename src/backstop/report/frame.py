"""Assemble the report: summary first, a section per result, then every assumption with its source."""

from __future__ import annotations

import importlib
from datetime import UTC, datetime
from importlib import resources

from markupsafe import Markup

from backstop import __version__
from backstop.report.html import environment, render_template, table
from backstop.results import Result
from backstop.scenario import Scenario


def generic_section(result: Result, scenario: Scenario) -> Markup:
    """Fallback rendering of a result: its summary and its tables."""
    tables = [(key.replace("_", " ").capitalize(), table(df, max_rows=30)) for key, df in result.frames.items()]
    return render_template("sections/generic.html.j2", result=result, tables=tables)


def render_section(result: Result, scenario: Scenario) -> Markup:
    """HTML of one result's section, from ``backstop.report.sections.<name>`` or the generic one."""
    try:
        module = importlib.import_module(f"backstop.report.sections.{result.name}")
    except ModuleNotFoundError as exc:
        if exc.name != f"backstop.report.sections.{result.name}":
            raise
        return generic_section(result, scenario)
    return module.render(result, scenario)


def reference_assumptions() -> list[dict[str, str]]:
    """Assumption-flagged rows of the bundled reference tables used by the analyses."""
    from backstop.reference import load_table, table_names

    out = []
    for name in table_names():
        df = load_table(name)
        if "assumption" not in df.columns:
            continue
        flagged = df[df["assumption"]]
        if flagged.empty:
            continue
        label_col = next((c for c in ("name", "id", "iso3") if c in df.columns), df.columns[0])
        items = ", ".join(flagged[label_col].astype(str).head(12))
        more = f" and {len(flagged) - 12} more" if len(flagged) > 12 else ""
        sources = "; ".join(sorted(set(flagged["source"]))[:3])
        out.append(
            {
                "topic": f"reference: {name}",
                "text": f"{len(flagged)} rows are estimates ({items}{more}); see each row's note.",
                "source": sources,
                "as_of": max(flagged["as_of"]) if "as_of" in flagged else "",
            }
        )
    return out


def render_report(scenario: Scenario, results: list[Result], extra_sections: list[dict] | None = None) -> str:
    """The whole report as one self-contained HTML string (inline CSS and SVG, no scripts from the network).

    ``extra_sections`` (dicts with name, title, html) are appended after the analyses' sections,
    e.g. the sweep layer's "what the conclusions hang on" (its HTML is built escaped by that layer)."""
    css = Markup((resources.files("backstop.report") / "templates" / "report.css").read_text(encoding="utf-8"))
    sections = [
        {"name": r.name, "title": r.title, "html": render_section(r, scenario), "status": r.metadata.get("status", "")}
        for r in results
    ] + [{**x, "html": Markup(x["html"])} for x in extra_sections or []]
    assumptions = [a.to_dict() | {"analysis": r.title} for r in results for a in r.assumptions]
    assumptions += [a | {"analysis": "Reference data"} for a in reference_assumptions()]
    template = environment().get_template("report.html.j2")
    return template.render(
        css=css,
        scenario=scenario,
        results=results,
        sections=sections,
        assumptions=assumptions,
        version=__version__,
        generated=datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
    )
