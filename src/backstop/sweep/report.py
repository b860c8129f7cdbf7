"""``OUT/sweep.html``: what the conclusions hang on, in one offline file (inline CSS and SVG).

Sections: the sweep (parameters, design, failures), what the conclusions hang on (tornado
charts for one-at-a-time designs, Sobol indices for Sobol designs, rank correlations otherwise),
distributions of each output, and where the plan fails (PRIM boxes for each threshold).
:func:`hang_on_section` gives the same findings as one section for ``backstop assess --sweep``.
Charts reuse :mod:`backstop.report.charts` (matplotlib to inline SVG, no JavaScript).
"""

from __future__ import annotations

from datetime import UTC, datetime
from html import escape
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from backstop.report.charts import PALETTE, STYLE, new_figure, to_svg
from backstop.report.html import fmt
from backstop.sweep import analysis as an


def esc(value: object) -> str:
    """HTML-escaped text of a value."""
    return escape("" if value is None else str(value))


def bullets(items: list[str]) -> str:
    """An unordered list of escaped sentences."""
    return "<ul>" + "".join(f"<li>{esc(i)}</li>" for i in items) + "</ul>"


def figure(svg: str, caption: str = "") -> str:
    """A figure holding an inline SVG (matplotlib's, from :func:`backstop.report.charts.to_svg`)."""
    cap = f"<figcaption>{esc(caption)}</figcaption>" if caption else ""
    return f"<figure>{svg}{cap}</figure>"


def badge(text: str, kind: str = "info") -> str:
    """A coloured label (the report's CSS classes ok, warn, bad, info)."""
    return f"<span class='badge {esc(kind)}'>{esc(text)}</span>"


