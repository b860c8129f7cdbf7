"""The report's Jinja environment and the data its macros render (tables, figures).

Markup is written only by autoescaped Jinja templates: ``templates/macros.html.j2`` (table,
figure, badge, bullets, key-value list) and one template per section in
``templates/sections/<result name>.html.j2``.  Section modules prepare plain data (strings,
numbers, :class:`Table`) and call :func:`render_template`; the only markup they pass in is the SVG of
charts and maps that matplotlib wrote, marked trusted with :func:`svg`.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import jinja2
import pandas as pd
from markupsafe import Markup


@lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    """The Jinja environment of the report (templates of the package, autoescaping on)."""
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(resources.files("backstop.report") / "templates")),
        autoescape=jinja2.select_autoescape(["html", "j2"]),
        undefined=jinja2.StrictUndefined,
    )


def render_template(template: str, **context) -> Markup:
    """A template rendered with autoescaping: trusted markup for the enclosing template."""
    return Markup(environment().get_template(template).render(**context))


def svg(markup: str) -> Markup:
    """An inline SVG written by matplotlib (:func:`backstop.report.charts.to_svg`), inserted as is."""
    return Markup(markup)


def fmt(v: object) -> str:
    """A table cell's text: yes/no, thousands separators, three significant digits for small numbers."""
    if isinstance(v, bool):
        return "yes" if v else "no"
    if isinstance(v, float):
        if v != v:  # NaN
            return ""
        if abs(v) >= 1000:
            return f"{v:,.0f}"
        if abs(v) >= 10:
            return f"{v:,.1f}"
        return f"{v:,.3g}"
    if isinstance(v, int):
        return f"{v:,}"
    return str(v)


@dataclass(frozen=True)
class Table:
    """A frame ready for the ``table`` macro: header, cells as (text, numeric), rows left out."""

    columns: tuple[str, ...]
    rows: tuple[tuple[tuple[str, bool], ...], ...]
    more: int = 0
    caption: str = ""
    css: str = ""


def table(df: pd.DataFrame, *, max_rows: int = 50, caption: str = "", columns: list[str] | None = None, css: str = "") -> Table:
    """The first ``max_rows`` rows of a frame (optionally only ``columns``, in that order) as a :class:`Table`."""
    if columns:
        df = df[[c for c in columns if c in df.columns]]
    rows = []
    for _, row in df.head(max_rows).iterrows():
        rows.append(tuple((fmt(v), isinstance(v, (int, float)) and not isinstance(v, bool)) for v in row.tolist()))
    return Table(tuple(str(c) for c in df.columns), tuple(rows), max(0, len(df) - max_rows), caption, css)
