"""The law of arrest, as of a date: Rome Statute obligations of a venue's states towards a warrant holder.

Rules applied (each reason cites its source from the bundled reference tables):

* A Rome Statute party must arrest and surrender a person sought by the Court who is on its
  territory (Rome Statute Arts. 86, 89(1), 59(1)).  A leader under an ICC warrant meeting in a
  party (the host state or the state of the arrival airport) is therefore **infeasible**.
* A host that invited the leader or assured immunity (dated facts of ``summit_facts.csv``, in
  force on the date, or the scenario's own) makes the venue **conditional**: the verdict names
  whose breach it would be and cites the ICC's non-compliance findings decided by that date
  (South Africa and Jordan 2017 after al-Bashir's visits, Mongolia 24 Oct 2024 after Putin's,
  Hungary 24 Jul 2025 after Netanyahu's).  Art. 98(1) (immunities of third states) and Art. 97
  (consultations) are recorded as the arguments a host would invoke.
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


def precedents_sentence(precedents, names: dict[str, str] | None = None) -> str:
    """The ICC's non-compliance findings decided by the date, as one sentence with sources.

    ``precedents`` are :class:`~backstop.reference.snapshot.Precedent` (the snapshot's, so a
    verdict never cites a finding made after its date).
    """
    names = names or {}
    if not precedents:
        return "The Court had made no finding of non-compliance after such a visit by that date."
    parts = [f"{names.get(p.state, p.state)} on {_d(p.decided)} after the visit of {p.person} ({p.visit}; {p.source})" for p in precedents]
    held = ""
    if any("not opposable" in p.finding for p in precedents):
        held = "it held that personal immunity, including that of Heads of State, is not opposable before it, and "
    elif any("immunity" in p.finding.lower() for p in precedents):
        held = "it held that Head of State immunity did not bar the arrest, and "
    return "Precedents: the Court has found such assurances no defence: " + held + "found non-compliance by " + "; by ".join(parts) + "."


def caveat(precedents=None) -> str:
    """The precedents sentence (all bundled findings when ``precedents`` is None)."""
    if precedents is None:
        from backstop.reference.snapshot import precedents_on

        precedents = precedents_on(load_findings(), dt.date.max)
    return precedents_sentence(precedents)


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
    assurances: dict[str, str | list[str]],
    overrides: dict | None,
    names: dict[str, str],
    precedents=(),
) -> list[Finding]:
    """Judge a venue for one leader under the law of arrest on ``date``.

    Parameters
    ----------
    venue_states : list of str
        Host state first, then the arrival airport's state if different.
    assurances : dict
        ISO3 -> what that state did for this leader (invited, assured immunity), cited with
        sources: the snapshot's dated facts and the scenario's own assurances.
    precedents : sequence of Precedent
        ICC non-compliance findings decided on or before ``date`` (the snapshot's).

    A party with an arrest obligation makes the venue *conditional* when it invited or assured
    the leader (naming whose breach it would be and citing the precedents), else *infeasible*.
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
        given = assurances.get(state)
        if given:
            texts = [given] if isinstance(given, str) else list(given)
            out.append(
                Finding(
                    "conditional",
                    base + f" {name} {'; '.join(texts)}. Not arresting {leader_name} would be {name}'s breach of Arts. 86 and 89(1) "
                    f"(a finding for the Court under Art. 87(7) and a referral to the Assembly of States Parties); "
                    f"a host would invoke Arts. 97-98(1). " + precedents_sentence(precedents, names),
                )
            )
        else:
            out.append(Finding("infeasible", base + f" {name} has neither invited {leader_name} nor offered an immunity assurance on {_d(date)}."))
    return out
