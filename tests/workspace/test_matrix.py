"""The authorisation matrix: every role x every endpoint x every label combination, on SQLite and PostgreSQL.

Expected answers come from the issue's rules, evaluated by an independent oracle (memberships read straight
from the CSV): hidden -> 404 (never 403), visible but not permitted -> 403, permitted -> 200/201, stale
version or closed round -> 409. Lists, exports and the audit log must contain a record exactly when it is
visible. Every mismatch is collected and reported together.
"""

from __future__ import annotations

import itertools

from backstop.workspace.permissions import ROLES
from tests.workspace.conftest import AS_OF
from tests.workspace.helpers import (
    add_users,
    bundled_files_b64,
    close,
    get_all,
    make_client,
    oracle_visible,
    token,
)

OWNER = "NOR"  # NATO and coalition, not EU
NATIONS = ["NOR", "FRA", "AUT", "UKR", "JPN", "USA"]  # owner; NATO+EU+coalition; EU only; UKR; coalition only; NATO only
LABELS = [(), ("COALITION",), ("NATO",), ("EU",), ("UKR",), ("FRA",), ("EU", "UKR")]
REGISTER = (b"violation_id,event_date,violation_class,party,severity,major,status,confidence,location,origin,event_ids\n"
            b"V000001,2025-09-20,strike_civilian,RUS,3,False,probable,0.6,Kharkiv,report,WS-1\n")
FIRED = (b"commitment,guarantor,step,kind,response,rule,against,trigger_time,deadline,deadline_hours,violations,assumption\n"
         b"coal-consult,coalition,1,consult,Coalition consultations,each,RUS,2025-09-21T00:00:00,2025-09-22T00:00:00,24,V000001,true\n")
EXPORTERS = {r for r, p in ROLES.items() if "export" in p}
REPORTERS = {r for r, p in ROLES.items() if "incident.report" in p}
AUDITORS = {r for r, p in ROLES.items() if "audit.read" in p}


