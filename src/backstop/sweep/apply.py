"""Apply a variant's parameter values to a loaded :class:`~backstop.scenario.Scenario`, in memory.

A parameter's ``path`` is bound once to the scenario (:func:`bind`): a ``scenario.toml`` key, the
cells of a CSV table selected by column values, or a catalogue value.  :func:`apply` returns the
variant scenario (new, validated config and rows; nothing written) and a :class:`CataloguePatch`
for catalogue multipliers (kill probabilities per system and threat class, warheads...), which
:func:`catalogue_patch` applies to the bundled catalogues for the duration of one variant.

Path grammar::

    skies.target_leakers                      a scenario.toml key (sections and sub-tables)
    waves[wave=record_2025_09_06].count       cells of a table: rows whose columns match
    waves[wave=a|b,weapon=gerbera].count      '|' = any of these values; ',' = and
    pledges[*].quantity                       every row
    catalogue.systems[class=sam_long].pk_ballistic   a catalogue column (always scaled)
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import numpy as np
from pydantic import BaseModel, ValidationError

from backstop.errors import InputError, Problem
from backstop.scenario import Scenario
from backstop.scenario.models import TABLES, ScenarioConfig

_CELL = re.compile(r"^(?:(catalogue)\.)?([A-Za-z_][A-Za-z0-9_]*)\[([^\]]*)\]\.([A-Za-z_][A-Za-z0-9_]*)$")
_KEY = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)+$")

CLASSES = ("drone", "decoy", "cruise", "ballistic")
SYSTEM_COLUMNS = {**{f"pk_{c}": (0.0, 1.0) for c in CLASSES}, "range_km": (1e-9, math.inf), "magazine": (1, math.inf), "interceptor_cost_usd": (0.0, math.inf)}
"""Catalogue columns of ``air_defence_systems.csv`` a sweep can scale, with their bounds."""
THREAT_COLUMNS = {"warhead_kg": (0.0, math.inf), "unit_cost_usd": (0.0, math.inf), "speed_kmh": (1e-9, math.inf)}
"""Columns of ``threat_weapons.csv`` a sweep can scale, with their bounds."""
FALLBACK_TABLES = ("waves", "defences")
"""Tables the skies analysis takes from the bundled scenario when a scenario lacks them."""


@dataclass(frozen=True)
class ConfigBinding:
    keys: tuple[str, ...]
    current: Any
    annotation: Any


@dataclass(frozen=True)
class TableBinding:
    table: str
    column: str
    rows: tuple[int, ...]  # indices into the table's rows
    share_rows: tuple[int, ...]  # for op = share: the rows whose share is set
    current: tuple[Any, ...]
    integer: bool
    fallback: bool  # rows taken from the bundled scenario


@dataclass(frozen=True)
class CatalogueBinding:
    catalogue: str  # systems | threats
    column: str
    ids: tuple[str, ...]
    current: tuple[float, ...]
    bounds: tuple[float, float]


@dataclass(frozen=True)
class WithdrawBinding:
    nations: tuple[str, ...]


Binding = ConfigBinding | TableBinding | CatalogueBinding | WithdrawBinding


def _match(value: Any, wanted: tuple[str, ...]) -> bool:
    text = value.isoformat() if isinstance(value, dt.date) else str(value)
    if isinstance(value, bool):
        text = text.lower()
    return text in wanted


def _parse_where(text: str) -> dict[str, tuple[str, ...]] | None:
    """``a=x|y,b=z`` -> {a: (x, y), b: (z,)}; ``*`` -> {}; None when malformed."""
    text = text.strip()
    if text == "*":
        return {}
    out: dict[str, tuple[str, ...]] = {}
    for part in text.split(","):
        col, eq, vals = part.partition("=")
        if not eq or not col.strip() or not vals.strip():
            return None
        out[col.strip()] = tuple(v.strip() for v in vals.split("|"))
    return out


def table_rows(scenario: Scenario, table: str) -> tuple[tuple, bool]:
    """Rows of ``table``: the scenario's, or the bundled scenario's for skies' fallback tables."""
    if scenario.has(table) or table not in FALLBACK_TABLES:
        return scenario.rows(table), False
    from backstop.scenario import read_scenario

    return read_scenario(None).rows(table), True


