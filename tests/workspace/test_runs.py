"""Analysis runs as background jobs (issue 16): progress, reproducibility, cancel, killed workers, label propagation."""

from __future__ import annotations

import json
import os
import signal
import time

import pytest

from tests.workspace.conftest import AS_OF
from tests.workspace.helpers import add_users, bundled_files_b64, close, make_client, token

WAIT_S = 240  # a safety net only (quick forcegen takes seconds); no assertion depends on time


@pytest.fixture()
def ws(tmp_path):
    c = make_client(f"sqlite:///{tmp_path / 'ws.db'}", AS_OF, job_workers=2)
    add_users(c.app, [("pia", "NOR", "planner"), ("ana", "NOR", "poc"), ("fred", "FRA", "planner"), ("obs", "FRA", "observer"),
                      ("gus", "DEU", "guarantor")])
    h = {u: token(c, u) for u in ("pia", "ana", "fred", "obs", "gus")}
    r = c.post("/api/scenarios/ukraine-2025/revisions", json={"files": bundled_files_b64(), "message": "bundled"}, headers=h["pia"])
    assert r.status_code == 201, r.text
    yield c, h
    close(c)


def start(c, h, analysis="forcegen", seed=7, revision=1, **kw):
    r = c.post(f"/api/scenarios/ukraine-2025/revisions/{revision}/runs", json={"analysis": analysis, "seed": seed, "quick": True, **kw}, headers=h)
    assert r.status_code == 202, r.text
    return r.json()


def wait(c, h, rid, until=("done", "failed", "cancelled"), seen=None):
    deadline = time.monotonic() + WAIT_S
    while time.monotonic() < deadline:
        info = c.get(f"/api/runs/{rid}", headers=h).json()
        if seen is not None:
            seen.append(info["progress"])
        if info["status"] in until:
            return info
        time.sleep(0.1)
    raise AssertionError(f"run {rid} still {info['status']} after the safety net")


def small_revision(c, h) -> int:
    """Revision 2: the bundled scenario with its first 10 pledge lines (a forcegen solve of seconds, not a minute;
    the same solver path, with gaps and binding restrictions to report)."""
    import base64

    files = bundled_files_b64()
    lines = base64.b64decode(files["pledges.csv"]).decode().splitlines(keepends=True)
    files["pledges.csv"] = base64.b64encode("".join(lines[:11]).encode()).decode()
    r = c.post("/api/scenarios/ukraine-2025/revisions", json={"files": files, "message": "ten pledges", "base": 1}, headers=h)
    assert r.status_code == 201, r.text
    return r.json()["number"]


def test_run_completes_with_progress_files_and_byte_identical_results(ws):
    c, h = ws
    seen: list[str] = []
    rev = small_revision(c, h["pia"])
    a, b = start(c, h["pia"], revision=rev), start(c, h["pia"], revision=rev)  # the same revision and seed, on two workers at once
    assert a["status"] == "queued" and a["marking"].startswith("NOR")
    a = wait(c, h["pia"], a["id"], seen=seen)
    assert a["status"] == "done", a["error"]
    assert {"results.json", "report.html", "timings.json"} <= set(a["files"]) and any(f.endswith(".csv") for f in a["files"])
    assert any(p.startswith("running forcegen") or p == "done" for p in seen)
    results = json.loads(c.get(f"/api/runs/{a['id']}/files/results.json", headers=h["pia"]).content)
    assert "forcegen" in results["results"] and "runtime_s" not in json.dumps(results)
    b = wait(c, h["pia"], b["id"])
    ra = c.get(f"/api/runs/{a['id']}/files/results.json", headers=h["pia"]).content
    rb = c.get(f"/api/runs/{b['id']}/files/results.json", headers=h["pia"]).content
    assert ra == rb and a["results_sha256"] == b["results_sha256"]
    cmp = c.get(f"/api/compare?a={a['id']}&b={b['id']}", headers=h["pia"]).json()  # same inputs: no output row changed
    assert "forcegen_gaps" in cmp["frames"] and all(f["changed_rows"] == 0 for f in cmp["frames"].values())
    fg = results["results"]["forcegen"]  # a real plan: units assigned, gaps left, restrictions that bind
    assert fg["assignments"] and fg["gaps"] and fg["binding"] and "forcegen_binding" in cmp["frames"]
    # runs are linked to the revision and listed; observers may read but not start; unknown analysis is located
    assert [r["id"] for r in c.get("/api/runs?scenario=ukraine-2025", headers=h["pia"]).json()] == [b["id"], a["id"]]
    assert c.post("/api/scenarios/ukraine-2025/revisions/1/runs", json={"analysis": "forcegen"}, headers=h["obs"]).status_code == 403
    bad = c.post("/api/scenarios/ukraine-2025/revisions/1/runs", json={"analysis": "strike"}, headers=h["pia"])
    assert bad.status_code == 422 and bad.json()["problems"][0]["field"] == "analysis"
    assert c.post("/api/scenarios/ukraine-2025/revisions/9/runs", json={"analysis": "forcegen"}, headers=h["pia"]).status_code == 404


