"""From scenario rows to the plain-array :class:`~backstop.forcegen.model.Instance`.

This is where caveats, political toggles and published positions become *restrictions*: each
one a named source of exclusion that "what binds" can lift (re-solve without it) and that the
gap report cites.  Inputs are validated here, every problem naming its row
(``pledges.csv line N``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np

from backstop.errors import InputError, Problem
from backstop.forcegen.caveats import (
    POSITION_CAVEATS,
    Caveat,
    check_caveats,
    parse_caveat,
    parse_caveats,
)
from backstop.forcegen.model import Instance
from backstop.forcegen.taxonomy import Taxonomy, load_taxonomy
from backstop.scenario.models.forcegen import Pledge, Requirement


@dataclass(frozen=True)
class Restriction:
    """A named source of exclusion: a pledge caveat, a published position, or a scenario toggle.

    Attributes
    ----------
    key : str
        Stable label, e.g. ``caveat ITA not_in:UKR``, ``position DEU from_neighbouring_territory``,
        ``toggle russia_red_line``.
    kind : str
        ``caveat``, ``position`` or ``toggle``.
    nation : str
        ISO3 of the nation it restricts ('' for a toggle, which may restrict many).
    caveat : Caveat
        The caveat it applies.
    """

    key: str
    kind: str
    nation: str
    caveat: Caveat


@dataclass(frozen=True)
class PledgeItem:
    """A validated pledge with its restrictions."""

    id: str
    nation: str
    capability: str
    quantity: int
    start: int
    end: int
    cost_usd_per_month: float
    restrictions: tuple[Restriction, ...]
    where: str
    assumption: bool = True
    statement: str = ""


@dataclass(frozen=True)
class RequirementItem:
    """A validated requirement line (months clipped to the horizon)."""

    id: str
    capability: str
    zone: str
    quantity: int
    start: int
    end: int
    priority: float
    origin: str
    note: str
    where: str


@dataclass(frozen=True)
class ForceProblem:
    """Everything force generation needs, validated; build instances with :func:`make_instance`."""

    requirements: tuple[RequirementItem, ...]
    pledges: tuple[PledgeItem, ...]
    taxonomy: Taxonomy
    horizon: int
    rotation_months: int
    sustain: bool
    fair_share: dict[str, float]
    fair_share_basis: str
    notes: tuple[str, ...] = ()

    @property
    def restrictions(self) -> dict[str, Restriction]:
        """Every distinct restriction by key."""
        out: dict[str, Restriction] = {}
        for p in self.pledges:
            for r in p.restrictions:
                out.setdefault(r.key, r)
        return out


@dataclass(frozen=True)
class PairMeta:
    """What :func:`make_instance` kept and excluded, to read a solution back.

    Attributes
    ----------
    nations : list of str
        ISO3 per nation index of the instance.
    pledge_index : ndarray
        Index into ``ForceProblem.pledges`` per instance pledge.
    excluded : dict
        ``(req index, pledge index) -> tuple of restriction keys`` excluding a same-capability
        pair whose window overlaps the line.
    """

    nations: list[str]
    pledge_index: np.ndarray
    excluded: dict[tuple[int, int], tuple[str, ...]] = field(default_factory=dict)


RED_LINE = Restriction("toggle russia_red_line", "toggle", "", Caveat("not_in", ("UKR",), "not_in:UKR", "toggle:russia_red_line"))
"""Russia's red line (toggle ``russia_red_line``): no ground unit of a NATO member inside Ukraine."""
US_AIR_ISR_ONLY = Restriction("toggle us_air_isr_only", "toggle", "", Caveat("air_isr_only", (), "air_isr_only", "toggle:us_air_isr_only"))
"""The US contribution limited to air, ISR and intelligence (toggle ``us_air_isr_only``)."""


def red_line_applies(nation_in_nato: bool, ground: bool) -> bool:
    """Whether :data:`RED_LINE` restricts a pledge: a ground capability of a NATO member."""
    return nation_in_nato and ground


