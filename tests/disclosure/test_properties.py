"""Property tests over random tables: districts × sex × age bands × years, with totals."""

from __future__ import annotations

import random

import numpy as np
import pandas as pd
from disclosure_tables import (
    AGE_PARTS,
    SEX_PARTS,
    indicator_frame,
    reference_primary,
    single_unknown,
    unprotected,
    with_totals,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from utenforskap import frames as F
from utenforskap.disclosure import Rules, require_disclosed, suppress


@st.composite
def tables(draw: st.DrawFn) -> tuple[pd.DataFrame, Rules]:
    """A random table with kommune, district, sex and age totals, and random rules."""
    n_kommuner = draw(st.integers(1, 2))
    years = [str(2020 + i) for i in range(draw(st.integers(1, 3)))]
    span = f"{years[0]}-{years[-1]}" if len(years) > 1 and draw(st.booleans()) else None
    districts = []
    for k in range(n_kommuner):
        kommune = f"99{k + 1:02d}"
        count = draw(st.integers(1, 4))
        districts += [f"{kommune}{d + 1:02d}" for d in range(count)]
        if draw(st.booleans()):
            districts.append(f"{kommune}99")
        if draw(st.booleans()):
            districts += [f"{kommune}0001", f"{kommune}9999"]  # a grunnkrets level too
    size = draw(st.sampled_from([8, 25, 80]))
    leaves = {}
    for region in districts:
        for period in years:
            for age in AGE_PARTS:
                for sex in SEX_PARTS:
                    n = draw(st.integers(0, size))
                    x = draw(st.integers(0, n))
                    leaves[("neet", region, period, age, sex)] = (x, n)
    if span is not None:  # the pooled span adds up its years, as pool_periods makes it
        for region in districts:
            for age in AGE_PARTS:
                for sex in SEX_PARTS:
                    parts = [leaves[("neet", region, y, age, sex)] for y in years]
                    leaves[("neet", region, span, age, sex)] = (
                        sum(p[0] for p in parts),
                        sum(p[1] for p in parts),
                    )
    rules = Rules(
        min_count=draw(st.integers(1, 6)),
        min_denominator=draw(st.sampled_from([0, 10, 20])),
        protect_zeros=draw(st.booleans()),
        series_share=draw(st.sampled_from([0.3, 0.5, 1.0])),
        coverage_max_unknown=draw(st.sampled_from([0.08, 1.0])),
        protection_level=draw(st.sampled_from([None, 1, 8])),
    )
    frame = indicator_frame(with_totals(leaves))
    # Some cells arrive without counts (SSB status ".."): unknown, not suppressed.
    for row in draw(st.lists(st.integers(0, len(frame) - 1), max_size=2, unique=True)):
        frame.loc[row, [F.NUMERATOR, F.DENOMINATOR, F.VALUE, F.CI_LOWER, F.CI_UPPER]] = np.nan
        frame.loc[row, F.STATUS] = ".."
    return frame, rules


def _breaks_primary(x: np.ndarray, n: np.ndarray, rules: Rules) -> np.ndarray:
    """The primary rules written out plainly, independent of the package."""
    small = (x < rules.min_count) & ((x > 0) | rules.protect_zeros)
    return small | (n - x < rules.min_count) | (n < rules.min_denominator)


_SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@_SETTINGS
@given(tables())
def test_suppression_invariants(case: tuple[pd.DataFrame, Rules]) -> None:
    frame, rules = case
    out = suppress(frame, rules)
    published = ~out[F.SUPPRESSED].to_numpy(dtype=bool)
    # (c) same rows, same keys, published counts untouched
    assert len(out) == len(frame)
    pd.testing.assert_frame_equal(out[list(F.KEY_COLUMNS)], frame[list(F.KEY_COLUMNS)])
    np.testing.assert_array_equal(
        out.loc[published, F.NUMERATOR], frame.loc[published, F.NUMERATOR]
    )
    # (a) no published cell breaks the primary rule
    x = out[F.NUMERATOR].to_numpy(dtype=float)[published]
    n = out[F.DENOMINATOR].to_numpy(dtype=float)[published]
    assert not _breaks_primary(x, n, rules).any()
    # (b) no relation has exactly one unknown cell: no hidden cell (nor a
    # residual that breaks a rule) is a published total minus published parts
    # (cells without counts are as good as hidden)
    assert single_unknown(frame, out, rules) == []
    # (b') along every relation (periods and virtual residuals included), every
    # hidden cell keeps the documented range against both attackers
    assert unprotected(frame, out, rules) == []
    # every hidden cell has a reason and shows nothing
    hidden = ~published
    assert (out.loc[hidden, F.SUPPRESSION_REASON] != "").all()
    assert (out.loc[published, F.SUPPRESSION_REASON] == "").all()
    assert out.loc[hidden, [F.NUMERATOR, F.DENOMINATOR, F.VALUE]].isna().all().all()
    # primary reasons as the plain-loop statement of the rules gives them
    expected = reference_primary(frame, rules)
    got = out[F.SUPPRESSION_REASON].tolist()
    assert [g if g in ("primary", "complement", "denominator") else "" for g in got] == expected
    # (d) suppressing again changes nothing
    pd.testing.assert_frame_equal(suppress(out, rules), out)
    require_disclosed(out)


@_SETTINGS
@given(tables(), st.randoms(use_true_random=False))
def test_row_order_does_not_change_the_pattern(
    case: tuple[pd.DataFrame, Rules], rnd: random.Random
) -> None:
    frame, rules = case
    order = list(range(len(frame)))
    rnd.shuffle(order)
    shuffled = frame.iloc[order]
    a = suppress(frame, rules)
    b = suppress(shuffled, rules).loc[frame.index]
    pd.testing.assert_series_equal(a[F.SUPPRESSION_REASON], b[F.SUPPRESSION_REASON])


@st.composite
def wide_tables(draw: st.DrawFn) -> tuple[pd.DataFrame, Rules]:
    """Kommuner of a fylke with the fylke, population groups, sexes: every other relation kind."""
    kommuner = ["3201", "3203", "3205"][: draw(st.integers(1, 3))]
    groups = ["immigrants", "rest_of_population"]
    rows = []
    for region in kommuner:
        for sex in ("male", "female"):
            for group in groups:
                n = draw(st.integers(0, 60))
                rows.append((region, sex, group, draw(st.integers(0, n)), n))
    cells: dict[tuple[str, str, str], list[int]] = {}
    for region, sex, group, x, n in rows:
        for r in (region, "32"):
            for s in (sex, "total"):
                for g in (group, "total"):
                    cell = cells.setdefault((r, s, g), [0, 0])
                    cell[0] += x
                    cell[1] += n
    keys = sorted(cells)
    frame = indicator_frame(
        [
            ("neet", r, "2024", "16-25", s, float(cells[(r, s, g)][0]), float(cells[(r, s, g)][1]))
            for r, s, g in keys
        ]
    )
    frame[F.GROUP] = [g for _, _, g in keys]
    rules = Rules(
        min_count=draw(st.integers(2, 6)),
        min_denominator=draw(st.sampled_from([0, 20])),
        series_share=1.0,
        protection_level=draw(st.sampled_from([None, 1, 8])),
    )
    return frame, rules


@_SETTINGS
@given(wide_tables())
def test_no_relation_of_any_kind_has_exactly_one_unknown(case: tuple[pd.DataFrame, Rules]) -> None:
    from utenforskap.disclosure.protection import virtual_sensitive
    from utenforskap.disclosure.relations import relations

    frame, rules = case
    out = suppress(frame, rules)
    rel = relations(frame)  # the original counts: the residuals as they really are
    n_rows = len(frame)
    cells = rel.cells
    per = {k: np.full(len(cells) - n_rows, v) for k, v in rules.as_dict().items()}
    per["protection_level"] = np.full(len(cells) - n_rows, rules.protection)
    unknown = np.concatenate(
        [
            out[F.SUPPRESSED].to_numpy(dtype=bool),
            virtual_sensitive(
                cells[F.NUMERATOR].to_numpy(dtype=float)[n_rows:],
                cells[F.DENOMINATOR].to_numpy(dtype=float)[n_rows:],
                per,
            ),
        ]
    )
    count = np.abs(rel.matrix) @ unknown.astype(float)
    assert not (count == 1).any(), sorted(set(rel.kind[count == 1]))
    assert {"fylke", "group", "sex"} >= set(rel.kind)
