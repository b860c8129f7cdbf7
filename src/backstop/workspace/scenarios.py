"""Scenarios in the database: immutable revisions that round-trip byte for byte to the folder format.

A revision holds the exact bytes of ``scenario.toml`` and of every table CSV of the folder; exporting a
revision writes those bytes back, so ``push`` then ``pull`` gives an identical folder. A revision is
accepted only if it passes :func:`backstop.scenario.read_scenario` (the CLI's validation, same messages).
Diffs compare two revisions table by table (rows keyed by ``id`` where the table has one) and key by key
for ``scenario.toml``.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
import shutil
import tempfile
import tomllib
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backstop.errors import InputError, Problem
from backstop.workspace import audit, paging
from backstop.workspace.models import Revision, RevisionFile, Scenario
from backstop.workspace.paging import PAGE
from backstop.workspace.permissions import (
    SCENARIO_WRITE,
    Label,
    decode,
    encode,
    has,
    visible_filter,
)
from backstop.workspace.service import Actor, Conflict, Forbidden, NotFound

NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")
FILE_RE = re.compile(r"^[a-z0-9_]{1,60}\.(csv|toml)$")
MAX_FILES = 64


def check_name(name: str, where: str = "scenario name") -> str:
    """A scenario name: letters, digits, ``._-``; no path tricks (``..``, ``/``, ``\\``)."""
    if not NAME_RE.match(name or "") or ".." in name:
        raise InputError([Problem("<request>", where, "name", name, "not a valid scenario name",
                                  "use letters, digits, '.', '_' and '-' (no '/', no '..'), at most 100 characters")])
    return name


def read_folder(folder: str | Path) -> dict[str, bytes]:
    """The files of a scenario folder that a revision stores: ``scenario.toml`` and ``*.csv`` (bytes)."""
    from backstop.scenario.io import resolve_path

    path = resolve_path(folder)
    files = {p.name: p.read_bytes() for p in sorted(path.iterdir()) if p.is_file() and FILE_RE.match(p.name)}
    return files


def validate_files(files: dict[str, bytes]) -> None:
    """The CLI's validation of a scenario folder on these bytes (raises InputError, every problem)."""
    from backstop.scenario import read_scenario

    problems = [Problem(name, "", "file", name, "not a scenario file name",
                        "files are scenario.toml and lower-case table names ending in .csv") for name in files if not FILE_RE.match(name)]
    if len(files) > MAX_FILES:
        problems.append(Problem("<request>", "", "files", str(len(files)), "too many files", f"at most {MAX_FILES}"))
    if "scenario.toml" not in files:
        problems.append(Problem("scenario.toml", "", "", "", "missing scenario file", "a scenario needs scenario.toml"))
    if problems:
        raise InputError(problems)
    with tempfile.TemporaryDirectory(prefix="backstop-push-") as tmp:
        for name, data in files.items():
            (Path(tmp) / name).write_bytes(data)
        read_scenario(tmp)


def content_sha256(files: dict[str, bytes]) -> str:
    h = hashlib.sha256()
    for name in sorted(files):
        h.update(name.encode() + b"\0" + hashlib.sha256(files[name]).hexdigest().encode() + b"\n")
    return h.hexdigest()


def write_folder(files: dict[str, bytes], out: str | Path) -> Path:
    """Write a revision's files into ``out`` (created; replaced only when every file is written)."""
    out = Path(out)
    for name in files:
        if not FILE_RE.match(name):
            raise InputError([Problem(name, "", "file", name, "not a scenario file name", "refusing to write outside the folder")])
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".pull-", dir=out.parent))
    try:
        for name, data in files.items():
            (tmp / name).write_bytes(data)
        if out.exists():
            if not out.is_dir():
                raise InputError([Problem(str(out), "", "", "", "exists and is not a folder", "choose another -o")])
            for p in out.iterdir():
                if p.is_file() and FILE_RE.match(p.name) and p.name not in files:
                    p.unlink()
            for name in files:
                (tmp / name).replace(out / name)
        else:
            tmp.rename(out)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
    return out


# -- queries ----------------------------------------------------------------------------------------


def visible_scenarios(session: Session, actor: Actor) -> list[Scenario]:
    q = select(Scenario).where(visible_filter(Scenario, actor.nation, actor.as_of)).order_by(Scenario.name)
    return list(session.execute(q).scalars())


def get_scenario(session: Session, actor: Actor, name: str) -> Scenario:
    """The scenario if the actor may see it; else NotFound (also when it exists but is hidden)."""
    sc = session.execute(select(Scenario).where(Scenario.name == name)).scalar_one_or_none()
    if sc is None or not Label.of(sc).visible_to(actor.nation, actor.as_of):
        raise NotFound(f"no scenario named {name!r}")
    return sc


