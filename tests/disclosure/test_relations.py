"""The relation builder: every additive relation of a table, on small hand-made tables (#12)."""

from __future__ import annotations

from collections import defaultdict

import numpy as np
import pandas as pd
import pytest
from disclosure_tables import indicator_frame, with_totals
from hypothesis import given, settings
from hypothesis import strategies as st

from utenforskap import frames as F
from utenforskap.disclosure.relations import blocks, relations
from utenforskap.errors import DataError


def _frame(rows: list[dict[str, object]]) -> pd.DataFrame:
    base = {
        F.INDICATOR: "neet",
        F.REGION: "3203",
        F.PERIOD: "2024",
        F.AGE: "16-25",
        F.SEX: "total",
        F.GROUP: "total",
    }
    return pd.DataFrame([{**base, **r} for r in rows])


def _relations_as_sets(rel) -> list[tuple[str, int, frozenset[int]]]:  # type: ignore[no-untyped-def]
    """(kind, total cell, parts) per relation, read back from the matrix."""
    coo = rel.matrix.tocoo()
    parent: dict[int, int] = {}
    parts: dict[int, set[int]] = defaultdict(set)
    for r, c, v in zip(coo.row, coo.col, coo.data, strict=True):
        if v > 0:
            parent[int(r)] = int(c)
        else:
            parts[int(r)].add(int(c))
    return sorted((str(rel.kind[r]), parent[r], frozenset(parts[r])) for r in parent)


def test_unknown_sex_residual_is_virtual_from_the_issue() -> None:
    # Issue #12: total 68/485, male 26/252, female 40/225 → unknown sex 2/8 (not a row).
    frame = _frame(
        [
            {F.SEX: "total", F.NUMERATOR: 68.0, F.DENOMINATOR: 485.0},
            {F.SEX: "male", F.NUMERATOR: 26.0, F.DENOMINATOR: 252.0},
            {F.SEX: "female", F.NUMERATOR: 40.0, F.DENOMINATOR: 225.0},
        ]
    )
    rel = relations(frame)
    assert len(rel.cells) == 4
    residual = rel.cells.iloc[3]
    assert residual[F.SEX] == "unknown"
    assert bool(residual["virtual"])
    assert (residual[F.NUMERATOR], residual[F.DENOMINATOR]) == (2.0, 8.0)
    assert rel.matrix.toarray().tolist() == [[1.0, -1.0, -1.0, -1.0]]
    assert rel.kind.tolist() == ["sex"]
    assert rel.cells.columns.tolist() == [*F.KEY_COLUMNS, F.NUMERATOR, F.DENOMINATOR, "virtual"]


def test_unknown_sex_row_closes_the_relation() -> None:
    frame = _frame(
        [
            {F.SEX: "total", F.NUMERATOR: 68.0, F.DENOMINATOR: 485.0},
            {F.SEX: "male", F.NUMERATOR: 26.0, F.DENOMINATOR: 252.0},
            {F.SEX: "female", F.NUMERATOR: 40.0, F.DENOMINATOR: 225.0},
            {F.SEX: "unknown", F.NUMERATOR: 2.0, F.DENOMINATOR: 8.0},
        ]
    )
    rel = relations(frame)
    assert len(rel.cells) == 4 and not rel.cells["virtual"].any()
    assert _relations_as_sets(rel) == [("sex", 0, frozenset({1, 2, 3}))]


def test_districts_without_unknown_row_get_a_virtual_unknown_district() -> None:
    frame = _frame(
        [
            {F.REGION: "9901", F.NUMERATOR: 100.0, F.DENOMINATOR: 1000.0},
            {F.REGION: "990101", F.NUMERATOR: 3.0, F.DENOMINATOR: 40.0},
            {F.REGION: "990102", F.NUMERATOR: 40.0, F.DENOMINATOR: 400.0},
        ]
    )
    rel = relations(frame)
    virtual = rel.cells.iloc[3]
    assert virtual[F.REGION] == "990199" and bool(virtual["virtual"])
    assert (virtual[F.NUMERATOR], virtual[F.DENOMINATOR]) == (57.0, 560.0)
    assert _relations_as_sets(rel) == [("region", 0, frozenset({1, 2, 3}))]


