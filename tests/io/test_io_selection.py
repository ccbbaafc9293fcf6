"""Tests of PxWebApi v2 selections: parsing, URL parts, checks and splitting."""

from __future__ import annotations

import itertools
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from utenforskap.errors import ConfigError
from utenforskap.io.cube import Dimension
from utenforskap.io.selection import (
    check_selection,
    parse_selection,
    query_string,
    split_selection,
)


def dim(name: str, codes: list[str]) -> Dimension:
    return Dimension(name, name, tuple(codes), tuple(codes))


TABLE = [
    dim("Region", ["0", "0301", "3203", "1103"]),
    dim("Tid", [str(y) for y in range(2015, 2025)]),
]


def test_parse_and_query_string() -> None:
    selections = parse_selection(
        {"Region": "0301,3203", "Tid": "from(2020)", "Alder": ["016-019"], "Kjonn": "*"},
        codelist={"Region": "agg_KommSummer"},
        output_values={"Region": "single"},
    )
    assert selections[0].codes == ("0301", "3203")
    assert selections[1].expression == "from(2020)"
    assert selections[2].codes == ("016-019",)
    assert selections[3].expression == "*"
    text = query_string(selections, lang="en")
    assert text == (
        "lang=en&outputFormat=json-stat2&valueCodes[Region]=0301,3203"
        "&codelist[Region]=agg_KommSummer&outputValues[Region]=single"
        "&valueCodes[Tid]=from(2020)&valueCodes[Alder]=016-019&valueCodes[Kjonn]=*"
    )


def test_checks() -> None:
    with pytest.raises(ConfigError, match="no value code '9999'"):
        check_selection(parse_selection({"Region": ["9999"]}), TABLE, table="1")
    with pytest.raises(ConfigError, match="from\\(\\) needs 1 code"):
        check_selection(parse_selection({"Tid": "from(1990)"}), TABLE, table="1")
    with pytest.raises(ConfigError, match="matches no value"):
        check_selection(parse_selection({"Tid": "19*"}), TABLE, table="1")
    with pytest.raises(ConfigError, match="not in the selection"):
        parse_selection({"Tid": "*"}, codelist={"Region": "x"})
    # With a codelist the codes are the codelist's, not the table's: not checked here.
    check_selection(
        parse_selection({"Region": ["K-0301"]}, codelist={"Region": "vs_Kommun"}), TABLE, table="1"
    )


def cells(parts, table) -> list[tuple[str, ...]]:
    by_id = {d.id: d for d in table}
    out = []
    for part in parts:
        lists = []
        for sel in part:
            d = by_id[sel.variable]
            lists.append(sel.codes if sel.codes is not None else d.codes)
        out.extend(itertools.product(*lists))
    return out


@settings(max_examples=50, deadline=None)
@given(
    sizes=st.lists(st.integers(1, 12), min_size=1, max_size=4),
    max_cells=st.integers(1, 200),
)
def test_split_covers_every_cell_once_and_fits(sizes: list[int], max_cells: int) -> None:
    table = [dim(f"V{i}", [f"c{j:02d}" for j in range(s)]) for i, s in enumerate(sizes)]
    selections = parse_selection({d.id: "*" for d in table})

    def url_of(part):
        return "http://x/data?" + query_string(part, lang="no")

    parts = split_selection(
        selections, table, url_of=url_of, max_cells=max_cells, max_url_length=10_000
    )
    got = cells(parts, table)
    assert sorted(got) == sorted(itertools.product(*(d.codes for d in table)))
    assert len(set(got)) == len(got)
    by_id = {d.id: d for d in table}
    for part in parts:
        count = math.prod(len(s.codes or by_id[s.variable].codes) for s in part)
        assert count <= max_cells


def test_unsplittable_request() -> None:
    table = [dim("A", ["a"]), dim("B", ["b"])]
    with pytest.raises(ConfigError, match="cannot be split"):
        split_selection(
            parse_selection({"A": "*", "B": "*"}),
            table,
            url_of=lambda part: "x" * 5000,
            max_cells=10,
            max_url_length=100,
        )
