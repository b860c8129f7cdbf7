"""The report layer: one self-contained offline HTML file, results.json and CSV tables.

It consumes typed :class:`~backstop.results.Result` objects; nothing in the core imports it.
Each capability's section lives in ``report/sections/<result.name>.py`` with a
``render(result, scenario) -> Markup`` function that prepares plain data and renders the
autoescaped Jinja template ``templates/sections/<result.name>.html.j2`` (building blocks in
``templates/macros.html.j2``); results without a section module get the generic rendering
(summary and tables).
"""

from backstop.report.frame import render_report
from backstop.report.writer import write_outputs

__all__ = ["render_report", "write_outputs"]
