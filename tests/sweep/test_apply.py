"""Applying parameter values to a loaded scenario (nothing written): cells, keys, shares, catalogue, withdrawals."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from backstop.sweep.apply import apply, bind, catalogue_patch
from backstop.sweep.spec import Parameter


def bound(scenario, **kw):
    p = Parameter(name="p", **kw)
    b, probs = bind(p, scenario, "key parameter.0.path", "spec.toml")
    assert not probs, probs
    return p, b


def wave(scenario, name="record_2025_09_06"):
    return {r.weapon: r.count for r in scenario.rows("waves") if r.wave == name}


def test_share_keeps_total(bundled):
    p, b = bound(bundled, path="waves[wave=record_2025_09_06,weapon=shahed_136|gerbera].count", op="share", of={"weapon": "gerbera"}, low=0.1, high=0.9)
    before = wave(bundled)
    new, patch = apply(bundled, [(p, b, 0.5)])
    after = wave(new)
    assert after["gerbera"] + after["shahed_136"] == before["gerbera"] + before["shahed_136"] == 810
    assert after["gerbera"] == 405 and after["iskander_m"] == before["iskander_m"]
    assert not patch and wave(bundled) == before  # the loaded scenario is untouched


def test_scale_rounds_integer_cells_and_sets_keys(bundled):
    p1, b1 = bound(bundled, path="waves[wave=record_2025_09_06].count", op="scale", low=0.5, high=2.0)
    p2, b2 = bound(bundled, path="scenario.as_of", low=dt.date(2025, 1, 1), high=dt.date(2026, 1, 1))
    p3, b3 = bound(bundled, path="toggles.russia_red_line", values=[True, False])
    new, _ = apply(bundled, [(p1, b1, 1.5), (p2, b2, dt.date(2025, 10, 1)), (p3, b3, False)])
    assert wave(new) == {"shahed_136": 753, "gerbera": 462, "iskander_k": 14, "iskander_m": 6}
    assert new.as_of == dt.date(2025, 10, 1) and new.config.toggles.russia_red_line is False
    assert new.rows("waves")[0].line == bundled.rows("waves")[0].line


def test_catalogue_patch_applies_and_restores(bundled):
    from backstop.skies.catalogue import load_systems

    p, b = bound(bundled, path="catalogue.systems[class=sam_long].pk_ballistic", op="scale", low=0.5, high=1.5)
    assert set(b.ids) == {"patriot_pac3_mse", "patriot_pac2_gemt", "samp_t_aster30"}  # s300ps has no ballistic Pk
    _, patch = apply(bundled, [(p, b, 2.0)])
    before = load_systems()["patriot_pac3_mse"].pk
    with catalogue_patch(patch):
        assert load_systems()["patriot_pac3_mse"].pk[3] == pytest.approx(0.9)
    assert load_systems()["patriot_pac3_mse"].pk == before
    with pytest.raises(RuntimeError), catalogue_patch(patch):
        raise RuntimeError("a failing variant")
    assert load_systems()["patriot_pac3_mse"].pk == before


def test_withdraw_removes_pledges(bundled):
    p = Parameter(name="out", withdraw=["FRA", "GBR"])
    b, probs = bind(p, bundled, "key parameter.0.withdraw", "spec.toml")
    assert not probs
    new, _ = apply(bundled, [(p, b, (True, False))])
    nations = {r.nation for r in new.rows("pledges")}
    assert "FRA" not in nations and "GBR" in nations
    assert len(new.rows("pledges")) == len(bundled.rows("pledges")) - sum(r.nation == "FRA" for r in bundled.rows("pledges"))
    # a pledge that serves only with a withdrawn nation goes too (force generation's --without does the same)
    buddies = [r for r in bundled.rows("pledges") if "only_with:GBR" in r.caveats]
    assert buddies
    gbr, _ = apply(bundled, [(p, b, (False, True))])
    assert not {r.id for r in buddies} & {r.id for r in gbr.rows("pledges")}
    from backstop.forcegen.analysis import assess

    assert assess(gbr, binding=False, quick=True).data["totals"]["fill_pct"] > 0


def test_invalid_value_is_an_input_error(bundled):
    from backstop.errors import InputError

    p, b = bound(bundled, path="skies.target_leakers", low=0, high=10)
    with pytest.raises(InputError) as exc:
        apply(bundled, [(p, b, -1.0)])
    assert exc.value.problems[0].location == "key skies.target_leakers"


@given(counts=st.lists(st.integers(0, 500), min_size=2, max_size=5), k=st.integers(1, 4), share=st.floats(0, 1))
@settings(max_examples=200, deadline=None)
def test_share_property(counts, k, share):
    """A share keeps the total, gives the `of` rows round(share x total), never a negative count."""
    from backstop.sweep.apply import TableBinding, _cell_values

    k = min(k, len(counts) - 1)
    rows = tuple(range(len(counts)))
    b = TableBinding("waves", "count", rows, rows[:k], tuple(counts), True, False)
    new = _cell_values(b, "share", share)
    total = sum(counts)
    assert sum(new.values()) == total and min(new.values()) >= 0
    assert sum(new[i] for i in rows[:k]) == int(total * share + 0.5)
