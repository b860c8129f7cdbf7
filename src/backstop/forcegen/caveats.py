"""The caveat language of national pledges: parsing, checking and evaluation.

Grammar (one ``caveats`` cell of ``pledges.csv``; whitespace around tokens is ignored)::

    caveats  := caveat { ";" caveat }
    caveat   := NAME [ ":" ARG { "|" ARG } ]

=================  ==========================================================================
caveat             meaning
=================  ==========================================================================
``not_in:A|B``     never in these places; each ``A`` is a zone id or an ISO3 state (``UKR``
                   = every zone with ``in_ukraine=true``)
``zones:a|b``      only in these zones (zone ids or ISO3 states, as above)
``outside_ukraine``  shorthand for ``not_in:UKR``
``no_combat``      no combat task: never on a line of a combat capability (``combat=true``)
                   in a zone inside Ukraine
``max_months:N``   each deployment lasts at most ``N`` consecutive months (counted from the
                   first month the units serve a line)
``only_with:ISO3``  only on a line that a unit of ``ISO3`` also serves (buddy nation)
``domains:d|e``    only for capabilities of these domains (``capabilities.csv`` ``domain``)
``air_isr_only``   only if the capability is air, ISR or intelligence (``air_isr_intel=true``)
=================  ==========================================================================

A caveat the parser does not know is an :class:`~backstop.errors.InputError` naming the pledge
row, never ignored; so is a contradiction (a caveat that excludes every zone, a buddy nation
that pledges nothing, a domain the pledge's own capability is not in).
"""

from __future__ import annotations

from dataclasses import dataclass

from backstop.errors import Problem
from backstop.forcegen.taxonomy import Taxonomy

CAVEATS = {
    "not_in": "never in these zones or states",
    "zones": "only in these zones or states",
    "outside_ukraine": "never in a zone inside Ukraine",
    "no_combat": "no combat capability in a zone inside Ukraine",
    "max_months": "each deployment at most N consecutive months",
    "only_with": "only on a line served by this nation too",
    "domains": "only capabilities of these domains",
    "air_isr_only": "only air, ISR or intelligence capabilities",
}
"""Known caveat names and one-line meanings."""

_TAKES_ARGS = {"not_in": True, "zones": True, "max_months": True, "only_with": True, "domains": True,
               "outside_ukraine": False, "no_combat": False, "air_isr_only": False}


@dataclass(frozen=True)
class Caveat:
    """One parsed caveat.

    Attributes
    ----------
    name : str
        Caveat name (a key of :data:`CAVEATS`).
    args : tuple of str
        Arguments (zone ids / ISO3 codes upper-cased as written, domains, a month count).
    text : str
        Canonical text, e.g. ``not_in:UKR`` (used to label what binds).
    origin : str
        ``pledge`` for a caveat written in the pledge row, or ``position:<position>`` for one
        implied by a nation's published position, or ``toggle:<name>``.
    """

    name: str
    args: tuple[str, ...] = ()
    text: str = ""
    origin: str = "pledge"

    def zone_allowed(self, zone: str, capability: str, tax: Taxonomy) -> bool:
        """Whether this caveat lets a unit of ``capability`` serve in ``zone`` (static caveats only)."""
        if self.name in ("not_in", "outside_ukraine"):
            return zone not in _places(self.args if self.name == "not_in" else ("UKR",), tax)
        if self.name == "zones":
            return zone in _places(self.args, tax)
        if self.name == "no_combat":
            cap = tax.capabilities.loc[capability]
            return not (bool(cap["combat"]) and bool(tax.zones.loc[zone, "in_ukraine"]))
        if self.name == "domains":
            return str(tax.capabilities.loc[capability, "domain"]) in self.args
        if self.name == "air_isr_only":
            return bool(tax.capabilities.loc[capability, "air_isr_intel"])
        return True  # max_months, only_with act in the model, not on zones

    @property
    def months(self) -> int | None:
        """``N`` of ``max_months:N`` (None for other caveats)."""
        return int(self.args[0]) if self.name == "max_months" else None


def _places(args, tax: Taxonomy) -> set[str]:
    out: set[str] = set()
    for a in args:
        if a in tax.zones.index:
            out.add(a)
        elif a.lower() in tax.zones.index:
            out.add(a.lower())
        else:
            out |= tax.zones_of_state(a)
    return out


