"""The loaded, validated scenario: configuration plus tables, as of a date."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from backstop.errors import Problem
from backstop.scenario.models import TABLES, Row, ScenarioConfig


@dataclass(frozen=True)
class Scenario:
    """A scenario: ``scenario.toml`` (``config``) plus CSV tables, validated.

    Analyses take a ``Scenario`` (never a path).  Tables absent from the folder are empty
    tuples; an analysis applies its documented default (e.g. bundled sites) itself.

    Attributes
    ----------
    config : ScenarioConfig
        Every section of ``scenario.toml`` with defaults applied.
    tables : mapping of str to tuple of Row
        Rows of each CSV table present, keyed by file stem.
    path : Path or None
        Folder the scenario was read from.
    warnings : tuple of Problem
        Cross-reference problems found by the ``check_*`` functions (not fatal unless strict).
    """

    config: ScenarioConfig
    tables: Mapping[str, tuple[Row, ...]] = field(default_factory=dict)
    path: Path | None = None
    warnings: tuple[Problem, ...] = ()

    @property
    def name(self) -> str:
        return self.config.scenario.name

    @property
    def as_of(self) -> dt.date:
        return self.config.scenario.as_of

    @property
    def start(self) -> dt.date:
        return self.config.start

    @property
    def end(self) -> dt.date:
        return self.config.end

    def rows(self, table: str) -> tuple[Row, ...]:
        """Rows of ``table`` (empty if the file is absent)."""
        if table not in TABLES:
            raise KeyError(f"unknown scenario table '{table}'")
        return tuple(self.tables.get(table, ()))

    def has(self, table: str) -> bool:
        """Whether the scenario folder provides ``table`` with at least one row."""
        return bool(self.tables.get(table))

    def frame(self, table: str) -> pd.DataFrame:
        """Rows of ``table`` as a DataFrame (columns = model fields, even when empty)."""
        spec = TABLES[table]
        rows = [r.model_dump() for r in self.rows(table)]
        return pd.DataFrame(rows, columns=list(spec.row.model_fields))

    @property
    def snapshot(self):
        """The reference facts as of the scenario's date (:class:`~backstop.reference.snapshot.Snapshot`).

        Built once per date and overrides (checked when the scenario is read); every analysis
        takes its memberships, positions, GDP, leaders, restrictions and assurances from it.
        """
        return self.snapshot_on(self.as_of)

    def snapshot_on(self, date: dt.date):
        """The snapshot of another date (e.g. the summit's) with the scenario's overrides.

        Raises :class:`~backstop.reference.states.DateNotCovered` for a date the data do not
        cover; the caller words it (``key summit.date``, ``argument --date``).
        """
        from backstop.reference.snapshot import snapshot

        return snapshot(date, self.config.toggles.membership_overrides)

    def members(self, body: str, as_of: dt.date | None = None) -> list[str]:
        """Members of ``body`` on the scenario's date (or ``as_of``), from the snapshot."""
        return (self.snapshot if as_of is None else self.snapshot_on(as_of)).members(body)