def bind(param, scenario: Scenario, where: str, file: str) -> tuple[Binding | None, list[Problem]]:
    """Resolve ``param.path`` (or ``param.withdraw``) against ``scenario``; problems if it does not resolve."""

    def bad(fld: str, value: Any, message: str, hint: str = "") -> tuple[None, list[Problem]]:
        return None, [Problem(file, where, fld, str(value), message, hint)]

    if param.withdraw:
        pledgers = sorted({p.nation for p in scenario.rows("pledges")})
        unknown = [n for n in param.withdraw if n.upper() not in pledgers]
        if unknown:
            return bad("withdraw", ", ".join(unknown), "nation pledges nothing in the scenario", f"pledging nations: {', '.join(pledgers) or 'none (no pledges.csv)'}")
        return WithdrawBinding(tuple(n.upper() for n in param.withdraw)), []

    path = param.path.strip()
    m = _CELL.match(path)
    if m:
        is_cat, name, sel, column = m.groups()
        cond = _parse_where(sel)
        if cond is None:
            return bad("path", path, "malformed row selector", "use [*] or [column=value,column=value|other]")
        if is_cat:
            return _bind_catalogue(param, name, cond, column, path, bad)
        if name not in TABLES:
            return bad("path", path, f"unknown table '{name}'", f"tables: {', '.join(TABLES)}; scenario.toml keys look like skies.target_leakers")
        spec = TABLES[name]
        fields = spec.row.model_fields
        for col in [*cond, *param.of, column]:
            if col not in fields:
                return bad("path", path, f"table '{name}' has no column '{col}'", f"columns: {', '.join(fields)}")
        rows, fallback = table_rows(scenario, name)
        if not rows:
            return bad("path", path, f"the scenario has no {name}.csv rows to change", "add the table to the scenario folder, or sweep another path")
        idx = tuple(i for i, r in enumerate(rows) if all(_match(getattr(r, c), v) for c, v in cond.items()))
        if not idx:
            return bad("path", path, f"no row of {name}.csv matches [{sel}]", f"values of the first selector column: {', '.join(sorted({str(getattr(r, next(iter(cond)))) for r in rows})[:20])}" if cond else "")
        share = ()
        if param.op == "share":
            share = tuple(i for i in idx if all(_match(getattr(rows[i], c), v) for c, v in param.of.items()))
            if not share:
                return bad("of", str(param.of), "no selected row matches `of`", "`of` picks some of the rows selected by the path")
            if len(share) == len(idx):
                return bad("of", str(param.of), "`of` matches every selected row: no rows are left to hold the rest", "widen the path's selector to the rows that share the total")
        ann = fields[column].annotation
        integer = ann is int or str(ann) in ("int | None", "typing.Optional[int]")
        current = tuple(getattr(rows[i], column) for i in idx)
        if param.op in ("scale", "share") and not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in current):
            return bad("op", param.op, f"column '{column}' is not numeric in every selected row", "use op = \"set\"")
        return TableBinding(name, column, idx, share, current, integer, fallback), []

    if not _KEY.match(path):
        return bad("path", path, "not a parameter path", "a scenario.toml key (skies.target_leakers), a table cell (waves[wave=W].count) or catalogue.systems[id=S].pk_drone")
    keys = tuple(path.split("."))
    model: Any = ScenarioConfig
    value: Any = scenario.config
    ann = None
    for i, k in enumerate(keys):
        if not (isinstance(model, type) and issubclass(model, BaseModel)):
            return bad("path", path, f"'{'.'.join(keys[:i])}' is a value, not a section", "")
        if k not in model.model_fields:
            return bad("path", path, f"unknown key '{k}' in {'[' + '.'.join(keys[:i]) + ']' if i else 'scenario.toml'}", f"known: {', '.join(model.model_fields)}")
        ann = model.model_fields[k].annotation
        value = getattr(value, k)
        model = ann
    if isinstance(value, BaseModel):
        return bad("path", path, "is a section, not a value", f"keys: {', '.join(type(value).model_fields)}")
    if param.op == "share":
        return bad("op", "share", "`share` applies to table cells", "use set or scale")
    if param.op == "scale" and not (isinstance(value, (int, float)) and not isinstance(value, bool)):
        return bad("op", "scale", f"'{path}' is not a number (value {value!r})", "use op = \"set\"")
    return ConfigBinding(keys, value, ann), []