def get_revision(session: Session, actor: Actor, name: str, number: int | None = None) -> Revision:
    sc = get_scenario(session, actor, name)
    n = sc.head if number is None else number
    rev = session.execute(select(Revision).where(Revision.scenario_id == sc.id, Revision.number == n)).scalar_one_or_none()
    if rev is None:
        raise NotFound(f"scenario {name!r} has no revision {n}")
    return rev


def page_revisions(session: Session, sc: Scenario, *, limit: int = PAGE, after: str | None = None) -> paging.Page:
    """One page of a scenario's revisions, newest first (the caller checked that the actor sees ``sc``)."""
    q = select(Revision).where(Revision.scenario_id == sc.id)
    return paging.keyset(session, q, (Revision.number,), lambda r: (r.number,), limit=limit, after=after, descending=True)


def revision_files(session: Session, rev: Revision) -> dict[str, bytes]:
    rows = session.execute(select(RevisionFile).where(RevisionFile.revision_id == rev.id)).scalars()
    return {r.filename: bytes(r.content) for r in rows}


def revision_info(rev: Revision) -> dict:
    return {"number": rev.number, "author": rev.author, "created_at": rev.created_at, "message": rev.message,
            "content_sha256": rev.content_sha256, "restored_from": rev.restored_from}


def scenario_info(sc: Scenario) -> dict:
    lab = Label.of(sc)
    return {"name": sc.name, "head": sc.head, "version": sc.version, "owner": sc.owner,
            "releasable_to": list(lab.releasable_to), "marking": lab.marking, "created_at": sc.created_at}


# -- writes -----------------------------------------------------------------------------------------


def _may_write(actor: Actor, sc: Scenario | None) -> None:
    if not has(actor.role, SCENARIO_WRITE):
        raise Forbidden(f"the role {actor.role!r} may not save scenario revisions")
    if sc is not None and sc.owner != actor.nation:
        raise Forbidden(f"scenario {sc.name!r} is owned by {sc.owner}; only its planners may save revisions")


def save_revision(
    session: Session,
    actor: Actor,
    name: str,
    files: dict[str, bytes],
    message: str = "",
    *,
    base: int | None = None,
    releasable_to: tuple[str, ...] = ("COALITION",),
    restored_from: int | None = None,
    validate: bool = True,
) -> Revision:
    """Store ``files`` as the next revision of scenario ``name`` (created on first save).

    ``base`` is the head the client started from (optimistic locking): if another revision was saved
    since, :class:`Conflict` lists the tables that changed. Saving the head's exact content again makes
    no new revision.
    """
    check_name(name)
    sc = session.execute(select(Scenario).where(Scenario.name == name)).scalar_one_or_none()
    if sc is not None and not Label.of(sc).visible_to(actor.nation, actor.as_of):
        raise NotFound(f"no scenario named {name!r}")
    _may_write(actor, sc)
    if validate:
        validate_files(files)
    digest = content_sha256(files)
    if sc is None:
        sc = Scenario(name=name, head=0, owner=actor.nation, releasable_to=encode(releasable_to), created_at=audit.now())
        session.add(sc)
        session.flush()
    elif base is not None and base != sc.head:
        head = get_revision(session, actor, name)
        changes = diff_files(revision_files(session, head), files)
        raise Conflict(f"scenario {name!r} is at revision {sc.head}, not {base}: someone saved since you started",
                       {"head": sc.head, "base": base, "head_author": head.author, "head_message": head.message,
                        "changed_tables": sorted(changes)})
    if sc.head:
        head = session.execute(select(Revision).where(Revision.scenario_id == sc.id, Revision.number == sc.head)).scalar_one()
        if head.content_sha256 == digest and restored_from is None:
            return head
    number = (session.execute(select(func.max(Revision.number)).where(Revision.scenario_id == sc.id)).scalar() or 0) + 1
    rev = Revision(scenario_id=sc.id, number=number, author=actor.name, created_at=audit.now(), message=message,
                   content_sha256=digest, restored_from=restored_from)
    session.add(rev)
    session.flush()
    for fname, data in sorted(files.items()):
        session.add(RevisionFile(revision_id=rev.id, filename=fname, content=data, sha256=hashlib.sha256(data).hexdigest()))
    sc.head = number
    session.flush()
    audit.append(session, actor=actor.name, actor_nation=actor.nation, action="scenario.restore" if restored_from else "scenario.save",
                 target=f"scenario:{name}@{number}", owner=sc.owner, releasable_to=sc.releasable_to,
                 before=None, after={"revision": number, "message": message, "sha256": digest, "files": sorted(files),
                                     "restored_from": restored_from})
    return rev


def restore(session: Session, actor: Actor, name: str, number: int, base: int | None = None) -> Revision:
    """A new revision whose content is revision ``number``'s (history is never rewritten)."""
    old = get_revision(session, actor, name, number)
    files = revision_files(session, old)
    return save_revision(session, actor, name, files, f"restore revision {number}", base=base,
                         restored_from=number, validate=False)


