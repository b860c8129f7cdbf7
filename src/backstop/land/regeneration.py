"""Regeneration of Ukraine's forces: training throughput against replacement needs, month by month.

Supply per month = Ukraine's own training centres (assumption) + the partner programmes at their
historical rate (Operation Interflex and EUMAM totals over their periods, ``land_training.csv``,
times a sustainment share) + the coalition's offered training teams (``training_team`` pledges)
times the trainees one team graduates a month (assumption).  Need per month = replacements
(losses, rotation, demobilisation; assumption).  Cumulative trained troops / brigade size gives
"trained brigades by month"; a monthly shortfall becomes ``training_team`` requirement lines.
"""

from __future__ import annotations

import math

import pandas as pd

from backstop.scenario.models.forcegen import Requirement


def load_training() -> pd.DataFrame:
    """Partner training programmes with totals, periods and monthly rate [troops/month]."""
    from backstop.reference.tables import load_table

    df = load_table("land_training")
    df["trained"] = df["trained"].astype(float)
    start = pd.to_datetime(df["period_start"])
    end = pd.to_datetime(df["period_end"])
    df["months"] = (end - start).dt.days / 30.44
    df["per_month"] = df["trained"] / df["months"]
    return df


def balance(cfg, teams_offered: int) -> tuple[pd.DataFrame, list[Requirement], dict]:
    """Month-by-month training balance and the training requirement lines.

    Returns (table with ``month, domestic, partners, coalition_teams, supply, need, shortfall,
    trained_cum, need_cum, trained_brigades, needed_brigades``; requirement lines; summary).
    """
    prog = load_training()
    partner = float(prog["per_month"].sum()) * cfg.partner_training_share
    teams = teams_offered * cfg.trainees_per_team_month
    supply = cfg.domestic_training_per_month + partner + teams
    need = cfg.replacement_per_month
    rows = []
    for m in range(1, cfg.regeneration_months + 1):
        rows.append({
            "month": m, "domestic": cfg.domestic_training_per_month, "partners": partner, "coalition_teams": teams,
            "supply": supply, "need": need, "shortfall": max(0.0, need - supply),
            "trained_cum": supply * m, "need_cum": need * m,
            "trained_brigades": supply * m / cfg.brigade_troops, "needed_brigades": need * m / cfg.brigade_troops,
        })
    table = pd.DataFrame(rows)
    short = max(0.0, need - supply)
    extra_teams = int(math.ceil(short / cfg.trainees_per_team_month - 1e-9)) if short > 0 else 0
    reqs = []
    if extra_teams:
        reqs.append(Requirement(
            id="LAND-TRAIN", capability="training_team", quantity=extra_teams, zone=cfg.training_zone, start_month=1,
            end_month=min(cfg.regeneration_months, 120), origin="land",
            note=(f"land: regeneration: need {need:,.0f} trained troops/month against {supply:,.0f} "
                  f"({cfg.domestic_training_per_month:,.0f} domestic + {partner:,.0f} partner programmes + {teams:,.0f} from {teams_offered} offered teams); "
                  f"{short:,.0f}/month short at {cfg.trainees_per_team_month:g} per team (assumptions in [land])"),
        ))
    summary = {"supply_per_month": supply, "need_per_month": need, "partner_per_month": partner, "teams_offered": teams_offered, "extra_teams": extra_teams, "programmes": prog[["id", "programme", "trained", "per_month", "source"]]}
    return table, reqs, summary
