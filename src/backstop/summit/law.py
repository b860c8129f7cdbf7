"""The law of arrest, as of a date: Rome Statute obligations of a venue's states towards a warrant holder.

Rules applied (each reason cites its source from the bundled reference tables):

* A Rome Statute party must arrest and surrender a person sought by the Court who is on its
  territory (Rome Statute Arts. 86, 89(1), 59(1)).  A leader under an ICC warrant meeting in a
  party (the host state or the state of the arrival airport) is therefore **infeasible**.
* A host's immunity assurance makes the venue **conditional**: the Court has held that personal
  immunity, including a Head of State's, is not opposable before it, and found Mongolia (24 Oct
  2024) and Hungary (24 Jul 2025) in non-compliance after visits of warrant holders.
  Art. 98(1) (immunities of third states) and Art. 97 (consultations) are recorded as the
  arguments a host would invoke.
* Membership uses the dated ``icc`` intervals of ``memberships.csv`` with the scenario's
  overrides (e.g. ``icc:HUN``); an interval marked unconfirmed (Hungary's withdrawal) is reported
  with its uncertainty.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache

import pandas as pd

from backstop.reference import load_table

LEVELS = {"feasible": 0, "conditional": 1, "infeasible": 2}


@dataclass(frozen=True)
class Finding:
    """One judged aspect of a venue: a verdict level and a sentence a diplomat can check."""

    level: str
    sentence: str


@lru_cache(maxsize=1)
def load_warrants() -> pd.DataFrame:
    """ICC arrest warrants (bundled ``icc_warrants.csv``)."""
    return load_table("icc_warrants").set_index("id", drop=False)


@lru_cache(maxsize=1)
def load_findings() -> pd.DataFrame:
    """ICC non-compliance findings (bundled ``icc_findings.csv``)."""
    return load_table("icc_findings")


def _d(date: dt.date) -> str:
    return f"{date.day} {date:%B %Y}"


def describe_warrant(warrant: str) -> str:
    """A warrant id or ``ICC:YYYY-MM-DD`` as a sentence fragment with its source."""
    w = load_warrants()
    if warrant in w.index:
        r = w.loc[warrant]
        return f"an ICC arrest warrant issued by {r['chamber']} on {_d(dt.date.fromisoformat(r['issued']))} ({r['situation']}; source: {r['source']})"
    if warrant.upper().startswith("ICC:"):
        return f"an ICC arrest warrant of {warrant[4:]} (given in the scenario)"
    return f"the warrant '{warrant}'"


def active_warrants(warrants: list[str], date: dt.date) -> list[str]:
    """Warrants issued on or before ``date``."""
    w = load_warrants()
    out = []
    for x in warrants:
        if x in w.index:
            issued = dt.date.fromisoformat(w.loc[x, "issued"])
        elif x.upper().startswith("ICC:"):
            issued = dt.date.fromisoformat(x[4:])
        else:
            continue
        if issued <= date:
            out.append(x)
    return out


@lru_cache(maxsize=1)
def caveat() -> str:
    """The non-compliance precedents, as one sentence with sources."""
    f = load_findings()
    parts = [
        f"{r['state']} on {_d(dt.date.fromisoformat(r['decided']))} after the visit of {r['person']} ({r['visit']}; {r['source']})"
        for _, r in f.sort_values("decided").iterrows()
    ]
    return (
        "The Court has found such assurances no defence: it held that personal immunity, including that of Heads of State, "
        "is not opposable before it, and found non-compliance by " + " and by ".join(parts) + "."
    )


@lru_cache(maxsize=1)
def _icc_rows() -> pd.DataFrame:
    from backstop.reference.states import membership_rows

    return membership_rows("icc")


def membership_note(iso3: str, date: dt.date, overrides: dict | None, names: dict[str, str]) -> str | None:
    """A sentence on ``iso3``'s Rome Statute membership that matters on ``date``, if any.

    * a scenario override of the interval is always reported;
    * a withdrawal takes effect one year after its notification (Rome Statute Art. 127(1)):
      between the notification and that date the state is still a party that has notified its
      withdrawal; from that date on an unconfirmed end is reported with its uncertainty;
    * before the notification nothing is said (a 2016 verdict on Hungary does not cite 2025).
    """
    key = f"icc:{iso3}"
    overrides = overrides or {}
    return _membership_note(iso3, date, key in overrides, overrides.get(key), names.get(iso3, iso3))


def _add_years(d: dt.date, years: int) -> dt.date:
    try:
        return d.replace(year=d.year + years)
    except ValueError:  # 29 February
        return d.replace(year=d.year + years, day=28)


@lru_cache(maxsize=512)
def _membership_note(iso3: str, date: dt.date, overridden: bool, end, name: str) -> str | None:
    key = f"icc:{iso3}"
    if overridden:
        return (
            f"The scenario overrides {name}'s Rome Statute membership ({key}): "
            + ("it is treated as still a party." if end is None else f"it is treated as ending on {_d(end)}.")
        )
    rows = _icc_rows()
    for _, r in rows[(rows["iso3"] == iso3) & (rows["end"].notna())].iterrows():
        ends = r["end"]
        notified = _add_years(ends, -1)
        if notified <= date < ends:
            return (f"{name} notified its withdrawal from the Rome Statute on {_d(notified)}; it takes effect on {_d(ends)} "
                    f"(Art. 127(1): one year after the notification), so {name} is still a party on {_d(date)} (source: {r['source']}).")
        if date >= ends and not r["confirmed"]:
            return (
                f"{name}'s status is uncertain: {r['note']} (source: {r['source']}); "
                f"set the override {key} to test the other reading."
            )
    return None


def icc_findings(
    leader_name: str,
    warrants: list[str],
    venue_states: list[str],
    date: dt.date,
    icc_parties: set[str],
    assurance_states: dict[str, str],
    overrides: dict | None,
    names: dict[str, str],
) -> list[Finding]:
    """Judge a venue for one leader under the law of arrest.

    Parameters
    ----------
    venue_states : list of str
        Host state first, then the arrival airport's state if different.
    assurance_states : dict
        ISO3 -> text of the immunity assurance (with its source) offered by that state.
    """
    active = active_warrants(warrants, date)
    if not active:
        return []
    out: list[Finding] = []
    what = describe_warrant(active[0])
    for i, state in enumerate(dict.fromkeys(venue_states)):
        name = names.get(state, state)
        role = "the host state" if i == 0 else "the state of the arrival airport"
        note = membership_note(state, date, overrides, names)
        if state not in icc_parties:
            s = f"{name}, {role}, is not a party to the Rome Statute on {_d(date)}, so it has no obligation to arrest {leader_name}, who is subject to {what}."
            out.append(Finding("feasible", s + (f" {note}" if note else "")))
            continue
        base = (
            f"{name}, {role}, is a party to the Rome Statute on {_d(date)} and must arrest and surrender {leader_name}, "
            f"who is subject to {what} (Rome Statute Arts. 59(1), 86 and 89(1))."
        )
        if note:
            base += f" {note}"
        if state in assurance_states:
            out.append(
                Finding(
                    "conditional",
                    base + f" {name} offers an immunity assurance ({assurance_states[state]}), invoking Arts. 97-98(1). " + caveat(),
                )
            )
        else:
            out.append(Finding("infeasible", base + f" {name} has offered no immunity assurance."))
    return out