def test_cancel_and_killed_worker_leave_nothing_stored(ws):
    c, h = ws
    ws_ = c.app.state.ws
    # cancel while queued or running: cancelled, no files
    a = start(c, h["pia"], analysis="assess")
    r = c.post(f"/api/runs/{a['id']}/cancel", headers=h["pia"])
    assert r.status_code == 200 and r.json()["status"] == "cancelled"
    assert c.post(f"/api/runs/{a['id']}/cancel", headers=h["pia"]).status_code == 409
    # kill the worker of a running job: failed with the reason, no files
    b = start(c, h["pia"], analysis="assess")
    wait(c, h["pia"], b["id"], until=("running",))
    deadline = time.monotonic() + WAIT_S
    while ws_.jobs.pid_of(b["id"]) is None and time.monotonic() < deadline:
        time.sleep(0.05)
    os.kill(ws_.jobs.pid_of(b["id"]), signal.SIGKILL)
    b = wait(c, h["pia"], b["id"])
    assert b["status"] == "failed" and "killed" in b["error"] and b["files"] == []
    a = c.get(f"/api/runs/{a['id']}", headers=h["pia"]).json()
    assert a["status"] == "cancelled" and a["files"] == []
    assert c.get(f"/api/runs/{b['id']}/files/results.json", headers=h["pia"]).status_code == 404
    assert not list(ws_.jobs.scratch.iterdir())  # scratch folders removed


def test_worker_failure_is_reported_in_one_line(tmp_path):
    from backstop.workspace.jobs import execute

    job = tmp_path / "job"
    job.mkdir()
    with pytest.raises(SystemExit):
        execute({"files": {"scenario.toml": b"name = [broken"}, "analysis": "forcegen", "seed": 1, "quick": True}, str(job))
    assert (job / "error").read_text().strip() and not (job / "out").exists()


def test_result_from_national_only_pledge_is_visible_to_that_nation_alone(ws):
    c, h = ws
    r = c.post("/api/rounds", json={"name": "R1", "releasable_to": ["COALITION"]}, headers=h["pia"])
    assert r.status_code == 201, r.text
    rid = r.json()["id"]
    pledge = {"id": "NOR-X1", "capability": "mech_battalion", "quantity": 2}
    r = c.post(f"/api/rounds/{rid}/pledges", json={"data": pledge}, headers=h["ana"])  # national-only by default
    assert r.status_code == 201, r.text
    nor = wait(c, h["pia"], start(c, h["pia"], analysis="overview")["id"])
    assert nor["status"] == "done", nor["error"]
    assert nor["marking"] == "NOR ONLY" and [p["pledge_id"] for p in nor["inputs"]["pledges"]] == ["NOR-X1"]
    fra = wait(c, h["fred"], start(c, h["fred"], analysis="overview")["id"])
    assert fra["inputs"]["pledges"] == [] and "NOR" in fra["releasable_to"]
    for who in ("fred", "obs", "gus"):  # every route: run, file, list
        assert c.get(f"/api/runs/{nor['id']}", headers=h[who]).status_code == 404
        assert c.get(f"/api/runs/{nor['id']}/files/results.json", headers=h[who]).status_code == 404
        assert nor["id"] not in [x["id"] for x in c.get("/api/runs", headers=h[who]).json()]
        assert c.post(f"/api/runs/{nor['id']}/cancel", headers=h[who]).status_code == 404
    assert c.get(f"/api/runs/{nor['id']}/files/results.json", headers=h["ana"]).status_code == 200
    # once the scenario is hidden from FRA, its own run on it is 404 too
    sc = c.get("/api/scenarios/ukraine-2025", headers=h["pia"]).json()
    r = c.put("/api/scenarios/ukraine-2025/label", json={"releasable_to": [], "version": sc["version"]}, headers=h["pia"])
    assert r.status_code == 200, r.text
    assert c.get(f"/api/runs/{fra['id']}", headers=h["fred"]).status_code == 404
    assert c.post("/api/scenarios/ukraine-2025/revisions/1/runs", json={"analysis": "forcegen"}, headers=h["fred"]).status_code == 404


