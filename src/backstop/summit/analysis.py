"""Summit planner: where can the leaders meet, legally and physically?

For every candidate venue and every leader the planner judges (1) the law of arrest as of the
summit date (:mod:`backstop.summit.law`), (2) the flight: the shortest WGS84 geodesic route from
the leader's departure airport that avoids the airspace closed to the leader's aircraft, and
optionally the airspace of Rome Statute parties (:mod:`backstop.summit.routing`), and (3) the
parties' declared vetoes.  Each aspect is a :class:`~backstop.summit.law.Finding` (level and a
sentence with sources); the venue's verdict is the worst level.  Venues are ranked by verdict
(feasible, conditional, infeasible), then total flight time, then total detour.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from backstop.errors import InputError, Problem
from backstop.reference.snapshot import SummitFact
from backstop.reference.states import state_names
from backstop.results import Assumption, Result
from backstop.summit.airspace import Closure, closures
from backstop.summit.derogations import MinimalDerogations, minimal_derogations
from backstop.summit.law import LEVELS, Finding, active_warrants, icc_findings
from backstop.summit.routing import Route, get_router
from backstop.summit.venues import LeaderInput, SummitInputs, VenueInput, adhoc_venue, load_inputs

OVERFLOWN_STEP_KM = 25.0
"""Spacing [km] of the route points tested for the states overflown."""
CRUISE_SOURCE = (
    "assumption: block speed of a long-range government jet (Boeing 747-200B/VC-25A, Il-96-300PU cruise at about "
    "Mach 0.84, 890-900 km/h) reduced for winds and routing"
)


@dataclass
class LegResult:
    """One leader's flight to one venue."""

    status: str  # direct | detour | needs_derogation | no_route
    route: Route | None
    overflown: list[str]
    derogations: list[str]
    flight_h: float | None
    direct_overflown: list[str] | None = None
    minimal: MinimalDerogations | None = None
    """For ``needs_derogation``: the smallest set of states whose derogations open a route."""
    stops: tuple[SummitFact, ...] = ()
    """Stopovers of the flight (waypoints from dated, sourced ``stopover`` facts)."""

    def to_json(self) -> dict | None:
        if self.route is None:
            return None
        r = self.route
        return {
            "status": self.status,
            "distance_km": round(r.distance_km, 1),
            "direct_km": round(r.direct_km, 1),
            "detour_km": round(r.detour_km, 1),
            "flight_time_h": None if self.flight_h is None else round(self.flight_h, 2),
            "overflown": self.overflown,
            "derogations_needed": self.derogations,
            "minimal_derogations": None if self.minimal is None else self.minimal.to_json(),
            "waypoints": [[round(x, 4), round(y, 4)] for x, y in r.waypoints],
            "stopovers": [{"icao": f.via, "state": f.state, "fact": f.id} for f in self.stops],
        }


@dataclass(frozen=True)
class _Leg:
    """A routed leg before the states overflown are known."""

    venue: VenueInput
    status: str
    route: Route | None
    inside: tuple[str, ...] = ()
    """Waivable closed states containing the origin or the venue (their derogation is unavoidable)."""
    minimal: MinimalDerogations | None = None
    stops: tuple[SummitFact, ...] = ()
    """Stopovers (``summit_facts.csv``) the route passes through."""


def _names(codes, names) -> str:
    items = [names.get(c, c) for c in codes]
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _via_route(router, origin, dest, stops, forbidden, plain: Route) -> Route | None:
    """The route through the stopovers' airports in order, each leg the shortest permitted one (or
    the geodesic without a router); None where a stop is unknown or unreachable."""
    from backstop.geo import geodesic_km
    from backstop.reference.airports import airport

    points = [origin]
    for f in stops:
        a = airport(f.via)
        if a is None:
            return None
        points.append((float(a["lon"]), float(a["lat"])))
    points.append(dest)
    wps: list = []
    dist = 0.0
    for p, q in zip(points[:-1], points[1:], strict=True):
        if router is None:
            leg = Route((p, q), float(geodesic_km(p[0], p[1], [q[0]], [q[1]])[0]), 0.0)
        else:
            leg = router.route(p, q, forbidden)
        if leg is None:
            return None
        wps += list(leg.waypoints) if not wps else list(leg.waypoints)[1:]
        dist += leg.distance_km
    return Route(tuple(wps), dist, plain.direct_km, plain.direct_blocked_by)


