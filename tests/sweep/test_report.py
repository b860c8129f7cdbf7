"""sweep.html: the report's autoescaped templates (no markup from the data), and the page opened in
headless Chromium (Debian package) with no console errors and no network request."""

from __future__ import annotations

import copy

import pytest

from backstop.sweep.report import render
from backstop.sweep.run import metadata
from tests.report.test_browser import CHROMIUM


def test_sweep_html_escapes_spec_text_and_errors(tiny_serial):
    plan, table, _ = tiny_serial
    meta = copy.deepcopy(metadata(plan))
    meta["spec"]["sweep"]["title"] = "Title <i>x</i>"
    meta["spec"]["sweep"]["description"] = "<script>alert(1)</script> & more"
    meta["spec"]["parameter"][0]["description"] = "<img src=x onerror=alert(2)>"
    tab = table.copy()
    tab.loc[0, "status"] = "error"
    tab.loc[0, "error"] = "ValueError: <b>bad</b>"
    html = render(tab, meta)
    assert "<script" not in html and "<img" not in html and "<b>bad</b>" not in html and "<i>x</i>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; more" in html
    assert "ValueError: &lt;b&gt;bad&lt;/b&gt;" in html and "Title &lt;i&gt;x&lt;/i&gt;" in html
    assert html.count("<svg") >= 4  # matplotlib's charts, inline
    for section in ("id=\"sweep\"", "id=\"hang\"", "id=\"distributions\"", "id=\"discovery\"", "id=\"failed\""):
        assert section in html


@pytest.mark.browser
@pytest.mark.skipif(CHROMIUM is None, reason="Debian chromium not installed (apt-get install chromium)")
def test_sweep_html_opens_offline_without_console_errors(tiny_serial, tmp_path):
    from playwright.sync_api import sync_playwright

    plan, table, _ = tiny_serial
    page_file = tmp_path / "sweep.html"
    page_file.write_text(render(table, metadata(plan)), encoding="utf-8")
    errors: list[str] = []
    requests: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run"])
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.on("request", lambda r: requests.append(r.url) if not r.url.startswith(("file:", "data:", "about:")) else None)
        page.goto(page_file.as_uri())
        page.wait_for_load_state("load")
        assert page.locator("section#hang").is_visible()
        assert page.locator("section#hang svg").count() >= 1
        assert "hangs most on" in page.locator("section#hang").inner_text()
        browser.close()
    assert errors == []
    assert requests == [], f"sweep.html tried to reach the network: {requests[:3]}"
