"""Night-by-night model of the reported interception shares, fitted to the Air Force's figures.

The Ukrainian Air Force reports, each morning, how many weapons of each class were launched in the
night and how many were shot down (for attack drones and decoys: shot down or "locationally lost",
i.e. defeated by electronic warfare).  This module fits, per reported class
``c in {drone, cruise, ballistic}``, a beta-binomial regression of the number downed on the number
launched:

.. math::

    k_{ic} \\sim \\mathrm{BetaBinomial}(n_{ic},\\ \\bar p_{ic},\\ \\rho_c), \\qquad
    \\bar p_{ic} = \\frac{1}{n_{ic}} \\sum_{w \\in c} n_{iw}\\, \\operatorname{expit}\\big(
        \\alpha_c + \\delta_w + \\beta_c \\log(N_i / N_0)\\big),

where ``n_iw`` is the night's launches of weapon type ``w`` (``Iskander-K``, ``Kh-101``, ...),
``delta_w`` the type's offset from the class effectiveness ``alpha_c`` (a ridge prior
``delta_w ~ N(0, TYPE_PRIOR_SD^2)`` shrinks rare types to the class), ``N_i`` the night's total
launches (all classes: the saturation term; ``beta_c < 0`` when bigger waves saturate the defence,
``> 0`` when they meet a defence massed against them), ``N_0 = 100`` and ``rho_c`` the
intra-night correlation (over-dispersion: nights differ beyond binomial noise).  For drones the
share already contains the electronic-warfare losses and the decoys (the reports pool them), so
``alpha_c`` is the combined effect of guns, missiles, interceptor drones and EW on that mix.

The defence changes month by month (systems delivered, Russia's tactics, decoy share), so the fit
is **local in time** (local likelihood, Fan and Gijbels 1996; Tibshirani and Hastie 1987): to
predict a night on date ``t*`` the nights are weighted ``w_i = 2^{-|t* - t_i| / H}`` (half-life
``H`` days, :data:`HALF_LIFE_DAYS`).  Beyond the last night in the file the weights are one-sided:
a recency-weighted fit that carries the latest level forward without extrapolating a trend.

Estimation is weighted maximum likelihood with ``scipy.optimize.minimize`` (L-BFGS-B, analytic
start, fixed iteration limits): deterministic, no random numbers.

Evaluation (:func:`evaluate`): per class, the pooled bias (predicted minus reported downed, over
reported launched) and the per-night mean absolute error of the share, in sample (each month
predicted by the fit centred on it) and cross-validated by time (rolling origin: each month from
the seventh on predicted by a fit on the nights before it only), against the floor of a constant
predictor (the pooled share of the same training nights).

References
----------
Fan, J. and Gijbels, I. (1996). *Local Polynomial Modelling and Its Applications*. Chapman & Hall.
Tibshirani, R. and Hastie, T. (1987). Local likelihood estimation. *JASA* 82(398), 559-567.
Williams, D. A. (1975). The analysis of binary responses from toxicological experiments involving
reproduction and teratogenicity. *Biometrics* 31, 949-952 (the beta-binomial model).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

from backstop.errors import InputError, Problem

REPORTED = ("drone", "cruise", "ballistic")
"""Classes as the Air Force reports them (drone = Shahed-type attack drones and decoys together)."""

HALF_LIFE_DAYS = 60.0
"""Default half-life of the time weights [days] where a class has no chosen specification."""


@dataclass(frozen=True)
class ClassSpec:
    """How one class is predicted: time half-life, whether the log wave-size term is fitted, and the
    weight ``shrink`` of the constant predictor in the prediction
    ``(1 - shrink) * model + shrink * constant`` (0: the model; 1: the constant floor itself)."""

    half_life_days: float = HALF_LIFE_DAYS
    size_term: bool = True
    shrink: float = 0.0

    def to_json(self) -> dict:
        return {"half_life_days": None if math.isinf(self.half_life_days) else self.half_life_days, "size_term": self.size_term, "shrink": self.shrink}


SPEC: dict[str, ClassSpec] = {
    "drone": ClassSpec(60.0, True, 0.0),
    "cruise": ClassSpec(60.0, True, 0.25),
    "ballistic": ClassSpec(float("inf"), False, 0.0),
}
"""Per-class specification chosen by :func:`select` on the bundled record (lowest rolling-origin
cross-validated per-night MAE over :data:`SELECT_HALF_LIVES` x size term on/off x
:data:`SELECT_SHRINKS`; docs/skies.md).  ``tests/skies/test_nightfit.py`` re-runs the selection and
checks it reproduces this table."""

SELECT_HALF_LIVES = (60.0, 365.0, float("inf"))
"""Half-lives [days] tried by :func:`select` (``inf``: a static fit)."""

SELECT_SHRINKS = (0.0, 0.25, 0.5, 0.75, 1.0)
"""Weights of the constant predictor tried by :func:`select` (1.0 is the constant floor itself)."""

SIZE_REF = 100.0
"""Reference wave size ``N_0`` [weapons launched in the night]."""

TYPE_PRIOR_SD = 1.0
"""Standard deviation of the ridge prior on weapon-type offsets [logit]."""

ALPHA_PRIOR_SD = 5.0
"""Standard deviation of the (vague) prior on the class effectiveness ``alpha_c`` [logit]; keeps the
fit finite when every night of a class was fully downed."""

BURN_IN_MONTHS = 6
"""Months fitted before the first month predicted in the rolling-origin cross-validation."""

TYPE_CLASS = {
    "drone": "drone", "shahed_136": "drone", "geran_2": "drone", "geran_3": "drone", "gerbera": "drone", "parodiya": "drone", "decoy": "drone",
    "kh_101": "cruise", "kh_555": "cruise", "kalibr_3m14": "cruise", "iskander_k": "cruise", "kh_59": "cruise", "kh_69": "cruise",
    "iskander_m": "ballistic", "kn_23": "ballistic", "kinzhal": "ballistic", "kh_22_32": "ballistic", "kh_22": "ballistic", "kh_32": "ballistic",
    "s300": "ballistic", "s400": "ballistic", "s300_s400": "ballistic",
}
"""Weapon types a night file may name, with the reported class they count in (FACTS.md)."""

POOLED_TYPE = {"drone": "drone"}
"""Types that stand for the whole class: the Air Force does not split drones from decoys."""

COLUMNS = ("night", "drone_launched", "drone_downed_or_lost", "cruise_launched", "cruise_downed", "ballistic_launched", "ballistic_downed")
"""Required columns of a night file; ``weapons`` (``type=count|...``), ``source`` and ``as_of`` are optional."""

SOURCE = ("Ukrainian Air Force daily statements (Telegram), as compiled in the public dataset 'Massive missile attacks on "
          "Ukraine' (Kaggle, Petro Ivaniuk); 336 nights 2024-01-01 to 2025-08-31, figures as reported (claims of one side)")


@dataclass(frozen=True)
class Nights:
    """Night-by-night figures as plain arrays (index = night, sorted by date).

    ``launched`` and ``downed`` are (N, 3) in :data:`REPORTED` order; ``mix`` is (N, W): launches
    of each weapon type ``types[w]`` (class ``type_class[w]``), scaled so that each class sums to
    its reported total.
    """

    night: np.ndarray  # datetime64[D]
    launched: np.ndarray
    downed: np.ndarray
    types: tuple[str, ...]
    type_class: np.ndarray  # int index into REPORTED
    mix: np.ndarray
    source: str = ""
    warnings: tuple[Problem, ...] = ()

    def __len__(self) -> int:
        return len(self.night)

    def subset(self, keep) -> Nights:
        keep = np.asarray(keep)
        return Nights(self.night[keep], self.launched[keep], self.downed[keep], self.types, self.type_class, self.mix[keep], self.source, self.warnings)

    @property
    def total(self) -> np.ndarray:
        return self.launched.sum(axis=1)

    @property
    def days(self) -> np.ndarray:
        return self.night.astype("datetime64[D]").astype(np.int64).astype(float)


# ---------------------------------------------------------------------------------------------
# reading and validating a night file
# ---------------------------------------------------------------------------------------------

def _parse_weapons(text: str, file: str, where: str, problems: list[Problem]) -> dict[str, float]:
    out: dict[str, float] = {}
    text = text.strip()
    if not text:
        return out
    for part in text.split("|"):
        name, eq, val = part.partition("=")
        name = name.strip().lower()
        if not eq:
            problems.append(Problem(file, where, "weapons", part, "not of the form type=count", "e.g. drone=93|iskander_m=4"))
            continue
        if name not in TYPE_CLASS:
            problems.append(Problem(file, where, "weapons", name, "unknown weapon type", f"known: {', '.join(sorted(TYPE_CLASS))}"))
            continue
        try:
            v = float(val)
        except ValueError:
            problems.append(Problem(file, where, "weapons", part, "count is not a number", "e.g. kh_101=20"))
            continue
        if not math.isfinite(v) or v < 0:
            problems.append(Problem(file, where, "weapons", part, "count must be a non-negative number", ""))
            continue
        out[name] = out.get(name, 0.0) + v
    return out


def parse_nights(rows: list[dict], file: str = "<nights>", source: str = "", *, strict: bool = False) -> Nights:
    """Validate night rows (dicts of text, header = line 1) and return :class:`Nights`.

    Every problem is reported together, located by line and column: a missing column, a bad date,
    a night given twice, a count that is not a whole non-negative number, more downed than
    launched, a night with nothing launched, an unknown weapon type.  A night reporting more downed
    than launched is left out with a warning (``Nights.warnings``; fatal with ``strict``).  Type counts in ``weapons``
    give the mix within a class; they are rescaled to the class total (the published splits are
    rounded and sometimes off by one).
    """
    problems: list[Problem] = []
    warnings: list[Problem] = []
    if not rows:
        raise InputError([Problem(file, "", "", "", "no nights in the file", "one row per night: " + ",".join(COLUMNS) + "[,weapons]")])
    missing = [c for c in COLUMNS if c not in rows[0]]
    if missing:
        raise InputError([Problem(file, "line 1", c, "", "missing column", "columns: " + ",".join(COLUMNS) + "[,weapons]") for c in missing])
    dates, launched, downed, mixes = [], [], [], []
    seen: dict[str, int] = {}
    for i, r in enumerate(rows):
        line = i + 2
        where = f"line {line}"
        bad = skip = False
        raw = str(r.get("night", "") or "").strip()
        try:
            day = dt.date.fromisoformat(raw)
        except ValueError:
            problems.append(Problem(file, where, "night", raw, "not a date", "YYYY-MM-DD, the date of the morning report"))
            day, bad = None, True
        if day is not None:
            if raw in seen:
                problems.append(Problem(file, where, "night", raw, f"night given twice (also line {seen[raw]})", "one row per night"))
                bad = True
            seen.setdefault(raw, line)
        vals = {}
        for c in COLUMNS[1:]:
            t = str(r.get(c, "") or "").strip()
            try:
                v = float(t)
            except ValueError:
                problems.append(Problem(file, where, c, t, "not a number", "a whole number of weapons, 0 if none"))
                bad = True
                continue
            if not math.isfinite(v) or v < 0 or v != int(v):
                problems.append(Problem(file, where, c, t, "must be a whole number >= 0", ""))
                bad = True
                continue
            vals[c] = v
        n = [vals.get(f"{c}_launched") for c in REPORTED]
        k = [vals.get("drone_downed_or_lost"), vals.get("cruise_downed"), vals.get("ballistic_downed")]
        for c, nn, kk in zip(REPORTED, n, k, strict=True):
            if nn is not None and kk is not None and kk > nn:
                col = "drone_downed_or_lost" if c == "drone" else f"{c}_downed"
                warnings.append(Problem(file, where, col, f"{kk:g}", f"more {c} downed than launched ({nn:g}): night {raw} left out of the fit", "check the row against the report", severity="warning"))
                skip = True
        if all(x is not None for x in n) and sum(n) == 0:
            problems.append(Problem(file, where, "", "", "nothing launched in the night", "leave out nights without launches"))
            bad = True
        w = _parse_weapons(str(r.get("weapons", "") or ""), file, where, problems)
        if bad or skip or any(x is None for x in n + k):
            continue
        dates.append(day)
        launched.append(n)
        downed.append(k)
        mixes.append(w)
    if strict:
        problems.extend(warnings)
    if problems:
        raise InputError(problems)
    if not dates:
        raise InputError([Problem(file, "", "", "", "no usable nights in the file", "")])
    return replace(_assemble(dates, np.array(launched, float), np.array(downed, float), mixes, source), warnings=tuple(warnings))


def _assemble(dates, launched, downed, mixes, source) -> Nights:
    types = sorted({t for m in mixes for t in m} | {POOLED_TYPE["drone"]} | {f"{c}_other" for c in REPORTED[1:]})
    # canonical: drone-class types all pool into "drone" (the reports never split them)
    types = [t for t in types if not (t in TYPE_CLASS and TYPE_CLASS[t] == "drone" and t != "drone")]
    tindex = {t: j for j, t in enumerate(types)}
    tclass = np.array([REPORTED.index(TYPE_CLASS.get(t, t.removesuffix("_other"))) for t in types])
    mix = np.zeros((len(dates), len(types)))
    for i, m in enumerate(mixes):
        for c_idx, c in enumerate(REPORTED):
            n = launched[i, c_idx]
            if n <= 0:
                continue
            if c == "drone":
                mix[i, tindex["drone"]] = n
                continue
            parts = {t: v for t, v in m.items() if TYPE_CLASS[t] == c and v > 0}
            s = sum(parts.values())
            if s <= 0:
                mix[i, tindex[f"{c}_other"]] = n
            else:
                for t, v in parts.items():
                    mix[i, tindex[t]] = n * v / s
    order = np.argsort(np.array(dates, dtype="datetime64[D]"), kind="stable")
    return Nights(np.array(dates, dtype="datetime64[D]")[order], launched[order], downed[order], tuple(types), tclass, mix[order], source)


def read_nights(path: str | Path, *, strict: bool = False) -> Nights:
    """Read a user's night-by-night CSV (same shape as the bundled file); :class:`InputError` on bad rows."""
    import csv

    p = Path(path)
    if not p.is_file():
        raise InputError([Problem(str(path), "", "", "", "no such file", "give the path of a CSV with one row per night")])
    try:
        with p.open(newline="", encoding="utf-8-sig") as fh:
            rows = list(csv.DictReader(fh))
    except (UnicodeDecodeError, csv.Error) as exc:
        raise InputError([Problem(str(path), "", "", "", f"not a readable CSV file ({exc})", "save as UTF-8 CSV")]) from None
    src = ""
    if rows and "source" in rows[0]:
        src = "; ".join(dict.fromkeys(str(r.get("source", "")).strip() for r in rows if str(r.get("source", "")).strip()))
    return parse_nights(rows, str(path), src or f"user file {p.name}", strict=strict)


