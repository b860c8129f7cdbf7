"""Workspace jobs: 20 analysis runs queued at once on 2 cores; all complete and the pages stay responsive.

The server is the real one (``backstop serve``, one uvicorn worker, SQLite, the default local job backend:
at most 2 worker processes, niced below the web process). A planner queues 20 runs at once through the
API (by default 2 ``forcegen``, 6 ``monitor`` and 12 ``overview``, all ``quick``, seeds 1..20), while 10
simulated users (asyncio httpx) browse pages with a think time of 0.2-1.0 s (seeded): the dashboard, the
round, the scenario page with its runs, a run page, the runs list. Measured: p50/p95 page latency while
jobs run, the time until the last run is final, runs done / failed. Reference in the same run: the same
users on the same pages once the queue is empty (the page cost without jobs). Goal (issue 16): all 20
complete, p95 page < 200 ms while jobs run. ``BACKSTOP_BENCH_FORCEGEN`` sets how many of the 20 are
forcegen (the heaviest), ``BACKSTOP_BENCH_SECONDS`` the reference window.
"""

from __future__ import annotations

import asyncio
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.bench_workspace import PASSWORD, _free_port, _p
from bench.common import Case

RUNS = 20
USERS = 10
FORCEGEN = int(os.environ.get("BACKSTOP_BENCH_FORCEGEN", "2"))
REF_SECONDS = float(os.environ.get("BACKSTOP_BENCH_SECONDS", "15"))
SAFETY_S = 1800.0  # a safety net only: the run is reported as incomplete past it


def _mix() -> list[str]:
    n_fg = max(0, min(RUNS, FORCEGEN))
    n_mon = min(RUNS - n_fg, 6)
    return ["forcegen"] * n_fg + ["monitor"] * n_mon + ["overview"] * (RUNS - n_fg - n_mon)


