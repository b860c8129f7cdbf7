"""Concurrent writers: no lost or duplicated write, one unbroken audit chain (SQLite and PostgreSQL)."""

from __future__ import annotations

import threading

from sqlalchemy import func, select

from backstop.workspace import audit, pledges
from backstop.workspace.models import PledgeRecord
from backstop.workspace.service import Actor, Conflict
from tests.workspace.conftest import AS_OF

THREADS, EACH = 6, 5


def test_parallel_pledges_and_edits_keep_counts_and_chain(database):
    planner = Actor("pia", "GBR", "planner", AS_OF)
    with database.write() as s:
        rid = pledges.open_round(s, planner, "R").id
    pocs = [Actor(f"poc{i}", n, "poc", AS_OF) for i, n in enumerate(["NOR", "FRA", "DEU", "POL", "NLD", "DNK"])]
    errors: list[BaseException] = []
    created: list[int] = []
    lock = threading.Lock()

    def work(actor: Actor) -> None:
        try:
            for j in range(EACH):
                with database.write() as s:
                    rec = pledges.create_pledge(s, actor, rid, {"id": f"{actor.nation}-{j}", "capability": "mech_battalion", "quantity": "1"})
                    pid, version = rec.id, rec.version
                with lock:
                    created.append(pid)
                with database.write() as s:
                    pledges.update_pledge(s, actor, pid, {"quantity": "2"}, version)
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(a,)) for a in pocs[:THREADS]]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert errors == []
    with database.read() as s:
        assert s.execute(select(func.count()).select_from(PledgeRecord)).scalar() == THREADS * EACH == len(set(created))
        assert set(s.execute(select(PledgeRecord.version)).scalars()) == {2}
        v = audit.verify(s)
    assert v.ok and v.events == 1 + 2 * THREADS * EACH, str(v)


def test_two_editors_of_one_pledge_exactly_one_wins(database):
    planner, poc = Actor("pia", "GBR", "planner", AS_OF), Actor("nora", "NOR", "poc", AS_OF)
    with database.write() as s:
        rid = pledges.open_round(s, planner, "R").id
        rec = pledges.create_pledge(s, poc, rid, {"id": "N1", "capability": "mech_battalion", "quantity": "1"})
        pid, version = rec.id, rec.version
    results: list[str] = []
    barrier = threading.Barrier(4)

    def edit(q: int) -> None:
        barrier.wait()
        try:
            with database.write() as s:
                pledges.update_pledge(s, poc, pid, {"quantity": str(q)}, version)
            results.append("ok")
        except Conflict:
            results.append("409")

    threads = [threading.Thread(target=edit, args=(q,)) for q in (2, 3, 4, 5)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert sorted(results) == ["409", "409", "409", "ok"]