def _bind_catalogue(param, name, cond, column, path, bad):
    from backstop.skies.catalogue import load_systems, load_threats

    if name == "systems":
        cols = SYSTEM_COLUMNS
        recs = {s.id: {"id": s.id, "class": s.cls, "name": s.name} for s in load_systems().values()}
    elif name == "threats":
        cols = THREAT_COLUMNS
        recs = {r["id"]: {"id": r["id"], "class": r["class"], "name": r["name"]} for r in load_threats().to_dict("records")}
    else:
        return bad("path", path, f"unknown catalogue '{name}'", "catalogue.systems or catalogue.threats")
    if column not in cols:
        return bad("path", path, f"catalogue.{name} has no sweepable column '{column}'", f"columns: {', '.join(cols)}")
    for c in cond:
        if c not in ("id", "class", "name"):
            return bad("path", path, f"catalogue rows are selected by id, class or name, not '{c}'", "e.g. catalogue.systems[class=sam_long].pk_ballistic")
    if param.op != "scale":
        return bad("op", param.op, "catalogue values are multiplied: use op = \"scale\"", "")
    ids = tuple(k for k, r in recs.items() if all(_match(r[c], v) for c, v in cond.items()))
    if not ids:
        return bad("path", path, f"no catalogue.{name} row matches", f"ids: {', '.join(sorted(recs))}")
    cur = tuple(_catalogue_value(name, i, column) for i in ids)
    keep = tuple((i, v) for i, v in zip(ids, cur, strict=True) if not (isinstance(v, float) and math.isnan(v)))
    if not keep:
        return bad("path", path, f"every selected row has no {column}", "")
    return CatalogueBinding(name, column, tuple(i for i, _ in keep), tuple(v for _, v in keep), cols[column]), []


def _catalogue_value(name: str, ident: str, column: str) -> float:
    from backstop.skies.catalogue import load_systems, load_threats

    if name == "systems":
        s = load_systems()[ident]
        if column.startswith("pk_"):
            return float(s.pk[CLASSES.index(column[3:])])
        return float(getattr(s, column))
    return float(load_threats().loc[ident, column])


@dataclass(frozen=True)
class CataloguePatch:
    """Catalogue values of one variant: ``(catalogue, id, column) -> new value``."""

    values: tuple[tuple[str, str, str, float], ...] = ()

    def __bool__(self) -> bool:
        return bool(self.values)


@contextmanager
def catalogue_patch(patch: CataloguePatch) -> Iterator[None]:
    """Apply ``patch`` to the bundled catalogues (as cached by ``load_systems``/``load_threats``)
    for the duration of the block, and restore them after.

    The analyses read the catalogues through these cached loaders, so a variant sees its values
    wherever they are used.  A worker runs one variant at a time (process pool, Ray actors), so
    the patch is never seen by another variant.
    """
    if not patch:
        yield
        return
    from backstop.skies.catalogue import load_systems, load_threats

    systems, threats = load_systems(), load_threats()
    saved_sys: dict[str, Any] = {}
    saved_thr: dict[tuple[str, str], Any] = {}
    try:
        for cat, ident, column, value in patch.values:
            if cat == "systems":
                saved_sys.setdefault(ident, systems[ident])
                s = systems[ident]
                if column.startswith("pk_"):
                    pk = list(s.pk)
                    pk[CLASSES.index(column[3:])] = value
                    systems[ident] = dataclasses.replace(s, pk=tuple(pk))
                elif column == "magazine":
                    systems[ident] = dataclasses.replace(s, magazine=s.magazine if s.magazine < 0 else max(1, int(round(value))))
                else:
                    systems[ident] = dataclasses.replace(s, **{column: value})
            else:
                saved_thr.setdefault((ident, column), threats.at[ident, column])
                threats.at[ident, column] = value
        yield
    finally:
        systems.update(saved_sys)
        for (ident, column), v in saved_thr.items():
            threats.at[ident, column] = v


def _buddies(pledge) -> set[str]:
    """Nations a pledge can only serve with (``only_with:ISO3``): void when that nation withdraws,
    as force generation's ``--without`` treats them."""
    return {c.split(":", 1)[1].strip().upper() for c in pledge.caveats if c.strip().lower().startswith("only_with:")}


def _round_int(x: float) -> int:
    return int(math.floor(x + 0.5))


def _apportion(total: int, weights: list[float]) -> list[int]:
    from backstop.skies.waves import apportion

    w = np.asarray(weights, float)
    if w.sum() <= 0:
        w = np.ones(len(w))
    return apportion(int(total), w).tolist()


