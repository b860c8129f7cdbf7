"""Charts as inline SVG (matplotlib, Agg backend; no JavaScript, no network)."""

from __future__ import annotations

import io
import re

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

PALETTE = ["#1f4e79", "#c55a11", "#548235", "#7f6000", "#7030a0", "#2e75b6", "#bf9000", "#a5a5a5"]

STYLE = {
    "svg.fonttype": "none",
    "font.family": "sans-serif",
    "font.size": 9,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.prop_cycle": matplotlib.cycler(color=PALETTE),
    "axes.grid": True,
    "grid.alpha": 0.3,
    "figure.dpi": 100,
}


def new_figure(width_in: float = 7.0, height_in: float = 3.2):
    """A styled figure and axes."""
    with plt.rc_context(STYLE):
        fig, ax = plt.subplots(figsize=(width_in, height_in))
    return fig, ax


def to_svg(fig) -> str:
    """Render and close a figure; return the ``<svg>`` element (no XML prolog, no fixed size)."""
    buf = io.StringIO()
    with plt.rc_context(STYLE):
        fig.savefig(buf, format="svg", bbox_inches="tight", metadata={"Date": None, "Creator": None})
    plt.close(fig)
    svg = buf.getvalue()
    svg = svg[svg.index("<svg") :]
    # scale to the container: drop fixed width/height, keep the viewBox
    svg = re.sub(r'<svg([^>]*?) width="[^"]*" height="[^"]*"', r'<svg\1 class="chart"', svg, count=1)
    return svg


def bar_chart(labels, values, *, title: str = "", xlabel: str = "", ylabel: str = "", horizontal: bool = False, reference=None, reference_label: str = "") -> str:
    """A simple bar chart; ``reference`` draws a second series as markers (e.g. fair share)."""
    n = len(labels)
    fig, ax = new_figure(7.0, max(2.5, 0.22 * n + 1) if horizontal else 3.2)
    with plt.rc_context(STYLE):
        if horizontal:
            ax.barh(range(n), values, color=PALETTE[0])
            ax.set_yticks(range(n), labels)
            ax.invert_yaxis()
            if reference is not None:
                ax.scatter(reference, range(n), marker="|", s=200, color=PALETTE[1], label=reference_label, zorder=3)
        else:
            ax.bar(range(n), values, color=PALETTE[0])
            ax.set_xticks(range(n), labels, rotation=45 if n > 8 else 0, ha="right" if n > 8 else "center")
            if reference is not None:
                ax.scatter(range(n), reference, marker="_", s=200, color=PALETTE[1], label=reference_label, zorder=3)
        if reference is not None and reference_label:
            ax.legend(frameon=False)
        ax.set_title(title, loc="left")
        ax.set_xlabel(xlabel)
        ax.set_ylabel(ylabel)
    return to_svg(fig)
