"""Building blocks for scenario models: rows of CSV tables and sections of ``scenario.toml``.

Every field is declared once, here and in the sibling modules, with type, unit, default and
description (:func:`field`); validation, defaults, ``backstop schema`` and
``docs/scenario-format.md`` are all derived from these declarations.

Cross-reference checks are driven by field metadata: ``ref="state"`` (ISO3 code),
``"capability"``, ``"zone"``, ``"system"``, ``"threat"``, ``"airport"`` (ICAO), ``"port"``,
``"passage"`` (searoute), ``"wave"`` (a wave of ``waves.csv``), or
``in_period=True`` for dates that must fall inside the scenario period.  See
:mod:`backstop.scenario.checks`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, field_validator

INT64_MAX = 2**63 - 1
"""Largest integer any field accepts (the storage type of counts and indices: int64)."""


def field(
    default: Any = ...,
    description: str = "",
    *,
    unit: str | None = None,
    ref: str | None = None,
    in_period: bool = False,
    example: Any = None,
    **kwargs: Any,
) -> Any:
    """A documented model field.

    Parameters
    ----------
    default
        Default value; ``...`` (Ellipsis) marks the field as required.
    description
        One sentence, shown in ``backstop schema`` and the generated docs.
    unit
        Physical unit, e.g. ``km``, ``USD``, ``months`` (also used in the docs).
    ref
        Kind of reference the value must resolve to (checked by ``check_references``).
    in_period
        A date that must fall in the scenario period (checked by ``check_dates_in_period``).
    """
    extra: dict[str, Any] = {}
    if unit:
        extra["unit"] = unit
    if ref:
        extra["ref"] = ref
    if in_period:
        extra["in_period"] = True
    if example is not None:
        extra["example"] = example
    if "default_factory" in kwargs:
        return Field(description=description, json_schema_extra=extra or None, **kwargs)
    return Field(default, description=description, json_schema_extra=extra or None, **kwargs)


class Section(BaseModel):
    """A section of ``scenario.toml``: unknown keys are errors (typos never pass silently)."""

    model_config = ConfigDict(extra="forbid", frozen=True, validate_default=True, allow_inf_nan=False)

    _ints = field_validator("*", mode="after")(lambda cls, v: _fits_int64(v))


class Row(BaseModel):
    """One row of a scenario CSV table: unknown columns are errors."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True, allow_inf_nan=False)

    _ints = field_validator("*", mode="after")(lambda cls, v: _fits_int64(v))

    _line: int = PrivateAttr(0)
    """CSV line the row was read from (header = line 1); 0 for rows made in code."""

    @property
    def line(self) -> int:
        return self._line


def _fits_int64(value: Any) -> Any:
    """Integers (alone or in lists) must fit int64, the type they are stored and computed in."""
    items = value if isinstance(value, list) else [value]
    for v in items:
        if isinstance(v, int) and not isinstance(v, bool) and not (-INT64_MAX - 1 <= v <= INT64_MAX):
            raise ValueError(f"integer out of range: does not fit 64 bits (at most {INT64_MAX})")
    return value


def split_list(value: Any, sep: str = ";") -> Any:
    """Parse ``"a; b;c"`` from a CSV cell into ``["a", "b", "c"]`` (lists pass through)."""
    if value is None:
        return []
    if isinstance(value, str):
        return [v.strip() for v in value.split(sep) if v.strip()]
    return value


def list_validator(*names: str, sep: str = ";"):
    """A ``field_validator`` splitting ``sep``-separated CSV cells into lists for ``names``."""
    return field_validator(*names, mode="before")(lambda cls, v: split_list(v, sep))


@dataclass(frozen=True)
class TableSpec:
    """A CSV table of the scenario folder.

    Attributes
    ----------
    name : str
        File stem: the table is ``<name>.csv`` in the scenario folder.
    row : type[Row]
        Model of one row.
    description : str
        What the table holds.
    default : str
        What applies when the file is absent (shown in the docs).
    """

    name: str
    row: type[Row]
    description: str
    default: str = "empty"
