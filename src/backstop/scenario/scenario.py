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

    def members(self, body: str, as_of: dt.date | None = None) -> list[str]:
        """Members of ``body`` as of ``as_of`` (default: the scenario's date), with its overrides."""
        from backstop.reference.states import members

        return members(body, as_of or self.as_of, self.config.toggles.membership_overrides)