def load_nights() -> Nights:
    """The bundled nights (``reference/data/air_force_nights.csv``: 2024-01-01 to 2025-08-31)."""
    from backstop.reference import load_table

    df = load_table("air_force_nights")
    return parse_nights(df.to_dict("records"), "air_force_nights.csv", SOURCE)


# ---------------------------------------------------------------------------------------------
# the model
# ---------------------------------------------------------------------------------------------

def _expit(x):
    return 0.5 * (1.0 + np.tanh(0.5 * x))


def _betabinom_loglik(k, n, p, rho):
    """log P(k | n, p, rho) of the beta-binomial with mean p and intra-class correlation rho (without the
    binomial coefficient, constant in the parameters)."""
    from scipy.special import gammaln

    p = np.clip(p, 1e-9, 1 - 1e-9)
    s = (1.0 - rho) / rho
    a, b = p * s, (1.0 - p) * s
    return gammaln(k + a) + gammaln(n - k + b) - gammaln(n + s) - gammaln(a) - gammaln(b) + gammaln(s)


def betabinom_pmf(n: int, p: float, rho: float) -> np.ndarray:
    """P(k), k = 0..n, of the beta-binomial with mean ``p`` and intra-class correlation ``rho``."""
    from scipy.special import gammaln

    k = np.arange(n + 1, dtype=float)
    logc = gammaln(n + 1) - gammaln(k + 1) - gammaln(n - k + 1)
    pmf = np.exp(logc + _betabinom_loglik(k, float(n), np.full_like(k, p), rho))
    return pmf / pmf.sum()


