"""Bad input and hostile requests get clear answers, never a traceback; nothing half-saved (SQLite)."""

from __future__ import annotations

import datetime as dt
import io

import pytest

from backstop.scenario.models import Pledge
from backstop.workspace.auth import Throttle
from tests.workspace.conftest import AS_OF
from tests.workspace.helpers import PASSWORD, add_users, close, make_client, token


@pytest.fixture()
def client(tmp_path):
    c = make_client(f"sqlite:///{tmp_path / 'ws.db'}", AS_OF, throttle=Throttle(max_failures=3), upload_limit_bytes=64 * 1024)
    add_users(c.app, [("planner", "GBR", "planner"), ("poc-nor", "NOR", "poc"), ("poc-fra", "FRA", "poc"), ("admin", "GBR", "admin")])
    yield c
    close(c)


def _round(client) -> int:
    return client.post("/api/rounds", json={"name": "R1"}, headers=token(client, "planner")).json()["id"]


def test_unknown_user_and_wrong_password_get_one_message_and_are_audited(client):
    a = client.post("/api/session", json={"name": "nobody", "password": "x" * 12})
    b = client.post("/api/session", json={"name": "planner", "password": "wrong password"})
    assert a.status_code == b.status_code == 401 and a.json() == b.json() == {"error": "unknown user or wrong password"}
    events = client.get("/api/audit", headers=token(client, "admin")).json()
    failed = [e for e in events if e["action"] == "login.failed"]
    assert {e["actor"] for e in failed} == {"nobody", "planner"}


def test_login_throttling(client):
    for _ in range(3):
        assert client.post("/api/session", json={"name": "poc-nor", "password": "nope nope nope"}).status_code == 401
    r = client.post("/api/session", json={"name": "poc-nor", "password": PASSWORD})
    assert r.status_code == 429 and "too many failed logins" in r.json()["error"]


def test_forged_expired_and_missing_sessions(client, monkeypatch):
    assert client.get("/api/me").status_code == 401
    r = client.get("/api/me", headers={"Authorization": "Bearer forged.token.value"})
    assert r.status_code == 401 and "invalid session" in r.json()["error"]
    h = token(client, "planner")
    import backstop.workspace.auth as auth

    monkeypatch.setattr(auth, "SESSION_MAX_AGE_S", -1)
    r = client.get("/api/me", headers=h)
    assert r.status_code == 401 and "expired" in r.json()["error"]
    # the pages send the browser to the sign-in form with the reason
    client.cookies.set("bs_session", h["Authorization"][7:])
    r = client.get("/rounds", follow_redirects=False)
    assert r.status_code == 303 and "expired" in r.headers["location"]


