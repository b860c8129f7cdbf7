"""Helpers of the workspace tests: an app on a database, users, and an independent releasability oracle."""

from __future__ import annotations

import base64
import csv
import datetime as dt
from pathlib import Path

from backstop.scenario import bundled_path

MEMBERSHIPS = Path(__file__).resolve().parents[2] / "src" / "backstop" / "reference" / "data" / "memberships.csv"
PASSWORD = "correct horse battery"


def members_on(body: str, day: dt.date) -> set[str]:
    """Members of a body on ``day`` read straight from memberships.csv (independent of the code under test)."""
    out = set()
    with MEMBERSHIPS.open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            if row["body"] == body and dt.date.fromisoformat(row["start"]) <= day and (not row["end"] or day < dt.date.fromisoformat(row["end"])):
                out.add(row["iso3"])
    return out


def oracle_visible(nation: str, owner: str, tokens: tuple[str, ...], day: dt.date) -> bool:
    """The issue's rule: her nation owns it, or is named, or belongs to a named group on that day."""
    if nation == owner or nation in tokens:
        return True
    bodies = {"COALITION": "coalition", "NATO": "nato", "EU": "eu"}
    return any(t in bodies and nation in members_on(bodies[t], day) for t in tokens)


def bundled_files_b64() -> dict[str, str]:
    folder = bundled_path()
    return {p.name: base64.b64encode(p.read_bytes()).decode() for p in sorted(folder.iterdir()) if p.suffix in (".csv", ".toml")}


def make_client(url: str, as_of: dt.date, **kw):
    from fastapi.testclient import TestClient

    from backstop.workspace.app import create_app

    client = TestClient(create_app(url, as_of=as_of, **kw))
    client.__enter__()  # one event-loop portal for all requests (not one per request)
    return client


def close(client) -> None:
    """Close a test client and its database connections."""
    client.__exit__(None, None, None)
    client.app.state.ws.db.dispose()


def add_users(app, users: list[tuple[str, str, str]]) -> None:
    from backstop.workspace.auth import add_user

    with app.state.ws.db.write() as s:
        for name, nation, role in users:
            add_user(s, name, nation, role, PASSWORD)


def token(client, name: str) -> dict[str, str]:
    r = client.post("/api/session", json={"name": name, "password": PASSWORD})
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['token']}"}


def get_all(client, path: str, headers: dict, key: str | None = None) -> list:
    """Every item of a paged list: follows the ``Link: rel="next"`` header (lists) or the ``next`` field
    (``key`` names the list inside an object answer), page after page. Fails on a non-200 page."""
    out: list = []
    url: str | None = path
    while url:
        r = client.get(url, headers=headers)
        assert r.status_code == 200, (url, r.status_code, r.text)
        if key is None:
            out.extend(r.json())
            url = r.links.get("next", {}).get("url")
        else:
            out.extend(r.json()[key])
            url = r.json().get("next")
    return out