def _minimal_sentence(leg: LegResult, names) -> str:
    """The reason sentence on the smallest set of derogations (see :mod:`backstop.summit.derogations`)."""
    m = leg.minimal
    if m is None:
        return "Other sets of derogations may serve at the price of a detour (test them with --allow-overflight)."
    if m.route is None:
        return ("No smaller set of derogations was found within the search caps." if m.capped else
                "No smaller set of derogations opens a route.")
    if len(m.states) < len(leg.derogations):
        who = _names(list(m.states), names) + (" alone" if len(m.states) == 1 else " together")
        return (f"{who} could grant passage: {m.route.distance_km:,.0f} km, a {m.route.detour_km:,.0f} km detour; "
                f"the shortest route needs {_names(leg.derogations, names)}."
                + (" (The search stopped at its cap: a still smaller set may exist.)" if m.capped else ""))
    return "No smaller set of derogations opens a route" + (" within the search caps." if m.capped else ".")


class SummitPlanner:
    """Routes and verdicts for one scenario, one snapshot (the summit date) and one set of toggles.

    Every date-dependent fact (Rome Statute parties, airspace closures) comes from ``snapshot``
    (:meth:`backstop.scenario.Scenario.snapshot_on` of the summit date).  Routers are cached per
    leader.
    """

    def __init__(self, scenario, snapshot, allow_overflight=(), avoid_icc: bool = False, cruise_kmh: float = 850.0, ground_h: float = 0.5):
        self.scenario = scenario
        self.snapshot = snapshot
        self.date = snapshot.as_of
        self.allow = set(allow_overflight)
        self.avoid_icc = avoid_icc
        self.cruise_kmh = cruise_kmh
        self.ground_h = ground_h
        self.names = state_names()
        self.icc = set(snapshot.members("icc"))
        self._legs: dict = {}
        self._closures: dict = {}

    def leader_closures(self, leader: LeaderInput) -> dict[str, Closure]:
        if leader.state not in self._closures:
            self._closures[leader.state] = closures(leader.state, self.snapshot)
        return self._closures[leader.state]

    def offers(self, leader: LeaderInput, venue: VenueInput) -> dict[str, SummitFact]:
        """States that offered overflight to the leader's aircraft for this venue on the date (``summit_facts.csv``)."""
        return {f.state: f for f in self.snapshot.facts("overflight_offer", leader.state, venue=venue.icao)}

    def avoided(self, leader: LeaderInput) -> dict[str, SummitFact]:
        """States whose airspace the leader's state flights have avoided in practice (kept out of when possible)."""
        return {f.state: f for f in self.snapshot.facts("avoided_airspace", leader.state)}

    def stopovers(self, leader: LeaderInput, venue: VenueInput) -> list[SummitFact]:
        """Stops the leader's flight to this venue made on the date (``summit_facts.csv``, kind
        ``stopover``; the stop airport's ICAO code in ``via``): waypoints of the route, in ``from`` order."""
        return sorted((f for f in self.snapshot.facts("stopover", leader.state, venue=venue.icao) if f.via), key=lambda f: (f.start, f.id))

    def allowed(self, leader: LeaderInput, venue: VenueInput) -> set[str]:
        """Closed states the leader may cross to the venue: derogations assumed by the user, and overflight offers on the date."""
        return self.allow | set(self.offers(leader, venue))

    def assurances(self, leader: LeaderInput, venue: VenueInput) -> dict[str, list[str]]:
        """ISO3 -> what that state did for the leader on the date (invitation, immunity assurance), with sources."""
        out: dict[str, list[str]] = {}
        for kind, verb in (("invitation", "invited"), ("immunity_assurance", "assured")):
            for f in self.snapshot.facts(kind, leader.state, venue=venue.icao):
                out.setdefault(f.state, []).append(f"{verb} {leader.name}: {f.cite()}")
        if venue.assurance:
            out.setdefault(venue.state, []).append(f"offers an immunity assurance ({venue.assurance})")
        return out

    def _master(self, leader: LeaderInput) -> tuple[frozenset, dict[str, Closure], set[str]]:
        from backstop.reference.geography import load_countries

        cl = self.leader_closures(leader)
        icc = self.icc if (self.avoid_icc and active_warrants(list(leader.warrants), self.date)) else set()
        known = set(load_countries())
        master = frozenset((set(cl) | icc | set(self.avoided(leader))) & known)
        return master, cl, icc

    def leg(self, leader: LeaderInput, venue: VenueInput) -> LegResult:
        """One leader's flight to one venue (computed in a batch with :meth:`prefetch`)."""
        if (leader, venue) not in self._legs:
            self.prefetch([leader], [venue])
        return self._legs[(leader, venue)]

    def _exempt(self, venue: VenueInput, cl: dict[str, Closure], icc: set[str], avoided=()) -> set[str]:
        """States a leader may enter for this venue: a host closing its airspace admits the leader it
        invites; a Rome Statute party, or a state avoided in practice, is entered when it is the host or
        the airport's state."""
        host = {venue.state} if venue.state in cl and cl[venue.state].waivable_by_host else set()
        return host | ({venue.state, venue.airport_state} & (set(icc) | set(avoided)))

    def prefetch(self, leaders: list[LeaderInput], venues: list[VenueInput]) -> None:
        """Route every leader to every venue, batching venues that share a forbidden set."""
        for leader in leaders:
            todo = [v for v in venues if (leader, v) not in self._legs]
            if todo:
                self._route_leader(leader, todo)

    def _route_leader(self, leader: LeaderInput, venues: list[VenueInput]) -> None:
        from backstop.summit.airspace import overflown_many
        from backstop.summit.routing import paths_of

        master, cl, icc = self._master(leader)
        avoided = set(self.avoided(leader))
        hard = {s for s in master if (s in cl and not cl[s].waivable_by_host) or s in icc}
        groups: dict[frozenset, list[VenueInput]] = {}
        for v in venues:
            groups.setdefault(frozenset(set(master) - self.allowed(leader, v) - self._exempt(v, cl, icc, avoided)), []).append(v)
        router = get_router(master) if master else None
        legs = [leg for forbidden, vs in groups.items() for leg in self._route_group(router, leader, vs, forbidden, hard, avoided - hard)]
        routed = [leg for leg in legs if leg.route is not None]
        overs = overflown_many(paths_of([leg.route for leg in routed], OVERFLOWN_STEP_KM))
        over_of = dict(zip((leg.venue for leg in routed), overs, strict=True))
        for leg in legs:
            v = leg.venue
            if leg.route is None:
                self._legs[(leader, v)] = LegResult("no_route", None, [], [], None)
                continue
            over = over_of[v]
            derog: list[str] = []
            if leg.status == "needs_derogation":
                soft = set(master) - self.allowed(leader, v) - hard - avoided - self._exempt(v, cl, set())
                derog = sorted((set(over) & soft) | set(leg.inside), key=lambda s: (over.index(s) if s in over else 99, s))
            r = leg.route
            flight_h = r.distance_km / self.cruise_kmh + self.ground_h if r.distance_km > 0 else 0.0
            direct = list(r.direct_blocked_by) if leg.status == "detour" else over
            self._legs[(leader, v)] = LegResult(leg.status, r, over, derog, flight_h, direct, leg.minimal, leg.stops)

    def _route_group(self, router, leader: LeaderInput, venues: list[VenueInput], forbidden: frozenset, hard: set[str],
                     avoided: set[str] = frozenset()) -> list[_Leg]:
        """Route one leader to venues that share a forbidden set; where no route exists, cross the states
        avoided only in practice, then fall back to derogations, then to no route."""
        from backstop.geo import geodesic_km

        o = (leader.lon, leader.lat)
        dests = [(v.lon, v.lat) for v in venues]
        if router is None:
            d = np.asarray(dests)
            dist = geodesic_km(o[0], o[1], d[:, 0], d[:, 1])
            routes = [Route((o, t), float(x), float(x)) for t, x in zip(dests, dist, strict=True)]
        else:
            routes = router.routes(o, dests, forbidden)
        out: list[_Leg] = []
        for v, route in zip(venues, routes, strict=True):
            if route is None and forbidden & avoided:
                route = router.route(o, (v.lon, v.lat), set(forbidden) - avoided)
            if route is not None:
                stops = self.stopovers(leader, v)
                if stops:
                    via = _via_route(router, o, (v.lon, v.lat), stops, forbidden, route)
                    if via is not None:
                        out.append(_Leg(v, "detour", via, stops=tuple(stops)))
                        continue
                out.append(_Leg(v, "direct" if route.detour_km < 1.0 else "detour", route))
                continue
            closed = frozenset(forbidden - avoided)  # derogations are sought for closures, not for practice
            must_avoid = set(closed) & hard
            route = router.route(o, (v.lon, v.lat), must_avoid)
            if route is None:
                out.append(_Leg(v, "no_route", None))
                continue
            soft = set(closed) - must_avoid
            inside = (router.obs.containing(*o) | router.obs.containing(v.lon, v.lat)) & soft
            out.append(_Leg(v, "needs_derogation", route, tuple(sorted(inside)),
                            minimal_derogations(router, o, (v.lon, v.lat), closed, must_avoid, mandatory=inside)))
        return out

    def leg_findings(self, leader: LeaderInput, venue: VenueInput, leg: LegResult) -> list[Finding]:
        n = self.names
        cl = self.leader_closures(leader)
        who = f"{leader.name}'s flight from {leader.origin} to {venue.icao}"
        out: list[Finding] = []
        allow, offers, practice = self.allowed(leader, venue), self.offers(leader, venue), self.avoided(leader)
        hosts = [s for s in [venue.state] if s in cl and cl[s].waivable_by_host and s not in allow]
        if hosts and leg.status != "no_route":
            out.append(Finding("feasible", f"{_names(hosts, n)} closes its airspace to {n.get(leader.state, leader.state)}'s aircraft ({cl[hosts[0]].source}); as host it is assumed to admit the invited leader."))
        if leg.status == "no_route":
            hard = [s for s, c in cl.items() if not c.waivable_by_host]
            why = "; ".join(f"{n.get(s, s)}: {cl[s].note} ({cl[s].source})" for s in hard) or "the closed airspace encloses the origin or the venue"
            out.append(Finding("infeasible", f"No air route exists for {who}, even with overflight derogations: {why}."))
            return out
        r = leg.route
        over = _names(leg.overflown, n) or "international airspace only"
        if r.distance_km == 0.0:
            out.append(Finding("feasible", f"{leader.name} departs from the venue's own airport ({venue.icao}): no flight is needed."))
        elif leg.status == "direct":
            out.append(Finding("feasible", f"{who} can fly the direct geodesic, {r.distance_km:,.0f} km (about {leg.flight_h:.1f} h), over {over}."))
        elif leg.stops:
            from backstop.reference.airports import airport

            via = ", ".join(f"{(airport(f.via) or {}).get('city') or f.via} ({f.via})" for f in leg.stops)
            pct = 100.0 * r.detour_km / r.direct_km if r.direct_km else 0.0
            out.append(Finding("feasible", f"{who} goes via {via} as it did in practice, {r.distance_km:,.0f} km ({r.detour_km:,.0f} km, {pct:.0f} %, longer than the direct "
                                           f"{r.direct_km:,.0f} km; about {leg.flight_h:.1f} h), over {over}: " + " ".join(f"{f.cite()}." for f in leg.stops)))
        elif leg.status == "detour":
            direct_over = leg.direct_overflown or []
            avoided = [s for s in direct_over if s in cl and s not in allow and s != venue.state]
            kept = [s for s in direct_over if s in practice and s not in cl and s not in leg.overflown]
            icc_avoided = [s for s in direct_over if s not in cl and s not in practice]
            pct = 100.0 * r.detour_km / r.direct_km if r.direct_km else 0.0
            out.append(Finding("feasible", f"{who} must avoid airspace closed to it; the shortest permitted route is {r.distance_km:,.0f} km, "
                                           f"{r.detour_km:,.0f} km ({pct:.0f} %) longer than the direct {r.direct_km:,.0f} km (about {leg.flight_h:.1f} h), over {over}."
                                           + (f" The direct route would cross {_names(avoided, n)}, closed to it ({'; '.join(dict.fromkeys(cl[s].source for s in avoided))})." if avoided else "")
                                           + (f" It also avoids the airspace of Rome Statute parties: {_names(icc_avoided, n)}." if icc_avoided else "")
                                           + "".join(f" It keeps out of {n.get(s, s)}'s airspace as {n.get(leader.state, leader.state)}'s state flights have in practice: {practice[s].cite()}." for s in kept)))
        else:
            src = "; ".join(dict.fromkeys(cl[s].source for s in leg.derogations if s in cl))
            out.append(Finding("infeasible", f"No route avoids the airspace closed to {leader.name}'s aircraft and no state has offered the overflight needed on {self.date:%d %B %Y}: "
                                             f"the shortest route with derogations needs them from {_names(leg.derogations, n)} (closures: {src}); it is {r.distance_km:,.0f} km "
                                             f"(about {leg.flight_h:.1f} h), over {over}. " + _minimal_sentence(leg, n)))
            return out
        used = [s for s in leg.overflown if s in offers and s in cl and s not in self.allow and s not in hosts and s != venue.state]
        if used:
            out.append(Finding("conditional", f"{who} crosses {_names(used, n)}, closed to {n.get(leader.state, leader.state)}'s aircraft ({'; '.join(dict.fromkeys(cl[s].source for s in used))}); "
                                              + " ".join(f"{n.get(s, s)} offered overflight: {offers[s].cite()}." for s in used)
                                              + " The route depends on that offer (a national derogation, granted or refused by that state)."))
        return out

    def judge(self, leaders: list[LeaderInput], venue: VenueInput, vetoes) -> dict:
        n = self.names
        findings: list[Finding] = []
        routes: dict[str, dict | None] = {}
        total_h, total_detour = 0.0, 0.0
        for leader in leaders:
            findings += icc_findings(
                leader.name, list(leader.warrants), [venue.state, venue.airport_state], self.date, self.icc,
                self.assurances(leader, venue), self.scenario.config.toggles.membership_overrides, n, self.snapshot.precedents,
            )
            leg = self.leg(leader, venue)
            findings += self.leg_findings(leader, venue, leg)
            routes[leader.state] = leg.to_json()
            if leg.route is None:
                total_h = float("inf")
            else:
                total_h += leg.flight_h or 0.0
                total_detour += leg.route.detour_km
        for v in vetoes:
            if v.venue == venue.icao:
                findings.append(Finding("infeasible", f"{n.get(v.party, v.party)} vetoes {venue.city}: {v.reason or 'declared veto'}."))
        level = max((LEVELS[f.level] for f in findings), default=0)
        verdict = [k for k, v in LEVELS.items() if v == level][0]
        findings.sort(key=lambda f: -LEVELS[f.level])
        return {
            "venue": venue.icao,
            "city": venue.city,
            "state": venue.state,
            "airport_state": venue.airport_state,
            "verdict": verdict,
            "reasons": [f.sentence for f in findings],
            "routes": routes,
            "total_flight_h": None if total_h == float("inf") else round(total_h, 2),
            "total_detour_km": round(total_detour, 1),
        }