def predictive_interval(n: int, p: float, rho: float, level: float = 0.9) -> tuple[float, float]:
    """Central ``level`` predictive interval of the share downed of ``n`` launches (beta-binomial with
    mean ``p`` and intra-night correlation ``rho``), as shares ``(k_lo / n, k_hi / n)``."""
    cdf = np.cumsum(betabinom_pmf(n, p, rho))
    lo = int(np.searchsorted(cdf, (1 - level) / 2 - 1e-12))
    hi = int(np.searchsorted(cdf, (1 + level) / 2 - 1e-12))
    return lo / n, min(hi, n) / n


@dataclass(frozen=True)
class ClassFit:
    """Fitted parameters of one reported class."""

    cls: str
    alpha: float
    beta: float
    rho: float
    type_offset: dict[str, float]
    nights: int
    launched: float
    effective_nights: float
    converged: bool
    spec: ClassSpec = ClassSpec()
    constant: float = 0.5


@dataclass(frozen=True)
class NightFit:
    """A local fit: parameters per class, centred on ``at`` (numpy datetime64[D])."""

    at: np.datetime64
    classes: dict[str, ClassFit]
    first_night: str
    last_night: str
    source: str = ""
    notes: list[str] = field(default_factory=list)

    def share(self, cls: str, mix: dict[str, float], total: float) -> float | None:
        """Expected share of class ``cls`` downed for a night of ``total`` launches whose class ``cls``
        launches are ``mix`` (type -> count; types the fit has not seen take the class effectiveness)."""
        f = self.classes.get(cls)
        n = sum(v for v in mix.values() if v > 0)
        if f is None or f.nights == 0 or n <= 0:
            return None
        x = math.log(max(total, 1.0) / SIZE_REF) if f.spec.size_term else 0.0
        acc = 0.0
        for t, v in mix.items():
            if v <= 0:
                continue
            key = "drone" if cls == "drone" else t
            acc += v * float(_expit(f.alpha + f.type_offset.get(key, 0.0) + f.beta * x))
        lam = f.spec.shrink
        return (1.0 - lam) * acc / n + lam * f.constant

    def interval(self, cls: str, mix: dict[str, float], total: float, level: float = 0.9) -> tuple[float, float] | None:
        """Central predictive interval of the share downed (beta-binomial with the class's rho)."""
        p = self.share(cls, mix, total)
        if p is None:
            return None
        n = int(round(sum(v for v in mix.values() if v > 0)))
        if n <= 0:
            return None
        return predictive_interval(n, p, self.classes[cls].rho, level)

    def to_json(self) -> dict:
        return {
            "at": str(self.at), "half_life_days": {c: f.spec.to_json()["half_life_days"] for c, f in self.classes.items()}, "size_ref": SIZE_REF, "first_night": self.first_night, "last_night": self.last_night,
            "source": self.source, "notes": list(self.notes),
            "classes": {c: {"alpha": f.alpha, "beta_log_size": f.beta, "rho": f.rho, "type_offset": f.type_offset, "nights": f.nights, "launched": f.launched, "effective_nights": f.effective_nights, "converged": f.converged, "spec": f.spec.to_json(), "constant": f.constant, "share_at_ref_size": float(_expit(f.alpha)) if f.nights else None} for c, f in self.classes.items()},
        }