def _build():
    import httpx

    from backstop.scenario import bundled_path
    from backstop.workspace import auth, pledges, scenarios
    from backstop.workspace.db import Database
    from backstop.workspace.service import Actor

    tmp = Path(tempfile.mkdtemp(prefix="bench-wsjobs-"))
    url = f"sqlite:///{tmp / 'ws.db'}"
    db = Database(url)
    db.upgrade()
    users = [("planner", "GBR", "planner")] + [(f"poc{i}", n, "poc") for i, n in enumerate(["NOR", "FRA", "DEU", "POL", "NLD"])]
    users += [(f"obs{i}", "UKR", "observer") for i in range(USERS - 5)]
    with db.write() as s:
        for name, nation, role in users:
            auth.add_user(s, name, nation, role, PASSWORD)
    planner = Actor("planner", "GBR", "planner")
    with db.write() as s:
        scenarios.save_revision(s, planner, "ukraine-2025", scenarios.read_folder(bundled_path()), "bench")
        round_id = pledges.open_round(s, planner, "bench round").id
    db.dispose()
    port = _free_port()
    env = {**os.environ, "BACKSTOP_SECRET": "bench-only-" + os.urandom(8).hex()}
    proc = subprocess.Popen([sys.executable, "-m", "backstop", "serve", "--db", url, "--host", "127.0.0.1", "--port", str(port),
                             "--job-workers", "2"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    base = f"http://127.0.0.1:{port}"
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
    return {"url": url, "base": base, "proc": proc, "users": users, "round": round_id, "tmp": tmp, "run_ids": []}


async def _browse(client, h: dict, seed: int, pages: list[str], done: asyncio.Event, lat: list[float], errors: list[int]) -> None:
    import httpx

    rng = random.Random(seed)
    while not done.is_set():
        await asyncio.sleep(rng.uniform(0.2, 1.0))
        if done.is_set():
            break
        path = rng.choice(pages)
        t0 = time.perf_counter()
        try:
            r = await client.get(path, headers=h)
        except httpx.TransportError:
            errors.append(0)
            continue
        lat.append((time.perf_counter() - t0) * 1000.0)
        if r.status_code >= 500:
            errors.append(r.status_code)


async def _sessions(client, users) -> dict[str, dict]:
    out = {}
    for name, _, _ in users:
        r = await client.post("/api/session", json={"name": name, "password": PASSWORD})
        r.raise_for_status()
        out[name] = {"Authorization": "Bearer " + r.json()["token"]}
    return out


def _pages(inputs, run_ids: list[int]) -> list[str]:
    rid = inputs["round"]
    return ["/", f"/rounds/{rid}", "/scenarios/ukraine-2025", "/api/runs?limit=20", *[f"/runs/{i}" for i in run_ids[:5]]]


def _run(inputs):
    import httpx

    lat: list[float] = []
    errors: list[int] = []
    out: dict = {}

    async def main():
        async with httpx.AsyncClient(base_url=inputs["base"], timeout=60) as client:
            tok = await _sessions(client, inputs["users"])
            planner = tok["planner"]
            t0 = time.perf_counter()
            ids = []
            for i, analysis in enumerate(_mix()):
                r = await client.post("/api/scenarios/ukraine-2025/revisions/1/runs", headers=planner,
                                      json={"analysis": analysis, "seed": i + 1, "quick": True})
                r.raise_for_status()
                ids.append(r.json()["id"])
            out["queue_s"] = round(time.perf_counter() - t0, 2)
            inputs["run_ids"] = ids
            done = asyncio.Event()
            pages = _pages(inputs, ids)
            browsers = [asyncio.create_task(_browse(client, tok[name], 100 + i, pages, done, lat, errors))
                        for i, (name, _, _) in enumerate(inputs["users"])]
            status: dict[int, str] = {}
            while time.perf_counter() - t0 < SAFETY_S:
                await asyncio.sleep(1.0)
                r = await client.get("/api/runs?limit=50", headers=planner)
                status = {x["id"]: x["status"] for x in r.json()}
                if all(status.get(i) in ("done", "failed", "cancelled") for i in ids):
                    break
            out["all_final_s"] = round(time.perf_counter() - t0, 1)
            done.set()
            await asyncio.gather(*browsers)
            out["runs_done"] = sum(status.get(i) == "done" for i in ids)
            out["runs_failed"] = sum(status.get(i) == "failed" for i in ids)

    asyncio.run(main())
    return {"runs": RUNS, "mix": "+".join(f"{_mix().count(a)} {a}" for a in dict.fromkeys(_mix())), **out,
            "page_requests": len(lat), "p50_page_ms": round(_p(lat, 0.5), 1), "p95_page_ms": round(_p(lat, 0.95), 1),
            "server_errors": len(errors), "load_avg_1min": round(os.getloadavg()[0], 1),
            "goals_met": out.get("runs_done") == RUNS and _p(lat, 0.95) < 200 and not errors}


def _reference(inputs):
    """The same users on the same pages for ``REF_SECONDS`` with the queue empty (the page cost without jobs)."""
    import httpx

    lat: list[float] = []
    errors: list[int] = []

    async def main():
        async with httpx.AsyncClient(base_url=inputs["base"], timeout=60) as client:
            tok = await _sessions(client, inputs["users"])
            done = asyncio.Event()
            pages = _pages(inputs, inputs["run_ids"])
            browsers = [asyncio.create_task(_browse(client, tok[name], 100 + i, pages, done, lat, errors))
                        for i, (name, _, _) in enumerate(inputs["users"])]
            await asyncio.sleep(REF_SECONDS)
            done.set()
            await asyncio.gather(*browsers)

    try:
        asyncio.run(main())
    finally:
        _teardown(inputs)
    return {"p50_page_ms": round(_p(lat, 0.5), 1), "p95_page_ms": round(_p(lat, 0.95), 1), "page_requests": len(lat)}


def _teardown(inputs) -> None:
    import shutil

    inputs["proc"].terminate()
    try:
        inputs["proc"].wait(timeout=30)
    except subprocess.TimeoutExpired:
        inputs["proc"].kill()
    shutil.rmtree(inputs["tmp"], ignore_errors=True)


CASES = [Case(f"workspace {RUNS} runs queued, {USERS} users browsing", _build, _run, reference=_reference,
              reference_name="same pages, no jobs", notes="all runs complete; p95 page < 200 ms while jobs run")]
