"""Analysis runs on scenario revisions: what a run reads, the label it carries, where its outputs go.

A run is started by a user on a revision she sees. It reads:

- the revision's files (labelled by its scenario);
- when a pledge round is visible to her (the newest one, or the one she names), the pledges of that round
  **visible to her nation**, which replace the revision's ``pledges.csv`` (records she may not see are
  filtered out here, before the analysis, never after).

Its label is the most restrictive label of everything it read (:func:`permissions.combined_audience`):
``owner`` is her nation and ``releasable_to`` lists every other nation of that audience (as of the start
date). A result built from a Norwegian national-only pledge is therefore visible to Norway alone, through
every route (pages, API, downloads), because every route reads runs through :func:`get_run`.

The job itself runs outside the web process (:mod:`backstop.workspace.jobs`); its files are stored in
one transaction when it is done, so a failed or cancelled job leaves no file behind.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from backstop.errors import InputError, Problem
from backstop.workspace import audit, paging, pledges, scenarios
from backstop.workspace.models import PledgeRecord, Round, Run, RunFile, Scenario
from backstop.workspace.permissions import (
    EXPORT,
    RUN_START,
    Label,
    combined_audience,
    decode,
    encode,
    has,
    visible_filter,
)
from backstop.workspace.service import Actor, Conflict, Forbidden, NotFound

ASSESS = "assess"
ACTIVE = ("queued", "running")
FINAL = ("done", "failed", "cancelled")
DEFAULT_SEED = 20250101
MAX_SEED = 2**31 - 1


def analysis_names() -> tuple[str, ...]:
    """``assess`` (every analysis) and each registered analysis by name (the registry, not a copy of it)."""
    from backstop.pipeline import ANALYSES

    return (ASSESS, *(a.name for a in ANALYSES))


def check_analysis(name: str) -> str:
    names = analysis_names()
    if name not in names:
        raise InputError([Problem("<request>", "run", "analysis", name, "unknown analysis", f"use one of: {', '.join(names)}")])
    return name


def check_seed(seed) -> int:
    try:
        value = int(seed)
    except (TypeError, ValueError):
        value = -1
    if not 0 <= value <= MAX_SEED:
        raise InputError([Problem("<request>", "run", "seed", str(seed), "not a seed", f"an integer from 0 to {MAX_SEED}")])
    return value


def _pledges_csv(records: list[PledgeRecord]) -> bytes:
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=list(pledges.COLUMNS), lineterminator="\n")
    w.writeheader()
    for p in sorted(records, key=lambda r: (r.owner, r.pledge_id)):
        cells = json.loads(p.data)
        w.writerow({k: cells.get(k, "") for k in pledges.COLUMNS})
    return buf.getvalue().encode("utf-8")


READS_INCIDENTS = ("monitor", ASSESS)
"""Analyses that read incidents: the workspace's incidents visible to her are appended to ``incidents.csv``."""


def collect_inputs(session: Session, actor: Actor, name: str, number: int | None, round_id: int | None = None, analysis: str | None = None):
    """What a run by ``actor`` reads: the files (pledges and incidents filtered to her nation), the labels read, a summary.

    NotFound (404) when the revision or the round is hidden from her.
    """
    rev = scenarios.get_revision(session, actor, name, number)
    sc = rev.scenario
    files = dict(scenarios.revision_files(session, rev))
    labels = [Label.of(sc)]
    read = {"scenario": sc.name, "revision": rev.number, "revision_sha256": rev.content_sha256, "round": None, "pledges": []}
    rnd: Round | None = None
    if round_id is not None:
        rnd = pledges.get_round(session, actor, round_id)
    else:
        rounds = pledges.visible_rounds(session, actor)
        rnd = rounds[-1] if rounds else None
    if rnd is not None:
        recs = pledges.list_pledges(session, actor, rnd.id)  # only the pledges released to her nation
        if recs:
            files["pledges.csv"] = _pledges_csv(recs)
            labels.append(Label.of(rnd))
            labels.extend(Label.of(p) for p in recs)
            read["round"] = {"id": rnd.id, "name": rnd.name, "marking": Label.of(rnd).marking}
            read["pledges"] = [{"id": p.id, "pledge_id": p.pledge_id, "owner": p.owner, "marking": Label.of(p).marking} for p in recs]
        else:
            rnd = None
    if analysis in READS_INCIDENTS:
        from backstop.workspace import incidents

        recs = [r for r in incidents.visible_incidents(session, actor, "incidents", limit=incidents.MAX_ROWS * 20)]
        if recs:
            files["incidents.csv"] = incidents.incidents_csv(files.get("incidents.csv", b""), recs)
            labels.extend(Label.of(r) for r in recs)
            read["incidents"] = [{"id": r.id, "owner": r.owner, "marking": Label.of(r).marking} for r in sorted(recs, key=lambda r: r.id)]
    audience = combined_audience(labels, actor.as_of) or frozenset({actor.nation})
    return rev, rnd, files, audience, read


