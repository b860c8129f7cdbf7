"""Background jobs of the workspace: analysis runs executed outside the web process.

:class:`JobRunner` is a thread in the web process that only dispatches: it claims queued runs (an
atomic ``queued -> running`` update, so several web processes can share one database), hands each to a
backend that runs it in a **separate worker process**, relays the worker's progress into the run's row,
and when the worker ends stores the outputs and marks the run done in one transaction. A worker that
raises, dies (killed, out of memory) or exits without outputs leaves the run ``failed`` with the reason
and nothing stored; a cancelled run's worker is terminated and its scratch folder removed.

The worker (:func:`execute`) reads the scenario from the exact bytes the run read, runs
``backstop.pipeline.assess`` (every analysis, or one by name) with the run's seed, and writes
``results.json``, the CSVs and ``report.html`` with :func:`backstop.report.write_outputs`.
Wall-clock figures (``wall_s``, ``runtime_s``, ``solve_s``) move from ``results.json`` to ``timings.json``
(:func:`split_timings`) so that the same revision and seed
give a byte-identical ``results.json``.

Backend: :class:`LocalProcessBackend` (one ``spawn``-ed process per job, at most ``workers`` at once).
The sweeps' executor (``backstop.sweep.executor``: process pool or Ray) runs batches of tasks without a
cancel or a per-task kill signal, which a job needs; an adapter onto it (so that Ray can take jobs) is the
next step, behind the same three methods (``start``, ``poll``, ``stop``).
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import tempfile
import threading
import traceback
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger("backstop.workspace.jobs")

POLL_S = 0.2  # how often the dispatcher looks at its workers and at the queue [s]


# -- the worker (runs in a child process) -----------------------------------------------------------------


def _write_atomic(path: Path, text: str) -> None:
    tmp = path.with_suffix(".tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)


def execute(payload: dict, job_dir: str) -> None:
    """Run one job; outputs in ``job_dir/out`` (complete or absent), progress in ``job_dir/progress``.

    On an error writes ``job_dir/error`` (one line: type and message) and exits with status 1.
    """
    job = Path(job_dir)
    progress = job / "progress"
    try:
        from backstop import pipeline
        from backstop.report import write_outputs
        from backstop.scenario import read_scenario

        _write_atomic(progress, "reading the scenario")
        folder = job / "scenario"
        folder.mkdir()
        for name, data in payload["files"].items():
            (folder / name).write_bytes(data)
        scenario = read_scenario(folder)
        only = None if payload["analysis"] == "assess" else [payload["analysis"]]
        names = [a.name for a in pipeline.ANALYSES if only is None or a.name in only or a.name == "overview"]
        done = []

        def on_step(step, phase):
            if phase == "start":
                _write_atomic(progress, f"running {step.name} ({len(done) + 1} of {len(names)})")
            else:
                done.append(step.name)

        results = pipeline.assess(scenario, only=only, seed=payload["seed"], quick=payload["quick"], on_step=on_step)
        _write_atomic(progress, "writing results")
        write_outputs(job / "out", scenario, results)
        split_timings(job / "out")
    except BaseException as exc:  # the parent reads the reason; nothing is stored
        from backstop.errors import InputError

        if isinstance(exc, InputError):
            msg = "; ".join(str(p) for p in exc.problems[:5])
        else:
            msg = f"{type(exc).__name__}: {exc}"
        _write_atomic(job / "error", msg.strip() or type(exc).__name__)
        (job / "traceback").write_text(traceback.format_exc(limit=12), encoding="utf-8")
        raise SystemExit(1) from None


TIMING_KEYS = frozenset({"wall_s", "runtime_s", "solve_s"})
"""Wall-clock measurements in the analyses' results: kept in ``timings.json``, not in ``results.json``."""


def _strip(obj, path: str, out: dict):
    if isinstance(obj, dict):
        kept = {}
        for k, v in obj.items():
            if k in TIMING_KEYS and isinstance(v, int | float):
                out[f"{path}.{k}".lstrip(".")] = v
            else:
                kept[k] = _strip(v, f"{path}.{k}", out)
        return kept
    if isinstance(obj, list):
        return [_strip(v, f"{path}[{i}]", out) for i, v in enumerate(obj)]
    return obj


def split_timings(out: Path) -> None:
    """Move wall-clock figures out of ``results.json`` into ``timings.json`` (same JSON layout as the writer).

    So the same revision and seed give a byte-identical ``results.json``; ``report.html`` still shows the
    solver times (it is a report of one execution).
    """
    path = out / "results.json"
    payload = json.loads(path.read_text(encoding="utf-8"))
    timings: dict = {}
    payload = _strip(payload, "", timings)
    path.write_text(json.dumps(payload, indent=2, ensure_ascii=False), encoding="utf-8")
    (out / "timings.json").write_text(json.dumps(timings, indent=2, sort_keys=True), encoding="utf-8")


# -- backends ------------------------------------------------------------------------------------------


@dataclass
class Handle:
    run_id: int
    job_dir: Path
    process: object
    last: str = ""