def plan(
    scenario,
    *,
    date: dt.date | None = None,
    leaders: list[str] | None = None,
    venues: list[str] | None = None,
    allow_overflight: list[str] | None = None,
    avoid_icc: bool | None = None,
) -> Result:
    """Judge and rank the candidate venues of a scenario (the ``backstop summit`` command).

    Parameters
    ----------
    date : date, optional
        Summit date (default ``[summit].date``, else the scenario's as-of date).  Its facts come
        from ``scenario.snapshot_on(date)``, which raises
        :class:`~backstop.reference.states.DateNotCovered` outside the data (the CLI words it).
    leaders : list of str, optional
        ISO3 codes of the leaders to include (default all).
    venues : list of str, optional
        ICAO codes; a code not in the venue table becomes an ad-hoc venue hosted by the airport's state.
    allow_overflight : list of str, optional
        States granting overflight derogations (added to ``[summit].allow_overflight``).
    avoid_icc : bool, optional
        Route warrant holders around Rome Statute parties (default ``[summit].avoid_icc_airspace``).
    """
    cfg = scenario.config.summit
    snap = scenario.snapshot_on(date or cfg.date or scenario.as_of)
    _check_overflight(cfg, allow_overflight)
    inputs: SummitInputs = load_inputs(scenario, snap, cfg.immunity_assurances)
    lds = _select_leaders(inputs.leaders, leaders)
    vns = _select_venues(inputs.venues, venues)
    planner = SummitPlanner(scenario, snap, set(cfg.allow_overflight) | set(allow_overflight or []),
                            cfg.avoid_icc_airspace if avoid_icc is None else avoid_icc, cfg.cruise_kmh, cfg.ground_h)
    planner.prefetch(lds, vns)
    rows = [planner.judge(lds, v, inputs.vetoes) for v in vns]
    rows.sort(key=lambda r: (LEVELS[r["verdict"]], r["total_flight_h"] if r["total_flight_h"] is not None else float("inf"), r["total_detour_km"]))
    for i, r in enumerate(rows, 1):
        r["rank"] = i
    data = {
        "date": snap.as_of,
        "leaders": [{"state": ld.state, "name": ld.name, "origin": ld.origin, "warrants": list(ld.warrants)} for ld in lds],
        "options": {
            "allow_overflight": sorted(planner.allow),
            "avoid_icc_airspace": planner.avoid_icc,
            "cruise_kmh": planner.cruise_kmh,
            "ground_h": planner.ground_h,
            "membership_overrides": {k: (None if v is None else v.isoformat()) for k, v in scenario.config.toggles.membership_overrides.items()},
        },
        "venues": rows,
    }
    return Result(
        name="summit",
        title="Summit planner: where the leaders can meet",
        summary=_summary(rows, lds, snap.as_of),
        data=data,
        frames={"venues": _venue_frame(rows)},
        assumptions=_assumptions(planner),
        metadata={"status": "ok", "date": snap.as_of.isoformat()},
    )