def start_run(session: Session, actor: Actor, name: str, number: int | None, analysis: str, *, seed: int = DEFAULT_SEED,
              quick: bool = False, round_id: int | None = None) -> Run:
    """Queue a run (the job runner picks it up). 404 on a hidden revision; 403 without ``run.start``."""
    rev, rnd, files, audience, read = collect_inputs(session, actor, name, number, round_id, analysis)
    if not has(actor.role, RUN_START):
        raise Forbidden(f"the role {actor.role!r} may not start analysis runs")
    check_analysis(analysis)
    seed = check_seed(seed)
    if actor.nation not in audience:  # cannot happen: she read only what she sees; kept as a guard
        raise Forbidden("the inputs are not all releasable to your nation")
    run = Run(scenario_id=rev.scenario_id, revision=rev.number, round_id=rnd.id if rnd else None, analysis=analysis,
              seed=seed, quick=bool(quick), inputs=json.dumps(read, sort_keys=True), status="queued", progress="queued",
              error="", started_by=actor.name, created_at=audit.now(), finished_at=None, results_sha256="",
              owner=actor.nation, releasable_to=encode(audience - {actor.nation}))
    session.add(run)
    session.flush()
    audit.append(session, actor=actor.name, actor_nation=actor.nation, action="run.start", target=f"run:{run.id}",
                 owner=run.owner, releasable_to=run.releasable_to,
                 after={"scenario": name, "revision": rev.number, "analysis": analysis, "seed": seed, "quick": bool(quick),
                        "round": read["round"], "pledges": len(read["pledges"])})
    return run


def job_payload(session: Session, run: Run) -> dict:
    """What the worker needs (plain data): the files exactly as the run read them when it was started.

    Rebuilt from the stored inputs: the revision's bytes and the pledge records named in ``inputs``.
    """
    inputs = json.loads(run.inputs)
    rev = scenarios.Revision
    r = session.execute(select(rev).where(rev.scenario_id == run.scenario_id, rev.number == run.revision)).scalar_one()
    files = dict(scenarios.revision_files(session, r))
    ids = [p["id"] for p in inputs.get("pledges", [])]
    if ids:
        recs = list(session.execute(select(PledgeRecord).where(PledgeRecord.id.in_(ids))).scalars())
        files["pledges.csv"] = _pledges_csv(recs)
    inc_ids = [i["id"] for i in inputs.get("incidents", [])]
    if inc_ids:
        from backstop.workspace import incidents
        from backstop.workspace.models import IncidentRecord

        recs = list(session.execute(select(IncidentRecord).where(IncidentRecord.id.in_(inc_ids))).scalars())
        files["incidents.csv"] = incidents.incidents_csv(files.get("incidents.csv", b""), recs)
    return {"files": files, "analysis": run.analysis, "seed": run.seed, "quick": run.quick}


def run_info(run: Run, scenario_name: str | None = None) -> dict:
    lab = Label.of(run)
    return {"id": run.id, "scenario": scenario_name, "revision": run.revision, "round_id": run.round_id, "analysis": run.analysis,
            "seed": run.seed, "quick": run.quick, "status": run.status, "progress": run.progress, "error": run.error,
            "started_by": run.started_by, "created_at": run.created_at, "finished_at": run.finished_at,
            "results_sha256": run.results_sha256, "owner": run.owner, "releasable_to": list(lab.releasable_to),
            "marking": lab.marking, "inputs": json.loads(run.inputs or "{}")}


def get_run(session: Session, actor: Actor, run_id: int) -> Run:
    """The run if her nation is in its label and she still sees its scenario; else NotFound."""
    run = session.get(Run, run_id)
    if run is None or not Label.of(run).visible_to(actor.nation, actor.as_of):
        raise NotFound(f"no run {run_id}")
    sc = session.get(Scenario, run.scenario_id)
    if sc is None or not Label.of(sc).visible_to(actor.nation, actor.as_of):
        raise NotFound(f"no run {run_id}")
    return run


def visible_runs(session: Session, actor: Actor, scenario_name: str | None = None) -> list[tuple[Run, str]]:
    q = (select(Run, Scenario.name).join(Scenario, Scenario.id == Run.scenario_id)
         .where(visible_filter(Run, actor.nation, actor.as_of), visible_filter(Scenario, actor.nation, actor.as_of)))
    if scenario_name is not None:
        q = q.where(Scenario.name == scenario_name)
    return [(r, n) for r, n in session.execute(q.order_by(Run.id.desc()))]


