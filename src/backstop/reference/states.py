"""States and their dated memberships (NATO, EU, Rome Statute, the coalition, airspace closures).

Memberships are intervals ``[start, end)`` in ``memberships.csv``.  A scenario may override the
end of one interval (for example Hungary's notified ICC withdrawal, whose status is unconfirmed)
with ``overrides={"icc:HUN": None}`` (still a party) or a new end date.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from functools import lru_cache

import pandas as pd

from backstop.errors import DomainError
from backstop.reference.tables import load_table

BODIES = ("nato", "eu", "icc", "coalition", "airspace_closed_to_RUS")
"""Membership bodies with dated events in ``memberships.csv``."""

HISTORY_FROM = {"icc": date(2015, 1, 1)}
"""Earliest as-of date for which the bundled history of a body is complete (the others are
complete from their founding: NATO 1949, the EU's members since 1958, the coalition launched on
2 Mar 2025 and the airspace closures of 2022 have no members before their first interval)."""


class UnknownBody(DomainError):
    """A membership body that ``memberships.csv`` does not hold."""


class DateNotCovered(DomainError):
    """A date for which the bundled reference history is incomplete."""

BODY_ALIASES = {"airspace-closed-to-rus": "airspace_closed_to_RUS", "airspace_closed_to_rus": "airspace_closed_to_RUS"}


def normalise_body(body: str) -> str:
    """Canonical body key; raises :class:`UnknownBody` for an unknown body."""
    key = BODY_ALIASES.get(body.lower(), body.lower())
    if key not in BODIES:
        raise UnknownBody(
            "body", body, "unknown membership body",
            f"use one of: {', '.join(b.replace('_', '-').replace('-RUS', '-to-RUS') for b in BODIES)}",
        )
    return key


def state_names() -> dict[str, str]:
    """Mapping ISO3 -> short name."""
    df = load_table("states")
    return dict(zip(df["iso3"], df["name"], strict=False))


def load_memberships() -> pd.DataFrame:
    """Membership intervals with parsed ``start``/``end`` dates (``end`` None = ongoing)."""
    return _memberships().copy()


@lru_cache(maxsize=1)
def _memberships() -> pd.DataFrame:
    df = load_table("memberships")
    df["start"] = [date.fromisoformat(s) for s in df["start"]]
    df["end"] = pd.Series([date.fromisoformat(s) if s else None for s in df["end"]], index=df.index, dtype=object)
    return df


def members(
    body: str,
    as_of: date,
    overrides: Mapping[str, date | None] | None = None,
) -> list[str]:
    """ISO3 codes that belong to ``body`` on ``as_of`` (start <= as_of < end), sorted.

    Parameters
    ----------
    body : str
        One of :data:`BODIES` (``airspace-closed-to-RUS`` accepted).
    as_of : date
        Date of the query.
    overrides : mapping, optional
        ``"body:ISO3" -> end date or None`` replacing the bundled end of that interval.
    """
    key = normalise_body(body)
    floor = HISTORY_FROM.get(key)
    if floor is not None and as_of < floor:
        raise DateNotCovered(
            "as_of", as_of.isoformat(),
            f"the bundled {key} history is complete only from {floor.isoformat()}",
            f"use a date on or after {floor.isoformat()}",
        )
    df = _memberships()
    df = df[df["body"] == key]
    out = []
    for row in df.itertuples(index=False):
        end = row.end
        if overrides and f"{key}:{row.iso3}" in overrides:
            end = overrides[f"{key}:{row.iso3}"]
        if row.start <= as_of and (end is None or as_of < end):
            out.append(row.iso3)
    return sorted(set(out))


def membership_rows(body: str) -> pd.DataFrame:
    """The bundled intervals of one body, with sources (for reports and ``facts``)."""
    df = load_memberships()
    return df[df["body"] == normalise_body(body)].reset_index(drop=True)


def load_positions() -> pd.DataFrame:
    """Published positions of states on the reassurance force (``positions.csv``).

    ``stated`` is the date the position was first published (the cited source); ``as_of`` the
    date the row was last checked.  Which positions hold on a date is decided by
    :mod:`backstop.reference.snapshot`.
    """
    return load_table("positions")


def load_gdp() -> pd.DataFrame:
    """Nominal GDP [USD bn] by state with year and source (``gdp.csv``)."""
    df = load_table("gdp")
    df["gdp_usd_bn"] = df["gdp_usd_bn"].astype(float)
    df["year"] = df["year"].astype(int)
    return df
