"""Ceasefire and guarantee monitoring: reports -> events -> violation register -> commitments fired.

``assess_store`` is the library entry point (a :class:`~backstop.monitor.store.Store` and a
scenario); ``run`` is the pipeline step: it loads the scenario's bundled ``incidents.csv`` into
an in-memory DuckDB store and assesses it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from backstop.monitor.classify import (
    classify_events,
    left_region,
    line_geometry,
    load_sites,
    source_weight_sql,
)
from backstop.monitor.dedup import merge_table
from backstop.monitor.guarantee import by_guarantor, fire_commitments
from backstop.monitor.store import Store
from backstop.results import Assumption, Result
from backstop.scenario import Scenario

JSON_ROWS = 1000
"""Most rows of the register and of fired commitments put in the JSON payload (frames hold all)."""

REGISTER_COLUMNS = [
    "violation_id",
    "event_date",
    "violation_class",
    "party",
    "severity",
    "major",
    "status",
    "confidence",
    "location",
    "admin1",
    "latitude",
    "longitude",
    "dist_line_km",
    "site",
    "site_kind",
    "site_dist_km",
    "fatalities",
    "injured",
    "n_reports",
    "n_sources",
    "sources",
    "illustrative",
    "origin",
    "event_ids",
]


def _air_violations(air: pd.DataFrame, cfg) -> pd.DataFrame:
    """Air Force summary rows after the effective date as ``air_incursion`` violations by RUS."""
    if air.empty:
        return pd.DataFrame(columns=REGISTER_COLUMNS)
    t0 = pd.to_datetime(air["time_start"])
    keep = (air["launched"].to_numpy() > 0)
    if cfg.effective is not None:
        eff = pd.Timestamp(cfg.effective)
        eff = eff.tz_convert(None) if eff.tzinfo is not None else eff
        keep &= (t0 >= eff).to_numpy()
    a = air[keep]
    if a.empty:
        return pd.DataFrame(columns=REGISTER_COLUMNS)
    launched = a["launched"].to_numpy(float)
    sev = np.clip(2 + np.floor(np.log10(1 + launched)), 1, 5).astype(int)
    w = cfg.verification.official_weight
    status = "probable" if w >= cfg.verification.min_confidence else "reported"
    rus = "RUS" if "RUS" in cfg.parties else cfg.left_side
    return pd.DataFrame(
        {
            "event_date": pd.to_datetime(a["time_start"]).dt.normalize().to_numpy(),
            "violation_class": "air_incursion",
            "party": rus,
            "severity": sev,
            "major": sev >= cfg.major_severity,
            "status": status,
            "confidence": w,
            "location": "Ukraine (Air Force summary: " + a["model"].astype(str) + ", " + a["launched"].astype(str) + " launched, " + a["destroyed"].astype(str) + " destroyed)",
            "admin1": a["target"].astype(str).to_numpy(),
            "latitude": np.nan,
            "longitude": np.nan,
            "dist_line_km": np.nan,
            "site": "",
            "site_kind": "",
            "site_dist_km": np.nan,
            "fatalities": 0,
            "injured": 0,
            "n_reports": 1,
            "n_sources": 1,
            "sources": "Ukrainian Air Force daily summary",
            "illustrative": False,
            "origin": "air_summary",
            "event_ids": "",
        }
    )


def assess_store(store: Store, scenario: Scenario, *, sites: pd.DataFrame | None = None) -> Result:
    """Assess every report in ``store`` against the agreement and guarantee of ``scenario``."""
    cfg = scenario.config.monitor
    ver = cfg.verification
    n_reports = store.counts()["reports"]
    weight = source_weight_sql(ver.monitor_weight, ver.official_weight, ver.media_weight)
    events, _ = merge_table(store.con, "reports", cfg.dedup.distance_km, cfg.dedup.days, weight_sql=weight)
    line_rows = scenario.rows("line_of_contact")
    line, lonlat = line_geometry(line_rows)
    notes: list[str] = []
    if sites is None:
        sites, notes = load_sites(cfg.city_min_population)
    ev = classify_events(events, cfg, line, sites, left_region(lonlat))
    ev["origin"] = "report"
    viol = ev[ev["violation"]]
    air = _air_violations(store.air_reports(), cfg)
    register = pd.concat([viol[REGISTER_COLUMNS[1:]], air[REGISTER_COLUMNS[1:]]], ignore_index=True) if len(air) else viol[REGISTER_COLUMNS[1:]].reset_index(drop=True)
    register = register.sort_values(["event_date", "severity"], ascending=[True, False], kind="stable").reset_index(drop=True)
    register.insert(0, "violation_id", "V" + pd.Series(np.arange(1, len(register) + 1)).astype(str).str.zfill(6))
    fired = fire_commitments(register, scenario.rows("commitments"), ver.fire_on)

    counts = {
        "reports": int(n_reports),
        "air_reports": int(store.counts()["air_reports"]),
        "events": int(len(ev)),
        "merged_reports": int(n_reports - len(ev)),
        "classified": {k: int(v) for k, v in ev["violation_class"].value_counts().sort_index().items()},
        "violations": int(len(register)),
        "major": int(register["major"].sum()) if len(register) else 0,
        "by_class": {k: int(v) for k, v in register["violation_class"].value_counts().sort_index().items()},
        "by_party": {k: int(v) for k, v in register["party"].value_counts().sort_index().items()},
        "by_status": {k: int(v) for k, v in register["status"].value_counts().sort_index().items()},
        "commitments_fired": int(len(fired)),
    }
    agreement = {
        "parties": list(cfg.parties),
        "effective": cfg.effective,
        "left_side": cfg.left_side,
        "buffer_km": cfg.buffer_km,
        "crossing_tolerance_km": cfg.crossing_tolerance_km,
        "prohibited": list(cfg.prohibited),
        "site_radius_km": dict(cfg.site_radius_km),
        "verification": cfg.verification.model_dump(),
        "dedup": cfg.dedup.model_dump(),
        "line_of_contact": [[float(lon), float(lat)] for lon, lat in lonlat],
        "commitments": [c.model_dump() for c in scenario.rows("commitments")],
    }
    guarantors = by_guarantor(fired)
    summary = [
        f"{counts['reports']} incident reports merged into {counts['events']} events; {counts['violations']} violations of the agreement "
        f"({counts['major']} major) since {cfg.effective.date() if cfg.effective else 'the start of the record'}.",
    ]
    if len(fired):
        first = fired.iloc[0]
        summary.append(
            f"{len(fired)} commitment steps fired for {len(guarantors)} guarantors; the first, {first['guarantor']} '{first['response']}', "
            f"is due by {pd.Timestamp(first['deadline']):%Y-%m-%d %H:%M} UTC."
        )
    else:
        summary.append("No guarantor commitment fired.")
    if counts["by_class"]:
        top = max(counts["by_class"], key=counts["by_class"].get)
        summary.append(f"Most frequent violation: {top.replace('_', ' ')} ({counts['by_class'][top]}).")
    assumptions = [
        Assumption("line of contact", "Coarse hand-digitised vertices of the August 2025 line (error up to 10-20 km); the buffer and crossing tests inherit that error.", "ISW / DeepStateMap public maps", "2025-08"),
        Assumption("severity", "severity = clip(base + floor(log10(1 + 3 killed + injured)), 1, 5); base 4 crossing, 3 strikes on civilian areas/energy/ports, 2 fire in buffer and air incursions.", "backstop design note docs/monitor.md", ""),
        Assumption("attribution", f"Noisy-OR confidence over distinct sources, weights monitor {ver.monitor_weight}, official {ver.official_weight}, other {ver.media_weight}; halved when the actor is not named.", "backstop design note docs/monitor.md", ""),
        Assumption("dedup", f"Reports of the same type within {cfg.dedup.distance_km} km and {cfg.dedup.days} day(s) are one event (single linkage).", "ACLED codebook 2023; Ester et al. 1996", ""),
        Assumption("commitments", "Guarantee texts are not public: every commitment step and trigger rule is illustrative.", "Paris Declaration 6 Jan 2026; UK MoD 10 Apr 2025", "2026-01-06"),
    ]
    assumptions += [Assumption("sites", n) for n in notes]
    if len(ev) and ev["illustrative"].any():
        assumptions.append(Assumption("incidents", f"{int(ev['illustrative'].sum())} of {len(ev)} events come from illustrative rows, not public reports.", "incidents.csv", ""))
    data = {
        "agreement": agreement,
        "counts": counts,
        "register": register.head(JSON_ROWS),
        "register_truncated": bool(len(register) > JSON_ROWS),
        "commitments_fired": fired.head(JSON_ROWS),
        "commitments_truncated": bool(len(fired) > JSON_ROWS),
        "guarantors": guarantors,
    }
    event_cols = ["event", "event_date", "event_type", "sub_event_type", "actor1", "party", "location", "admin1", "latitude", "longitude",
                  "fatalities", "injured", "n_reports", "n_sources", "sources", "dist_line_km", "side_party", "in_buffer", "site", "site_kind",
                  "site_dist_km", "violation_class", "severity", "major", "confidence", "status", "after_effective", "violation", "illustrative"]
    return Result(
        name="monitor",
        title="Ceasefire and guarantee monitoring",
        summary=summary,
        data=data,
        frames={"register": register, "events": ev[event_cols], "commitments": fired},
        assumptions=assumptions,
        metadata={"status": "ok", "store": store.path},
    )


def run(scenario: Scenario, context) -> Result:
    """Pipeline step: assess the scenario's ``incidents.csv`` in an in-memory DuckDB store."""
    from backstop.monitor.ingest import incidents_frame

    with Store(":memory:") as store:
        store.insert_frame("incidents", incidents_frame(scenario.rows("incidents")), label="incidents.csv")
        return assess_store(store, scenario)