def page_runs(session: Session, actor: Actor, scenario_name: str | None = None, *, limit: int = paging.PAGE,
              after: str | None = None, status: str | None = None, analyses: tuple[str, ...] | None = None) -> paging.Page:
    """One page of the runs visible to the actor, newest first, as ``(run, scenario name)`` rows."""
    q = (select(Run, Scenario.name).join(Scenario, Scenario.id == Run.scenario_id)
         .where(visible_filter(Run, actor.nation, actor.as_of), visible_filter(Scenario, actor.nation, actor.as_of)))
    if scenario_name is not None:
        q = q.where(Scenario.name == scenario_name)
    if status is not None:
        q = q.where(Run.status == status)
    if analyses is not None:
        q = q.where(Run.analysis.in_(analyses))
    page = paging.keyset(session, q, (Run.id,), lambda row: (row[0].id,), limit=limit, after=after, descending=True, scalars=False)
    return paging.Page([(r, n) for r, n in page.items], page.next)


def scenario_name(session: Session, run: Run) -> str:
    return session.get(Scenario, run.scenario_id).name


def cancel_run(session: Session, actor: Actor, run_id: int) -> Run:
    """Mark a queued or running run cancelled (the runner stops its worker and stores nothing)."""
    run = get_run(session, actor, run_id)
    if not has(actor.role, RUN_START) or (run.started_by != actor.name and run.owner != actor.nation):
        raise Forbidden(f"only planners of {run.owner} may cancel run {run_id}")
    if run.status not in ACTIVE:
        raise Conflict(f"run {run_id} is {run.status}; only a queued or running job can be cancelled", {"status": run.status})
    before = run.status
    session.execute(update(Run).where(Run.id == run.id, Run.status.in_(ACTIVE))
                    .values(status="cancelled", progress="cancelled", finished_at=audit.now()))
    session.refresh(run)
    audit.append(session, actor=actor.name, actor_nation=actor.nation, action="run.cancel", target=f"run:{run.id}",
                 owner=run.owner, releasable_to=run.releasable_to, before={"status": before}, after={"status": "cancelled"})
    return run


def run_files(session: Session, run: Run) -> list[str]:
    return list(session.execute(select(RunFile.filename).where(RunFile.run_id == run.id).order_by(RunFile.filename)).scalars())


def get_file(session: Session, actor: Actor, run_id: int, filename: str) -> tuple[Run, bytes]:
    """One output file of a visible run (audited as a download); NotFound otherwise, Forbidden without ``export``."""
    run = get_run(session, actor, run_id)
    if not has(actor.role, EXPORT):
        raise Forbidden(f"the role {actor.role!r} may not download run files")
    f = session.get(RunFile, (run.id, filename))
    if f is None:
        raise NotFound(f"run {run_id} has no file {filename!r}")
    audit.append(session, actor=actor.name, actor_nation=actor.nation, action="run.download", target=f"run:{run.id}/{filename}",
                 owner=run.owner, releasable_to=run.releasable_to)
    return run, f.content


def results_of(session: Session, actor: Actor, run_id: int) -> dict:
    """The parsed results.json of a visible, finished run."""
    run = get_run(session, actor, run_id)
    f = session.get(RunFile, (run.id, "results.json"))
    if f is None:
        raise NotFound(f"run {run_id} has no results (status {run.status})")
    return json.loads(f.content)


# -- used by the job runner (no actor: the runner acts for the user who started the run) -------------------


def claim(session: Session, run_id: int) -> bool:
    """queued -> running, atomically (several web processes may run a runner each)."""
    res = session.execute(update(Run).where(Run.id == run_id, Run.status == "queued").values(status="running", progress="starting worker"))
    return res.rowcount == 1


def set_progress(session: Session, run_id: int, message: str) -> None:
    session.execute(update(Run).where(Run.id == run_id, Run.status == "running").values(progress=message[:500]))


def store_done(session: Session, run_id: int, outputs: dict[str, bytes]) -> bool:
    """Store every output file and mark the run done, in the caller's transaction; False if it was cancelled."""
    res = session.execute(update(Run).where(Run.id == run_id, Run.status == "running")
                          .values(status="done", progress="done", finished_at=audit.now(),
                                  results_sha256=hashlib.sha256(outputs.get("results.json", b"")).hexdigest()))
    if res.rowcount != 1:
        return False
    for fname, data in sorted(outputs.items()):
        session.add(RunFile(run_id=run_id, filename=fname, content=data, sha256=hashlib.sha256(data).hexdigest()))
    session.flush()
    return True


def mark_failed(session: Session, run_id: int, message: str) -> None:
    session.execute(update(Run).where(Run.id == run_id, Run.status.in_(ACTIVE))
                    .values(status="failed", progress="failed", error=message[:2000], finished_at=audit.now()))


def label_of(run: Run) -> Label:
    return Label(run.owner, decode(run.releasable_to))
