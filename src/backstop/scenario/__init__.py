"""Scenario format: pydantic models, the reader with located errors, and cross-reference checks."""

from backstop.scenario.io import bundled_path, read_scenario, read_table, resolve_path
from backstop.scenario.scenario import Scenario

__all__ = ["Scenario", "bundled_path", "read_scenario", "read_table", "resolve_path"]