def test_unknown_district_row_is_a_part_and_no_residual() -> None:
    frame = _frame(
        [
            {F.REGION: "9901", F.NUMERATOR: 100.0, F.DENOMINATOR: 1000.0},
            {F.REGION: "990101", F.NUMERATOR: 3.0, F.DENOMINATOR: 40.0},
            {F.REGION: "990102", F.NUMERATOR: 92.0, F.DENOMINATOR: 940.0},
            {F.REGION: "990199", F.NUMERATOR: 5.0, F.DENOMINATOR: 20.0},
        ]
    )
    rel = relations(frame)
    assert not rel.cells["virtual"].any()
    assert _relations_as_sets(rel) == [("region", 0, frozenset({1, 2, 3}))]
    assert np.allclose(rel.matrix @ rel.cells[F.NUMERATOR].to_numpy(), 0)
    assert np.allclose(rel.matrix @ rel.cells[F.DENOMINATOR].to_numpy(), 0)


def test_grunnkrets_links_to_its_bydel_and_the_kommune() -> None:
    frame = _frame(
        [
            {F.REGION: "0301", F.NUMERATOR: 50.0, F.DENOMINATOR: 500.0},
            {F.REGION: "030101", F.NUMERATOR: 20.0, F.DENOMINATOR: 200.0},
            {F.REGION: "03010101", F.NUMERATOR: 8.0, F.DENOMINATOR: 90.0},
            {F.REGION: "03010102", F.NUMERATOR: 9.0, F.DENOMINATOR: 80.0},
        ]
    )
    rel = relations(frame)
    cells = rel.cells
    names = dict(zip(cells[F.REGION], range(len(cells)), strict=True))
    got = _relations_as_sets(rel)
    assert ("bydel", 1, frozenset({2, 3, names["03010199"]})) in got
    assert ("region", 0, frozenset({1, names["030199"]})) in got
    assert ("region", 0, frozenset({2, 3, names["03019999"]})) in got
    assert len(got) == 3
    bydel_residual = cells.iloc[names["03010199"]]
    assert (bydel_residual[F.NUMERATOR], bydel_residual[F.DENOMINATOR]) == (3.0, 30.0)


def test_group_parts_and_the_unknown_group() -> None:
    rows = [
        {F.GROUP: "total", F.NUMERATOR: 60.0, F.DENOMINATOR: 600.0},
        {F.GROUP: "immigrants", F.NUMERATOR: 20.0, F.DENOMINATOR: 100.0},
        {F.GROUP: "norwegian_born_to_immigrant_parents", F.NUMERATOR: 5.0, F.DENOMINATOR: 50.0},
        {F.GROUP: "rest_of_population", F.NUMERATOR: 33.0, F.DENOMINATOR: 440.0},
    ]
    rel = relations(_frame(rows))
    assert _relations_as_sets(rel) == [("group", 0, frozenset({1, 2, 3, 4}))]
    residual = rel.cells.iloc[4]
    assert residual[F.GROUP] == "unknown"
    assert (residual[F.NUMERATOR], residual[F.DENOMINATOR]) == (2.0, 10.0)
    closed = relations(_frame([*rows, {F.GROUP: "unknown", F.NUMERATOR: 2.0, F.DENOMINATOR: 10.0}]))
    assert _relations_as_sets(closed) == [("group", 0, frozenset({1, 2, 3, 4}))]
    assert not closed.cells["virtual"].any()


def test_a_union_group_adds_up_from_its_parts() -> None:
    rows = [
        {F.GROUP: "total", F.NUMERATOR: 60.0, F.DENOMINATOR: 600.0},
        {F.GROUP: "immigrants_and_descendants", F.NUMERATOR: 25.0, F.DENOMINATOR: 150.0},
        {F.GROUP: "immigrants", F.NUMERATOR: 20.0, F.DENOMINATOR: 100.0},
        {F.GROUP: "norwegian_born_to_immigrant_parents", F.NUMERATOR: 5.0, F.DENOMINATOR: 50.0},
        {F.GROUP: "rest_of_population", F.NUMERATOR: 35.0, F.DENOMINATOR: 450.0},
    ]
    rel = relations(_frame(rows))
    got = _relations_as_sets(rel)
    # the union is exactly its two parts; the total is the union + the rest + unknown
    assert ("group", 1, frozenset({2, 3})) in got
    assert ("group", 0, frozenset({1, 4, 5})) in got
    assert len(got) == 2 and len(rel.cells) == 6


