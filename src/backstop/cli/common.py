"""Shared pieces of the CLI commands: the common options, consoles, date parsing, JSON output, scenario loading."""

from __future__ import annotations

import datetime as dt
import json
import sys
from typing import Annotated, Any

import typer
from rich.console import Console

from backstop.errors import input_error

console = Console()
err_console = Console(stderr=True)

# The options several commands share, defined once (typer reads them from the annotations).
ScenarioArg = Annotated[str | None, typer.Argument(help="Scenario folder or bundled name (default: ukraine-2025).")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON.")]
SeedOpt = Annotated[int | None, typer.Option("--seed", help="Random seed, overriding the scenario's (same seed, same result).")]
QuickOpt = Annotated[bool, typer.Option("--quick", help="Fewer trials, shorter solves (preview).")]
StrictOpt = Annotated[bool, typer.Option("--strict", help="Fail on cross-reference warnings too.")]


def parse_date(value: str | None, option: str) -> dt.date | None:
    """``YYYY-MM-DD`` from an option, or an InputError naming the option."""
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise input_error("<cli>", f"argument {option}", option.lstrip("-"), value, "not a date", "use YYYY-MM-DD, e.g. 2025-08-20") from None


def parse_codes(value: str | None, option: str, valid: set[str] | None = None, kind: str = "code") -> list[str]:
    """Comma-separated codes from an option (upper-cased), each checked against ``valid``."""
    if not value:
        return []
    codes = [c.strip().upper() for c in value.split(",") if c.strip()]
    if valid is not None:
        from backstop.errors import InputError, Problem

        bad = [c for c in codes if c not in valid]
        if bad:
            raise InputError([Problem("<cli>", f"argument {option}", option.lstrip("-"), c, f"unknown {kind}", "check the spelling; see `backstop facts`") for c in bad])
    return codes


def print_json(obj: Any) -> None:
    """Write ``obj`` as JSON to stdout (plain, machine-readable)."""
    # numpy/pandas: imported by the commands that print JSON only
    from backstop.results import jsonable

    sys.stdout.write(json.dumps(jsonable(obj), indent=2, ensure_ascii=False) + "\n")


def load_scenario(path: str | None, strict: bool = False):
    """Read a scenario folder or bundled name; warnings go to stderr."""
    from backstop.scenario import read_scenario

    scenario = read_scenario(path, strict=strict)
    for w in scenario.warnings:
        err_console.print(f"[yellow]warning:[/] {w}", highlight=False)
    return scenario