def parse_caveat(token: str, *, where: str, file: str = "pledges.csv", origin: str = "pledge") -> tuple[Caveat | None, list[Problem]]:
    """Parse one caveat token; returns the caveat or the problems (syntax and names only)."""
    token = token.strip()
    name, _, rest = token.partition(":")
    name = name.strip().lower()
    if name not in CAVEATS:
        return None, [Problem(file, where, "caveats", token, "unknown caveat", f"known caveats: {', '.join(sorted(CAVEATS))} (see docs/forcegen.md)")]
    args = tuple(a.strip() for a in rest.split("|") if a.strip()) if rest else ()
    if _TAKES_ARGS[name] and not args:
        return None, [Problem(file, where, "caveats", token, f"caveat '{name}' needs arguments", f"write e.g. {name}:{'6' if name == 'max_months' else 'UKR'}")]
    if not _TAKES_ARGS[name] and (args or ":" in token):
        return None, [Problem(file, where, "caveats", token, f"caveat '{name}' takes no arguments", f"write just '{name}'")]
    if name == "max_months":
        if len(args) != 1 or not args[0].isdigit() or int(args[0]) < 1:
            return None, [Problem(file, where, "caveats", token, "max_months needs one whole number of months >= 1", "write e.g. max_months:6")]
    if name == "only_with":
        if len(args) != 1:
            return None, [Problem(file, where, "caveats", token, "only_with takes exactly one nation", "write e.g. only_with:FRA")]
        args = (args[0].upper(),)
    if name == "domains":
        args = tuple(a.lower() for a in args)
    canonical = name + (":" + "|".join(args) if args else "")
    return Caveat(name, args, canonical, origin), []


def parse_caveats(tokens, *, where: str, file: str = "pledges.csv", origin: str = "pledge") -> tuple[tuple[Caveat, ...], list[Problem]]:
    """Parse a list of caveat tokens (the ``caveats`` cell already split on ``;``)."""
    out, problems = [], []
    for tok in tokens:
        if not str(tok).strip():
            continue
        cav, probs = parse_caveat(str(tok), where=where, file=file, origin=origin)
        problems += probs
        if cav is not None:
            out.append(cav)
    return tuple(out), problems


def check_caveats(
    caveats: tuple[Caveat, ...],
    *,
    nation: str,
    capability: str,
    tax: Taxonomy,
    pledging_nations: set[str],
    where: str,
    file: str = "pledges.csv",
) -> list[Problem]:
    """Semantic checks of a pledge's own caveats: unknown places, contradictions.

    A contradiction is a set of caveats under which the pledge can serve nowhere: every zone
    excluded, its capability outside ``domains``, ``air_isr_only`` on a ground-only capability,
    or a buddy nation (``only_with``) that is the nation itself or pledges nothing.
    """
    problems = []
    states = None
    for c in caveats:
        if c.name in ("not_in", "zones"):
            for a in c.args:
                if a in tax.zones.index or a.lower() in tax.zones.index:
                    continue
                if states is None:
                    from backstop.reference.states import state_names

                    states = set(state_names())
                if a.upper() not in states:
                    problems.append(Problem(file, where, "caveats", c.text, f"'{a}' is neither a zone id nor an ISO3 state", f"zones: {', '.join(tax.zone_ids())}"))
        if c.name == "only_with":
            buddy = c.args[0]
            if buddy == nation:
                problems.append(Problem(file, where, "caveats", c.text, "a nation cannot be its own buddy nation", "name another nation, or drop the caveat"))
            elif buddy not in pledging_nations:
                problems.append(Problem(file, where, "caveats", c.text, f"{buddy} pledges nothing, so this pledge could serve nowhere", "pledge units for the buddy nation too, or drop the caveat"))
        if c.name == "domains":
            dom = str(tax.capabilities.loc[capability, "domain"])
            if dom not in c.args:
                problems.append(Problem(file, where, "caveats", c.text, f"the pledge's capability '{capability}' is of domain '{dom}', which the caveat excludes", "the pledge could serve nowhere: fix the capability or the caveat"))
        if c.name == "air_isr_only" and not bool(tax.capabilities.loc[capability, "air_isr_intel"]):
            problems.append(Problem(file, where, "caveats", c.text, f"'{capability}' is not an air/ISR/intelligence capability, so the pledge could serve nowhere", "fix the capability or drop the caveat"))
    if problems:
        return problems
    zones = [z for z in tax.zone_ids() if all(c.zone_allowed(z, capability, tax) for c in caveats)]
    if not zones:
        text = "; ".join(c.text for c in caveats if c.name in ("not_in", "zones", "outside_ukraine", "no_combat"))
        problems.append(Problem(file, where, "caveats", text, "the caveats exclude every zone: the pledge could serve nowhere", "relax a not_in/zones/no_combat caveat"))
    return problems


POSITION_CAVEATS = {
    "no_troops_in_ukraine": "not_in:UKR",
    "from_neighbouring_territory": "not_in:UKR",
    "maritime": "domains:sea|air",
}
"""Published positions (``positions.csv``) read as caveats on every pledge of the nation.

``air_isr_only`` is not here: the scenario toggle ``us_air_isr_only`` owns it.
"""