def time_weights(days: np.ndarray, at_day: float, half_life_days: float, *, one_sided: bool = False) -> np.ndarray:
    """``2^{-|at - t_i| / H}``; with ``one_sided`` nights after ``at`` get weight 0."""
    lag = at_day - np.asarray(days, float)
    if math.isinf(half_life_days):
        w = np.ones_like(lag)
    else:
        w = np.exp2(-np.abs(lag) / half_life_days)
    if one_sided:
        w = np.where(lag > 0, w, 0.0)
    return w


def _fit_class(nights: Nights, c_idx: int, weights: np.ndarray, x: np.ndarray, spec: ClassSpec = ClassSpec()) -> ClassFit:
    from scipy.optimize import minimize

    cls = REPORTED[c_idx]
    n_all = nights.launched[:, c_idx]
    use = (n_all > 0) & (weights > 1e-12)
    n, k, w, xx = n_all[use], nights.downed[use, c_idx], weights[use], x[use]
    tcols = [j for j, tc in enumerate(nights.type_class) if tc == c_idx]
    # drones: one pooled type, no offsets; missiles: one offset per type seen with weight
    share_mix = nights.mix[use][:, tcols] / n[:, None] if len(n) else np.zeros((0, len(tcols)))
    seen = [j for j, col in zip(tcols, share_mix.T, strict=True) if (w * col * n).sum() > 0] if c_idx else []
    free = [tcols.index(j) for j in seen]
    if len(n) == 0 or w.sum() <= 0:
        return ClassFit(cls, 0.0, 0.0, 0.5, {}, 0, 0.0, 0.0, False, spec)
    # the constant floor: pooled share of every night the fit may see (unweighted)
    constant = float(k.sum() / n.sum())
    pooled = float(np.clip((w * k).sum() / (w * n).sum(), 0.01, 0.99))
    x0 = np.concatenate([[math.log(pooled / (1 - pooled)), 0.0, -3.0], np.zeros(len(free))])
    types_off = np.zeros(len(tcols))

    from scipy.special import digamma

    def nll(theta):
        """Negative penalised weighted log-likelihood and its gradient (analytic)."""
        a0, b, s = theta[0], theta[1], math.exp(-theta[2])  # s = (1 - rho) / rho
        types_off[:] = 0.0
        if free:
            types_off[free] = theta[3:]
        if c_idx:
            sig = _expit(a0 + types_off[None, :] + b * xx[:, None])
            dsig = share_mix * sig * (1.0 - sig)
            p = (share_mix * sig).sum(axis=1)
            dp_da = dsig.sum(axis=1)
        else:
            p = _expit(a0 + b * xx)
            dp_da = p * (1.0 - p)
        p = np.clip(p, 1e-9, 1 - 1e-9)
        rho = 1.0 / (1.0 + s)
        ll = (w * _betabinom_loglik(k, n, p, rho)).sum()
        aa, bb = p * s, (1.0 - p) * s
        A = digamma(k + aa) - digamma(aa)
        B = digamma(n - k + bb) - digamma(bb)
        dll_dp = w * s * (A - B)
        dll_ds = (w * (p * A + (1.0 - p) * B - digamma(n + s) + digamma(s))).sum()
        g = np.zeros_like(theta)
        g[0] = -(dll_dp * dp_da).sum() + a0 / ALPHA_PRIOR_SD**2
        g[1] = -(dll_dp * dp_da * xx).sum() + b / 4.0
        g[2] = dll_ds * s + (theta[2] + 3.0) / 4.0  # ds/dtheta2 = -s
        if free:
            g[3:] = -(dll_dp[:, None] * dsig[:, free]).sum(axis=0) + theta[3:] / TYPE_PRIOR_SD**2
        prior = 0.5 * (theta[3:] ** 2).sum() / TYPE_PRIOR_SD**2 + 0.5 * (a0 / ALPHA_PRIOR_SD) ** 2 + 0.5 * (b / 2.0) ** 2 + 0.5 * ((theta[2] + 3.0) / 2.0) ** 2
        return -ll + prior, g

    res = minimize(nll, x0, jac=True, method="BFGS", options={"maxiter": 1000, "gtol": 1e-6})
    th = res.x
    offsets = {nights.types[j]: float(th[3 + i]) for i, j in enumerate(seen)} if free else {}
    ess = float(w.sum() ** 2 / (w**2).sum())
    return ClassFit(cls, float(th[0]), float(th[1]), float(_expit(th[2])), offsets, int(use.sum()), float(n.sum()), ess, bool(res.success or np.max(np.abs(res.jac)) <= 1e-4 * max(1.0, abs(float(res.fun)))), spec, constant)