def prepare(
    scenario,
    extra_requirements: Sequence[Requirement] = (),
    *,
    taxonomy: Taxonomy | None = None,
) -> ForceProblem:
    """Validate the scenario's force-generation inputs into a :class:`ForceProblem`.

    Date-dependent facts (NATO members for the red line, published positions, the GDP year of
    fair shares) come from ``scenario.snapshot``, the reference facts as of the scenario's date.

    Raises
    ------
    InputError
        Every bad row at once: unknown capability, zone or nation; a requirement outside the
        horizon; an unknown caveat; contradictory caveats; fair-share weights missing.
    """
    tax = taxonomy or load_taxonomy()
    cfg = scenario.config.forcegen
    snap = scenario.snapshot
    problems: list[Problem] = []
    reqs = _requirements(scenario, extra_requirements, tax, cfg.horizon_months, problems)
    items = []
    for row, where, nation, cavs in _valid_pledges(scenario, tax, problems):
        restr = _restrictions(nation, row.capability, cavs, snap, scenario.config.toggles, tax, where)
        restr += straits_restrictions(snap, scenario.config.toggles, nation, row.capability)
        start, end = int(row.available_from_month), int(min(row.available_to_month or cfg.horizon_months, cfg.horizon_months))
        if start > cfg.horizon_months:
            continue  # available only after the horizon: contributes nothing
        items.append(PledgeItem(row.id, nation, row.capability, int(row.quantity), start, end, float(row.cost_usd_per_month), tuple(restr),
                                f"pledges.csv {where}", bool(row.assumption), row.statement))
    nations = sorted({p.nation for p in items})
    shares, basis, notes = _fair_shares(scenario, snap, nations, problems)
    if problems:
        raise InputError(problems)
    return ForceProblem(tuple(reqs), tuple(items), tax, cfg.horizon_months, cfg.rotation_months, cfg.sustainability_rule == "one_in_three",
                        shares, basis, tuple(notes))


def _requirements(scenario, extra: Sequence[Requirement], tax: Taxonomy, H: int, problems: list[Problem]) -> list[RequirementItem]:
    """The scenario's requirement lines and those of earlier analyses, validated (months cut to the horizon)."""
    reqs: list[RequirementItem] = []
    seen: dict[str, str] = {}
    all_reqs = [(r, "requirements.csv", f"line {r.line}" if r.line else "") for r in scenario.rows("requirements")]
    all_reqs += [(r, f"{r.origin} analysis", f"line id {r.id}") for r in extra]
    for r, file, where in all_reqs:
        where = where or f"line id {r.id}"
        found: list[Problem] = []
        if r.id in seen:
            found.append(Problem(file, where, "id", r.id, f"duplicate requirement id (also {seen[r.id]})", "give each line a unique id"))
        seen[r.id] = f"{file} {where}"
        if r.capability not in tax.capabilities.index:
            found.append(Problem(file, where, "capability", r.capability, "unknown capability", f"use one of: {', '.join(tax.capabilities.index)}"))
        if r.zone not in tax.zones.index:
            found.append(Problem(file, where, "zone", r.zone, "unknown zone", f"use one of: {', '.join(tax.zone_ids())}"))
        if r.start_month > H:
            found.append(Problem(file, where, "start_month", str(r.start_month), f"starts after the planning horizon ({H} months)", "lower start_month or raise [forcegen] horizon_months"))
        problems += found
        if not found:
            reqs.append(RequirementItem(r.id, r.capability, r.zone, int(r.quantity), int(r.start_month), int(min(r.end_month or H, H)),
                                        float(r.priority), r.origin, r.note, f"{file} {where}"))
    return reqs


def _valid_pledges(scenario, tax: Taxonomy, problems: list[Problem]) -> Iterable[tuple[Pledge, str, str, list[Caveat]]]:
    """``(row, where, nation, caveats)`` of every valid pledge row; the problems of the others go to ``problems``."""
    from backstop.reference.states import state_names

    states = set(state_names())
    rows: list[Pledge] = list(scenario.rows("pledges"))
    pledging = {p.nation.upper() for p in rows}
    pids: dict[str, int] = {}
    for i, p in enumerate(rows):
        where = f"line {p.line}" if p.line else f"row {i + 1}"
        nation = p.nation.upper()
        found: list[Problem] = []
        if p.id in pids:
            found.append(Problem("pledges.csv", where, "id", p.id, f"duplicate pledge id (also line {pids[p.id]})", "give each pledge a unique id"))
        pids[p.id] = p.line
        if nation not in states:
            found.append(Problem("pledges.csv", where, "nation", p.nation, "unknown nation", "use an ISO 3166-1 alpha-3 code such as FRA (`backstop facts states`)"))
        if p.capability not in tax.capabilities.index:
            found.append(Problem("pledges.csv", where, "capability", p.capability, "unknown capability", f"use one of: {', '.join(tax.capabilities.index)}"))
        if p.available_to_month is not None and p.available_to_month < p.available_from_month:
            found.append(Problem("pledges.csv", where, "available_to_month", str(p.available_to_month), f"before available_from_month {p.available_from_month}", "swap or fix the months"))
        cavs, probs = parse_caveats(p.caveats, where=where)
        found += probs
        if not found and sum(c.name == "only_with" for c in cavs) > 1:
            found.append(Problem("pledges.csv", where, "caveats", "; ".join(p.caveats), "at most one only_with caveat per pledge", "split the pledge or keep one buddy nation"))
        if not found:
            found = check_caveats(cavs, nation=nation, capability=p.capability, tax=tax, pledging_nations=pledging, where=where)
        problems += found
        if not found:
            yield p, where, nation, cavs


