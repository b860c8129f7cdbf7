"""Roles (sets of permissions parameterised by nation) and releasability labels.

The access model follows ActivityInfo's multi-partner databases: a user belongs to one nation and holds a
role; a role is a set of permissions; permissions that write national records are parameterised by the
user's nation (a national point of contact edits her own nation's pledges only).

Releasability: every record has an ``owner`` nation and a ``releasable_to`` set of tokens, each a group
(``COALITION``, ``NATO``, ``EU``, ``UKR``) resolved through backstop's dated memberships
(:func:`backstop.reference.states.members`) or a named state (ISO3). A user sees a record when her nation
owns it or is in its audience. A hidden record answers 404, never 403, so that its existence does not leak.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from backstop.errors import InputError, Problem

# -- roles -----------------------------------------------------------------------------------------

READ = "read"  # scenarios, rounds, pledges (subject to labels)
EXPORT = "export"  # download scenario folders and pledge CSVs
SCENARIO_WRITE = "scenario.write"  # push revisions, restore, relabel (own nation's scenarios)
ROUND_MANAGE = "round.manage"  # open and close pledge rounds
PLEDGE_WRITE_OWN = "pledge.write.own"  # enter, edit, release, delete own nation's pledges
RUN_START = "run.start"  # start and cancel analysis runs on revisions she sees (issue 16)
MEETING_WRITE = "meeting.write"  # record meetings, agenda items and decisions (issue 16)
COMMITMENT_ACK = "commitment.ack"  # acknowledge commitments fired to own state (workflow: issue 16)
INCIDENT_REPORT = "incident.report"  # report incidents (form or upload) owned by own nation (issue 16)
AUDIT_READ = "audit.read"  # read the audit log (filtered by labels)
AUDIT_SECURITY = "audit.security"  # see logins and failed logins of every nation; verify the chain
USERS_MANAGE = "users.manage"  # create users and set roles

ROLES: dict[str, frozenset[str]] = {
    "admin": frozenset({READ, USERS_MANAGE, AUDIT_READ, AUDIT_SECURITY}),
    "planner": frozenset({READ, EXPORT, SCENARIO_WRITE, ROUND_MANAGE, AUDIT_READ, RUN_START, MEETING_WRITE, INCIDENT_REPORT}),
    "poc": frozenset({READ, EXPORT, PLEDGE_WRITE_OWN, AUDIT_READ, INCIDENT_REPORT}),
    "guarantor": frozenset({READ, EXPORT, COMMITMENT_ACK, INCIDENT_REPORT}),
    "observer": frozenset({READ}),
}
"""Role -> permissions. ``planner`` is the coalition planner, ``poc`` the national point of contact."""

ROLE_TITLES = {
    "admin": "administrator",
    "planner": "coalition planner",
    "poc": "national point of contact",
    "guarantor": "guarantor",
    "observer": "observer",
}


def check_role(role: str, where: str = "argument --role") -> str:
    if role not in ROLES:
        raise InputError([Problem("<cli>", where, "role", role, "unknown role", f"use one of: {', '.join(ROLES)}")])
    return role


def has(role: str, permission: str) -> bool:
    return permission in ROLES.get(role, frozenset())


def may_write_national(role: str, nation: str, owner: str) -> bool:
    """The nation parameter: a POC writes records her nation owns, and only those."""
    return has(role, PLEDGE_WRITE_OWN) and nation == owner


# -- labels ----------------------------------------------------------------------------------------

GROUPS = {"COALITION": "coalition", "NATO": "nato", "EU": "eu"}
"""Group token -> membership body in ``memberships.csv``. ``UKR`` is the state itself."""
SPECIAL = ("UKR",)


@lru_cache(maxsize=64)
def group_members(token: str, as_of: dt.date) -> frozenset[str]:
    """Nations in a group on ``as_of`` (dated memberships); a state token is itself."""
    from backstop.reference.states import members

    if token in GROUPS:
        return frozenset(members(GROUPS[token], as_of))
    return frozenset({token})


@lru_cache(maxsize=1)
def _states() -> frozenset[str]:
    from backstop.reference.states import state_names

    return frozenset(state_names())


def check_nation(code: str, where: str = "argument --nation", file: str = "<cli>") -> str:
    code = (code or "").strip().upper()
    if code not in _states():
        raise InputError([Problem(file, where, "nation", code, "unknown state", "use an ISO 3166-1 alpha-3 code such as NOR, FRA, UKR")])
    return code


def parse_tokens(value: str | Iterable[str], file: str = "<form>", where: str = "releasable_to") -> tuple[str, ...]:
    """Releasability tokens from ``"NATO; FRA"`` or a list: groups or ISO3 states, sorted, unique."""
    items = [v.strip().upper() for v in (value.replace(",", ";").split(";") if isinstance(value, str) else value)]
    items = [v for v in items if v]
    bad = [v for v in items if v not in GROUPS and v not in SPECIAL and v not in _states()]
    if bad:
        raise InputError([Problem(file, where, "releasable_to", b, "unknown group or state",
                                  f"use groups {', '.join([*GROUPS, *SPECIAL])} or ISO3 codes such as NOR") for b in bad])
    return tuple(sorted(set(items)))


def encode(tokens: Iterable[str]) -> str:
    """Tokens as stored: ``;NATO;NOR;`` (``;`` when national-only) for SQL substring filtering."""
    return ";" + "".join(f"{t};" for t in sorted(set(tokens)))


def decode(stored: str) -> tuple[str, ...]:
    return tuple(t for t in stored.split(";") if t)


def grants(nation: str, as_of: dt.date) -> tuple[str, ...]:
    """The tokens that make a record visible to ``nation``: itself and every group it belongs to."""
    out = [nation]
    for token in GROUPS:
        if nation in group_members(token, as_of):
            out.append(token)
    return tuple(out)


@dataclass(frozen=True)
class Label:
    """Owner nation and releasability tokens of a record."""

    owner: str
    releasable_to: tuple[str, ...] = ()

    @classmethod
    def of(cls, record) -> Label:
        return cls(record.owner, decode(record.releasable_to))

    def audience(self, as_of: dt.date) -> frozenset[str]:
        """Every nation that may see the record on ``as_of``."""
        out = {self.owner}
        for t in self.releasable_to:
            out |= group_members(t, as_of)
        return frozenset(out)

    def visible_to(self, nation: str, as_of: dt.date) -> bool:
        return nation == self.owner or nation in self.audience(as_of)

    @property
    def marking(self) -> str:
        """Marking as staffs write it: ``NOR ONLY`` or ``NOR // REL TO FRA, NATO``."""
        if not self.releasable_to:
            return f"{self.owner} ONLY"
        return f"{self.owner} // REL TO {', '.join(self.releasable_to)}"