def class_specs(spec: dict[str, ClassSpec] | None = None, *, half_life_days: float | None = None, size_term: bool | None = None) -> dict[str, ClassSpec]:
    """The per-class specification: ``spec`` (default :data:`SPEC`), with ``half_life_days`` and
    ``size_term`` overriding every class where given."""
    base = dict(SPEC if spec is None else spec)
    out = {}
    for c in REPORTED:
        sp = base.get(c, ClassSpec())
        if half_life_days is not None:
            sp = replace(sp, half_life_days=float(half_life_days))
        if size_term is not None:
            sp = replace(sp, size_term=bool(size_term))
        out[c] = sp
    return out


def fit(nights: Nights, at: dt.date | str | np.datetime64 | None = None, *, half_life_days: float | None = None, one_sided: bool | None = None, size_term: bool | None = None, spec: dict[str, ClassSpec] | None = None) -> NightFit:
    """Fit the model centred on date ``at`` (default: the last night in the file).

    Parameters
    ----------
    nights : Nights
        The record to fit.
    at : date, optional
        Date the prediction is for.  Nights are weighted ``2^{-|at - t_i| / H}``.
    half_life_days : float, optional
        ``H`` [days] for every class (default: each class's :data:`SPEC`); ``inf`` weights every
        night the same (a static fit).
    one_sided : bool, optional
        Use only nights before ``at`` (cross-validation).  Default: only when ``at`` is after the
        last night (then all nights are before it anyway).
    size_term : bool, optional
        Fit the log wave-size term (default: per :data:`SPEC`).
    spec : dict, optional
        Per-class :class:`ClassSpec` (default :data:`SPEC`).
    """
    if len(nights) == 0:
        raise InputError([Problem("<nights>", "", "", "", "no nights to fit", "")])
    specs = class_specs(spec, half_life_days=half_life_days, size_term=size_term)
    at64 = nights.night[-1] if at is None else np.datetime64(str(at), "D")
    at_day = float(at64.astype(np.int64))
    x_size = np.log(np.maximum(nights.total, 1.0) / SIZE_REF)
    classes = {}
    for i, c in enumerate(REPORTED):
        sp = specs[c]
        w = time_weights(nights.days, at_day, sp.half_life_days, one_sided=bool(one_sided))
        classes[c] = _fit_class(nights, i, w, x_size if sp.size_term else np.zeros(len(nights)), sp)
    notes = []
    if at64 > nights.night[-1]:
        gap = int((at64 - nights.night[-1]).astype(int))
        notes.append(f"prediction date {at64} is {gap} days after the last night in the record ({nights.night[-1]}): the latest level is carried forward")
    return NightFit(at64, classes, str(nights.night[0]), str(nights.night[-1]), nights.source, notes)