def _restrictions(nation: str, capability: str, cavs: list[Caveat], snap, toggles, tax: Taxonomy, where: str) -> list[Restriction]:
    """A pledge's restrictions: its caveats, its nation's positions in force on the date, the toggles."""
    restr = [Restriction(f"caveat {nation} {c.text}", "caveat", nation, c) for c in cavs]
    for pos in snap.positions_of(nation):
        if pos in POSITION_CAVEATS:
            cav, _ = parse_caveat(POSITION_CAVEATS[pos], where=where, origin=f"position:{pos}")
            restr.append(Restriction(f"position {nation} {pos}", "position", nation, cav))
    if toggles.russia_red_line and red_line_applies(snap.is_member("nato", nation), bool(tax.capabilities.loc[capability, "ground"])):
        restr.append(RED_LINE)
    if toggles.us_air_isr_only and nation == "USA":
        restr.append(US_AIR_ISR_ONLY)
    return restr


def straits_restrictions(snap, toggles, nation: str, capability: str) -> list[Restriction]:
    """The Montreux closure of the Turkish Straits as a restriction (``toggle montreux_closure``).

    While the closure in ``straits.csv`` holds on the snapshot's date (``snap``: the scenario's
    as-of :class:`~backstop.reference.snapshot.Snapshot`) and ``toggles.montreux_closure`` is on, a
    warship capability (``mcm_vessel``, ``escort_frigate``) of a state that is not littoral to the
    Black Sea cannot serve in the Black Sea zones (``not_in`` them).
    """
    c = snap.straits_closure(enabled=toggles.montreux_closure)
    if c is None or nation in c.littoral or capability not in c.capabilities:
        return []
    text = "not_in:" + "|".join(c.zones)
    return [Restriction("toggle montreux_closure", "toggle", "", Caveat("not_in", tuple(c.zones), text, f"toggle:montreux_closure ({c.id}, since {c.start})"))]


def _fair_shares(scenario, snap, nations: list[str], problems: list[Problem]) -> tuple[dict[str, float], str, list[str]]:
    notes: list[str] = []
    cfg = scenario.config.forcegen
    if cfg.fair_share == "weights":
        rows = scenario.rows("fair_shares")
        if not rows:
            problems.append(Problem("scenario.toml", "key forcegen.fair_share", "fair_share", "weights", "fair_share = 'weights' but fair_shares.csv is absent or empty", "add fair_shares.csv (nation, weight) or use fair_share = 'gdp'"))
            return {}, "weights", notes
        w = {r.nation.upper(): float(r.weight) for r in rows}
        basis = "fair_shares.csv weights"
    else:
        w = dict(snap.gdp_usd_bn)
        years = sorted({snap.gdp_year[n] for n in nations if n in snap.gdp_year})
        basis = f"GDP-proportional (gdp.csv, {', '.join(map(str, years)) if years else 'n/a'}; latest year not after {snap.as_of.year})"
        if snap.gdp_note and any(snap.gdp_year.get(n, 0) > snap.as_of.year for n in nations):
            notes.append(snap.gdp_note)
    missing = [n for n in nations if n not in w]
    if missing:
        notes.append(f"no fair-share basis for {', '.join(missing)}: their fair share is 0")
    total = sum(w.get(n, 0.0) for n in nations)
    if total <= 0:
        return {n: 1.0 / len(nations) for n in nations} if nations else {}, basis + " (no weights: equal shares)", notes
    return {n: w.get(n, 0.0) / total for n in nations}, basis, notes