FIRED = (b"commitment,guarantor,step,kind,response,rule,against,trigger_time,deadline,deadline_hours,violations,assumption\n"
         b"deu-ad,DEU,2,air_defence,Reinforce air defence,each,RUS,2026-05-01T10:00:00,2026-05-04T10:00:00,72,V1,true\n"
         b"coal-consult,coalition,1,consult,Coalition consultations,each,RUS,2026-05-01T10:00:00,2099-01-01T00:00:00,24,V1,true\n")


def test_guarantor_sees_fired_commitments_acknowledges_and_overdue_is_flagged(tmp_path):
    from backstop.workspace.models import Run, RunFile
    from backstop.workspace.permissions import encode

    c = make_client(f"sqlite:///{tmp_path / 'ws.db'}", AS_OF, job_workers=0)
    try:
        add_users(c.app, [("pia", "NOR", "planner"), ("gus", "DEU", "guarantor"), ("gil", "FRA", "guarantor"), ("gaby", "GBR", "guarantor"),
                          ("obs", "DEU", "observer")])
        h = {u: token(c, u) for u in ("pia", "gus", "gil", "gaby", "obs")}
        assert c.post("/api/scenarios/ukraine-2025/revisions", json={"files": bundled_files_b64(), "message": "b"}, headers=h["pia"]).status_code == 201
        with c.app.state.ws.db.write() as s:  # a finished monitor run as the runner stores it, released to DEU and FRA only
            run = Run(scenario_id=1, revision=1, round_id=None, analysis="monitor", seed=1, quick=True, inputs="{}", status="done", progress="done",
                      error="", started_by="pia", created_at="2026-05-01T00:00:00Z", finished_at="2026-05-01T00:01:00Z", results_sha256="",
                      owner="NOR", releasable_to=encode(["DEU", "FRA"]))
            s.add(run)
            s.flush()
            s.add(RunFile(run_id=run.id, filename="monitor_commitments.csv", content=FIRED, sha256=""))
            rid = run.id
        deu = c.get(f"/api/runs/{rid}/commitments", headers=h["gus"]).json()
        assert [(f["commitment"], f["overdue"], f["acknowledged"]) for f in deu] == [("deu-ad", True, False), ("coal-consult", False, False)]
        fra = c.get(f"/api/runs/{rid}/commitments", headers=h["gil"]).json()
        assert [f["commitment"] for f in fra] == ["coal-consult"]  # FRA is a coalition member, not the DEU step's guarantor
        assert c.get(f"/api/runs/{rid}/commitments", headers=h["gaby"]).status_code == 404  # GBR is not in the run's label
        key = deu[0]["key"]
        assert c.post(f"/api/runs/{rid}/commitments/ack", json={"key": key, "action": ""}, headers=h["gus"]).status_code == 422
        assert c.post(f"/api/runs/{rid}/commitments/ack", json={"key": key, "action": "x"}, headers=h["obs"]).status_code == 403
        assert c.post(f"/api/runs/{rid}/commitments/ack", json={"key": key, "action": "x"}, headers=h["gil"]).status_code == 404
        r = c.post(f"/api/runs/{rid}/commitments/ack", json={"key": key, "action": "two batteries moved"}, headers=h["gus"])
        assert r.status_code == 201, r.text
        assert c.post(f"/api/runs/{rid}/commitments/ack", json={"key": key, "action": "again"}, headers=h["gus"]).status_code == 409
        deu = c.get(f"/api/runs/{rid}/commitments", headers=h["gus"]).json()
        assert deu[0]["acknowledged"] and not deu[0]["overdue"] and deu[0]["action"] == "two batteries moved"
        page = c.get("/", headers=h["gus"]).text
        assert "two batteries moved" in page and "Commitments fired to DEU" in page and "DEU, FRA" in page
        assert "coal-consult@2026-05-01" in c.get("/", headers=h["gil"]).text
        gbr = c.get("/", headers=h["gaby"]).text
        assert "coal-consult@" not in gbr and "no commitment fired to your state" in gbr
    finally:
        close(c)