def predict(model: NightFit, nights: Nights) -> np.ndarray:
    """Expected share downed (N, 3) of each night and class (NaN where nothing was launched)."""
    out = np.full((len(nights), len(REPORTED)), np.nan)
    for i in range(len(nights)):
        tot = float(nights.total[i])
        for c_idx, c in enumerate(REPORTED):
            if nights.launched[i, c_idx] <= 0:
                continue
            mix = {nights.types[j]: float(nights.mix[i, j]) for j in range(len(nights.types)) if nights.type_class[j] == c_idx and nights.mix[i, j] > 0}
            out[i, c_idx] = model.share(c, mix, tot)
    return out


# ---------------------------------------------------------------------------------------------
# evaluation: in sample and rolling-origin cross-validation against a constant predictor
# ---------------------------------------------------------------------------------------------

def _months(nights: Nights) -> np.ndarray:
    return nights.night.astype("datetime64[M]")


def _errors(nights: Nights, pred: np.ndarray, mask: np.ndarray) -> dict[str, dict]:
    out = {}
    for c_idx, c in enumerate(REPORTED):
        m = mask & (nights.launched[:, c_idx] > 0) & np.isfinite(pred[:, c_idx])
        n, k, p = nights.launched[m, c_idx], nights.downed[m, c_idx], pred[m, c_idx]
        if n.sum() == 0:
            out[c] = {"nights": 0, "launched": 0.0, "reported_share": None, "predicted_share": None, "bias": None, "mae": None}
            continue
        out[c] = {
            "nights": int(m.sum()), "launched": float(n.sum()), "reported_share": float(k.sum() / n.sum()), "predicted_share": float((p * n).sum() / n.sum()),
            "bias": float(((p * n).sum() - k.sum()) / n.sum()), "mae": float(np.mean(np.abs(p - k / n))),
        }
    return out


