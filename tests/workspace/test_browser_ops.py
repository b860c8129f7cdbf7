"""Workspace operations in Debian's Chromium (Playwright): the guarantors' workflow, the meeting record, the planner's story.

Default suite (runs stored as the job runner stores them, no analysis executed): a guarantor uploads incidents
(a bad file first: located messages, nothing saved), acknowledges an overdue commitment on her dashboard with
the action taken and follows the violation's timeline; the planner records a meeting, its decisions citing
runs, and downloads the minutes.

Slow (``make test-slow``): the issue's story with real jobs: the planner starts ``forcegen`` and watches its
progress, Norway's point of contact withdraws a pledge, the planner runs again and compares (the gap changes),
a monitor run fires commitments that a guarantor acknowledges, and the minutes cite both forcegen runs.
No console errors but the deliberate error answers; no request leaves the server.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from tests.workspace.conftest import AS_OF
from tests.workspace.helpers import (
    PASSWORD,
    add_users,
    bundled_files_b64,
    close,
    make_client,
    token,
)
from tests.workspace.live import LiveServer

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run"]
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="Debian chromium not installed (apt-get install chromium)"),
]
ACLED = "event_date,event_type,sub_event_type,actor1,admin1,location,latitude,longitude,fatalities,injured,source\n"
ROW = "2025-09-20,Explosions/Remote violence,Air/drone strike,Military Forces of Russia,Kharkiv,Kharkiv,49.9935,36.2304,1,6,Kharkiv administration (official)\n"
REGISTER = (b"violation_id,event_date,violation_class,party,severity,major,status,confidence,location,origin,event_ids\n"
            b"V000001,2025-09-20,strike_civilian,RUS,3,False,probable,0.6,Kharkiv,report,X-002\n")
FIRED = (b"commitment,guarantor,step,kind,response,rule,against,trigger_time,deadline,deadline_hours,violations,assumption\n"
         b"coal-ad,coalition,2,air_defence,Reinforce Ukrainian air defence,each,RUS,2025-09-21T00:00:00,2025-09-24T00:00:00,72,V000001,true\n")


class Browser:
    """Chromium pages that record console errors and any request outside the server."""

    def __init__(self, p, base: str) -> None:
        self.base, self.errors, self.outside = base, [], []
        self.browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)

    def sign_in(self, user: str):
        page = self.browser.new_context(accept_downloads=True).new_page()
        page.on("console", lambda m: self.errors.append(f"{user}: {m.text}") if m.type == "error" else None)
        page.on("pageerror", lambda e: self.errors.append(f"{user}: {e}"))
        page.on("request", lambda r: self.outside.append(r.url) if not r.url.startswith(self.base) else None)
        page.goto(f"{self.base}/")
        page.fill("#name", user)
        page.fill("#password", PASSWORD)
        page.click("#signin")
        page.wait_for_url(f"{self.base}/")
        return page

    def unexpected_errors(self, statuses: list[str]) -> list[str]:
        """Console errors other than Chromium's notes of the deliberate error answers (which must all be there)."""
        pat = re.compile(r"Failed to load resource: the server responded with a status of (\d+) ")
        seen = sorted(m.group(1) for e in self.errors if (m := pat.search(e)))
        assert seen == sorted(statuses), self.errors
        return [e for e in self.errors if not pat.search(e)]


def _download(page, selector: str) -> str:
    with page.expect_download() as d:
        page.click(selector)
    return Path(d.value.path()).read_text(encoding="utf-8")


def _stored_runs(app) -> tuple[int, int]:
    """A monitor run and a forcegen run, COALITION, as the job runner stores them."""
    from backstop.workspace.models import Run, RunFile
    from backstop.workspace.permissions import encode

    ids = []
    with app.state.ws.db.write() as s:
        for analysis, files in (("monitor", {"monitor_register.csv": REGISTER, "monitor_commitments.csv": FIRED}), ("forcegen", {})):
            run = Run(scenario_id=1, revision=1, round_id=None, analysis=analysis, seed=1, quick=True, inputs="{}", status="done", progress="done",
                      error="", started_by="pia", created_at="2026-05-01T00:00:00Z", finished_at="2026-05-01T00:01:00Z", results_sha256="cd" * 32,
                      owner="NOR", releasable_to=encode(["COALITION"]))
            s.add(run)
            s.flush()
            s.add(RunFile(run_id=run.id, filename="results.json", content=b'{"results": {}}', sha256=""))
            for name, data in files.items():
                s.add(RunFile(run_id=run.id, filename=name, content=data, sha256=""))
            ids.append(run.id)
    return ids[0], ids[1]