def test_compare_two_runs_outputs_and_inputs(tmp_path):
    from backstop.workspace.compare import compare_frames
    from backstop.workspace.models import Run, RunFile
    from backstop.workspace.permissions import encode

    # the frame comparison: keyed by text columns, numbers with their change, rows only in one run
    a = b"capability,zone,required,filled,gap\nmech_battalion,kyiv,10,8,2\nhq_staff,kyiv,4,4,0\n"
    b = b"capability,zone,required,filled,gap\nmech_battalion,kyiv,10,6,4\nhq_staff,kyiv,4,4,0\nengineers,odesa,2,0,2\n"
    f = compare_frames(a, b)
    assert f["keys"] == ["capability", "zone"] and f["changed_rows"] == 2
    mech = next(r for r in f["rows"] if r["key"] == "mech_battalion / kyiv")
    assert {c["column"]: c["delta"] for c in mech["cells"]} == {"required": 0, "filled": -2, "gap": 2}
    assert next(r for r in f["rows"] if r["key"] == "engineers / odesa")["only"] == "b"

    c = make_client(f"sqlite:///{tmp_path / 'ws.db'}", AS_OF, job_workers=0)
    try:
        add_users(c.app, [("pia", "NOR", "planner"), ("fred", "FRA", "planner")])
        h = {u: token(c, u) for u in ("pia", "fred")}
        files = bundled_files_b64()
        assert c.post("/api/scenarios/ukraine-2025/revisions", json={"files": files, "message": "b"}, headers=h["pia"]).status_code == 201
        import base64

        toml = base64.b64decode(files["scenario.toml"]).replace(b"rotation_months = 6", b"rotation_months = 4")
        r = c.post("/api/scenarios/ukraine-2025/revisions", json={"files": {**files, "scenario.toml": base64.b64encode(toml).decode()},
                                                                  "message": "shorter", "base": 1}, headers=h["pia"])
        assert r.status_code == 201, r.text
        ids = []
        with c.app.state.ws.db.write() as s:
            for rev, gaps, rel in ((1, a, ["FRA"]), (2, b, [])):
                run = Run(scenario_id=1, revision=rev, round_id=None, analysis="forcegen", seed=1, quick=True, inputs="{}", status="done",
                          progress="done", error="", started_by="pia", created_at="2026-05-01T00:00:00Z", finished_at=None,
                          results_sha256="", owner="NOR", releasable_to=encode(rel))
                s.add(run)
                s.flush()
                s.add(RunFile(run_id=run.id, filename="forcegen_gaps.csv", content=gaps, sha256=""))
                ids.append(run.id)
        cmp = c.get(f"/api/compare?a={ids[0]}&b={ids[1]}", headers=h["pia"]).json()
        assert cmp["frames"]["forcegen_gaps"]["changed_rows"] == 2 and cmp["audience"] == ["NOR"]
        assert "forcegen.rotation_months" in json.dumps(cmp["revision_diff"])
        page = c.get(f"/compare?a={ids[0]}&b={ids[1]}", headers=h["pia"]).text
        assert "mech_battalion / kyiv" in page and "8 → 6 (-2)" in page and "rotation_months" in page and "NOR ONLY" in page
        # FRA sees run A but not run B (national-only): the comparison is 404 on both routes
        assert c.get(f"/api/runs/{ids[0]}", headers=h["fred"]).status_code == 200
        assert c.get(f"/api/compare?a={ids[0]}&b={ids[1]}", headers=h["fred"]).status_code == 404
        assert c.get(f"/compare?a={ids[0]}&b={ids[1]}", headers=h["fred"]).status_code == 404
    finally:
        close(c)