def _cv_predictions(nights: Nights, specs: dict[str, ClassSpec], burn_in_months: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Rolling origin, one month ahead: each month after the first ``burn_in_months`` predicted by a
    fit on the nights before it only; returns (model, constant, tested mask)."""
    months = _months(nights)
    uniq = np.unique(months)
    pred_cv = np.full((len(nights), 3), np.nan)
    const_cv = np.full((len(nights), 3), np.nan)
    tested = np.zeros(len(nights), bool)
    for m in uniq[burn_in_months:]:
        sel = months == m
        before = months < m
        if not before.any():
            continue
        train = nights.subset(before)
        pred_cv[sel] = predict(fit(train, m.astype("datetime64[D]"), one_sided=True, spec=specs), nights.subset(sel))
        pooled = train.downed.sum(axis=0) / np.maximum(train.launched.sum(axis=0), 1)
        const_cv[sel] = np.where(nights.launched[sel] > 0, pooled[None, :], np.nan)
        tested |= sel
    return pred_cv, const_cv, tested


def evaluate(nights: Nights, *, half_life_days: float | None = None, spec: dict[str, ClassSpec] | None = None, burn_in_months: int = BURN_IN_MONTHS) -> dict:
    """Calibration error per class: model and constant predictor, in sample and cross-validated by time.

    In sample: each calendar month is predicted by the fit centred on its middle (two-sided time
    weights; the constant is the pooled share of all nights).  Cross-validated by time (rolling
    origin, one month ahead): each month after the first ``burn_in_months`` is predicted by a fit
    on the nights before the month only (one-sided weights centred on the month's first day); the
    constant is the pooled share of those same earlier nights.  The model is each class's
    :class:`ClassSpec` (default :data:`SPEC`; ``half_life_days`` overrides every class).
    """
    specs = class_specs(spec, half_life_days=half_life_days)
    months = _months(nights)
    uniq = np.unique(months)
    pred_in = np.full((len(nights), 3), np.nan)
    for m in uniq:
        sel = months == m
        mid = m.astype("datetime64[D]") + 14
        pred_in[sel] = predict(fit(nights, mid, spec=specs), nights.subset(sel))
    const_in = np.where(nights.launched > 0, nights.downed.sum(axis=0) / np.maximum(nights.launched.sum(axis=0), 1), np.nan)
    everything = np.ones(len(nights), bool)
    pred_cv, const_cv, tested = _cv_predictions(nights, specs, burn_in_months)
    return {
        "spec": {c: sp.to_json() for c, sp in specs.items()}, "nights": len(nights), "first_night": str(nights.night[0]), "last_night": str(nights.night[-1]),
        "cv_first_month": str(uniq[burn_in_months]) if len(uniq) > burn_in_months else None, "cv_nights": int(tested.sum()),
        "in_sample": {"model": _errors(nights, pred_in, everything), "constant": _errors(nights, const_in, everything)},
        "cross_validated": {"model": _errors(nights, pred_cv, tested), "constant": _errors(nights, const_cv, tested)},
    }


def _mae_bias(nights: Nights, pred: np.ndarray, mask: np.ndarray, c: int) -> tuple[float, float]:
    m = mask & (nights.launched[:, c] > 0) & np.isfinite(pred)
    n, k, p = nights.launched[m, c], nights.downed[m, c], pred[m]
    if n.sum() == 0:
        return float("nan"), float("nan")
    return float(np.mean(np.abs(p - k / n))), float(((p * n).sum() - k.sum()) / n.sum())


def select(nights: Nights, *, half_lives: tuple[float, ...] = SELECT_HALF_LIVES, shrinks: tuple[float, ...] = SELECT_SHRINKS, burn_in_months: int = BURN_IN_MONTHS, online_burn_in_months: int = 3) -> dict:
    """Choose each class's :class:`ClassSpec` by rolling-origin cross-validation.

    Candidates: every half-life in ``half_lives`` x the log wave-size term on or off x every
    weight ``shrink`` of the constant in ``shrinks`` (``shrink = 1`` is the constant floor itself,
    so the chosen candidate's cross-validated MAE is never above the constant's).  Per class the
    candidate with the lowest cross-validated per-night MAE is chosen (ties: the smaller absolute
    pooled bias, then the earlier candidate).  Because choosing on the same months flatters the
    choice, the selection is also run *online* (nested): from the ``online_burn_in_months``-th
    cross-validated month on, each month is predicted by the candidate with the lowest MAE on the
    cross-validated months before it only; its MAE and bias are reported beside the constant's.
    Deterministic.
    """
    months = _months(nights)
    runs = {}
    const_cv = tested = None
    for h in half_lives:
        for st in (True, False):
            specs = {c: ClassSpec(float(h), st, 0.0) for c in REPORTED}
            runs[(float(h), st)], const_cv, tested = _cv_predictions(nights, specs, burn_in_months)
    cands = [(h, st, lam) for (h, st) in runs for lam in shrinks]
    cv_months = np.unique(months[tested]) if tested is not None else np.array([], "datetime64[M]")
    chosen: dict[str, ClassSpec] = {}
    table: list[dict] = []
    online: dict[str, dict] = {}
    for c_idx, c in enumerate(REPORTED):
        preds = [(1 - lam) * runs[(h, st)][:, c_idx] + lam * const_cv[:, c_idx] for h, st, lam in cands]
        scores = [_mae_bias(nights, p, tested, c_idx) for p in preds]
        for (h, st, lam), (mae, bias) in zip(cands, scores, strict=True):
            table.append({"class": c, "half_life_days": None if math.isinf(h) else h, "size_term": st, "shrink": lam, "cv_mae": mae, "cv_bias": bias})
        valid = [i for i, (mae, _) in enumerate(scores) if math.isfinite(mae)]
        if not valid:
            chosen[c] = ClassSpec()
            continue
        best = min(valid, key=lambda i: (round(scores[i][0], 10), round(abs(scores[i][1]), 10), i))
        h, st, lam = cands[best]
        chosen[c] = ClassSpec(h, st, lam)
        # online (nested) selection: month m uses the candidate best on the CV months before m
        pred_on = np.full(len(nights), np.nan)
        on_mask = np.zeros(len(nights), bool)
        for mi, m in enumerate(cv_months):
            if mi < online_burn_in_months:
                continue
            past = tested & (months < m)
            sc = [_mae_bias(nights, p, past, c_idx)[0] for p in preds]
            ok = [i for i in range(len(cands)) if math.isfinite(sc[i])]
            if not ok:
                continue
            b = min(ok, key=lambda i: (round(sc[i], 10), i))
            sel = months == m
            pred_on[sel] = preds[b][sel]
            on_mask |= sel
        mae_on, bias_on = _mae_bias(nights, pred_on, on_mask, c_idx)
        mae_k, bias_k = _mae_bias(nights, const_cv[:, c_idx], on_mask & np.isfinite(pred_on), c_idx)
        online[c] = {"nights": int((on_mask & (nights.launched[:, c_idx] > 0) & np.isfinite(pred_on)).sum()), "mae": mae_on, "bias": bias_on, "constant_mae": mae_k, "constant_bias": bias_k}
    return {"spec": chosen, "candidates": table, "online": online, "cv_nights": int(tested.sum()) if tested is not None else 0}


def error_table(ev: dict) -> list[dict]:
    """Rows (class, evaluation, predictor, nights, bias, MAE) of :func:`evaluate`, for tables."""
    rows = []
    for kind, label in (("in_sample", "in sample"), ("cross_validated", "cross-validated by time")):
        for c in REPORTED:
            m, k = ev[kind]["model"][c], ev[kind]["constant"][c]
            rows.append({"class": c, "evaluation": label, "nights": m["nights"], "reported_share": m["reported_share"], "model_bias": m["bias"], "model_mae": m["mae"], "constant_bias": k["bias"], "constant_mae": k["mae"]})
    return rows


def calibrate(nights: Nights, at: dt.date | str | None = None, *, half_life_days: float | None = None, choose: bool = False) -> dict:
    """The fit centred on ``at`` (default: the last night) and its calibration error, as plain data
    (what ``backstop skies calibrate FILE`` prints).  ``choose``: first choose each class's
    specification on this file by :func:`select` (otherwise :data:`SPEC`, the bundled record's
    choice; ``half_life_days`` overrides every class's half-life)."""
    if half_life_days is not None and not half_life_days > 0:
        raise InputError([Problem("<cli>", "argument --half-life", "half-life", str(half_life_days), "must be positive", "days, e.g. 60")])
    selection = select(nights) if choose else None
    specs = class_specs(selection["spec"] if selection else None, half_life_days=half_life_days)
    model = fit(nights, at, spec=specs)
    ev = evaluate(nights, spec=specs)
    for c, f in model.classes.items():
        if f.nights == 0:
            model.notes.append(f"no night with {c} launches: no fit for {c} (the analysis keeps the catalogue for it)")
    if ev["cv_nights"] == 0:
        model.notes.append(f"cross-validation by time needs more than {BURN_IN_MONTHS} months of nights")
    out = {"warnings": [str(w) for w in nights.warnings], "fit": model.to_json(), "evaluation": ev, "error_table": error_table(ev), "method": "weighted maximum likelihood, beta-binomial per class with weapon-type offsets and a log wave-size term, shrunk toward the constant by the class's weight; time weights 2^(-|t - t_i| / H); per-class specification chosen by rolling-origin cross-validation (backstop.skies.nightfit)"}
    if selection:
        out["selection"] = {"spec": {c: sp.to_json() for c, sp in selection["spec"].items()}, "online": selection["online"], "candidates": selection["candidates"]}
    return out