class LocalProcessBackend:
    """Each job in its own ``spawn``-ed process (killable, isolated from the web process and the others)."""

    name = "local process pool"

    def __init__(self, workers: int = 2) -> None:
        import multiprocessing as mp

        self.workers = max(1, int(workers))
        self._ctx = mp.get_context("spawn")

    def start(self, run_id: int, payload: dict, job_dir: Path) -> Handle:
        p = self._ctx.Process(target=execute, args=(payload, str(job_dir)), name=f"backstop-run-{run_id}", daemon=True)
        p.start()
        return Handle(run_id, job_dir, p)

    def poll(self, h: Handle) -> int | None:
        """None while running, else the exit code (negative: killed by that signal)."""
        return None if h.process.is_alive() else h.process.exitcode

    def stop(self, h: Handle) -> None:
        if h.process.is_alive():
            h.process.terminate()
            h.process.join(5)
            if h.process.is_alive():
                h.process.kill()
        h.process.join(1)


# -- the dispatcher -----------------------------------------------------------------------------------


def _read_outputs(out: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(out.iterdir()) if p.is_file()}


class JobRunner:
    """Claims queued runs, starts workers, relays progress, stores outputs (see the module docstring)."""

    def __init__(self, db, backend: LocalProcessBackend | None = None, scratch: Path | None = None) -> None:
        self.db = db
        self.backend = backend or LocalProcessBackend(min(2, os.cpu_count() or 1))
        self.scratch = Path(scratch or tempfile.mkdtemp(prefix="backstop-jobs-"))
        self.running: dict[int, Handle] = {}
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    # lifecycle
    def start(self) -> None:
        self.recover()
        self._thread = threading.Thread(target=self._loop, name="backstop-jobs", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(10)
        for h in list(self.running.values()):
            self.backend.stop(h)
            self._finish(h, None, reason="the workspace stopped while the job ran; start it again")
        shutil.rmtree(self.scratch, ignore_errors=True)

    def wake(self) -> None:
        """Look at the queue now (called after a run is queued or cancelled)."""
        self._wake.set()

    def recover(self) -> None:
        """Runs left ``running`` by a server that stopped are failed (their worker is gone with it)."""
        from sqlalchemy import select

        from backstop.workspace import runs
        from backstop.workspace.models import Run

        with self.db.write() as s:
            for rid in s.execute(select(Run.id).where(Run.status == "running")).scalars():
                if rid not in self.running:
                    runs.mark_failed(s, rid, "the workspace restarted while the job ran; start it again")

    # loop
    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                self.tick()
            except Exception:  # the dispatcher must survive a database hiccup
                log.exception("job dispatcher")
            self._wake.wait(POLL_S)
            self._wake.clear()

    def tick(self) -> None:
        """One pass: watch running workers, then start queued runs while workers are free."""
        from sqlalchemy import select

        from backstop.workspace import runs
        from backstop.workspace.models import Run

        for rid, h in list(self.running.items()):
            with self.db.read() as s:
                status = s.execute(select(Run.status).where(Run.id == rid)).scalar_one_or_none()
            if status != "running":  # cancelled (or removed): stop the worker, keep nothing
                self.backend.stop(h)
                self._cleanup(h)
                continue
            code = self.backend.poll(h)
            if code is None:
                p = h.job_dir / "progress"
                msg = p.read_text(encoding="utf-8") if p.exists() else ""
                if msg and msg != h.last:
                    h.last = msg
                    with self.db.write() as s:
                        runs.set_progress(s, rid, msg)
                continue
            self._finish(h, code)
        while len(self.running) < self.backend.workers:
            with self.db.read() as s:
                queued = list(s.execute(select(Run.id).where(Run.status == "queued").order_by(Run.id).limit(8)).scalars())
            started = False
            for rid in queued:
                with self.db.write() as s:
                    if not runs.claim(s, rid):
                        continue
                    payload = runs.job_payload(s, s.get(Run, rid))
                job_dir = Path(tempfile.mkdtemp(prefix=f"run-{rid}-", dir=self.scratch))
                try:
                    self.running[rid] = self.backend.start(rid, payload, job_dir)
                except Exception as exc:
                    with self.db.write() as s:
                        runs.mark_failed(s, rid, f"the worker could not start: {type(exc).__name__}: {exc}")
                    shutil.rmtree(job_dir, ignore_errors=True)
                started = True
                break
            if not started:
                return

    def _finish(self, h: Handle, code: int | None, reason: str | None = None) -> None:
        from backstop.workspace import runs

        out = h.job_dir / "out"
        try:
            if code == 0 and (out / "results.json").exists():
                outputs = _read_outputs(out)
                with self.db.write() as s:
                    runs.store_done(s, h.run_id, outputs)
                return
            if reason is None:
                err = h.job_dir / "error"
                if err.exists():
                    reason = "the analysis failed: " + err.read_text(encoding="utf-8")
                elif code is not None and code < 0:
                    reason = f"the worker process was killed (signal {-code}) before it finished; nothing was stored"
                else:
                    reason = f"the worker process ended (exit code {code}) without results; nothing was stored"
            with self.db.write() as s:
                runs.mark_failed(s, h.run_id, reason)
        finally:
            self._cleanup(h)

    def _cleanup(self, h: Handle) -> None:
        self.running.pop(h.run_id, None)
        shutil.rmtree(h.job_dir, ignore_errors=True)

    def pid_of(self, run_id: int) -> int | None:
        h = self.running.get(run_id)
        return getattr(h.process, "pid", None) if h else None

    def describe(self) -> str:
        return json.dumps({"backend": self.backend.name, "workers": self.backend.workers, "running": sorted(self.running)})