def test_meeting_record_and_minutes_cite_runs_and_keep_labels(tmp_path):
    from backstop.workspace.models import Run
    from backstop.workspace.permissions import encode

    c = make_client(f"sqlite:///{tmp_path / 'ws.db'}", AS_OF, job_workers=0)
    try:
        add_users(c.app, [("pia", "NOR", "planner"), ("fred", "FRA", "planner"), ("obs", "FRA", "observer")])
        h = {u: token(c, u) for u in ("pia", "fred", "obs")}
        assert c.post("/api/scenarios/ukraine-2025/revisions", json={"files": bundled_files_b64(), "message": "b"}, headers=h["pia"]).status_code == 201
        ids = []
        with c.app.state.ws.db.write() as s:
            for rel in (["COALITION"], []):  # a coalition run and a Norwegian national-only run
                run = Run(scenario_id=1, revision=1, round_id=None, analysis="forcegen", seed=1, quick=True, inputs="{}", status="done",
                          progress="done", error="", started_by="pia", created_at="2026-05-01T00:00:00Z", finished_at=None,
                          results_sha256="ab" * 32, owner="NOR", releasable_to=encode(rel))
                s.add(run)
                s.flush()
                ids.append(run.id)
        r = c.post("/api/meetings", json={"title": "Chiefs VTC", "date": "2026-06-02", "nations": ["NOR", "FRA", "GBR"]}, headers=h["pia"])
        assert r.status_code == 201, r.text
        mid = r.json()["id"]
        assert c.post("/api/meetings", json={"title": "x", "date": "June", "nations": ["NOR"]}, headers=h["pia"]).status_code == 422
        assert c.post("/api/meetings", json={"title": "x", "date": "2026-06-02", "nations": ["NOR"]}, headers=h["obs"]).status_code == 403
        add = lambda body, who="pia": c.post(f"/api/meetings/{mid}/items", json=body, headers=h[who])  # noqa: E731
        assert add({"kind": "agenda", "text": "Force options", "run_id": ids[0], "scenario": "ukraine-2025", "revision": 1}).status_code == 201
        assert add({"kind": "decision", "text": "Adopt option A", "run_id": ids[0], "owner_nation": "FRA", "due_date": "2026-07-01"}).status_code == 201
        assert add({"kind": "decision", "text": "Norway fills the gap", "run_id": ids[1], "owner_nation": "NOR", "due_date": "2026-07-15"}).status_code == 201
        assert add({"kind": "decision", "text": "no evidence", "owner_nation": "NOR", "due_date": "2026-07-15"}).status_code == 422
        assert add({"kind": "agenda", "text": "x", "run_id": ids[1]}, who="fred").status_code == 404  # the NOR-only run is hidden from FRA
        md = c.get(f"/api/meetings/{mid}/minutes.md", headers=h["pia"]).text
        assert f"run #{ids[0]}" in md and f"run #{ids[1]}" in md and "NOR ONLY" in md and "| Adopt option A | FRA | 2026-07-01 |" in md
        html = c.get(f"/api/meetings/{mid}/minutes.html", headers=h["pia"]).text
        assert "<script" not in html and "src=" not in html and "href=" not in html and f"run #{ids[1]}" in html
        fra = c.get(f"/api/meetings/{mid}/minutes.md", headers=h["obs"]).text  # FRA reads the minutes without the NOR-only decision
        assert f"run #{ids[0]}" in fra and f"run #{ids[1]}" not in fra and "Norway fills the gap" not in fra
        assert "Norway fills the gap" not in c.get(f"/api/meetings/{mid}/minutes.html", headers=h["obs"]).text
        assert [i["text"] for i in c.get(f"/api/meetings/{mid}", headers=h["obs"]).json()["items"]] == ["Force options", "Adopt option A"]
    finally:
        close(c)