def test_age_bands_partition_exactly() -> None:
    frame = _frame(
        [
            {F.AGE: "16-25", F.NUMERATOR: 50.0, F.DENOMINATOR: 500.0},
            {F.AGE: "16-19", F.NUMERATOR: 20.0, F.DENOMINATOR: 200.0},
            {F.AGE: "20-25", F.NUMERATOR: 30.0, F.DENOMINATOR: 300.0},
        ]
    )
    rel = relations(frame)
    assert not rel.cells["virtual"].any()
    assert _relations_as_sets(rel) == [("age", 0, frozenset({1, 2}))]


def test_pooled_span_and_its_single_years() -> None:
    whole = [
        {F.PERIOD: "2021-2023", F.NUMERATOR: 30.0, F.DENOMINATOR: 300.0},
        {F.PERIOD: "2021", F.NUMERATOR: 9.0, F.DENOMINATOR: 100.0},
        {F.PERIOD: "2022", F.NUMERATOR: 10.0, F.DENOMINATOR: 100.0},
        {F.PERIOD: "2023", F.NUMERATOR: 11.0, F.DENOMINATOR: 100.0},
    ]
    rel = relations(_frame(whole))
    assert _relations_as_sets(rel) == [("period", 0, frozenset({1, 2, 3}))]
    assert not rel.cells["virtual"].any()
    # one year missing: the residual stands for it
    rel = relations(_frame([whole[0], whole[1], whole[3]]))
    residual = rel.cells.iloc[3]
    assert residual[F.PERIOD] == "2022" and bool(residual["virtual"])
    assert (residual[F.NUMERATOR], residual[F.DENOMINATOR]) == (10.0, 100.0)
    assert _relations_as_sets(rel) == [("period", 0, frozenset({1, 2, 3}))]


def test_overlapping_spans_share_their_years() -> None:
    rows = [
        {F.PERIOD: "2020-2022", F.NUMERATOR: 30.0, F.DENOMINATOR: 300.0},
        {F.PERIOD: "2021-2023", F.NUMERATOR: 30.0, F.DENOMINATOR: 300.0},
        {F.PERIOD: "2021", F.NUMERATOR: 9.0, F.DENOMINATOR: 100.0},
        {F.PERIOD: "2022", F.NUMERATOR: 10.0, F.DENOMINATOR: 100.0},
    ]
    rel = relations(_frame(rows))
    cells = rel.cells
    assert sorted(cells.loc[cells["virtual"], F.PERIOD]) == ["2020", "2023"]
    got = _relations_as_sets(rel)
    assert [kind for kind, _, _ in got] == ["period", "period"]
    assert {2, 3} <= set(got[0][2]) and {2, 3} <= set(got[1][2])


def test_kommuner_fylke_and_country() -> None:
    frame = _frame(
        [
            {F.REGION: "0", F.NUMERATOR: 9000.0, F.DENOMINATOR: 90000.0},
            {F.REGION: "32", F.NUMERATOR: 1000.0, F.DENOMINATOR: 10000.0},
            {F.REGION: "3203", F.NUMERATOR: 100.0, F.DENOMINATOR: 1000.0},
            {F.REGION: "3201", F.NUMERATOR: 90.0, F.DENOMINATOR: 800.0},
        ]
    )
    rel = relations(frame)
    cells = rel.cells
    names = dict(zip(cells[F.REGION], range(len(cells)), strict=True))
    assert _relations_as_sets(rel) == sorted(
        [
            ("fylke", 1, frozenset({2, 3, names["3299"]})),
            ("country", 0, frozenset({1, names["99"]})),
        ]
    )
    assert cells.loc[names["3299"], F.NUMERATOR] == 810.0


def test_published_frame_gives_unknown_residuals() -> None:
    frame = _frame(
        [
            {F.SEX: "total", F.NUMERATOR: 68.0, F.DENOMINATOR: 485.0},
            {F.SEX: "male", F.NUMERATOR: np.nan, F.DENOMINATOR: np.nan},
            {F.SEX: "female", F.NUMERATOR: 40.0, F.DENOMINATOR: 225.0},
        ]
    )
    residual = relations(frame).cells.iloc[3]
    assert np.isnan(residual[F.NUMERATOR]) and np.isnan(residual[F.DENOMINATOR])