def _cell_values(b: TableBinding, op: str, value: Any) -> dict[int, Any]:
    """New values of the bound cells for ``value``."""
    if op == "set":
        v = _round_int(value) if b.integer and isinstance(value, float) else value
        return dict.fromkeys(b.rows, v)
    if op == "scale":
        return {i: (_round_int(c * value) if b.integer else c * value) for i, c in zip(b.rows, b.current, strict=True)}
    # share: the `of` rows hold `value` of the selected total, pro rata to their current values
    cur = dict(zip(b.rows, b.current, strict=True))
    total = sum(cur.values())
    ins = list(b.share_rows)
    outs = [i for i in b.rows if i not in b.share_rows]
    target = total * float(value)
    if b.integer:
        n_in = _round_int(target)
        new = dict(zip(ins, _apportion(n_in, [cur[i] for i in ins]), strict=True))
        new.update(zip(outs, _apportion(int(total) - n_in, [cur[i] for i in outs]), strict=True))
        return new
    s_in = sum(cur[i] for i in ins)
    s_out = sum(cur[i] for i in outs)
    new = {i: target * (cur[i] / s_in if s_in else 1.0 / len(ins)) for i in ins}
    new.update({i: (total - target) * (cur[i] / s_out if s_out else 1.0 / len(outs)) for i in outs})
    return new


def apply(scenario: Scenario, assignments: list[tuple[Any, Binding, Any]]) -> tuple[Scenario, CataloguePatch]:
    """The variant: ``scenario`` with each ``(parameter, binding, value)`` applied, in spec order.

    Raises
    ------
    InputError
        When a value makes a field invalid (pydantic's message, naming the path).
    """
    config_changes: list[tuple[tuple[str, ...], Any]] = []
    tables: dict[str, list] = {}
    patch: list[tuple[str, str, str, float]] = []
    problems: list[Problem] = []
    for param, b, value in assignments:
        if isinstance(b, ConfigBinding):
            v = value
            if param.op == "scale":
                v = b.current * value
                if isinstance(b.current, int):
                    v = _round_int(v)
            elif b.annotation is int and isinstance(v, float):
                v = _round_int(v)
            config_changes.append((b.keys, v))
        elif isinstance(b, TableBinding):
            if b.table not in tables:
                tables[b.table] = list(table_rows(scenario, b.table)[0])
            rows = tables[b.table]
            # current values for scale/share are those of the scenario as the earlier parameters left it
            b_now = dataclasses.replace(b, current=tuple(getattr(rows[i], b.column) for i in b.rows))
            for i, v in _cell_values(b_now, param.op, value).items():
                r = rows[i]
                try:
                    new = type(r).model_validate({**r.model_dump(), b.column: v})
                except ValidationError as exc:
                    problems.append(Problem(f"{b.table}.csv", f"line {r.line}" if r.line else f"row {i + 1}", b.column, str(v), f"parameter '{param.name}': " + "; ".join(e["msg"] for e in exc.errors()), "narrow the range"))
                    continue
                new._line = r.line
                rows[i] = new
        elif isinstance(b, CatalogueBinding):
            lo, hi = b.bounds
            for ident, cur in zip(b.ids, b.current, strict=True):
                v = cur * float(value)
                if not lo <= v <= hi:
                    problems.append(Problem(f"catalogue.{b.catalogue}", f"row {ident}", b.column, f"{v:g}", f"parameter '{param.name}': {cur:g} x {value:g} is outside [{lo:g}, {hi:g}]", f"keep the multiplier within [{lo / cur if cur else 0:g}, {hi / cur if cur else math.inf:g}] for {ident}"))
                patch.append((b.catalogue, ident, b.column, v))
        elif isinstance(b, WithdrawBinding):
            gone = {n for n, out in zip(b.nations, value, strict=True) if out}
            rows = tables.get("pledges", list(scenario.rows("pledges")))
            tables["pledges"] = [r for r in rows if r.nation not in gone and not (_buddies(r) & gone)]
    config = scenario.config
    if config_changes:
        data = config.model_dump()
        for keys, v in config_changes:
            d = data
            for k in keys[:-1]:
                d = d[k]
            d[keys[-1]] = v
        try:
            config = ScenarioConfig.model_validate(data)
        except ValidationError as exc:
            for e in exc.errors():
                problems.append(Problem("scenario.toml", "key " + ".".join(str(p) for p in e["loc"]), str(e["loc"][-1]) if e["loc"] else "", str(e.get("input", "")), e["msg"], "narrow the range"))
    if problems:
        raise InputError(problems)
    new_tables = dict(scenario.tables)
    new_tables.update({k: tuple(v) for k, v in tables.items()})
    return Scenario(config, new_tables, scenario.path, scenario.warnings), CataloguePatch(tuple(patch))
