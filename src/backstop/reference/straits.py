"""The Turkish Straits: dated closures of the Bosporus and Dardanelles to warships (Montreux
Convention, 1936) and the littoral mine-countermeasure group of the western Black Sea.

``straits.csv`` holds each closure as a dated, sourced row: from when it holds, the littoral
states whose navies are already inside (or return to their bases), the zones they close and the
capabilities (warships) they bar.  ``mcm_groups.csv`` holds the Black Sea MCM task group of
Türkiye, Romania and Bulgaria with its (assumed) vessel count.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache

from backstop.reference.tables import load_table


@dataclass(frozen=True)
class StraitsClosure:
    """A closure of the straits to warships of non-littoral states, in force ``[start, end)``."""

    id: str
    name: str
    start: dt.date
    end: dt.date | None
    littoral: frozenset[str]
    zones: tuple[str, ...]
    capabilities: tuple[str, ...]
    note: str
    source: str
    as_of: str

    def holds(self, day: dt.date) -> bool:
        return self.start <= day and (self.end is None or day < self.end)


@dataclass(frozen=True)
class McmGroup:
    """A standing mine-countermeasure group of littoral states."""

    id: str
    name: str
    states: tuple[str, ...]
    start: dt.date
    vessels: int
    assumption: bool
    note: str
    source: str
    as_of: str


def _date(text: str) -> dt.date | None:
    return dt.date.fromisoformat(text) if str(text).strip() else None


@cache
def load_straits_closures() -> tuple[StraitsClosure, ...]:
    """Bundled closures (``straits.csv``)."""
    return tuple(
        StraitsClosure(r["id"], r["name"], _date(r["start"]), _date(r["end"]), frozenset(r["littoral_states"].split("|")), tuple(r["zones"].split("|")), tuple(r["capabilities"].split("|")), r["note"], r["source"], r["as_of"])
        for r in load_table("straits").to_dict("records")
    )


def closure_on(day: dt.date, *, enabled: bool = True) -> StraitsClosure | None:
    """The closure in force on ``day`` (None when none holds or the scenario lifts it).  Analyses take
    it from the as-of :class:`~backstop.reference.snapshot.Snapshot` (``snapshot.straits_closure``),
    which applies this same rule."""
    found = closures_in_force(day)
    return found[0] if enabled and found else None


def closures_in_force(day: dt.date) -> tuple[StraitsClosure, ...]:
    """Closures of ``straits.csv`` in force on ``day`` (``start <= day < end``): the rule the snapshot uses."""
    return tuple(c for c in load_straits_closures() if c.holds(day))


def groups_constituted(day: dt.date) -> tuple[McmGroup, ...]:
    """Littoral MCM groups of ``mcm_groups.csv`` constituted on or before ``day``, by start date."""
    return tuple(sorted((g for g in load_mcm_groups() if g.start <= day), key=lambda g: (g.start, g.id)))


@cache
def load_mcm_groups() -> tuple[McmGroup, ...]:
    """Bundled littoral MCM groups (``mcm_groups.csv``)."""
    return tuple(
        McmGroup(r["id"], r["name"], tuple(r["states"].split("|")), _date(r["start"]), int(r["vessels"]), bool(r["assumption"]), r["note"], r["source"], r["as_of"])
        for r in load_table("mcm_groups").to_dict("records")
    )


def mcm_group_on(day: dt.date) -> McmGroup | None:
    """The littoral MCM group constituted on ``day`` (the rule of ``snapshot.mcm_group``)."""
    found = groups_constituted(day)
    return found[-1] if found else None