def test_frame_without_group_column_and_duplicate_keys() -> None:
    frame = _frame([{F.NUMERATOR: 1.0, F.DENOMINATOR: 9.0}]).drop(columns=[F.GROUP])
    assert relations(frame).matrix.shape == (0, 1)
    twice = _frame([{F.NUMERATOR: 1.0, F.DENOMINATOR: 9.0}] * 2)
    with pytest.raises(DataError, match="same key"):
        relations(twice)


def _leaves(draw: st.DrawFn) -> dict[tuple[str, str, str, str, str], tuple[int, int]]:
    # No unknown-district row: it would close the relation, and rows are dropped below.
    districts = ["990101", "990102", "990103"][: draw(st.integers(1, 3))]
    years = ["2021", "2022"][: draw(st.integers(1, 2))]
    leaves = {}
    for region in districts:
        for period in years:
            for age in ("16-19", "20-25"):
                for sex in ("male", "female"):
                    n = draw(st.integers(0, 50))
                    leaves[("neet", region, period, age, sex)] = (draw(st.integers(0, n)), n)
    return leaves


@settings(max_examples=20, deadline=None)
@given(st.data())
def test_every_relation_holds_on_a_summed_table(data: st.DataObject) -> None:
    # The table is built by summing leaves (an independent construction), so every
    # relation must hold exactly for numerators and denominators, virtual cells included.
    leaves = _leaves(data.draw)
    frame = indicator_frame(with_totals(leaves))
    keep = data.draw(st.lists(st.booleans(), min_size=len(frame), max_size=len(frame)))
    frame = frame[np.asarray(keep)].reset_index(drop=True)
    rel = relations(frame)
    cells = rel.cells
    assert cells.iloc[: len(frame)][F.REGION].tolist() == frame[F.REGION].tolist()
    for column in (F.NUMERATOR, F.DENOMINATOR):
        assert np.allclose(rel.matrix @ cells[column].to_numpy(), 0)
    # parts of a relation are never the total, every relation has one total
    dense = rel.matrix.toarray()
    assert ((dense > 0).sum(axis=1) == 1).all()
    assert ((dense < 0).sum(axis=1) >= 1).all()


def _components_by_hand(matrix, n_cells: int) -> list[int]:  # type: ignore[no-untyped-def]
    """Union-find over the relation rows, written out plainly."""
    parent = list(range(n_cells))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for row in matrix.tolil().rows:
        for j in row[1:]:
            parent[find(j)] = find(row[0])
    roots = [find(i) for i in range(n_cells)]
    first: dict[int, int] = {}
    return [first.setdefault(r, len(first)) for r in roots]


@settings(max_examples=20, deadline=None)
@given(st.data())
def test_blocks_match_a_union_find(data: st.DataObject) -> None:
    leaves = _leaves(data.draw)
    frame = indicator_frame(with_totals(leaves))
    keep = data.draw(st.lists(st.booleans(), min_size=len(frame), max_size=len(frame)))
    frame = frame[np.asarray(keep)].reset_index(drop=True)
    rel = relations(frame)
    assert blocks(rel).tolist() == _components_by_hand(rel.matrix, len(rel.cells))


def test_a_missing_age_band_is_a_virtual_residual() -> None:
    frame = _frame(
        [
            {F.AGE: "16-25", F.NUMERATOR: 50.0, F.DENOMINATOR: 500.0},
            {F.AGE: "16-19", F.NUMERATOR: 20.0, F.DENOMINATOR: 200.0},
            {F.AGE: "20-25", F.REGION: "0301", F.NUMERATOR: 30.0, F.DENOMINATOR: 300.0},
        ]
    )
    rel = relations(frame)
    residual = rel.cells.iloc[3]
    assert (residual[F.REGION], residual[F.AGE], bool(residual["virtual"])) == (
        "3203",
        "20-25",
        True,
    )
    assert (residual[F.NUMERATOR], residual[F.DENOMINATOR]) == (30.0, 300.0)
    assert _relations_as_sets(rel) == [("age", 0, frozenset({1, 3}))]
