"""``OUT/sweep.html``: what the conclusions hang on, in one offline file (inline CSS and SVG).

Sections: the sweep (parameters, design, failures), what the conclusions hang on (tornado
charts for one-at-a-time designs, Sobol indices for Sobol designs, rank correlations otherwise),
distributions of each output, and where the plan fails (PRIM boxes for each threshold).
:func:`hang_on_section` gives the same findings as one section for ``backstop assess --sweep``.
Charts reuse :mod:`backstop.report.charts` (matplotlib to inline SVG, no JavaScript); the markup is
the report's autoescaped Jinja templates (``report/templates/sweep.html.j2`` and
``sections/sweep_*.html.j2``, with the report's macros): this module prepares plain data, and the only
markup it passes in is matplotlib's SVG, marked trusted with :func:`backstop.report.html.svg`.
"""

from __future__ import annotations

from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from markupsafe import Markup

from backstop.report.charts import PALETTE, STYLE, new_figure, to_svg
from backstop.report.html import environment, render_template, svg, table
from backstop.sweep import analysis as an


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


def hang_on_items(f: dict[str, Any]) -> list[str]:
    """The sentences of 'what the conclusions hang on': the leading parameter of each output, and
    where the plan fails (one per threshold)."""
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
    return items


def _hang_charts(f: dict[str, Any], meta: dict[str, Any]) -> list[Markup]:
    units = meta.get("units", {})
    out = []
    for o in _varying(f)[:8]:
        kind, frame = f["sensitivity"][o]
        if not len(frame):
            continue
        out.append(svg(_tornado_svg(frame, o, units.get(o.split(".")[0], "")) if kind == "tornado" else _indices_svg(frame, o) if kind == "sobol" else _corr_svg(frame, o)))
    return out


def _varying(f: dict[str, Any]) -> list[str]:
    return [o for o in f["outputs"] if o not in f.get("constant", ())]


def hang_on_html(tab: pd.DataFrame, meta: dict[str, Any], f: dict[str, Any] | None = None, *, charts: bool = True, tables: bool = False, intro: dict | None = None) -> Markup:
    """'What the conclusions hang on' (autoescaped template): sentences, charts, optionally the tables."""
    f = f or findings(tab, meta)
    frames = []
    if tables:
        for o in _varying(f)[:8]:
            kind, frame = f["sensitivity"][o]
            cols = {"tornado": ["factor", "low", "high", "out_low", "out_high", "swing"], "sobol": ["factor", "S1", "S1_conf", "ST", "ST_conf"], "rank": ["factor", "rho"]}[kind]
            frames.append(table(frame, columns=cols, caption=f"{o}: {'tornado' if kind == 'tornado' else 'Sobol indices' if kind == 'sobol' else 'rank correlations (screening; use a sobol design for a variance decomposition)'}", max_rows=20))
    return render_template("sections/sweep_hang.html.j2", intro=intro, items=hang_on_items(f), charts=_hang_charts(f, meta) if charts else [], tables=frames)


def _parameters_table(meta: dict[str, Any]) -> pd.DataFrame:
    rows = []
    for p in meta["spec"]["parameter"]:
        rng = p["values"] if p.get("values") is not None else (f"{p['low']} .. {p['high']} ({p['dist']})" if not p.get("withdraw") else f"each of {', '.join(p['withdraw'])} withdraws with p = {p['p_withdraw']}")
        rows.append({"name": p["name"], "path": p.get("path") or "pledges (withdraw)", "op": p["op"] if not p.get("withdraw") else "withdraw", "range": str(rng), "description": p.get("description", "")})
    return pd.DataFrame(rows)


def sections(tab: pd.DataFrame, meta: dict[str, Any]) -> list[dict[str, Any]]:
    """The sections of sweep.html (id, title, html: rendered by the autoescaped templates)."""
    f = findings(tab, meta)
    spec = meta["spec"]
    failed = tab[tab["status"] != "ok"]
    units = meta.get("units", {})
    overview = render_template(
        "sections/sweep_overview.html.j2",
        description=spec["sweep"].get("description") or "",
        scenario=meta["scenario"], analyses=", ".join(spec["sweep"]["analyses"]), mode="quick" if spec["sweep"]["quick"] else "full",
        method=meta["method"], rows=len(tab), variants=int(tab["variant_id"].nunique()), factors=len(meta["factors"]),
        status=(f"{len(failed)} failed", "bad") if len(failed) else ("no failures", "ok"),
        parameters=table(_parameters_table(meta), caption="Uncertain parameters"),
        fixed=", ".join(f"{k} = {v}" for k, v in spec["sweep"].get("fixed", {}).items()),
        notes=list(meta.get("notes", [])) + list(f["notes"]),
    )
    out = [{"id": "sweep", "title": "The sweep", "html": overview}]
    out.append({"id": "hang", "title": "What the conclusions hang on", "html": hang_on_html(tab, meta, f, tables=True)})
    ok = tab[tab["status"] == "ok"]
    thr = spec.get("threshold", [])
    hists = []
    for o in f["outputs"][:12]:
        v = ok[o].to_numpy(float)
        hists.append(svg(_hist_svg(v[np.isfinite(v)], o, units.get(o.split(".")[0], ""), [t for t in thr if t["output"] == o])))
    out.append({"id": "distributions", "title": "Distributions", "html": render_template("sections/sweep_distributions.html.j2", quantiles=table(f["distributions"], caption="Outputs over the design (failed variants left out)", max_rows=60), charts=hists)})
    boxes = []
    for d in f["discovery"]:
        t = d["threshold"]
        b = d["box"]
        boxes.append({
            "label": t.get("label") or f"{t['output']} {t['op']} {t['value']:g}", "failing": int(d["failing"]), "n": int(d["n"]), "share": float(d["share"]),
            "lines": [f"Box: {' and '.join(b.describe()) or 'the whole space'}.", f"Coverage {b.coverage:.0%} of the failures; density {b.density:.0%} of the variants in the box fail; mass {b.mass:.0%} of all variants."] if d["failing"] else [],
        })
    out.append({"id": "discovery", "title": "Where the plan fails (scenario discovery, PRIM)", "html": render_template("sections/sweep_discovery.html.j2", boxes=boxes)})
    if len(failed):
        out.append({"id": "failed", "title": "Failed variants", "html": render_template("sections/sweep_failed.html.j2", failed=table(failed[["row", "variant_id", "error"]], caption="Each failed variant with its error", max_rows=50))})
    return out


def render(tab: pd.DataFrame, meta: dict[str, Any]) -> str:
    """sweep.html as one string (the report's CSS, inline SVG, no scripts)."""
    from backstop import __version__

    css = Markup((resources.files("backstop.report") / "templates" / "report.css").read_text(encoding="utf-8"))
    title = meta["spec"]["sweep"].get("title") or f"Sweep {meta['spec']['sweep']['name']}"
    return environment().get_template("sweep.html.j2").render(
        title=title, css=css, sections=sections(tab, meta), version=__version__,
        generated=datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
    )


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


def hang_on_section(path: str | Path) -> dict[str, Any]:
    """The 'what the conclusions hang on' section of the assess report, from a sweep table."""
    from backstop.sweep.store import read_sweep

    tab, meta = read_sweep(path)
    intro = {"name": meta["spec"]["sweep"]["name"], "method": meta["method"], "rows": len(tab), "scenario": meta["scenario"]}
    return {"name": "sweep", "title": "What the conclusions hang on", "html": hang_on_html(tab, meta, intro=intro), "status": ""}
