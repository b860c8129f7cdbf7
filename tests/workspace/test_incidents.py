"""Guarantors' workflow (issue 16): incidents entered or uploaded, the register of a monitor run, a violation's timeline.

Uploads and the form are checked by the monitor's own row checks (located messages, nothing saved on error);
a monitor run reads the incidents released to the planner's nation and carries their label; the timeline of a
violation goes from the incident's report to the guarantor's action, each step with its time and who.
"""

from __future__ import annotations

import time

import pytest

from tests.workspace.conftest import AS_OF
from tests.workspace.helpers import add_users, bundled_files_b64, close, make_client, token

WAIT_S = 300  # a safety net only; no assertion depends on time

ACLED_HEADER = "event_date,event_type,sub_event_type,actor1,actor2,admin1,location,latitude,longitude,fatalities,injured,notes,source\n"
STRIKE = ("2025-09-20,Explosions/Remote violence,Air/drone strike,Military Forces of Russia,Civilians (Ukraine),Kharkiv,Kharkiv,"
          "49.9935,36.2304,1,6,Drone strike on a residential district (test report),Kharkiv regional administration (official)\n")
AIR_HEADER = "time_start,time_end,model,launched,destroyed,target\n"


@pytest.fixture()
def client(tmp_path):
    c = make_client(f"sqlite:///{tmp_path / 'ws.db'}", AS_OF, job_workers=0)
    add_users(c.app, [("pia", "NOR", "planner"), ("ana", "NOR", "poc"), ("gun", "NOR", "guarantor"), ("gil", "FRA", "guarantor"),
                      ("obs", "FRA", "observer")])
    h = {u: token(c, u) for u in ("pia", "ana", "gun", "gil", "obs")}
    assert c.post("/api/scenarios/ukraine-2025/revisions", json={"files": bundled_files_b64(), "message": "b"}, headers=h["pia"]).status_code == 201
    yield c, h
    close(c)


def _upload(c, h, name: str, text: str, rel: str = ""):
    return c.post("/api/incidents/upload", files={"file": (name, text.encode(), "text/csv")}, data={"releasable_to": rel}, headers=h)


def test_upload_and_form_use_the_monitors_row_checks_and_save_nothing_on_error(client):
    c, h = client
    bad = ACLED_HEADER + STRIKE + STRIKE.replace("49.9935", "95").replace("2025-09-20", "2025-02-30")
    r = _upload(c, h["gun"], "reports.csv", bad)
    assert r.status_code == 422
    probs = {(p["file"], p["location"], p["field"], p["value"]) for p in r.json()["problems"]}
    assert ("reports.csv", "line 3", "latitude", "95") in probs and ("reports.csv", "line 3", "event_date", "2025-02-30") in probs
    assert all(p["hint"] for p in r.json()["problems"])
    assert c.get("/api/incidents", headers=h["gun"]).json() == []  # line 2 was fine, yet nothing is saved
    # Air Force summary shape: the cross-field check (destroyed > launched) is the monitor's
    r = _upload(c, h["gun"], "air.csv", AIR_HEADER + "2025-09-21 18:00,2025-09-22 08:00,Shahed-136/131,80,90,Kyiv\n")
    assert r.status_code == 422 and r.json()["problems"][0]["field"] == "destroyed" and r.json()["problems"][0]["location"] == "line 2"
    r = _upload(c, h["gun"], "air.csv", AIR_HEADER + "2025-09-21 18:00,2025-09-22 08:00,Shahed-136/131,80,71,Kyiv\n", rel="COALITION")
    assert r.status_code == 201 and r.json()[0]["kind"] == "air" and r.json()[0]["marking"] == "NOR // REL TO COALITION"
    # not an incident file; a wrong extension; over the size limit (413 before reading, or located 422)
    r = _upload(c, h["gun"], "pledges.csv", "id,capability\nX,mech\n")
    assert r.status_code == 422 and "required columns missing" in r.json()["problems"][0]["message"]
    assert _upload(c, h["gun"], "reports.exe", ACLED_HEADER + STRIKE).status_code == 422
    assert _upload(c, h["gun"], "big.csv", ACLED_HEADER + STRIKE * 12_000).status_code == 413
    # the JSON form: located to the form's fields
    r = c.post("/api/incidents", json={"data": {"event_date": "yesterday", "latitude": 50, "longitude": "east"}}, headers=h["gun"])
    assert r.status_code == 422
    assert {(p["file"], p["field"], p["value"]) for p in r.json()["problems"]} == {("<form>", "event_date", "yesterday"), ("<form>", "longitude", "east")}
    # observers may not report; hidden incidents answer 404
    assert _upload(c, h["obs"], "reports.csv", ACLED_HEADER + STRIKE).status_code == 403
    r = c.post("/api/incidents", json={"data": {"event_date": "2025-09-20", "latitude": 49.99, "longitude": 36.23}}, headers=h["ana"])
    assert r.status_code == 201 and r.json()["marking"] == "NOR ONLY"
    iid = r.json()["id"]
    assert c.get(f"/api/incidents/{iid}", headers=h["gil"]).status_code == 404
    assert c.get(f"/api/incidents/{iid}", headers=h["gun"]).status_code == 200
    assert [i["kind"] for i in c.get("/api/incidents", headers=h["gil"]).json()] == ["air"]  # FRA sees the coalition summary only
    # the page: located problems in the page, 422, the form kept, never a traceback
    page = c.get("/incidents", headers=h["gun"])
    assert page.status_code == 200 and "WS-" in page.text
    r = c.post("/incidents", data={"event_date": "2025-09-20", "latitude": "49.9", "longitude": "200"}, headers=h["gun"])
    assert r.status_code == 422 and "longitude" in r.text and "200" in r.text and "nothing was saved" in r.text and "Traceback" not in r.text