def _check_overflight(cfg, allow_overflight: list[str] | None) -> None:
    names = state_names()
    problems = [Problem("<cli>", "argument --allow-overflight", "allow_overflight", s, "unknown state code", "use ISO3 codes such as BGR,POL")
                for s in (allow_overflight or []) if s not in names]
    problems += [Problem("scenario.toml", "key summit.allow_overflight", "allow_overflight", s, "unknown state code", "use ISO3 codes")
                 for s in cfg.allow_overflight if s not in names]
    if problems:
        raise InputError(problems)


def _select_leaders(lds: list[LeaderInput], codes: list[str] | None) -> list[LeaderInput]:
    if not codes:
        return lds
    known = {ld.state for ld in lds}
    bad = [c for c in codes if c not in known]
    if bad:
        raise InputError([Problem("<cli>", "argument --leaders", "leaders", c, "no leader of that state in the scenario", f"use some of: {', '.join(sorted(known))}") for c in bad])
    return [ld for ld in lds if ld.state in codes]


def _select_venues(vns: list[VenueInput], codes: list[str] | None) -> list[VenueInput]:
    if not codes:
        return vns
    by = {v.icao: v for v in vns}
    return [by[c] if c in by else adhoc_venue(c) for c in codes]


def _venue_frame(rows: list[dict]) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "rank": r["rank"], "venue": r["venue"], "city": r["city"], "state": r["state"], "verdict": r["verdict"],
                "total_flight_h": r["total_flight_h"], "total_detour_km": r["total_detour_km"],
                **{f"{k}_km": (None if v is None else v["distance_km"]) for k, v in r["routes"].items()},
                **{f"{k}_route": ("none" if v is None else v["status"]) for k, v in r["routes"].items()},
                "min_derogations": "; ".join(f"{k}: {'+'.join(v['minimal_derogations']['states'] or ['none'])}" for k, v in r["routes"].items()
                                             if v is not None and v.get("minimal_derogations")),
                "reason": r["reasons"][0] if r["reasons"] else "",
            }
            for r in rows
        ]
    )


