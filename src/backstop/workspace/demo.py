"""``backstop serve --demo``: a populated workspace in one command.

Loads the bundled scenario as revision 1, opens a pledge round, enters the bundled (illustrative) pledges
of a few nations as their national points of contact, and creates one demo user per role with a random
password printed at start (no password is stored in the repository).
"""

from __future__ import annotations

import csv
import io
import secrets

from backstop.scenario import bundled_path
from backstop.workspace import auth, pledges, scenarios
from backstop.workspace.db import Database
from backstop.workspace.service import Actor

DEMO_USERS = [
    ("admin", "GBR", "admin"),
    ("planner", "GBR", "planner"),
    ("poc-fra", "FRA", "poc"),
    ("poc-nor", "NOR", "poc"),
    ("guarantor", "DEU", "guarantor"),
    ("observer", "UKR", "observer"),
]


def load_demo(db: Database) -> list[tuple[str, str, str, str]]:
    """Populate an empty database; returns (name, nation, role, password) of the demo users."""
    users = []
    with db.write() as s:
        for name, nation, role in DEMO_USERS:
            password = secrets.token_urlsafe(9)
            auth.add_user(s, name, nation, role, password)
            users.append((name, nation, role, password))
    planner = Actor("planner", "GBR", "planner")
    files = scenarios.read_folder(bundled_path())
    with db.write() as s:
        scenarios.save_revision(s, planner, "ukraine-2025", files, "bundled scenario (illustrative pledges)")
        rnd = pledges.open_round(s, planner, "Round 1 (demo)")
    rows = list(csv.DictReader(io.StringIO(files["pledges.csv"].decode("utf-8"))))
    for nation, release in (("FRA", ("COALITION",)), ("NOR", ())):
        poc = Actor(f"poc-{nation.lower()}", nation, "poc")
        mine = [r for r in rows if r["nation"] == nation]
        buf = io.StringIO()
        w = csv.DictWriter(buf, fieldnames=list(rows[0]), lineterminator="\n")
        w.writeheader()
        w.writerows(mine)
        with db.write() as s:
            pledges.upload(s, poc, rnd.id, buf.getvalue().encode(), "pledges.csv", release)
    return users