def _wait(c, h, rid):
    deadline = time.monotonic() + WAIT_S
    while time.monotonic() < deadline:
        info = c.get(f"/api/runs/{rid}", headers=h).json()
        if info["status"] in ("done", "failed", "cancelled"):
            return info
        time.sleep(0.2)
    raise AssertionError(f"run {rid} still {info['status']} after the safety net")


def test_monitor_run_reads_released_incidents_and_the_timeline_runs_from_report_to_action(tmp_path):
    """A national-only report becomes a violation in a NOR-only register; a NOR guarantor acknowledges; the timeline shows it all."""
    c = make_client(f"sqlite:///{tmp_path / 'ws.db'}", AS_OF, job_workers=1)
    try:
        add_users(c.app, [("pia", "NOR", "planner"), ("gun", "NOR", "guarantor"), ("gil", "FRA", "guarantor"), ("fred", "FRA", "planner")])
        h = {u: token(c, u) for u in ("pia", "gun", "gil", "fred")}
        assert c.post("/api/scenarios/ukraine-2025/revisions", json={"files": bundled_files_b64(), "message": "b"}, headers=h["pia"]).status_code == 201
        r = _upload(c, h["gun"], "kharkiv.csv", ACLED_HEADER + STRIKE)  # NOR only
        assert r.status_code == 201, r.text
        ws_id = r.json()[0]["event_id"]
        r = c.post("/api/scenarios/ukraine-2025/revisions/1/runs", json={"analysis": "monitor", "seed": 1, "quick": True}, headers=h["pia"])
        assert r.status_code == 202, r.text
        run = _wait(c, h["pia"], r.json()["id"])
        assert run["status"] == "done", run["error"]
        assert run["marking"] == "NOR ONLY" and [i["id"] for i in run["inputs"]["incidents"]] == [int(ws_id[3:])]
        reg = c.get(f"/api/runs/{run['id']}/register", headers=h["pia"]).json()
        mine = [v for v in reg if ws_id in v["event_ids"].split(";")]
        assert len(mine) == 1 and mine[0]["violation_class"] == "strike_civilian" and mine[0]["party"] == "RUS"
        vid = mine[0]["violation_id"]
        # France sees neither the run, its register, the timeline, its fired commitments nor the pages
        for path in (f"/api/runs/{run['id']}", f"/api/runs/{run['id']}/register", f"/api/runs/{run['id']}/violations/{vid}",
                     f"/api/runs/{run['id']}/commitments", f"/runs/{run['id']}/register", f"/runs/{run['id']}/violations/{vid}",
                     f"/api/runs/{run['id']}/files/monitor_register.csv", f"/runs/{run['id']}/files/results.json",
                     f"/api/compare?a={run['id']}&b={run['id']}", f"/compare?a={run['id']}&b={run['id']}", f"/runs/{run['id']}"):
            assert c.get(path, headers=h["gil"]).status_code == 404, path
            assert c.get(path, headers=h["gun"]).status_code == 200, path
        # minutes: a coalition meeting's decision resting on that run is absent from France's minutes and page
        mid = c.post("/api/meetings", json={"title": "VTC", "date": "2026-06-02", "nations": ["NOR", "FRA"]}, headers=h["pia"]).json()["id"]
        r = c.post(f"/api/meetings/{mid}/items", json={"kind": "decision", "text": "Answer the Kharkiv strike", "run_id": run["id"], "violation": vid,
                                                       "owner_nation": "NOR", "due_date": "2026-06-09"}, headers=h["pia"])
        assert r.status_code == 201, r.text
        assert "Answer the Kharkiv strike" in c.get(f"/api/meetings/{mid}/minutes.md", headers=h["gun"]).text
        for path in (f"/api/meetings/{mid}/minutes.md", f"/meetings/{mid}/minutes.html", f"/meetings/{mid}", f"/api/meetings/{mid}"):
            r = c.get(path, headers=h["gil"])
            assert r.status_code == 200 and "Answer the Kharkiv strike" not in r.text and vid not in r.text, path
        assert run["id"] not in [x["id"] for x in c.get("/api/runs", headers=h["fred"]).json()]
        # Norway's guarantor (a coalition member) sees the steps fired by that violation and acknowledges one
        fired = [f for f in c.get(f"/api/runs/{run['id']}/commitments", headers=h["gun"]).json() if vid in f["violations"].split(";")]
        assert fired and all(f["overdue"] for f in fired)  # deadlines in 2025: overdue until acknowledged
        key = fired[0]["key"]
        r = c.post(f"/api/runs/{run['id']}/commitments/ack", json={"key": key, "action": "two batteries moved to Kharkiv"}, headers=h["gun"])
        assert r.status_code == 201, r.text
        t = c.get(f"/api/runs/{run['id']}/violations/{vid}", headers=h["gun"]).json()
        steps = [s["step"] for s in t["steps"]]
        assert steps[:3] == ["reported", "classified", "commitment fired"] and "acknowledged" in steps and "action" in steps
        rep = t["steps"][0]
        assert rep["who"] == "gun (NOR)" and ws_id in rep["what"] and "kharkiv.csv, line 2" in rep["what"] and rep["at"]
        assert t["steps"][1]["who"] == f"monitor run #{run['id']} started by pia" and t["steps"][1]["at"] == run["finished_at"]
        ack = next(s for s in t["steps"] if s["step"] == "action" and s.get("key") == key)
        assert ack["what"] == "two batteries moved to Kharkiv" and ack["who"] == "gun (NOR)" and ack["at"]
        assert any(s["step"] == "acknowledged" and s.get("overdue") for s in t["steps"])  # the other fired steps are still open and late
        page = c.get(f"/runs/{run['id']}/violations/{vid}", headers=h["gun"]).text
        assert "two batteries moved to Kharkiv" in page and "OVERDUE" in page and "NOR ONLY" in page
        assert vid in c.get(f"/runs/{run['id']}/register", headers=h["pia"]).text
        # a run by France does not read Norway's national-only report
        r = c.post("/api/scenarios/ukraine-2025/revisions/1/runs", json={"analysis": "monitor", "seed": 1, "quick": True}, headers=h["fred"])
        assert r.status_code == 202 and r.json()["inputs"].get("incidents", []) == [] and "NOR" in r.json()["releasable_to"]
        c.post(f"/api/runs/{r.json()['id']}/cancel", headers=h["fred"])
    finally:
        close(c)


