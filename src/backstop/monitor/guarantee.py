"""Fire the guarantors' commitments from the violation register, with deadlines.

A commitment step (``commitments.csv``) counts the violations that match its class (or
``any``), reach its ``min_severity``, are attributed to its ``against`` party and have at least
the verification status ``[monitor.verification] fire_on``.  Its rule decides when it fires:

* ``each``: once per qualifying violation;
* ``count:N/days:D``: when the rule *becomes* true, i.e. at the qualifying violation that makes
  N within the trailing D days (the window ``(t - D, t]``) after the previous one did not.  A
  sustained campaign fires the step once; it fires again only after the count has dropped below
  N and reaches N again (a rising-edge trigger, vectorised with :func:`numpy.searchsorted`).

Reports dated by day (ACLED) are taken as known at the end of their day, so the trigger time is
``event_date + 1 day`` and the deadline is ``trigger + deadline_hours``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from backstop.scenario.models.monitor import RULE_RE

STATUS_RANK = {"reported": 0, "probable": 1, "verified": 2}


def fire_commitments(register: pd.DataFrame, commitments, fire_on: str = "probable") -> pd.DataFrame:
    """Commitment steps fired by the violations of ``register``.

    Parameters
    ----------
    register : DataFrame
        Violations with ``violation_id, event_date, violation_class, severity, party, status``.
    commitments : sequence of Commitment
    fire_on : str
        Lowest verification status counted.

    Returns
    -------
    DataFrame
        ``commitment, guarantor, step, kind, response, rule, trigger_time, deadline, violations``
        (ids of the violations the trigger counted), ordered by trigger time then step.
    """
    cols = ["commitment", "guarantor", "step", "kind", "response", "rule", "against", "trigger_time", "deadline", "deadline_hours", "violations", "assumption"]
    if register.empty or not commitments:
        return pd.DataFrame(columns=cols)
    known = pd.to_datetime(register["event_date"]).to_numpy().astype("datetime64[ns]") + np.timedelta64(1, "D")
    rank = register["status"].map(STATUS_RANK).to_numpy()
    cls = register["violation_class"].to_numpy(str)
    sev = register["severity"].to_numpy(int)
    party = register["party"].to_numpy(str)
    vid = register["violation_id"].to_numpy(str)
    out = []
    for c in commitments:
        q = (rank >= STATUS_RANK[fire_on]) & (sev >= c.min_severity) & (party == c.against)
        if c.violation_class != "any":
            q &= cls == c.violation_class
        qi = np.flatnonzero(q)
        if not len(qi):
            continue
        qi = qi[np.argsort(known[qi], kind="stable")]
        t = known[qi]
        m = RULE_RE.match(c.rule)
        if c.rule == "each":
            fire = np.arange(len(qi))
            members = vid[qi]
        else:
            n_req, d = int(m.group(2)), float(m.group(3))
            window = np.timedelta64(int(round(d * 86400)), "s")
            start = np.searchsorted(t, t - window, side="right")
            count = np.arange(len(t)) - start + 1
            holds = count >= n_req
            prev = np.concatenate([[False], holds[:-1]])
            fire = np.flatnonzero(holds & ~prev)
            members = np.array([";".join(vid[qi[start[k] : k + 1]]) for k in fire], dtype=object)
        trig = t[fire]
        nf = len(fire)
        out.append(
            pd.DataFrame(
                {
                    "commitment": np.repeat(c.id, nf),
                    "guarantor": np.repeat(c.guarantor, nf),
                    "step": np.repeat(c.step, nf),
                    "kind": np.repeat(c.kind, nf),
                    "response": np.repeat(c.response, nf),
                    "rule": np.repeat(c.rule, nf),
                    "against": np.repeat(c.against, nf),
                    "trigger_time": trig,
                    "deadline": trig + np.timedelta64(int(round(c.deadline_hours * 3600)), "s"),
                    "deadline_hours": np.repeat(c.deadline_hours, nf),
                    "violations": members,
                    "assumption": np.repeat(c.assumption, nf),
                }
            )
        )
    out = [o for o in out if len(o)]
    if not out:
        return pd.DataFrame(columns=cols)
    return pd.concat(out, ignore_index=True)[cols].sort_values(["trigger_time", "guarantor", "step"], kind="stable").reset_index(drop=True)


def by_guarantor(fired: pd.DataFrame) -> list[dict]:
    """Fired steps grouped per guarantor: counts by kind and the earliest open deadline."""
    out = []
    if fired.empty:
        return out
    for g, grp in fired.groupby("guarantor", sort=True):
        out.append(
            {
                "guarantor": g,
                "fired": int(len(grp)),
                "kinds": {k: int(v) for k, v in grp["kind"].value_counts().sort_index().items()},
                "first_deadline": grp["deadline"].min(),
                "last_deadline": grp["deadline"].max(),
            }
        )
    return out
