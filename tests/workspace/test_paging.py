"""The cost of a request does not grow with the tables (issue 10: latency must not grow as the workspace fills).

Counted, not timed: every SQL statement sent to the database (``before_cursor_execute``) and every row the
sessions read back (``do_orm_execute``), per request, on SQLite and on PostgreSQL. Each request is measured
once on a small workspace and again after its pledges, audit events, runs and revisions have grown several
times over: the counts must be the same. Pages and the keyset cursor are checked for completeness (every
visible row exactly once, in order) and for bad input.
"""

from __future__ import annotations

import contextlib

import pytest
from sqlalchemy import event

from backstop.scenario import bundled_path
from backstop.workspace import pledges, scenarios
from backstop.workspace.models import Run
from backstop.workspace.service import Actor
from tests.workspace.conftest import AS_OF
from tests.workspace.helpers import add_users, close, get_all, make_client, token

PAGE = 5  # a small page, so that a few dozen rows already span many pages
PLANNER = Actor("pia", "GBR", "planner", AS_OF)
POC = Actor("nora", "NOR", "poc", AS_OF)


class Counter:
    """SQL statements and rows read through the workspace's sessions while active."""

    def __init__(self, db) -> None:
        self.statements = self.rows = 0
        self.on = False

        def on_sql(*_a, **_k):
            if self.on:
                self.statements += 1

        def on_orm(state):
            if not self.on:
                return None
            frozen = state.invoke_statement().freeze()
            if frozen.data is not None:
                self.rows += len(frozen.data)
            return frozen()

        event.listen(db.engine, "before_cursor_execute", on_sql)
        for factory in (db._read, db._write):
            event.listen(factory, "do_orm_execute", on_orm)

    @contextlib.contextmanager
    def measure(self):
        self.statements = self.rows = 0
        self.on = True
        try:
            yield self
        finally:
            self.on = False


def _grow(db, round_id: int, scenario_id: int, start: int, n: int) -> None:
    """``n`` more pledges (each an audit event), runs and revisions."""
    files = scenarios.read_folder(bundled_path())
    with db.write() as s:
        for i in range(start, start + n):
            pledges.create_pledge(s, POC, round_id, {"id": f"NOR-{i:03d}", "capability": "mech_battalion", "quantity": str(1 + i % 3)},
                                  ("COALITION",))
            s.add(Run(scenario_id=scenario_id, revision=1, round_id=None, analysis="overview", seed=i, quick=True, inputs="{}",
                      status="done", progress="done", error="", started_by="pia", created_at="2026-06-01T00:00:00Z",
                      finished_at="2026-06-01T00:00:01Z", results_sha256="", owner="GBR", releasable_to=";COALITION;"))
        for i in range(start, start + n, 2):
            edited = dict(files, **{"scenario.toml": files["scenario.toml"] + f"\n# revision note {i}\n".encode()})
            scenarios.save_revision(s, PLANNER, "sc", edited, f"r{i}", validate=False)


@pytest.fixture()
def workspace_app(db_url, monkeypatch):
    from backstop.workspace.routes import ui

    monkeypatch.setattr(ui, "PAGE_UI", PAGE)
    client = make_client(db_url, AS_OF, job_workers=0)
    add_users(client.app, [("pia", "GBR", "planner"), ("nora", "NOR", "poc"), ("adam", "GBR", "admin"), ("olga", "UKR", "observer")])
    db = client.app.state.ws.db
    with db.write() as s:
        sc = scenarios.save_revision(s, PLANNER, "sc", scenarios.read_folder(bundled_path()), "first").scenario
        rid = pledges.open_round(s, PLANNER, "round 1").id
    yield client, db, rid, sc.id
    close(client)