def test_authorisation_matrix(db_url_heavy):
    client = make_client(db_url_heavy, AS_OF, job_workers=0)  # runs stay queued: the matrix checks routes, not analyses
    # every role in the owner nation and in another; the label-discriminating nations as observer and POC
    users = [(f"{role}-{n.lower()}", n, role) for role in ROLES for n in NATIONS[:2]]
    users += [(f"{role}-{n.lower()}", n, role) for role in ("observer", "poc") for n in NATIONS[2:]]
    add_users(client.app, users)
    tok = {name: token(client, name) for name, _, _ in users}
    planner, poc = tok[f"planner-{OWNER.lower()}"], tok[f"poc-{OWNER.lower()}"]
    files = bundled_files_b64()
    bad: list[str] = []
    checked = 0

    def expect(what: str, got: int, want: int, body: str = "") -> None:
        nonlocal checked
        checked += 1
        if got != want:
            bad.append(f"{what}: got {got}, want {want} {body[:160]}")

    # records owned by NOR under every label combination
    everyone = ["COALITION", "NATO", "EU", "UKR", "USA"]
    r_all = client.post("/api/rounds", json={"name": "all", "releasable_to": everyone}, headers=planner).json()["id"]
    recs = []
    for i, lab in enumerate(LABELS):
        sc = f"sc{i}"
        r = client.post(f"/api/scenarios/{sc}/revisions", json={"files": files, "message": "r1", "releasable_to": list(lab)}, headers=planner)
        assert r.status_code == 201, r.text
        rnd = client.post("/api/rounds", json={"name": f"round{i}", "releasable_to": list(lab)}, headers=planner).json()["id"]
        p = client.post(f"/api/rounds/{r_all}/pledges", json={"data": {"id": f"P{i}", "capability": "mech_battalion", "quantity": 2},
                                                              "releasable_to": list(lab)}, headers=poc)
        assert p.status_code == 201, p.text
        recs.append({"label": lab, "sc": sc, "round": rnd, "pledge": p.json()["id"], "pledge_id": f"P{i}"})
    # a second revision of every scenario, for diffs
    for rec in recs:
        f2 = dict(files)
        import base64

        toml = base64.b64decode(files["scenario.toml"]).replace(b"rotation_months = 6", b"rotation_months = 5")
        f2["scenario.toml"] = base64.b64encode(toml).decode()
        assert client.post(f"/api/scenarios/{rec['sc']}/revisions", json={"files": f2, "message": "r2", "base": 1}, headers=planner).status_code == 201

    # a finished run under every label (as the runner stores it), for the run routes
    from sqlalchemy import select

    from backstop.workspace.models import Run, RunFile, Scenario
    from backstop.workspace.permissions import encode

    with client.app.state.ws.db.write() as s:
        for rec in recs:
            sid = s.execute(select(Scenario.id).where(Scenario.name == rec["sc"])).scalar_one()
            run = Run(scenario_id=sid, revision=1, round_id=None, analysis="overview", seed=1, quick=True, inputs="{}", status="done",
                      progress="done", error="", started_by=f"planner-{OWNER.lower()}", created_at="2026-06-01T00:00:00Z",
                      finished_at="2026-06-01T00:00:01Z", results_sha256="", owner=OWNER, releasable_to=encode(rec["label"]))
            s.add(run)
            s.flush()
            s.add(RunFile(run_id=run.id, filename="results.json", content=b'{"results": {}}', sha256=""))
            s.add(RunFile(run_id=run.id, filename="monitor_register.csv", content=REGISTER, sha256=""))
            s.add(RunFile(run_id=run.id, filename="monitor_commitments.csv", content=FIRED, sha256=""))
            rec["run"] = run.id

    # an incident under every label (reported by NOR's POC), and a meeting under every label citing that label's run;
    # a meeting released to every nation whose decisions cite each label's run (items inherit the run's label)
    r_meet = client.post("/api/meetings", json={"title": "all", "date": "2026-06-02", "nations": NATIONS, "releasable_to": everyone},
                         headers=planner).json()["id"]
    for i, rec in enumerate(recs):
        r = client.post("/api/incidents", json={"data": {"event_date": "2025-09-20", "latitude": 49.99, "longitude": 36.23, "location": f"inc{i}"},
                                                "releasable_to": list(rec["label"])}, headers=poc)
        assert r.status_code == 201, r.text
        rec["incident"] = r.json()["id"]
        m = client.post("/api/meetings", json={"title": f"m{i}", "date": "2026-06-02", "nations": ["NOR"], "releasable_to": list(rec["label"])},
                        headers=planner)
        assert m.status_code == 201, m.text
        rec["meeting"] = m.json()["id"]
        r = client.post(f"/api/meetings/{r_meet}/items", json={"kind": "decision", "text": f"decision-{i}-rests-on-run", "run_id": rec["run"],
                                                                "violation": "V000001", "owner_nation": "NOR", "due_date": "2026-07-01"}, headers=planner)
        assert r.status_code == 201, r.text

    # unauthenticated: 401 everywhere
    for method, path in [("GET", "/api/scenarios"), ("GET", "/api/scenarios/sc0"), ("GET", f"/api/rounds/{r_all}"),
                         ("GET", f"/api/pledges/{recs[0]['pledge']}"), ("GET", "/api/audit"), ("POST", "/api/rounds"),
                         ("PUT", f"/api/pledges/{recs[0]['pledge']}"), ("GET", "/api/users")]:
        expect(f"anonymous {method} {path}", client.request(method, path, json={}).status_code, 401)

    # -- reads -----------------------------------------------------------------------------------------
    for name, nation, role in users:
        h = tok[name]
        sc_names = {s["name"] for s in client.get("/api/scenarios", headers=h).json()}
        round_ids = {x["id"] for x in client.get("/api/rounds", headers=h).json()}
        listed = {p["pledge_id"] for p in get_all(client, f"/api/rounds/{r_all}?limit=7", h, key="pledges")}
        export = client.get(f"/api/rounds/{r_all}/pledges.csv", headers=h)
        audit_resp = client.get("/api/audit?limit=20", headers=h)
        targets = {e["target"] for e in get_all(client, "/api/audit?limit=20", h)} if audit_resp.status_code == 200 else set()
        run_ids = {x["id"] for x in get_all(client, "/api/runs?limit=5", h)}
        incident_ids = {x["id"] for x in client.get("/api/incidents", headers=h).json()}
        meeting_ids = {x["id"] for x in client.get("/api/meetings", headers=h).json()}
        minutes_api = client.get(f"/api/meetings/{r_meet}/minutes.md", headers=h).text
        minutes_page = client.get(f"/meetings/{r_meet}/minutes.html", headers=h).text
        meeting_page = client.get(f"/meetings/{r_meet}", headers=h).text
        if role not in EXPORTERS:
            expect(f"{role}/{nation} CSV export", export.status_code, 403)
        if role not in AUDITORS:
            expect(f"{role}/{nation} audit", audit_resp.status_code, 403)
        for rec in recs:
            vis = oracle_visible(nation, OWNER, rec["label"], AS_OF)
            who = f"{role}/{nation} on {rec['label'] or 'NOR ONLY'}"
            ok = 200 if vis else 404
            r = client.get(f"/api/scenarios/{rec['sc']}", headers=h)
            expect(f"{who} GET scenario", r.status_code, ok, r.text)
            expect(f"{who} scenario in list", rec["sc"] in sc_names, vis)
            expect(f"{who} GET diff", client.get(f"/api/scenarios/{rec['sc']}/diff?a=1&b=2", headers=h).status_code, ok)
            expect(f"{who} GET revision (export)", client.get(f"/api/scenarios/{rec['sc']}/revisions/1", headers=h).status_code,
                   (200 if role in EXPORTERS else 403) if vis else 404)
            expect(f"{who} GET round", client.get(f"/api/rounds/{rec['round']}", headers=h).status_code, ok)
            expect(f"{who} round in list", rec["round"] in round_ids, vis)
            expect(f"{who} GET pledge", client.get(f"/api/pledges/{rec['pledge']}", headers=h).status_code, ok)
            expect(f"{who} pledge in round list", rec["pledge_id"] in listed, vis)
            # analysis runs: page, API, list, download, cancel, start (label of the run = label of what it read)
            run = rec["run"]
            expect(f"{who} GET run", client.get(f"/api/runs/{run}", headers=h).status_code, ok)
            expect(f"{who} GET run page", client.get(f"/runs/{run}", headers=h).status_code, ok)
            expect(f"{who} run in list", run in run_ids, vis)
            expect(f"{who} GET run file (API)", client.get(f"/api/runs/{run}/files/results.json", headers=h).status_code,
                   (200 if role in EXPORTERS else 403) if vis else 404)
            expect(f"{who} GET run file (page)", client.get(f"/runs/{run}/files/results.json", headers=h).status_code,
                   (200 if role in EXPORTERS else 403) if vis else 404)
            r = client.post(f"/api/runs/{run}/cancel", headers=h)
            expect(f"{who} POST cancel a finished run", r.status_code, ((409 if nation == OWNER else 403) if role == "planner" else 403) if vis else 404, r.text)
            r = client.post(f"/api/scenarios/{rec['sc']}/revisions/1/runs", json={"analysis": "overview"}, headers=h)
            expect(f"{who} POST start run", r.status_code, (202 if role == "planner" else 403) if vis else 404, r.text)
            if r.status_code == 202:
                expect(f"{who} started run's label includes the scenario's audience only", r.json()["owner"] == nation, True)
            # guarantors' workflow: incidents, register, a violation's timeline, fired commitments (pages and API)
            expect(f"{who} GET incident", client.get(f"/api/incidents/{rec['incident']}", headers=h).status_code, ok)
            expect(f"{who} incident in list", rec["incident"] in incident_ids, vis)
            for path in (f"/api/runs/{run}/register", f"/runs/{run}/register", f"/api/runs/{run}/violations/V000001",
                         f"/runs/{run}/violations/V000001", f"/api/runs/{run}/commitments", f"/api/compare?a={run}&b={run}", f"/compare?a={run}&b={run}"):
                r = client.get(path, headers=h)
                expect(f"{who} GET {path.split('/', 3)[-1]}", r.status_code, ok, r.text)
            # meetings: the meeting, its page, its minutes (API and page), and the decisions resting on this label's run
            m = rec["meeting"]
            expect(f"{who} GET meeting", client.get(f"/api/meetings/{m}", headers=h).status_code, ok)
            expect(f"{who} GET meeting page", client.get(f"/meetings/{m}", headers=h).status_code, ok)
            expect(f"{who} GET minutes (API)", client.get(f"/api/meetings/{m}/minutes.html", headers=h).status_code, ok)
            expect(f"{who} GET minutes (page)", client.get(f"/meetings/{m}/minutes.md", headers=h).status_code, ok)
            expect(f"{who} meeting in list", m in meeting_ids, vis)
            text = f"decision-{LABELS.index(rec['label'])}-rests-on-run"
            expect(f"{who} decision in minutes (API, md)", text in minutes_api, vis)
            expect(f"{who} decision in minutes (page, html)", text in minutes_page, vis)
            expect(f"{who} decision in meeting page", text in meeting_page, vis)
            if role in EXPORTERS:
                expect(f"{who} pledge in CSV export", export.status_code == 200 and f"\n{rec['pledge_id']}," in export.text, vis)
            if role in AUDITORS:
                expect(f"{who} pledge in audit", f"pledge:{rec['pledge']}" in targets, vis)
                expect(f"{who} scenario in audit", any(t.startswith(f"scenario:{rec['sc']}@") for t in targets), vis)
    # a hidden record answers exactly like one that does not exist
    h = tok["observer-aut"]
    hidden = client.get(f"/api/pledges/{recs[0]['pledge']}", headers=h)
    missing = client.get("/api/pledges/999999", headers=h)
    expect("hidden vs missing pledge", (hidden.status_code, hidden.json()["error"].replace(str(recs[0]["pledge"]), "N")),
           (missing.status_code, missing.json()["error"].replace("999999", "N")))

    # -- writes ----------------------------------------------------------------------------------------
    for (name, nation, role), rec in itertools.product(users, recs):
        h = tok[name]
        vis = oracle_visible(nation, OWNER, rec["label"], AS_OF)
        who = f"{role}/{nation} on {rec['label'] or 'NOR ONLY'}"
        owner_planner = role == "planner" and nation == OWNER
        owner_poc = role == "poc" and nation == OWNER
        # edit the pledge with the current version
        cur = client.get(f"/api/pledges/{rec['pledge']}", headers=poc).json()["version"]
        r = client.put(f"/api/pledges/{rec['pledge']}", json={"data": {"quantity": 3}, "version": cur}, headers=h)
        expect(f"{who} PUT pledge", r.status_code, (200 if owner_poc else 403) if vis else 404, r.text)
        if owner_poc:
            r = client.put(f"/api/pledges/{rec['pledge']}", json={"data": {"quantity": 4}, "version": cur}, headers=h)
            expect(f"{who} PUT pledge with a stale version", r.status_code, 409, r.text)
            expect(f"{who} 409 says what changed", "quantity" in r.json().get("detail", {}).get("fields_differing_from_yours", []), True)
        # enter a pledge of one's own nation in the labelled round
        r = client.post(f"/api/rounds/{rec['round']}/pledges", json={"data": {"id": f"{name}-{rec['sc']}", "capability": "training_team", "quantity": 1}}, headers=h)
        expect(f"{who} POST pledge in round", r.status_code, (201 if role == "poc" else 403) if vis else 404, r.text)
        # a planner of another nation cannot save a revision of NOR's scenario; hidden -> 404
        r = client.put(f"/api/scenarios/{rec['sc']}/label", json={"releasable_to": list(rec["label"]), "version": 0}, headers=h)
        expect(f"{who} PUT scenario label (stale version)", r.status_code, (409 if owner_planner else 403) if vis else 404, r.text)
        r = client.post(f"/api/scenarios/{rec['sc']}/restore", json={"revision": 1, "base": 0}, headers=h)
        expect(f"{who} POST restore with a stale base", r.status_code, (409 if owner_planner else 403) if vis else 404, r.text)
        r = client.post(f"/api/meetings/{r_meet}/items", json={"kind": "agenda", "text": "x", "run_id": rec["run"]}, headers=h)
        expect(f"{who} POST agenda item citing the run", r.status_code, (201 if owner_planner else 403) if vis else 404, r.text)
        if not owner_planner:
            r = client.post(f"/api/rounds/{rec['round']}/close", json={"version": None}, headers=h)
            expect(f"{who} POST close round", r.status_code, 403 if vis else 404, r.text)
    for rec in recs:  # the owner's planner closes each round; then it is locked
        who = f"planner/NOR on {rec['label'] or 'NOR ONLY'}"
        expect(f"{who} close", client.post(f"/api/rounds/{rec['round']}/close", json={}, headers=planner).status_code, 200)
        expect(f"{who} close twice", client.post(f"/api/rounds/{rec['round']}/close", json={}, headers=planner).status_code, 409)
        r = client.post(f"/api/rounds/{rec['round']}/pledges", json={"data": {"id": "late", "capability": "training_team", "quantity": 1}}, headers=poc)
        expect(f"{who} pledge in a closed round", r.status_code, 409, r.text)
    for (name, nation, role), rec in itertools.product(users, recs[:3]):  # pledges of other POCs in closed rounds: locked
        if role != "poc" or not oracle_visible(nation, OWNER, rec["label"], AS_OF):
            continue
        mine = [p for p in client.get(f"/api/rounds/{rec['round']}", headers=tok[name]).json()["pledges"] if p["owner"] == nation]
        for p in mine:
            r = client.put(f"/api/pledges/{p['id']}", json={"data": {"quantity": 9}, "version": p["version"]}, headers=tok[name])
            expect(f"poc/{nation} edit in closed round", r.status_code, 409, r.text)
            r = client.delete(f"/api/pledges/{p['id']}?version={p['version']}", headers=tok[name])
            expect(f"poc/{nation} delete in closed round", r.status_code, 409, r.text)
    # role-only endpoints
    for name, nation, role in users:
        expect(f"{role}/{nation} GET users", client.get("/api/users", headers=tok[name]).status_code, 200 if role == "admin" else 403)
        expect(f"{role}/{nation} GET audit verify", client.get("/api/audit/verify", headers=tok[name]).status_code, 200 if role == "admin" else 403)
        r = client.post("/api/rounds", json={"name": f"new-{name}"}, headers=tok[name])
        expect(f"{role}/{nation} POST round", r.status_code, 201 if role == "planner" else 403, r.text)
        r = client.post("/api/incidents", json={"data": {"event_date": "2025-09-21", "latitude": 48.5, "longitude": 37.7}}, headers=tok[name])
        expect(f"{role}/{nation} POST incident", r.status_code, 201 if role in REPORTERS else 403, r.text)
        r = client.post("/api/meetings", json={"title": "t", "date": "2026-06-03", "nations": ["NOR"]}, headers=tok[name])
        expect(f"{role}/{nation} POST meeting", r.status_code, 201 if role == "planner" else 403, r.text)
    v = client.get("/api/audit/verify", headers=tok["admin-nor"]).json()
    expect("audit chain intact after the matrix", v["ok"], True, str(v))
    close(client)
    assert not bad, f"{len(bad)} of {checked} cells wrong:\n" + "\n".join(bad[:60])
    assert checked > 5000  # 5,170 cells with the guarantors' and meetings' routes (issue 16)