def _summary(rows: list[dict], lds: list[LeaderInput], date: dt.date) -> list[str]:
    counts = {k: sum(r["verdict"] == k for r in rows) for k in LEVELS}
    best = [r for r in rows if r["verdict"] != "infeasible"][:3]
    summary = [
        f"Of {len(rows)} candidate venues for {', '.join(ld.name for ld in lds)} on {date:%d %B %Y}: "
        f"{counts['feasible']} feasible, {counts['conditional']} conditional, {counts['infeasible']} infeasible.",
    ]
    if best:
        summary.append("Best ranked: " + "; ".join(f"{r['city']} ({r['verdict']}, {r['total_flight_h']:.1f} h of flying in all)" for r in best if r["total_flight_h"] is not None) + ".")
    return summary


def _assumptions(planner: SummitPlanner) -> list[Assumption]:
    return [
        Assumption("flight time", f"Flight time = distance / {planner.cruise_kmh:g} km/h + {planner.ground_h:g} h per flight.", CRUISE_SOURCE, "2025-08-20"),
        Assumption("host airspace", "A host state that closes its airspace to a leader's aircraft is assumed to admit the leader it invites.",
                   "practice: Bulgaria's one-off overflight for Lavrov (Nov 2023); the Commission's statement that derogations are national (Oct 2025)", "2025-10-21"),
        Assumption("airspace extent", "Airspace = Natural Earth 1:10m land + 12 nm territorial sea, grown by the simplification tolerance (conservative); median lines are not drawn.",
                   "Chicago Convention Arts. 1-2; UNCLOS Art. 3; Natural Earth", "2023-01-01"),
    ]


def run(scenario, context=None) -> Result:
    """Pipeline step: plan the summit with the scenario's ``[summit]`` settings."""
    return plan(scenario)