def test_guarantor_acknowledges_and_planner_records_the_meeting_in_chromium(tmp_path):
    sync_api = pytest.importorskip("playwright.sync_api")
    client = make_client(f"sqlite:///{tmp_path / 'ws.db'}", AS_OF, job_workers=0)
    add_users(client.app, [("pia", "NOR", "planner"), ("gun", "NOR", "guarantor")])
    assert client.post("/api/scenarios/ukraine-2025/revisions", json={"files": bundled_files_b64()}, headers=token(client, "pia")).status_code == 201
    monitor_id, forcegen_id = _stored_runs(client.app)
    server = LiveServer(client.app).start()
    base = server.url
    try:
        with sync_api.sync_playwright() as p:
            b = Browser(p, base)
            gun = b.sign_in("gun")
            # incidents: a bad upload shows every located problem and saves nothing; a good one is listed with its marking
            gun.click("nav a[href='/incidents']")
            gun.set_input_files("#incident-upload input[type=file]", files=[{"name": "kharkiv.csv", "mimeType": "text/csv",
                                                                            "buffer": (ACLED + ROW + ROW.replace("49.9935", "95")).encode()}])
            gun.click("#upload-incidents")
            problems = gun.inner_text("#problems")
            assert "kharkiv.csv" in problems and "line 3" in problems and "latitude" in problems and "95" in problems
            assert "WS-" not in gun.inner_text("#incidents")
            gun.set_input_files("#incident-upload input[type=file]", files=[{"name": "kharkiv.csv", "mimeType": "text/csv",
                                                                            "buffer": (ACLED + ROW).encode()}])
            gun.click("#upload-incidents")
            gun.wait_for_url(re.compile(r".*/incidents\?saved=1$"))
            assert "NOR ONLY" in gun.locator("tr[data-incident='WS-1']").inner_text()
            # the dashboard: the fired step is overdue; she acknowledges it with the action taken
            gun.goto(f"{base}/")
            row = gun.locator("#fired tr", has_text="coal-ad")
            assert "OVERDUE" in row.inner_text()
            row.locator("input[name=action]").fill("two batteries moved to Kharkiv")
            row.locator("button").click()
            gun.wait_for_url(f"{base}/")
            row = gun.locator("#fired tr", has_text="coal-ad")
            assert "acknowledged by gun" in row.inner_text() and "two batteries moved to Kharkiv" in row.inner_text()
            # the violation's timeline: reported, classified, fired, acknowledged, action
            row.locator("a", has_text="V000001").click()
            gun.wait_for_url(re.compile(r".*/violations/V000001$"))
            steps = gun.locator("#timeline tr[data-step]").all_inner_texts()
            assert [s.split("\t")[0] for s in steps] == ["reported", "classified", "commitment fired", "acknowledged", "action"]
            assert "two batteries moved to Kharkiv" in steps[-1] and "gun (NOR)" in steps[-1]

            pia = b.sign_in("pia")
            pia.click("nav a[href='/meetings']")
            pia.fill("#m-title", "Chiefs of defence VTC")
            pia.fill("#m-date", "2026-06-02")
            pia.fill("#m-nations", "NOR; FRA; GBR")
            pia.click("#create-meeting")
            pia.wait_for_url(re.compile(r".*/meetings/\d+$"))
            meeting_url = pia.url
            pia.select_option("#it-kind", "decision")
            pia.fill("#it-text", "Deploy two more air defence batteries to Kharkiv")
            pia.select_option("#it-run", str(monitor_id))
            pia.fill("#it-violation", "V000001")
            pia.fill("#it-owner", "NOR")
            pia.fill("#it-due", "next week")
            pia.click("#add-item")
            assert "due_date" in pia.inner_text("#problems") and "next week" in pia.inner_text("#problems")
            assert pia.input_value("#it-text") == "Deploy two more air defence batteries to Kharkiv"  # the form is kept
            pia.fill("#it-due", "2026-06-09")
            pia.click("#add-item")
            pia.wait_for_url(meeting_url)
            pia.select_option("#it-kind", "decision")
            pia.fill("#it-text", "Adopt force option A")
            pia.select_option("#it-run", str(forcegen_id))
            pia.fill("#it-owner", "GBR")
            pia.fill("#it-due", "2026-07-01")
            pia.click("#add-item")
            pia.wait_for_url(meeting_url)
            assert f"run #{monitor_id}" in pia.inner_text("#decisions") and f"run #{forcegen_id}" in pia.inner_text("#decisions")
            md = _download(pia, "#minutes-md")
            assert f"run #{monitor_id} (monitor" in md and f"run #{forcegen_id} (forcegen" in md and "| Adopt force option A | GBR | 2026-07-01 |" in md
            html = _download(pia, "#minutes-html")
            assert "Deploy two more air defence batteries" in html and "<script" not in html and "href=" not in html
            b.browser.close()
    finally:
        server.stop()
        close(client)
    assert b.unexpected_errors(["422", "422"]) == []
    assert b.outside == []