def test_incidents_migration_upgrades_and_downgrades_alone(db_url):
    """0004 (incidents; meeting items cite violations) on top of its parent: down drops only what it added, up restores it."""
    from alembic.script import ScriptDirectory
    from sqlalchemy import inspect

    from backstop.workspace.db import Database, _alembic_config, current, downgrade, head, upgrade

    parent = ScriptDirectory.from_config(_alembic_config("sqlite://")).get_revision("0004").down_revision
    upgrade(db_url, parent)
    db = Database(db_url)
    cols = lambda: {c["name"] for c in inspect(db.engine).get_columns("meeting_items")}  # noqa: E731
    assert "incidents" not in inspect(db.engine).get_table_names() and "violation" not in cols()
    upgrade(db_url, "0004", engine=db.engine)
    assert "incidents" in inspect(db.engine).get_table_names() and "violation" in cols()
    downgrade(db_url, parent, engine=db.engine)
    assert "incidents" not in inspect(db.engine).get_table_names() and "violation" not in cols() and current(db_url) == parent
    upgrade(db_url, engine=db.engine)
    assert "incidents" in inspect(db.engine).get_table_names() and current(db_url) == head()
    db.dispose()


def test_meeting_items_cite_violations_of_the_cited_register_with_located_errors(client):
    from tests.workspace.test_browser_ops import _stored_runs

    c, h = client
    monitor_id, forcegen_id = _stored_runs(c.app)
    mid = c.post("/api/meetings", json={"title": "VTC", "date": "2026-06-02", "nations": ["NOR", "FRA"]}, headers=h["pia"]).json()["id"]
    add = lambda body: c.post(f"/api/meetings/{mid}/items", json={"kind": "agenda", "text": "Kharkiv strike", **body}, headers=h["pia"])  # noqa: E731
    for body, field, value in (({"run_id": forcegen_id, "violation": "V000001"}, "violation", "V000001"),  # not a monitor run
                               ({"run_id": monitor_id, "violation": "V000999"}, "violation", "V000999"),  # not in its register
                               ({"violation": "V000001"}, "violation", "V000001")):  # a violation without its run
        r = add(body)
        assert r.status_code == 422 and (r.json()["problems"][0]["field"], r.json()["problems"][0]["value"]) == (field, value), r.text
    assert add({"run_id": monitor_id, "violation": "v000001"}).status_code == 201
    assert add({"scenario": "ukraine-2025", "revision": 7}).status_code == 404  # a revision that does not exist (or is hidden)
    rec = c.get(f"/api/meetings/{mid}", headers=h["gil"]).json()
    assert [(i["violation"], i["run"]["id"]) for i in rec["items"]] == [("V000001", monitor_id)]
    assert "violation V000001" in c.get(f"/api/meetings/{mid}/minutes.md", headers=h["gil"]).text
    # the page: a located problem and the form kept, 422
    r = c.post(f"/meetings/{mid}/items", data={"kind": "decision", "text": "Act", "run_id": "x", "owner_nation": "NOR", "due_date": "2026-07-01"},
               headers=h["pia"])
    assert r.status_code == 422 and "run_id" in r.text and "nothing was saved" in r.text
