"""The sweep spec (``SPEC.toml``): uncertain parameters, design, outputs and failure thresholds.

Every key is declared once here, in pydantic, with type, default and description;
``docs/sweep-format.md`` is generated from these models (``backstop sweep --schema``) and a test
fails when it is stale.  Parse errors are reported all at once with the TOML key path, the bad
value and a hint (:func:`read_spec`); checks against the scenario (unknown paths, ranges outside a
field's bounds, too many variants) are made by :func:`backstop.sweep.run.prepare` before
anything runs.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from backstop.errors import InputError, Problem
from backstop.scenario.models.base import field

Scalar = bool | int | float | str | dt.date


class SpecSection(BaseModel):
    """A table of the spec: unknown keys are errors."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class SweepMeta(SpecSection):
    """``[sweep]``: what is swept, on which analyses, which outputs are kept."""

    name: str = field(..., "Short name of the sweep (folder-friendly).", pattern=r"^[A-Za-z0-9_.-]+$", example="skies-robustness")
    title: str = field("", "Title shown on sweep.html.")
    description: str = field("", "What the sweep asks, and why these ranges.")
    scenario: str = field("", "Scenario folder (relative to the spec file) or bundled name; the command's SCENARIO argument overrides it; empty = bundled ukraine-2025.")
    analyses: list[str] = Field(..., min_length=1, description="Analyses of the registry `backstop.pipeline.ANALYSES` run on each variant (`overview` always runs), e.g. `[\"skies\"]`, `[\"forcegen\"]`.")
    outputs: list[str] = Field(default_factory=list, description="Named outputs kept per variant (see the list of outputs below); empty = every output of the chosen analyses.")
    fixed: dict[str, Scalar] = Field(default_factory=dict, description="Values set in every variant, by parameter path (`{\"skies.trials\" = 300}`): settings that are not uncertain, e.g. fewer Monte Carlo trials for a large sweep.")
    quick: bool = field(True, "Run the analyses in quick mode (fewer Monte Carlo trials, shorter campaigns) as `assess --quick` does.")
    seed: int = field(0, "Base seed: each variant's seed is derived from it and the variant id (same spec, same table).")
    max_variants: int = field(5000, "Refuse a design needing more variants than this (a guard against a typo in `samples` or `levels`).", ge=1)


class Design(SpecSection):
    """``[design]``: how parameter values are combined into variants."""

    method: Literal["grid", "lhs", "sobol", "oat"] = field(
        "lhs",
        "`grid`: every combination of `levels` values per parameter; `lhs`: Latin hypercube of `samples` variants; "
        "`sobol`: Saltelli's scheme for Sobol indices (SALib), `samples` x (D + 2) variants for D factors; "
        "`oat`: one-at-a-time from the base case, `levels` values per parameter (tornado charts).",
    )
    samples: int = field(100, "Variants (lhs) or base samples N (sobol; a power of two is best).", ge=1)
    levels: int = field(3, "Values per continuous parameter (grid, oat), spread evenly from low to high.", ge=2)
    seed: int = field(0, "Seed of the sampling design (lhs, sobol).")


class Parameter(SpecSection):
    """``[[parameter]]``: one uncertain assumption, where it lives and how it varies."""

    name: str = field(..., "Column name in the results table.", pattern=r"^[A-Za-z][A-Za-z0-9_]*$", example="decoy_share")
    path: str = field(
        "",
        "Where the value lives: a `scenario.toml` key (`skies.target_leakers`, `toggles.russia_red_line`, "
        "`scenario.as_of`), a table cell (`waves[wave=record_2025_09_06,weapon=gerbera].count`; `[*]` = every row; "
        "`a|b` = either value) or a catalogue value (`catalogue.systems[class=sam_long].pk_ballistic`, "
        "`catalogue.threats[id=shahed_136].warhead_kg`). Empty for `withdraw`.",
    )
    op: Literal["set", "scale", "share"] = field(
        "set",
        "`set`: the value replaces the field; `scale`: the field is multiplied by the value (catalogue values are always scaled); "
        "`share`: the value (0-1) is the share of the selected rows' total held by the rows matching `of`, the total kept.",
    )
    of: dict[str, str] = Field(default_factory=dict, description="For `op = \"share\"`: the rows whose share is set, e.g. `{weapon = \"gerbera\"}`.")
    low: float | dt.date | None = field(None, "Lower end of the range (a date for date fields).")
    high: float | dt.date | None = field(None, "Upper end of the range.")
    values: list[Scalar] | None = field(None, "Discrete values instead of a range (toggles, choices); sampled uniformly.")
    dist: Literal["uniform", "triangular", "normal", "loguniform"] = field("uniform", "Distribution over [low, high] for lhs and sobol (`normal` is truncated to the range).")
    mode: float | None = field(None, "Mode of the triangular distribution (default: middle of the range).")
    mean: float | None = field(None, "Mean of the normal distribution (default: middle of the range).")
    sd: float | None = field(None, "Standard deviation of the normal distribution (default: a sixth of the range).", gt=0)
    integer: bool = field(False, "Round sampled values to integers (automatic for integer fields set directly).")
    base: Scalar | None = field(None, "Base-case value for one-at-a-time designs and tornado charts (default: the scenario's value; 1 for `scale`).")
    withdraw: list[str] = Field(default_factory=list, description="Nations (ISO3) that may withdraw: one yes/no factor per nation; a withdrawn nation's pledges are removed, and so are pledges that serve only with it (`only_with:ISO3`).")
    p_withdraw: float = field(0.5, "Chance that each listed nation withdraws (lhs, sobol).", ge=0, le=1)
    description: str = field("", "What the assumption is and where the range comes from.")

    @model_validator(mode="after")
    def _shape(self) -> Parameter:
        if self.withdraw:
            if self.path or self.values is not None or self.low is not None or self.high is not None:
                raise ValueError("a `withdraw` parameter takes only the list of nations (no path, range or values)")
            return self
        if not self.path:
            raise ValueError("give `path` (or `withdraw` for nations that may withdraw)")
        if self.values is not None:
            if self.low is not None or self.high is not None:
                raise ValueError("give either `values` or `low`/`high`, not both")
            if not self.values:
                raise ValueError("`values` is empty")
            return self
        if self.low is None or self.high is None:
            raise ValueError("give `low` and `high` (or `values`)")
        if type(self.low) is not type(self.high):
            raise ValueError("`low` and `high` must both be numbers or both dates")
        if self.high < self.low:
            raise ValueError(f"`high` ({self.high}) is below `low` ({self.low})")
        if self.dist == "loguniform" and isinstance(self.low, float) and self.low <= 0:
            raise ValueError("a loguniform range needs `low` > 0")
        if self.op == "share" and not self.of:
            raise ValueError("`op = \"share\"` needs `of`, the rows whose share is set")
        return self