@pytest.mark.slow
def test_planner_story_forcegen_withdrawn_pledge_compare_ack_and_minutes_in_chromium(tmp_path):
    """The issue's evidence, with real jobs: progress, a withdrawn pledge changes the gap, a fired commitment acknowledged, minutes cite both runs."""
    sync_api = pytest.importorskip("playwright.sync_api")
    client = make_client(f"sqlite:///{tmp_path / 'ws.db'}", AS_OF, job_workers=2)
    add_users(client.app, [("pia", "NOR", "planner"), ("ana", "NOR", "poc"), ("gun", "NOR", "guarantor")])
    h = token(client, "pia")
    assert client.post("/api/scenarios/ukraine-2025/revisions", json={"files": bundled_files_b64()}, headers=h).status_code == 201
    round_id = client.post("/api/rounds", json={"name": "Round 1", "releasable_to": ["COALITION"]}, headers=h).json()["id"]
    server = LiveServer(client.app).start()
    base = server.url

    def run_from_page(page, analysis: str, states: list[str]) -> int:
        page.goto(f"{base}/scenarios/ukraine-2025")
        page.select_option("#start-run select[name=analysis]", analysis)
        page.check("#start-run input[name=quick]")
        page.click("#start-run button")
        page.wait_for_url(re.compile(r".*/runs/\d+$"))
        states.append(page.inner_text("#run-state"))
        page.wait_for_selector("#run-files", timeout=600_000)  # the page polls the run and reloads when it is done
        assert page.inner_text("#run-state") == "done"
        return int(page.url.rsplit("/", 1)[1])

    try:
        with sync_api.sync_playwright() as p:
            b = Browser(p, base)
            ana = b.sign_in("ana")
            for pid, cap, qty in (("NOR-MECH", "mech_battalion", "3"), ("NOR-HQ", "hq_staff", "1")):
                ana.goto(f"{base}/rounds/{round_id}")
                ana.fill("#f-id", pid)
                ana.fill("#f-capability", cap)
                ana.fill("#f-quantity", qty)
                ana.fill("#f-rel", "COALITION")
                ana.click("#save-pledge")
                ana.wait_for_url(f"{base}/rounds/{round_id}")
            pia = b.sign_in("pia")
            states: list[str] = []
            first = run_from_page(pia, "forcegen", states)
            assert states[0] in ("queued", "running")
            # Norway's point of contact withdraws a pledge
            ana.goto(f"{base}/rounds/{round_id}")
            ana.locator("tr[data-pledge='NOR-MECH'] a").click()
            ana.on("dialog", lambda d: d.accept())
            ana.click("form[action$='/delete'] button")
            ana.wait_for_url(f"{base}/rounds/{round_id}")
            assert ana.locator("tr[data-pledge='NOR-MECH']").count() == 0
            second = run_from_page(pia, "forcegen", states)
            pia.fill("#compare-form input[name=a]", str(first))
            pia.click("#compare-form button")
            pia.wait_for_url(re.compile(r".*/compare\?.*"))
            gaps = pia.inner_text("#frame-forcegen_gaps")
            assert re.search(r"forcegen_gaps: [1-9]\d* row\(s\) changed", gaps), gaps
            assert "mech_battalion" in pia.inner_text("main") and "NOR-MECH" in pia.inner_text("#compare-runs")
            monitor = run_from_page(pia, "monitor", states)
            # a guarantor acknowledges a fired commitment
            gun = b.sign_in("gun")
            row = gun.locator("#fired tr", has_text="coal-consult").first
            row.locator("input[name=action]").fill("consultations held at chiefs-of-defence level")
            row.locator("button").click()
            gun.wait_for_url(f"{base}/")
            assert "consultations held" in gun.inner_text("#fired")
            # the meeting: decisions citing both forcegen runs; minutes cite both
            pia.goto(f"{base}/meetings")
            pia.fill("#m-title", "Chiefs of defence VTC")
            pia.fill("#m-date", "2026-06-02")
            pia.fill("#m-nations", "NOR; FRA; GBR")
            pia.click("#create-meeting")
            pia.wait_for_url(re.compile(r".*/meetings/\d+$"))
            meeting_url = pia.url
            for rid, text in ((first, "Option A as pledged in round 1"), (second, "Fill the mech battalion gap left by the withdrawal"),
                              (monitor, "Keep coalition consultations running")):
                pia.select_option("#it-kind", "decision")
                pia.fill("#it-text", text)
                pia.select_option("#it-run", str(rid))
                pia.fill("#it-owner", "NOR")
                pia.fill("#it-due", "2026-07-01")
                pia.click("#add-item")
                pia.wait_for_url(meeting_url)
            md = _download(pia, "#minutes-md")
            assert f"run #{first} (forcegen" in md and f"run #{second} (forcegen" in md and f"run #{monitor} (monitor" in md
            b.browser.close()
    finally:
        server.stop()
        close(client)
    assert b.unexpected_errors([]) == []
    assert b.outside == []