def test_cookie_session_needs_csrf_on_writes_and_cookie_flags(client):
    page = client.get("/login")
    assert page.headers["content-security-policy"].startswith("default-src 'self'")
    assert page.headers["x-frame-options"] == "DENY" and page.headers["x-content-type-options"] == "nosniff"
    login_csrf = client.cookies.get("bs_login_csrf")
    r = client.post("/login", data={"name": "planner", "password": PASSWORD, "csrf": "forged"}, follow_redirects=False)
    assert r.status_code == 403 and "CSRF" in r.text
    r = client.post("/login", data={"name": "planner", "password": PASSWORD, "csrf": login_csrf, "next": "//evil.example"}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/"  # no open redirect
    cookie = r.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie and "Secure" not in cookie
    r = client.post("/rounds", data={"name": "R-x"}, follow_redirects=False)  # no CSRF token
    assert r.status_code == 403 and "CSRF" in r.text
    r = client.post("/api/rounds", json={"name": "R-y"})  # cookie-authenticated API write without the header
    assert r.status_code == 403


def test_secure_cookie_on_https(tmp_path):
    c = make_client(f"sqlite:///{tmp_path / 'ws.db'}", AS_OF)
    c.base_url = "https://testserver"
    add_users(c.app, [("planner", "GBR", "planner")])
    c.get("/login")
    r = c.post("/login", data={"name": "planner", "password": PASSWORD, "csrf": c.cookies.get("bs_login_csrf")}, follow_redirects=False)
    assert "Secure" in r.headers["set-cookie"]
    close(c)


def test_oversize_upload_is_refused_before_reading(client):
    rid = _round(client)
    big = b"id,nation,capability,quantity\n" + b"x" * (70 * 1024)
    r = client.post(f"/api/rounds/{rid}/pledges.csv", files={"file": ("pledges.csv", big)}, headers=token(client, "poc-nor"))
    assert r.status_code == 413 and "too large" in r.json()["error"]


def test_csv_upload_row_errors_match_the_cli_and_nothing_is_saved(client, tmp_path):
    rid = _round(client)
    h = token(client, "poc-nor")
    text = ("id,nation,capability,quantity,available_from_month\n"
            "NOR-1,NOR,mech_battalion,2,1\n"
            "NOR-2,NOR,mech_battalion,-1,1\n"
            "NOR-3,NOR,warp_drive,1,1\n"
            "NOR-4,FRA,mech_battalion,1,x\n")
    r = client.post(f"/api/rounds/{rid}/pledges.csv", files={"file": ("nor.csv", text.encode())}, headers=h)
    assert r.status_code == 422
    got = {(p["location"], p["field"]) for p in r.json()["problems"]}
    assert {("line 3", "quantity"), ("line 4", "capability"), ("line 5", "available_from_month")} <= got
    # the parse errors are the scenario reader's own, word for word
    from backstop.scenario.io import read_table

    path = tmp_path / "nor.csv"
    path.write_text(text)
    _, cli = read_table(path, Pledge)
    api = {(p["location"], p["field"], p["message"], p["hint"]) for p in r.json()["problems"]}
    assert {(p.location, p.field, p.message, p.hint) for p in cli} <= api
    assert client.get(f"/api/rounds/{rid}", headers=h).json()["pledges"] == []  # all or nothing
    ok = text.splitlines()[:2]
    r = client.post(f"/api/rounds/{rid}/pledges.csv", files={"file": ("nor.csv", ("\n".join(ok) + "\n").encode())}, headers=h)
    assert r.status_code == 201 and [p["pledge_id"] for p in r.json()] == ["NOR-1"]


def test_form_errors_are_located_and_pledges_of_another_nation_refused(client):
    rid = _round(client)
    h = token(client, "poc-nor")
    r = client.post(f"/api/rounds/{rid}/pledges", json={"data": {"id": "N1", "capability": "mech_battalion", "quantity": "many"}}, headers=h)
    p = r.json()["problems"][0]
    assert r.status_code == 422 and (p["file"], p["field"], p["value"]) == ("pledge form", "quantity", "many") and p["hint"]
    r = client.post(f"/api/rounds/{rid}/pledges", json={"data": {"id": "N1", "nation": "FRA", "capability": "mech_battalion", "quantity": 1}}, headers=h)
    assert r.status_code == 422 and r.json()["problems"][0]["field"] == "nation"
    r = client.post(f"/api/rounds/{rid}/pledges", json={"data": {"id": "N1", "capability": "mech_battalion", "quantity": 1, "caveats": "teleport"}}, headers=h)
    assert r.status_code == 422 and r.json()["problems"][0]["message"] == "unknown caveat"


def test_concurrent_edits_one_wins_the_other_gets_409_with_changes(client):
    rid = _round(client)
    h = token(client, "poc-nor")
    p = client.post(f"/api/rounds/{rid}/pledges", json={"data": {"id": "N1", "capability": "mech_battalion", "quantity": 1}}, headers=h).json()
    a = client.put(f"/api/pledges/{p['id']}", json={"data": {"quantity": 2}, "version": p["version"]}, headers=h)
    b = client.put(f"/api/pledges/{p['id']}", json={"data": {"quantity": 3, "cost_usd_per_month": 5}, "version": p["version"]}, headers=h)
    assert a.status_code == 200 and b.status_code == 409
    d = b.json()["detail"]
    assert d["current"]["data"]["quantity"] == "2" and "quantity" in d["fields_differing_from_yours"]
    assert client.get(f"/api/pledges/{p['id']}", headers=h).json()["data"]["quantity"] == "2"


def test_path_tricks_in_scenario_names_and_files(client):
    h = token(client, "planner")
    for name in ["..%2F..%2Fetc", "a..b"]:
        r = client.post(f"/api/scenarios/{name}/revisions", json={"files": {}}, headers=h)
        assert r.status_code in (404, 422), r.text
    r = client.post("/api/scenarios/ok/revisions", json={"files": {"../x.csv": "eA==", "scenario.toml": "eA=="}}, headers=h)
    assert r.status_code == 422 and r.json()["problems"][0]["value"] == "../x.csv"
    r = client.post("/api/scenarios/ok/revisions", json={"files": {"scenario.toml": "!!notbase64"}}, headers=h)
    assert r.status_code == 422 and "base64" in r.json()["problems"][0]["message"]


def test_malformed_requests_get_located_problems_not_tracebacks(client):
    h = token(client, "planner")
    r = client.post("/api/rounds", content=b"{not json", headers={**h, "content-type": "application/json"})
    assert r.status_code == 422 and r.json()["problems"]
    r = client.get("/api/scenarios/x/diff?a=one&b=2", headers=h)
    assert r.status_code == 422 and r.json()["problems"][0]["field"] == "a"
    r = client.get("/no/such/page")
    assert r.status_code == 404 and "Traceback" not in r.text


def test_openapi_and_docs_page_load_nothing_from_outside(client):
    spec = client.get("/api/openapi.json").json()
    assert "/api/rounds/{round_id}/pledges" in spec["paths"]
    page = client.get("/api/docs").text
    assert "http://" not in page.replace("http://testserver", "") and "https://" not in page and "cdn" not in page.lower()


def test_label_groups_follow_dated_memberships(tmp_path):
    """A record released to NATO: visible to Sweden after its accession (7 Mar 2024), hidden before."""
    from backstop.workspace.permissions import Label

    lab = Label("NOR", ("NATO",))
    assert not lab.visible_to("SWE", dt.date(2024, 3, 6))
    assert lab.visible_to("SWE", dt.date(2024, 3, 7))
    assert Label("NOR", ()).marking == "NOR ONLY" and lab.marking == "NOR // REL TO NATO"


def test_upload_through_the_page_shows_row_errors(client):
    rid = _round(client)
    client.get("/login")
    client.post("/login", data={"name": "poc-nor", "password": PASSWORD, "csrf": client.cookies.get("bs_login_csrf")})
    page = client.get(f"/rounds/{rid}").text
    csrf = page.split('name="csrf" value="')[1].split('"')[0]
    bad = io.BytesIO(b"id,nation,capability,quantity\nNOR-1,NOR,mech_battalion,-3\n")
    r = client.post(f"/rounds/{rid}/upload", data={"csrf": csrf}, files={"file": ("mine.csv", bad)})
    assert r.status_code == 422 and "mine.csv" in r.text and "line 2" in r.text and "nothing was saved" in r.text


def test_deployment_hashes_are_argon2id_with_the_default_cost():
    from argon2 import PasswordHasher

    h = PasswordHasher().hash("a long enough password")
    assert h.startswith("$argon2id$") and "m=65536,t=3,p=4" in h