def table(df: pd.DataFrame, *, max_rows: int = 50, caption: str = "", columns: list[str] | None = None) -> str:
    """An escaped HTML table of a frame (the report's ``data`` table style), at most ``max_rows`` rows."""
    if columns:
        df = df[[c for c in columns if c in df.columns]]
    head = "".join(f"<th>{esc(c)}</th>" for c in df.columns)
    body = []
    for row in df.head(max_rows).itertuples(index=False):
        cells = []
        for v in row:
            num = isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, (bool, np.bool_))
            cells.append(f"<td class='num'>{esc(fmt(float(v) if isinstance(v, np.floating) else v))}</td>" if num else f"<td>{esc(fmt(v))}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    more = f"<p class='muted'>{len(df) - max_rows:,} more rows.</p>" if len(df) > max_rows else ""
    cap = f"<caption>{esc(caption)}</caption>" if caption else ""
    return f"<div class='tablewrap'><table class='data'>{cap}<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table></div>{more}"


def _tornado_svg(t: pd.DataFrame, output: str, unit: str) -> str:
    import matplotlib.pyplot as plt

    t = t.head(12)
    n = len(t)
    fig, ax = new_figure(7.0, max(2.2, 0.32 * n + 1.0))
    with plt.rc_context(STYLE):
        base = float(t["base"].iloc[0]) if n else 0.0
        for i, r in enumerate(t.itertuples()):
            ax.barh(i, r.out_high - r.out_low, left=r.out_low, color=PALETTE[0])
            ax.text(r.out_low, i, f"{_short(r.low)} ", va="center", ha="right", fontsize=7)
            ax.text(r.out_high, i, f" {_short(r.high)}", va="center", ha="left", fontsize=7)
        ax.axvline(base, color=PALETTE[1], lw=1)
        ax.set_yticks(range(n), list(t["factor"]))
        ax.invert_yaxis()
        ax.set_xlabel(f"{output}" + (f" [{unit}]" if unit else ""))
        ax.set_title(f"{output}: range over each parameter, others at base (line)", loc="left")
    return to_svg(fig)


def _short(v: Any) -> str:
    if isinstance(v, float):
        return f"{v:.3g}"
    return str(v)


def _indices_svg(si: pd.DataFrame, output: str) -> str:
    import matplotlib.pyplot as plt

    n = len(si)
    fig, ax = new_figure(7.0, max(2.2, 0.32 * n + 1.0))
    with plt.rc_context(STYLE):
        y = np.arange(n)
        ax.barh(y - 0.2, si["S1"], height=0.4, xerr=si["S1_conf"], color=PALETTE[0], label="first order S1")
        ax.barh(y + 0.2, si["ST"], height=0.4, xerr=si["ST_conf"], color=PALETTE[1], label="total ST")
        ax.set_yticks(y, list(si["factor"]))
        ax.invert_yaxis()
        ax.set_xlim(0, max(1.0, float(np.nanmax(si[["S1", "ST"]].to_numpy())) + 0.05) if n else 1.0)
        ax.legend(frameon=False, loc="lower right")
        ax.set_title(f"{output}: Sobol indices (95 % bootstrap intervals)", loc="left")
    return to_svg(fig)


def _corr_svg(c: pd.DataFrame, output: str) -> str:
    import matplotlib.pyplot as plt

    n = len(c)
    fig, ax = new_figure(7.0, max(2.2, 0.3 * n + 1.0))
    with plt.rc_context(STYLE):
        ax.barh(range(n), c["rho"], color=[PALETTE[0] if v >= 0 else PALETTE[1] for v in c["rho"]])
        ax.set_yticks(range(n), list(c["factor"]))
        ax.invert_yaxis()
        ax.set_xlim(-1, 1)
        ax.set_title(f"{output}: Spearman rank correlation with each parameter", loc="left")
    return to_svg(fig)


def _hist_svg(v: np.ndarray, output: str, unit: str, threshold: list[dict]) -> str:
    import matplotlib.pyplot as plt

    fig, ax = new_figure(3.4, 2.4)
    with plt.rc_context(STYLE):
        ax.hist(v, bins=min(30, max(5, int(np.sqrt(len(v))))), color=PALETTE[0])
        for t in threshold:
            ax.axvline(t["value"], color=PALETTE[1], lw=1.2)
        ax.set_title(output, loc="left")
        ax.set_xlabel(unit)
    return to_svg(fig)


def rank_correlations(tab: pd.DataFrame, meta: dict[str, Any], output: str) -> pd.DataFrame:
    """Spearman rank correlation of ``output`` with each numeric factor (screening for lhs/grid)."""
    rows = []
    y = tab[output].astype(float)
    for f in meta["factors"]:
        x = tab[f["name"]]
        if f.get("is_date"):
            x = pd.to_datetime(x).map(lambda d: d.toordinal())
        if not (pd.api.types.is_numeric_dtype(x) or pd.api.types.is_bool_dtype(x)):
            continue
        x = x.astype(float)
        ok = np.isfinite(x) & np.isfinite(y)
        if ok.sum() < 3 or x[ok].nunique() < 2 or y[ok].nunique() < 2:
            rho = 0.0
        else:
            rho = float(x[ok].rank().corr(y[ok].rank()))
        rows.append({"factor": f["name"], "rho": rho})
    df = pd.DataFrame(rows, columns=["factor", "rho"])
    return df.reindex(df["rho"].abs().sort_values(ascending=False).index).reset_index(drop=True)


def findings(tab: pd.DataFrame, meta: dict[str, Any]) -> dict[str, Any]:
    """Every analysis of the table: per output the sensitivity frame, distributions, discovery."""
    ok = tab[tab["status"] == "ok"]
    outs = an.numeric_outputs(ok, meta)
    sens: dict[str, tuple[str, pd.DataFrame]] = {}
    notes: list[str] = []
    for o in outs:
        try:
            if meta["method"] == "oat":
                sens[o] = ("tornado", an.tornado(tab, meta, o))
            elif meta["method"] == "sobol" and len(ok) == len(tab):
                sens[o] = ("sobol", an.sobol_indices(tab[o].to_numpy(float), [f["name"] for f in meta["factors"]], seed=int(meta["spec"]["design"]["seed"])))
            else:
                sens[o] = ("rank", rank_correlations(ok, meta, o))
        except ValueError as exc:
            notes.append(f"{o}: {exc}")
            sens[o] = ("rank", rank_correlations(ok, meta, o))
    thresholds = meta["spec"].get("threshold", [])
    disc = [an.discover(tab, meta, t) for t in thresholds if t["output"] in tab.columns]
    constant = [o for o in outs if ok[o].astype(float).nunique(dropna=True) <= 1]
    return {"outputs": outs, "constant": constant, "sensitivity": sens, "distributions": an.distributions(ok, outs), "discovery": disc, "notes": notes}


def _lead(kind: str, frame: pd.DataFrame) -> str:
    if not len(frame):
        return ""
    if kind == "tornado":
        r = frame.iloc[0]
        return f"{r['factor']} (swing {r['swing']:.3g})"
    if kind == "sobol":
        r = frame.sort_values("ST", ascending=False).iloc[0]
        return f"{r['factor']} (total index {r['ST']:.2f})"
    r = frame.iloc[0]
    return f"{r['factor']} (rank correlation {r['rho']:+.2f})"


def hang_on_html(tab: pd.DataFrame, meta: dict[str, Any], f: dict[str, Any] | None = None, *, charts: bool = True) -> str:
    """'What the conclusions hang on': the leading parameter of each output, charts, and where the plan fails."""
    f = f or findings(tab, meta)
    units = meta.get("units", {})
    items = []
    steady = []
    for o in f["outputs"]:
        kind, frame = f["sensitivity"][o]
        if o in f.get("constant", ()):
            steady.append(o)
            continue
        lead = _lead(kind, frame)
        if lead:
            items.append(f"{o}: hangs most on {lead}.")
    if steady:
        items.append(f"Unchanged over the whole sweep: {', '.join(steady)}.")
    for d in f["discovery"]:
        t = d["threshold"]
        label = t.get("label") or f"{t['output']} {t['op']} {t['value']:g}"
        if d["failing"]:
            b = d["box"]
            items.append(f"The plan fails ({label}) in {d['share']:.0%} of the variants; most failures ({b.coverage:.0%}, density {b.density:.0%}) lie where " + " and ".join(b.describe() or ["anywhere"]) + ".")
        else:
            items.append(f"The plan never fails ({label}) over the swept ranges.")
    parts = [bullets(items)]
    if charts:
        for o in [o for o in f["outputs"] if o not in f.get("constant", ())][:8]:
            kind, frame = f["sensitivity"][o]
            if not len(frame):
                continue
            svg = _tornado_svg(frame, o, units.get(o.split(".")[0], "")) if kind == "tornado" else _indices_svg(frame, o) if kind == "sobol" else _corr_svg(frame, o)
            parts.append(figure(svg))
    return "\n".join(parts)


def _parameters_table(meta: dict[str, Any]) -> pd.DataFrame:
    rows = []
    for p in meta["spec"]["parameter"]:
        rng = p["values"] if p.get("values") is not None else (f"{p['low']} .. {p['high']} ({p['dist']})" if not p.get("withdraw") else f"each of {', '.join(p['withdraw'])} withdraws with p = {p['p_withdraw']}")
        rows.append({"name": p["name"], "path": p.get("path") or "pledges (withdraw)", "op": p["op"] if not p.get("withdraw") else "withdraw", "range": str(rng), "description": p.get("description", "")})
    return pd.DataFrame(rows)


def sections(tab: pd.DataFrame, meta: dict[str, Any]) -> list[dict[str, str]]:
    """The sections of sweep.html (id, title, html)."""
    f = findings(tab, meta)
    spec = meta["spec"]
    failed = tab[tab["status"] != "ok"]
    units = meta.get("units", {})
    head = [
        f"<p>{esc(spec['sweep'].get('description') or '')}</p>",
        f"<p>Scenario <b>{esc(meta['scenario'])}</b>; analyses {esc(', '.join(spec['sweep']['analyses']))} ({'quick' if spec['sweep']['quick'] else 'full'} mode); "
        f"design <b>{esc(meta['method'])}</b>: {len(tab):,} rows, {tab['variant_id'].nunique():,} distinct variants, {len(meta['factors'])} factors. "
        + (badge(f"{len(failed)} failed", "bad") if len(failed) else badge("no failures", "ok")) + "</p>",
        table(_parameters_table(meta), caption="Uncertain parameters"),
    ]
    if spec["sweep"].get("fixed"):
        head.append("<p class='muted'>Fixed in every variant: " + esc(", ".join(f"{k} = {v}" for k, v in spec["sweep"]["fixed"].items())) + "</p>")
    for n in meta.get("notes", []) + f["notes"]:
        head.append(f"<p class='muted'>{esc(n)}</p>")
    out = [{"id": "sweep", "title": "The sweep", "html": "\n".join(head)}]
    hang = [hang_on_html(tab, meta, f)]
    for o in [o for o in f["outputs"] if o not in f["constant"]][:8]:
        kind, frame = f["sensitivity"][o]
        cols = {"tornado": ["factor", "low", "high", "out_low", "out_high", "swing"], "sobol": ["factor", "S1", "S1_conf", "ST", "ST_conf"], "rank": ["factor", "rho"]}[kind]
        hang.append(table(frame, columns=cols, caption=f"{o}: {'tornado' if kind == 'tornado' else 'Sobol indices' if kind == 'sobol' else 'rank correlations (screening; use a sobol design for a variance decomposition)'}", max_rows=20))
    out.append({"id": "hang", "title": "What the conclusions hang on", "html": "\n".join(hang)})
    dist = [table(f["distributions"], caption="Outputs over the design (failed variants left out)", max_rows=60)]
    ok = tab[tab["status"] == "ok"]
    thr = spec.get("threshold", [])
    figs = [_hist_svg(ok[o].to_numpy(float)[np.isfinite(ok[o].to_numpy(float))], o, units.get(o.split(".")[0], ""), [t for t in thr if t["output"] == o]) for o in f["outputs"][:12]]
    dist.append("<div class='grid'>" + "".join(figure(s) for s in figs) + "</div>")
    out.append({"id": "distributions", "title": "Distributions", "html": "\n".join(dist)})
    disc = []
    for d in f["discovery"]:
        t = d["threshold"]
        label = t.get("label") or f"{t['output']} {t['op']} {t['value']:g}"
        b = d["box"]
        disc.append(f"<h3>{esc(label)}</h3><p>{d['failing']:,} of {d['n']:,} variants fail ({d['share']:.0%}).</p>")
        if d["failing"]:
            disc.append(bullets([f"Box: {' and '.join(b.describe()) or 'the whole space'}.", f"Coverage {b.coverage:.0%} of the failures; density {b.density:.0%} of the variants in the box fail; mass {b.mass:.0%} of all variants."]))
    if not disc:
        disc.append("<p class='muted'>No [[threshold]] in the spec: add one (e.g. fill_pct &lt; 80) to find where the plan fails.</p>")
    out.append({"id": "discovery", "title": "Where the plan fails (scenario discovery, PRIM)", "html": "\n".join(disc)})
    if len(failed):
        out.append({"id": "failed", "title": "Failed variants", "html": table(failed[["row", "variant_id", "error"]], caption="Each failed variant with its error", max_rows=50)})
    return out


PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{title}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>{css}
.grid {{ display: grid; grid-template-columns: repeat(auto-fill, minmax(300px, 1fr)); gap: .5rem; }}</style></head>
<body><header><h1>{title}</h1><p class="muted">backstop sweep, generated {generated}. Offline: no scripts, no network.</p>
<nav>{nav}</nav></header>
<main>{body}</main></body></html>
"""


def render(tab: pd.DataFrame, meta: dict[str, Any]) -> str:
    """sweep.html as one string."""
    css = (resources.files("backstop.report") / "templates" / "report.css").read_text(encoding="utf-8")
    secs = sections(tab, meta)
    title = meta["spec"]["sweep"].get("title") or f"Sweep {meta['spec']['sweep']['name']}"
    nav = "".join(f"<a href='#{s['id']}'>{esc(s['title'])}</a> " for s in secs)
    body = "\n".join(f"<section class='card' id='{s['id']}'><h2>{esc(s['title'])}</h2>\n{s['html']}</section>" for s in secs)
    return PAGE.format(title=esc(title), css=css, nav=nav, body=body, generated=datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"))


def write_report(out: str | Path, tab: pd.DataFrame, plan_or_meta: Any) -> Path:
    """Write ``OUT/sweep.html`` (atomically) and return its path."""
    import os

    from backstop.sweep.run import metadata

    meta = plan_or_meta if isinstance(plan_or_meta, dict) else metadata(plan_or_meta)
    path = Path(out) / "sweep.html"
    tmp = path.with_suffix(".tmp")
    tmp.write_text(render(tab, meta), encoding="utf-8")
    os.replace(tmp, path)
    return path


def hang_on_section(path: str | Path) -> dict[str, str]:
    """The 'what the conclusions hang on' section of the assess report, from a sweep table."""
    from backstop.sweep.store import read_sweep

    tab, meta = read_sweep(path)
    intro = f"<p>From the sweep <b>{esc(meta['spec']['sweep']['name'])}</b> ({esc(meta['method'])} design, {len(tab):,} variants of {esc(meta['scenario'])}; full results in sweep.html).</p>"
    return {"name": "sweep", "title": "What the conclusions hang on", "html": intro + hang_on_html(tab, meta), "status": ""}