class Threshold(SpecSection):
    """``[[threshold]]``: when the plan fails (scenario discovery finds where that happens)."""

    output: str = field(..., "Output name, e.g. `fill_pct` or `expected_leakers`.")
    op: Literal["<", "<=", ">", ">="] = field(..., "The plan fails when `output op value`.")
    value: float = field(..., "The threshold.")
    label: str = field("", "Plain words for the failure, e.g. `fill below 80 %`.")


class SweepSpec(SpecSection):
    """The whole of ``SPEC.toml``."""

    sweep: SweepMeta
    design: Design = Design()
    parameter: list[Parameter] = Field(..., min_length=1, description="The uncertain parameters.")
    threshold: list[Threshold] = Field(default_factory=list, description="Failure thresholds for scenario discovery.")

    @model_validator(mode="after")
    def _unique_names(self) -> SweepSpec:
        seen: set[str] = set()
        for p in self.parameter:
            if p.name in seen:
                raise ValueError(f"two parameters are called '{p.name}'")
            seen.add(p.name)
        return self


def read_spec(path: str | Path) -> tuple[SweepSpec, Path]:
    """Read and validate ``SPEC.toml``; returns the spec and the folder it lives in.

    Raises
    ------
    InputError
        Every parse problem, with the TOML key path, bad value and a hint.
    """
    from backstop.scenario.io import _problems

    p = Path(path)
    name = p.name
    if not p.is_file():
        raise InputError([Problem(str(path), "", "", "", "no such sweep spec", "give the path of a TOML file (see docs/sweep-format.md)")])
    try:
        raw = tomllib.loads(p.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise InputError([Problem(name, "", "", "", f"not valid TOML: {exc}", "check quotes, brackets and '=' on that line")]) from None
    except UnicodeDecodeError as exc:
        raise InputError([Problem(name, "", "", "", f"not UTF-8 text: {exc}", "save the file as UTF-8")]) from None
    try:
        return SweepSpec.model_validate(raw), p.parent
    except ValidationError as exc:
        problems = _problems(exc, name, lambda loc: "key " + ".".join(loc), SweepSpec)
        fixed = []
        for pr in problems:  # model-level checks have no field: name the table
            if pr.field.isdigit() or pr.field == "":
                pr = Problem(pr.file, pr.location, "", pr.value, pr.message.removeprefix("Value error, "), "see docs/sweep-format.md")
            fixed.append(pr)
        raise InputError(fixed) from None


def spec_markdown() -> str:
    """The text of ``docs/sweep-format.md`` (generated from the models)."""
    from backstop.scenario.docs import _md_table, field_rows
    from backstop.sweep.outputs import OUTPUTS

    out = [
        "# Sweep spec format",
        "",
        "<!-- generated by `backstop sweep --schema`; do not edit by hand -->",
        "",
        "A sweep spec is a TOML file: `[sweep]`, `[design]`, one `[[parameter]]` table per uncertain",
        "assumption and optional `[[threshold]]` tables. Every key below is declared once in the pydantic",
        "models of `backstop.sweep.spec`; this page is generated from them. See docs/sweeps.md for the",
        "method and examples/sweep-*.toml for examples.",
        "",
    ]
    for key, model in (("[sweep]", SweepMeta), ("[design]", Design), ("[[parameter]]", Parameter), ("[[threshold]]", Threshold)):
        out += [f"## {key}", "", (model.__doc__ or "").strip(), ""] + _md_table(field_rows(model)) + [""]
    out += ["## Outputs", "", "Named outputs a sweep can keep (`[sweep] outputs`). Outputs marked *by key* give one column per key (`name.key`).", "",
            "| output | analysis | unit | description |", "|---|---|---|---|"]
    for o in OUTPUTS.values():
        out.append(f"| `{o.name}`{' *by key*' if o.keyed else ''} | {o.analysis} | {o.unit} | {o.description} |")
    return "\n".join(out).rstrip() + "\n"