def combined_audience(labels: Iterable[Label], as_of: dt.date) -> frozenset[str] | None:
    """The most restrictive audience of several labels (intersection); None when no label.

    A page or result built from several records may be shown to a nation only if every record may;
    this is the rule for page banners here and for the label of analysis results (issue 16).
    """
    out: frozenset[str] | None = None
    for label in labels:
        a = label.audience(as_of)
        out = a if out is None else out & a
    return out


def banner(labels: Iterable[Label], viewer_nation: str, as_of: dt.date) -> str:
    """Page banner: for whom everything on the page is releasable."""
    labels = list(labels)
    aud = combined_audience(labels, as_of)
    if aud is None:
        return f"NO LABELLED RECORDS // VIEWED BY {viewer_nation}"
    if aud == {viewer_nation}:
        return f"{viewer_nation} ONLY: this page contains records releasable to your nation only"
    names = sorted(aud)
    shown = ", ".join(names) if len(names) <= 12 else f"{len(names)} nations"
    return f"REL TO {shown}: everything on this page is releasable to these nations"


def visible_filter(model, nation: str, as_of: dt.date):
    """SQL condition: rows of ``model`` (a Labelled table) visible to ``nation``."""
    from sqlalchemy import or_

    return or_(model.owner == nation, *[model.releasable_to.contains(f";{t};") for t in grants(nation, as_of)])
