"""The server-rendered pages: a dashboard per role, scenario pages (zip upload and download, diff, restore)."""

from __future__ import annotations

import io
import zipfile

import pytest

from backstop.scenario import bundled_path
from tests.workspace.conftest import AS_OF
from tests.workspace.helpers import PASSWORD, add_users, close, make_client


@pytest.fixture()
def client(tmp_path):
    c = make_client(f"sqlite:///{tmp_path / 'ws.db'}", AS_OF)
    add_users(c.app, [("admin", "GBR", "admin"), ("planner", "GBR", "planner"), ("poc", "NOR", "poc"),
                      ("guarantor", "DEU", "guarantor"), ("observer", "UKR", "observer")])
    yield c
    close(c)


def _login(client, name: str) -> str:
    client.cookies.clear()
    client.get("/login")
    r = client.post("/login", data={"name": name, "password": PASSWORD, "csrf": client.cookies.get("bs_login_csrf")}, follow_redirects=False)
    assert r.status_code == 303
    page = client.get("/").text
    return page.split('name="csrf" value="')[1].split('"')[0]


def _zip(folder) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for p in sorted(folder.iterdir()):
            if p.suffix in (".csv", ".toml"):
                z.write(p, f"ukraine-2025/{p.name}")
    return buf.getvalue()


def test_scenario_pages_zip_round_trip_diff_restore_and_dashboards(client):
    csrf = _login(client, "planner")
    r = client.post("/scenarios", data={"csrf": csrf, "name": "ukraine-2025", "message": "from the page"},
                    files={"file": ("u.zip", _zip(bundled_path()))}, follow_redirects=False)
    assert r.status_code == 303, r.text
    z = zipfile.ZipFile(io.BytesIO(client.get("/scenarios/ukraine-2025/revisions/1.zip").content))
    for info in z.infolist():
        assert z.read(info) == (bundled_path() / info.filename.split("/")[-1]).read_bytes()
    # a second revision (edited toml), the diff page, then restore revision 1 from the page
    src = bundled_path()
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zz:
        for p in sorted(src.iterdir()):
            if p.suffix in (".csv", ".toml"):
                data = p.read_bytes().replace(b"rotation_months = 6", b"rotation_months = 3") if p.name == "scenario.toml" else p.read_bytes()
                zz.writestr(p.name, data)
    client.post("/scenarios", data={"csrf": csrf, "name": "ukraine-2025", "message": "shorter rotations"}, files={"file": ("u.zip", buf.getvalue())})
    page = client.get("/scenarios/ukraine-2025/diff?a=1&b=2").text
    assert "forcegen.rotation_months" in page and "6 → 3" in page
    r = client.post("/scenarios/ukraine-2025/restore", data={"csrf": csrf, "revision": 1, "base": 2}, follow_redirects=False)
    assert r.status_code == 303
    assert "restores 1" in client.get("/scenarios/ukraine-2025").text
    client.post("/rounds", data={"csrf": csrf, "name": "R1", "releasable_to": "COALITION"})
    dash = client.get("/").text
    assert "Fill and gaps" in dash and "hq_staff" in dash and "REL TO" in dash
    # a dashboard per role; the admin-only page refuses others with 403 (visible page, not permitted)
    _login(client, "guarantor")
    assert "Commitments your state is party to" in client.get("/").text and "coal-consult" in client.get("/").text
    assert client.get("/users").status_code == 403
    _login(client, "poc")
    assert "Your nation's pledges" in client.get("/").text
    _login(client, "observer")
    assert client.get("/").status_code == 200 and client.get("/audit").status_code == 403
    _login(client, "admin")
    audit = client.get("/audit").text  # one page; the chain (every event) is verified only when asked
    assert 'id="verify-link"' in audit and "audit chain intact" not in audit
    audit = client.get("/audit?verify=1").text
    assert "audit chain intact" in audit and "scenario.restore" in audit and "login.failed" not in audit
    assert client.get("/users").status_code == 200


def test_bad_zip_and_invalid_scenario_from_the_page(client):
    csrf = _login(client, "planner")
    r = client.post("/scenarios", data={"csrf": csrf, "name": "x"}, files={"file": ("x.zip", b"not a zip")})
    assert r.status_code == 422 and "not a zip file" in r.text
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("scenario.toml", "[scenario]\nname = 'x'\n")
    r = client.post("/scenarios", data={"csrf": csrf, "name": "x"}, files={"file": ("x.zip", buf.getvalue())})
    assert r.status_code == 422 and "as_of" in r.text and "nothing was saved" in r.text
