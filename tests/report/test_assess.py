"""`backstop assess` end to end: outputs, atomic writes, exit codes."""

from __future__ import annotations

import json
from html import unescape

from tests.conftest import run_cli


def test_assess_writes_report_json_and_csv(quick_assess):
    out = quick_assess.out
    assert quick_assess.code == 0, quick_assess.stderr
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "<svg" in html and "Assumptions and sources" in html
    for banned in ("http://", "https://"):
        # no external resources: scripts, styles, images or tiles
        for tag in ("<script src=", "<link ", "<img src=\"" + banned, "url(" + banned):
            assert tag not in html
    data = json.loads((out / "results.json").read_text())
    assert data["scenario"] == "ukraine-2025"
    assert "overview" in data["results"]
    assert (out / "overview_coalition.csv").is_file()


def test_assess_bad_scenario_writes_nothing(tmp_path, scenario_dir):
    (scenario_dir / "scenario.toml").write_text("[scenario]\nname='x'\n")  # as_of missing
    out = tmp_path / "out"
    code, _, err = run_cli("assess", str(scenario_dir), "-o", str(out))
    assert code == 2 and "as_of" in err
    assert not out.exists()
    assert not list(tmp_path.glob(".out-*"))


def test_assess_unknown_step_exit_2(tmp_path):
    code, _, err = run_cli("assess", "--only", "astrology", "-o", str(tmp_path / "o"))
    assert code == 2 and "astrology" in err


def test_report_lists_assumptions_and_summary(quick_assess):
    html = (quick_assess.out / "report.html").read_text(encoding="utf-8")
    text = unescape(html)
    data = json.loads((quick_assess.out / "results.json").read_text())
    assert "Summary" in html
    assert list(data["results"]) == list(quick_assess.results)
    assert html.count("<section class=\"card\"") == len(quick_assess.results) + 2
    for r in quick_assess.results.values():
        assert f'id="{r.name}"' in html
        for a in r.assumptions[:3]:
            assert a.text in text, (r.name, a.text)


def test_internal_error_exit_1_without_traceback(tmp_path, monkeypatch):
    from backstop import pipeline

    def boom(scenario, context=None):
        raise RuntimeError("simulated bug")

    broken = pipeline.Analysis("overview", "Scenario and coalition", boom)
    monkeypatch.setattr(pipeline, "ANALYSES", (broken, *pipeline.ANALYSES[1:]))
    out = tmp_path / "out"
    code, _, err = run_cli("assess", "-o", str(out))
    assert code == 1
    assert "internal error" in err and "simulated bug" in err and "Traceback" not in err
    assert not out.exists()


def test_sections_escape_text_and_insert_chart_svg_as_is(bundled):
    """Sections are autoescaped Jinja templates: text and table cells are escaped, chart SVG is not."""
    from importlib import resources

    import pandas as pd

    from backstop.report.frame import generic_section
    from backstop.report.html import environment, svg
    from backstop.results import Result

    r = Result("x", "x", summary=["<script>alert(1)</script> & co"], frames={"t_x": pd.DataFrame({"a<": ["<b>bold</b>"], "n": [1234.0]})})
    html = str(generic_section(r, bundled))
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt; &amp; co" in html
    assert "<h3>T x</h3>" in html and "<th>a&lt;</th>" in html and "<td>&lt;b&gt;bold&lt;/b&gt;</td>" in html
    assert "<td class='num'>1,234</td>" in html
    fig = environment().from_string('{% import "macros.html.j2" as m %}{{ m.figure(s, c) }}').render(s=svg("<svg><g/></svg>"), c="a <i>")
    assert fig == "<figure><svg><g/></svg><figcaption>a &lt;i&gt;</figcaption></figure>"
    templates = resources.files("backstop.report") / "templates"
    for t in [*templates.iterdir(), *(templates / "sections").iterdir()]:
        if t.name.endswith(".j2"):
            assert "|safe" not in t.read_text(encoding="utf-8").replace(" ", ""), t.name
