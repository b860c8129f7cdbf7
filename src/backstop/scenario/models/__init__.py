"""Pydantic models of the scenario format: the single source of truth for every field.

``CAPABILITY_MODULES`` lists the modules that declare a ``SECTION`` of ``scenario.toml`` and
the ``TABLES`` (CSV files) of a capability.  Add a capability's inputs in its own module and
list it here.
"""

from __future__ import annotations

from backstop.scenario.models import forcegen, land, monitor, seas, skies, summit
from backstop.scenario.models.base import Row, Section, TableSpec, field
from backstop.scenario.models.core import ScenarioConfig, ScenarioMeta, Toggles
from backstop.scenario.models.forcegen import Pledge, Requirement

CAPABILITY_MODULES = (forcegen, skies, seas, land, monitor, summit)

TABLES: dict[str, TableSpec] = {spec.name: spec for mod in CAPABILITY_MODULES for spec in mod.TABLES}
"""Every CSV table of the scenario format, by file stem."""

__all__ = [
    "CAPABILITY_MODULES",
    "TABLES",
    "Pledge",
    "Requirement",
    "Row",
    "ScenarioConfig",
    "ScenarioMeta",
    "Section",
    "TableSpec",
    "Toggles",
    "field",
]