def test_requests_read_a_bounded_number_of_rows_as_the_tables_grow(workspace_app):
    client, db, rid, sid = workspace_app
    tok = {u: token(client, u) for u in ("pia", "nora", "adam", "olga")}
    reads = [
        ("nora", f"/api/rounds/{rid}?limit={PAGE}"), ("nora", f"/api/rounds/{rid}?limit={PAGE}&owner=NOR"),
        ("nora", f"/api/audit?limit={PAGE}"), ("adam", f"/api/audit?limit={PAGE}"), ("pia", f"/api/runs?limit={PAGE}"),
        ("pia", f"/api/runs?scenario=sc&limit={PAGE}"), ("pia", f"/api/scenarios/sc?limit={PAGE}"), ("nora", "/api/pledges/1"),
        ("nora", "/api/scenarios"), ("nora", "/api/rounds"), ("olga", "/api/me"),
        ("nora", "/"), ("pia", "/"), ("nora", f"/rounds/{rid}"), ("nora", "/audit"), ("adam", "/audit"), ("pia", "/scenarios/sc"),
        ("nora", "/pledges/1"), ("pia", "/rounds"),
    ]
    counter = Counter(db)

    def measure_all(tag: int) -> dict:
        out = {}
        for user, path in reads:
            with counter.measure():
                r = client.get(path, headers=tok[user])
            assert r.status_code == 200, (path, r.status_code, r.text[:300])
            out[(user, path)] = (counter.statements, counter.rows)
        # writes: an audit append reads the chain's last event only, whatever its length
        with counter.measure():
            r = client.post(f"/api/rounds/{rid}/pledges", headers=tok["nora"],
                            json={"data": {"id": f"W-{tag}", "capability": "mech_battalion", "quantity": 1}})
        assert r.status_code == 201, r.text
        out[("nora", "create pledge")] = (counter.statements, counter.rows)
        with counter.measure():
            r = client.put(f"/api/pledges/{r.json()['id']}", headers=tok["nora"], json={"data": {"quantity": 2}, "version": r.json()["version"]})
        assert r.status_code == 200, r.text
        out[("nora", "edit pledge")] = (counter.statements, counter.rows)
        return out

    _grow(db, rid, sid, 0, 2 * PAGE + 2)  # every list already spans more than one page
    small = measure_all(1)
    _grow(db, rid, sid, 100, 6 * PAGE)  # ... and then four times as many rows
    large = measure_all(2)
    grown = {k: (small[k], large[k]) for k in small if small[k] != large[k]}
    assert not grown, f"requests whose cost grew with the tables (statements, rows) small -> large: {grown}"
    # and they are small next to the tables they page through (a page of 5, not the 40-odd pledges and 80-odd events)
    with db.read() as s:
        total = len(pledges.list_pledges(s, POC, rid))
    assert total > 40 and max(rows for _, rows in large.values()) < total, large


def test_pages_list_every_visible_row_exactly_once_in_order(workspace_app):
    client, db, rid, sid = workspace_app
    _grow(db, rid, sid, 0, 3 * PAGE + 1)
    h = token(client, "nora")
    with db.read() as s:
        expected = [p.pledge_id for p in pledges.list_pledges(s, POC, rid)]
    paged = [p["pledge_id"] for p in get_all(client, f"/api/rounds/{rid}?limit={PAGE}", h, key="pledges")]
    assert paged == expected and len(expected) == 3 * PAGE + 1
    seqs = [e["seq"] for e in get_all(client, f"/api/audit?limit={PAGE}", h)]
    assert seqs == sorted(set(seqs), reverse=True) and len(seqs) > 3 * PAGE
    runs_ids = [r["id"] for r in get_all(client, f"/api/runs?limit={PAGE}", token(client, "pia"))]
    assert runs_ids == sorted(set(runs_ids), reverse=True) and len(runs_ids) == 3 * PAGE + 1
    revs = [r["number"] for r in get_all(client, "/api/scenarios/sc?limit=2", h, key="revisions")]
    assert revs == list(range(max(revs), 0, -1))
    # the pages' "next" links lead through the same rows
    page, seen = f"/rounds/{rid}", []
    import re

    while page:
        html = client.get(page, headers=h).text
        seen += re.findall(r'<tr data-pledge="([^"]+)"', html)
        m = re.search(r'id="next-page" href="([^"]+)"', html)
        page = m.group(1).replace("&amp;", "&") if m else None
    assert seen == expected


@pytest.mark.parametrize("query", ["after=not-a-cursor", "after=WzFd", "limit=0", "limit=100000"])
def test_a_bad_page_cursor_or_size_is_a_located_422(workspace_app, query):
    client, _db, rid, _sid = workspace_app
    r = client.get(f"/api/rounds/{rid}?{query}", headers=token(client, "nora"))
    assert r.status_code == 422, r.text
    problem = r.json()["problems"][0]
    assert problem["field"] in ("after", "limit") and problem["hint"]
