"""Small HTML helpers shared by report sections (escaping, tables, figures, badges)."""

from __future__ import annotations

from html import escape

import pandas as pd


def esc(value: object) -> str:
    """HTML-escaped text of a value."""
    return escape("" if value is None else str(value))


def _fmt(v: object) -> str:
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


def table(df: pd.DataFrame, *, max_rows: int = 50, caption: str = "", columns: list[str] | None = None, css: str = "") -> str:
    """An HTML table of a frame (at most ``max_rows`` rows, with a note of the rest)."""
    if columns:
        df = df[[c for c in columns if c in df.columns]]
    head = "".join(f"<th>{esc(c)}</th>" for c in df.columns)
    body = []
    for _, row in df.head(max_rows).iterrows():
        cells = []
        for v in row.tolist():
            num = isinstance(v, (int, float)) and not isinstance(v, bool)
            cells.append(f"<td class='num'>{esc(_fmt(v))}</td>" if num else f"<td>{esc(_fmt(v))}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    more = f"<p class='muted'>{len(df) - max_rows:,} more rows in the CSV.</p>" if len(df) > max_rows else ""
    cap = f"<caption>{esc(caption)}</caption>" if caption else ""
    return f"<div class='tablewrap'><table class='data {css}'>{cap}<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table></div>{more}"


def figure(svg: str, caption: str = "") -> str:
    """A figure with an inline SVG and a caption."""
    cap = f"<figcaption>{esc(caption)}</figcaption>" if caption else ""
    return f"<figure>{svg}{cap}</figure>"


def badge(text: str, kind: str = "info") -> str:
    """A coloured label: kind is ok, warn, bad or info."""
    return f"<span class='badge {esc(kind)}'>{esc(text)}</span>"


def bullets(items: list[str]) -> str:
    """An unordered list of escaped sentences."""
    return "<ul>" + "".join(f"<li>{esc(i)}</li>" for i in items) + "</ul>"