def make_instance(
    prob: ForceProblem,
    *,
    lifted: Iterable[str] = (),
    without: Iterable[str] = (),
    drop_pledges: Iterable[int] = (),
) -> tuple[Instance, PairMeta]:
    """The plain-array instance, optionally lifting restrictions or withdrawing nations.

    Parameters
    ----------
    lifted : iterable of str
        Restriction keys to ignore (for "what binds").
    without : iterable of str
        ISO3 codes whose pledges are withdrawn.
    drop_pledges : iterable of int
        Pledge indices to remove (for property tests).
    """
    lifted = set(lifted)
    without = {w.upper() for w in without}
    drop = set(drop_pledges)
    tax = prob.taxonomy
    keep = [i for i, p in enumerate(prob.pledges) if p.nation not in without and i not in drop]
    nations = sorted({prob.pledges[i].nation for i in keep})
    nidx = {n: j for j, n in enumerate(nations)}
    share = np.array([prob.fair_share.get(n, 0.0) for n in nations], float)
    if share.sum() > 0:
        share = share / share.sum()
    R = prob.rotation_months
    zone_ids = tax.zone_ids()
    zpos = {z: j for j, z in enumerate(zone_ids)}
    pair_p, pair_r, pair_a, pair_b, pair_buddy = [], [], [], [], []
    excluded: dict[tuple[int, int], tuple[str, ...]] = {}
    by_cap: dict[str, list[int]] = {}
    for j, r in enumerate(prob.requirements):
        by_cap.setdefault(r.capability, []).append(j)
    for local, i in enumerate(keep):
        p = prob.pledges[i]
        active = [rs for rs in p.restrictions if rs.key not in lifted]
        # which restrictions exclude each zone (static caveats)
        blockers: list[tuple[str, ...]] = [()] * len(zone_ids)
        for z in zone_ids:
            keys = tuple(rs.key for rs in active if not rs.caveat.zone_allowed(z, p.capability, tax))
            blockers[zpos[z]] = keys
        months = min((rs.caveat.months for rs in active if rs.caveat.months), default=None)
        buddy = next((rs.caveat.args[0] for rs in active if rs.caveat.name == "only_with"), None)
        for j in by_cap.get(p.capability, ()):
            r = prob.requirements[j]
            if max(r.start, p.start) > min(r.end, p.end):
                continue
            keys = blockers[zpos[r.zone]]
            if keys:
                excluded[(j, i)] = keys
                continue
            if buddy is not None and buddy not in nidx:
                excluded[(j, i)] = tuple(rs.key for rs in active if rs.caveat.name == "only_with")
                continue
            # one column per rotation block of the line: [s_r + bR, s_r + (b+1)R - 1], cut to the
            # pledge's availability and to the first N months under max_months:N
            for a0 in range(r.start, r.end + 1, R):
                a, b = max(a0, p.start), min(a0 + R - 1, r.end, p.end)
                if months is not None:
                    b = min(b, a + months - 1)
                if a > b:
                    continue
                pair_p.append(local)
                pair_r.append(j)
                pair_a.append(a)
                pair_b.append(b)
                pair_buddy.append(nidx[buddy] if buddy is not None else -1)
    P = [prob.pledges[i] for i in keep]
    R = prob.requirements
    inst = Instance(
        horizon=prob.horizon,
        rotation_months=prob.rotation_months,
        sustain=prob.sustain,
        req_qty=np.array([r.quantity for r in R], int),
        req_weight=np.array([r.priority for r in R], float),
        req_start=np.array([r.start for r in R], int),
        req_end=np.array([r.end for r in R], int),
        pledge_qty=np.array([p.quantity for p in P], int),
        pledge_nation=np.array([nidx[p.nation] for p in P], int),
        pledge_cost=np.array([p.cost_usd_per_month for p in P], float),
        fair_share=share,
        pair_p=np.array(pair_p, int),
        pair_r=np.array(pair_r, int),
        pair_start=np.array(pair_a, int),
        pair_end=np.array(pair_b, int),
        pair_buddy=np.array(pair_buddy, int),
    )
    return inst, PairMeta(nations, np.array(keep, int), excluded)
