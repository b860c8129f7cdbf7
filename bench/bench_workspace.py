"""Workspace load: 50 simulated users browsing and editing for 60 s, against SQLite and PostgreSQL.

The server is the real one (``backstop serve`` in its own process, one uvicorn worker, loopback only); the
users are an asyncio httpx client in this process. 45 national points of contact (the coalition's nations,
some with two) and 5 observers sign in, then loop with a think time of 0.2-1.0 s (seeded): 80 % reads
(their round with its pledges, one pledge, the scenario list, the dashboard page, the audit log) and 20 %
writes (a new pledge, or an edit of one of their own pledges with its version). Afterwards the database is
counted: every pledge a user was told was created exists exactly once (0 lost, 0 duplicated), and every
pledge's version equals 1 + the edits acknowledged (0 lost updates). Goals (issue 10): p95 reads < 100 ms,
p95 writes < 250 ms on 2 cores, 0 server errors. The p95s are also reported over the first and the last
third of the run: the round grows by several hundred pledges and the audit log by about a thousand events
meanwhile, and a request whose cost grew with the tables would show it there (lists are paged: see
``backstop.workspace.paging``). ``BACKSTOP_BENCH_SECONDS`` shortens the run.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.common import Case

USERS = 50
SECONDS = float(os.environ.get("BACKSTOP_BENCH_SECONDS", "60"))
PASSWORD = "bench password 2026"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _build(backend: str):
    from backstop.reference.states import members
    from backstop.scenario import bundled_path
    from backstop.workspace import auth, pledges, scenarios
    from backstop.workspace.db import Database
    from backstop.workspace.service import Actor

    server = None
    tmp = Path(tempfile.mkdtemp(prefix="bench-ws-"))
    if backend == "sqlite":
        url = f"sqlite:///{tmp / 'ws.db'}"
    else:
        sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
        from tests.workspace.pgserver import PostgresServer, unavailable_reason

        reason = unavailable_reason()
        if reason:
            raise SystemExit(f"PostgreSQL benchmark skipped: {reason}")
        server = PostgresServer().start()
        url = server.url
    import datetime as dt

    nations = members("coalition", dt.date(2026, 6, 1))
    users = [(f"poc{i:02d}", nations[i % len(nations)], "poc") for i in range(45)]
    users += [(f"obs{i}", "UKR", "observer") for i in range(5)]
    db = Database(url)
    db.upgrade()
    with db.write() as s:
        for name, nation, role in users + [("planner", "GBR", "planner")]:
            auth.add_user(s, name, nation, role, PASSWORD)
    planner = Actor("planner", "GBR", "planner")
    with db.write() as s:
        scenarios.save_revision(s, planner, "ukraine-2025", scenarios.read_folder(bundled_path()), "bench")
        round_id = pledges.open_round(s, planner, "bench round").id
    db.dispose()
    port = _free_port()
    env = {**os.environ, "BACKSTOP_SECRET": "bench-only-" + os.urandom(8).hex()}
    proc = subprocess.Popen([sys.executable, "-m", "backstop", "serve", "--db", url, "--host", "127.0.0.1", "--port", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    base = f"http://127.0.0.1:{port}"
    import httpx

    deadline = time.monotonic() + 60
    while True:
        try:
            if httpx.get(base + "/api/health", timeout=2).status_code == 200:
                break
        except httpx.HTTPError:
            pass
        if time.monotonic() > deadline or proc.poll() is not None:
            proc.kill()
            raise RuntimeError("the workspace server did not start: " + (proc.stderr.read().decode()[-2000:] if proc.stderr else ""))
        time.sleep(0.2)
    return {"url": url, "base": base, "proc": proc, "pg": server, "users": users, "round": round_id, "tmp": tmp}


async def _login(client, name: str, stats: dict) -> dict | None:
    r = await client.post("/api/session", json={"name": name, "password": PASSWORD})
    if r.status_code != 200:
        stats["login_failures"] += 1
        return None
    return {"Authorization": "Bearer " + r.json()["token"]}


async def _user(client, h: dict | None, name: str, role: str, round_id: int, seed: int, stop_at: float, stats: dict) -> None:
    import httpx

    rng = random.Random(seed)
    if h is None:
        return
    mine: dict[int, int] = {}  # pledge row id -> version
    n = 0

    class _Dropped:
        status_code = 0

    async def call(kind: str, method: str, path: str, **kw):
        t0 = time.perf_counter()
        try:
            resp = await client.request(method, path, headers=h, **kw)
        except httpx.TransportError:
            stats["transport_errors"] += 1
            return _Dropped()
        ms = (time.perf_counter() - t0) * 1000.0
        stats[kind].append(ms)
        stats[kind + "_at"].append((t0 - stats["t_start"], ms))
        if resp.status_code >= 500:
            stats["server_errors"] += 1
        return resp

    while time.monotonic() < stop_at:
        await asyncio.sleep(rng.uniform(0.2, 1.0))
        if time.monotonic() >= stop_at:
            break
        write = role == "poc" and rng.random() < 0.2
        if write and (not mine or rng.random() < 0.5):
            n += 1
            pid = f"{name}-{n}"
            resp = await call("write", "POST", f"/api/rounds/{round_id}/pledges",
                              json={"data": {"id": pid, "capability": rng.choice(["mech_battalion", "training_team", "field_hospital"]),
                                             "quantity": rng.randint(1, 4)}, "releasable_to": ["COALITION"]})
            if resp.status_code == 201:
                mine[resp.json()["id"]] = resp.json()["version"]
                stats["created"].append(pid)
                stats["last"][resp.json()["id"]] = (resp.json()["version"], None)
            else:
                stats["write_refused"] += 1
        elif write:
            rid = rng.choice(sorted(mine))
            qty = rng.randint(1, 6)
            resp = await call("write", "PUT", f"/api/pledges/{rid}", json={"data": {"quantity": qty}, "version": mine[rid]})
            if resp.status_code == 200:
                mine[rid] = resp.json()["version"]
                stats["edits"][rid] = stats["edits"].get(rid, 0) + 1
                # the row's only writer: the database must end at the version and quantity she was told
                # (an edit that changes nothing keeps the version: SQLAlchemy issues no UPDATE)
                stats["last"][rid] = (resp.json()["version"], qty)
            else:
                stats["write_refused"] += 1
        else:
            what = rng.random()
            if what < 0.35:
                await call("read", "GET", f"/api/rounds/{round_id}")
            elif what < 0.55 and mine:
                await call("read", "GET", f"/api/pledges/{rng.choice(sorted(mine))}")
            elif what < 0.75:
                await call("read", "GET", "/api/scenarios")
            elif what < 0.9:
                await call("read", "GET", "/api/me")
            else:
                await call("read", "GET", "/api/audit?limit=50") if role == "poc" else await call("read", "GET", "/api/rounds")


def _p(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    v = sorted(values)
    return v[min(len(v) - 1, int(round(q * (len(v) - 1))))]


def _run(inputs):
    import httpx

    stats = {"read": [], "write": [], "read_at": [], "write_at": [], "t_start": 0.0, "created": [], "edits": {}, "last": {}, "server_errors": 0, "write_refused": 0, "login_failures": 0, "transport_errors": 0}

    async def main():
        limits = httpx.Limits(max_connections=USERS, max_keepalive_connections=USERS)
        async with httpx.AsyncClient(base_url=inputs["base"], timeout=30, limits=limits) as client:
            # sign-ins (argon2, deliberately costly) happen before the measured window, a few at a time
            heads = []
            for i in range(0, len(inputs["users"]), 5):
                heads += await asyncio.gather(*[_login(client, name, stats) for name, _, _ in inputs["users"][i:i + 5]])
            stop_at = time.monotonic() + SECONDS
            stats["t_start"] = time.perf_counter()
            tasks = [_user(client, h, name, role, inputs["round"], 1000 + i, stop_at, stats)
                     for i, ((name, _, role), h) in enumerate(zip(inputs["users"], heads, strict=True))]
            await asyncio.gather(*tasks)

    asyncio.run(main())
    # count afterwards, straight from the database
    from sqlalchemy import func, select

    from backstop.workspace.db import Database
    from backstop.workspace.models import PledgeRecord

    db = Database(inputs["url"])
    from backstop.workspace import audit

    with db.read() as s:
        rows = s.execute(select(PledgeRecord.id, PledgeRecord.pledge_id, PledgeRecord.version, PledgeRecord.data)).all()
        dup = s.execute(select(func.count()).select_from(PledgeRecord).group_by(PledgeRecord.round_id, PledgeRecord.pledge_id)
                        .having(func.count() > 1)).all()
        chain = audit.verify(s)
    db.dispose()
    in_db = {r.pledge_id for r in rows}
    lost = len(set(stats["created"]) - in_db)
    unacknowledged = len(in_db - set(stats["created"]))  # saved, but the answer never reached the user
    lost_updates = 0
    for r in rows:
        if r.id not in stats["last"]:
            continue
        version, qty = stats["last"][r.id]
        if r.version != version or (qty is not None and str(json.loads(r.data).get("quantity")) != str(qty)):
            lost_updates += 1
    thirds = {}
    for kind in ("read", "write"):
        for part in ("first", "last"):
            lo, hi = (0.0, SECONDS / 3) if part == "first" else (2 * SECONDS / 3, SECONDS)
            thirds[f"p95_{kind}_{part}_third_ms"] = round(_p([ms for t, ms in stats[kind + "_at"] if lo <= t < hi], 0.95), 1)
    return {
        "reads": len(stats["read"]), "writes": len(stats["write"]),
        "p50_read_ms": round(_p(stats["read"], 0.5), 1), "p95_read_ms": round(_p(stats["read"], 0.95), 1),
        "p50_write_ms": round(_p(stats["write"], 0.5), 1), "p95_write_ms": round(_p(stats["write"], 0.95), 1),
        **thirds, "pledges_at_end": len(rows),
        "server_errors": stats["server_errors"], "refused_writes": stats["write_refused"], "login_failures": stats["login_failures"],
        "transport_errors": stats["transport_errors"], "unacknowledged": unacknowledged,
        "created": len(stats["created"]), "lost": lost, "duplicated": len(dup), "lost_updates": lost_updates,
        "audit_events": chain.events, "audit_chain_ok": chain.ok, "load_avg_1min": round(os.getloadavg()[0], 1),
        "goals_met": _p(stats["read"], 0.95) < 100 and _p(stats["write"], 0.95) < 250 and stats["server_errors"] == 0 and lost == 0 and not dup and lost_updates == 0,
    }


def _teardown(inputs) -> None:
    import shutil

    inputs["proc"].terminate()
    try:
        inputs["proc"].wait(timeout=15)
    except subprocess.TimeoutExpired:
        inputs["proc"].kill()
    if inputs["pg"] is not None:
        inputs["pg"].stop()
    shutil.rmtree(inputs["tmp"], ignore_errors=True)


def _floor(inputs):
    """Reference in the same run: the same 50 users and think times against ``/api/health`` (no session,
    no database) for a third of the time: the latency floor of uvicorn + FastAPI on this machine, now."""
    import httpx

    lat: list[float] = []

    async def one(client, seed, stop_at):
        rng = random.Random(seed)
        while time.monotonic() < stop_at:
            await asyncio.sleep(rng.uniform(0.2, 1.0))
            t0 = time.perf_counter()
            try:
                await client.get("/api/health")
                lat.append((time.perf_counter() - t0) * 1000.0)
            except httpx.TransportError:
                pass

    async def main():
        async with httpx.AsyncClient(base_url=inputs["base"], timeout=30, limits=httpx.Limits(max_connections=USERS)) as client:
            stop_at = time.monotonic() + max(SECONDS / 3, 5)
            await asyncio.gather(*[one(client, 1000 + i, stop_at) for i in range(USERS)])

    try:
        asyncio.run(main())
    finally:
        _teardown(inputs)
    return {"floor_p50_ms": round(_p(lat, 0.5), 1), "floor_p95_ms": round(_p(lat, 0.95), 1)}


def _case(backend: str) -> Case:
    return Case(f"workspace 50 users {int(SECONDS)} s {backend}", lambda: _build(backend), _run,
                reference=_floor, reference_name="/api/health floor",
                notes="p95 reads < 100 ms, writes < 250 ms, 0 errors, 0 lost or duplicated writes")


CASES = [_case("sqlite"), _case("postgresql")]
