"""The report opened in headless Chromium (Debian package): non-blank screenshot, no console errors."""

from __future__ import annotations

import shutil

import pytest

CHROMIUM = shutil.which("chromium") or ("/usr/bin/chromium" if shutil.os.path.exists("/usr/bin/chromium") else None)
pytestmark = pytest.mark.browser


@pytest.fixture()
def report(quick_assess):
    assert quick_assess.code == 0, quick_assess.stderr
    return quick_assess.out / "report.html"


@pytest.mark.skipif(CHROMIUM is None, reason="Debian chromium not installed (apt-get install chromium)")
def test_report_renders_offline_without_console_errors(report, tmp_path):
    from PIL import Image
    from playwright.sync_api import sync_playwright

    errors: list[str] = []
    requests: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run"],
        )
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.on("request", lambda r: requests.append(r.url) if not r.url.startswith(("file:", "data:", "about:")) else None)
        page.goto(report.as_uri())
        page.wait_for_load_state("load")
        shot = tmp_path / "report.png"
        page.screenshot(path=str(shot), full_page=False)
        assert page.locator("section#summary").is_visible()
        assert page.locator("svg").count() >= 1
        browser.close()
    assert errors == []
    assert requests == [], f"the report tried to reach the network: {requests[:3]}"
    img = Image.open(shot).convert("L")
    lo, hi = img.getextrema()
    assert hi - lo > 100, "screenshot is blank"
    colours = len(img.histogram()) - img.histogram().count(0)
    assert colours > 20, "screenshot has almost no content"