def relabel(session: Session, actor: Actor, name: str, tokens: tuple[str, ...], version: int) -> Scenario:
    sc = get_scenario(session, actor, name)
    _may_write(actor, sc)
    if version != sc.version:
        raise Conflict(f"scenario {name!r} changed since you loaded it (version {sc.version}, yours {version})",
                       {"version": sc.version, "releasable_to": list(decode(sc.releasable_to))})
    before = list(decode(sc.releasable_to))
    sc.releasable_to = encode(tokens)
    session.flush()
    audit.append(session, actor=actor.name, actor_nation=actor.nation, action="scenario.relabel", target=f"scenario:{name}",
                 owner=sc.owner, releasable_to=sc.releasable_to, before={"releasable_to": before}, after={"releasable_to": list(tokens)})
    return sc


# -- diff -------------------------------------------------------------------------------------------


def _rows(data: bytes) -> tuple[list[str], dict[str, dict[str, str]]]:
    text = data.decode("utf-8-sig")
    reader = csv.DictReader(io.StringIO(text))
    header = list(reader.fieldnames or [])
    key = "id" if "id" in header else None
    rows: dict[str, dict[str, str]] = {}
    for i, rec in enumerate(reader, start=2):
        rec = {k: (v or "") for k, v in rec.items() if k is not None}
        k = rec.get(key, "") if key else ""
        k = k or f"line {i}: " + ",".join(rec.values())
        rows[k] = rec
    return header, rows


def _flatten(obj, prefix: str = "") -> dict[str, str]:
    out: dict[str, str] = {}
    if isinstance(obj, dict):
        for k, v in obj.items():
            out.update(_flatten(v, f"{prefix}.{k}" if prefix else str(k)))
    else:
        out[prefix] = repr(obj)
    return out


def diff_files(a: dict[str, bytes], b: dict[str, bytes]) -> dict[str, dict]:
    """Table-by-table differences from ``a`` to ``b``; unchanged files are absent.

    Each entry: ``{"status": "added"|"removed"|"changed", "added": [...], "removed": [...],
    "changed": [{"key", "fields": {field: [old, new]}}], "columns": {...}}``.
    """
    out: dict[str, dict] = {}
    for name in sorted(set(a) | set(b)):
        da, db_ = a.get(name), b.get(name)
        if da == db_:
            continue
        entry: dict = {"status": "added" if da is None else "removed" if db_ is None else "changed",
                       "added": [], "removed": [], "changed": []}
        if name.endswith(".toml"):
            fa = _flatten(tomllib.loads(da.decode())) if da else {}
            fb = _flatten(tomllib.loads(db_.decode())) if db_ else {}
            entry["added"] = [{"key": k, "value": fb[k]} for k in sorted(set(fb) - set(fa))]
            entry["removed"] = [{"key": k, "value": fa[k]} for k in sorted(set(fa) - set(fb))]
            entry["changed"] = [{"key": k, "fields": {"value": [fa[k], fb[k]]}} for k in sorted(set(fa) & set(fb)) if fa[k] != fb[k]]
        else:
            ha, ra = _rows(da) if da else ([], {})
            hb, rb = _rows(db_) if db_ else ([], {})
            entry["added"] = [{"key": k, "row": rb[k]} for k in rb if k not in ra]
            entry["removed"] = [{"key": k, "row": ra[k]} for k in ra if k not in rb]
            for k in ra:
                if k in rb and ra[k] != rb[k]:
                    fields = {f: [ra[k].get(f, ""), rb[k].get(f, "")] for f in sorted(set(ra[k]) | set(rb[k])) if ra[k].get(f, "") != rb[k].get(f, "")}
                    entry["changed"].append({"key": k, "fields": fields})
            if ha != hb:
                entry["columns"] = {"added": [c for c in hb if c not in ha], "removed": [c for c in ha if c not in hb]}
            if not (entry["added"] or entry["removed"] or entry["changed"] or entry.get("columns")):
                entry["note"] = "same rows; formatting (quoting, spacing or line endings) differs"
        out[name] = entry
    return out


def diff(session: Session, actor: Actor, name: str, a: int, b: int) -> dict[str, dict]:
    ra, rb = get_revision(session, actor, name, a), get_revision(session, actor, name, b)
    return diff_files(revision_files(session, ra), revision_files(session, rb))


def export(session: Session, actor: Actor, name: str, number: int | None = None) -> tuple[Revision, dict[str, bytes]]:
    """The files of a revision (head by default), audited as a download."""
    from backstop.workspace.permissions import EXPORT

    rev = get_revision(session, actor, name, number)
    if not has(actor.role, EXPORT):
        raise Forbidden(f"the role {actor.role!r} may not export scenarios")
    sc = rev.scenario
    audit.append(session, actor=actor.name, actor_nation=actor.nation, action="scenario.export",
                 target=f"scenario:{name}@{rev.number}", owner=sc.owner, releasable_to=sc.releasable_to)
    return rev, revision_files(session, rev)
