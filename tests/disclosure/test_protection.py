"""Secondary suppression over every relation (issue #12): the issue's examples, worked by hand.

Each expected pattern is derived in the comments; where the point is that an
attacker who knows the reasons cannot pin a cell, a brute-force enumeration of
every integer solution (independent of the package) checks it.
"""

from __future__ import annotations

import itertools

import pandas as pd
from disclosure_tables import indicator_frame

from utenforskap import frames as F
from utenforskap.disclosure import Rules, suppress


def _frame(rows: list[dict[str, object]]) -> pd.DataFrame:
    cells = [
        (
            str(r.get("indicator", "neet")),
            str(r.get("region", "3203")),
            str(r.get("period", "2024")),
            str(r.get("age", "16-25")),
            str(r.get("sex", "total")),
            float(r["x"]),  # type: ignore[arg-type]
            float(r["n"]),  # type: ignore[arg-type]
        )
        for r in rows
    ]
    frame = indicator_frame(cells)
    if any("group" in r for r in rows):
        frame[F.GROUP] = [str(r.get("group", "total")) for r in rows]
    return frame


def _reasons(out: pd.DataFrame) -> list[str]:
    return out[F.SUPPRESSION_REASON].tolist()


def test_unknown_sex_residual_from_the_issue_is_protected() -> None:
    # total 68/485, male 26/252, female 40/225: the unknown sex (not a row) is
    # 68 − 26 − 40 = 2 of 485 − 252 − 225 = 8, under min_count 5. It is never
    # published, but anyone can subtract: one more cell must be hidden. The
    # smallest denominator that leaves it a range ≥ 5 is female (225): then
    # female + unknown = 42 of 233 is all an attacker knows.
    frame = _frame(
        [
            {"sex": "total", "x": 68, "n": 485},
            {"sex": "male", "x": 26, "n": 252},
            {"sex": "female", "x": 40, "n": 225},
        ]
    )
    out = suppress(frame)
    assert _reasons(out) == ["", "", "secondary"]


def test_unknown_sex_that_passes_the_rules_needs_nothing() -> None:
    # unknown sex 20 of 80: nothing to protect
    frame = _frame(
        [
            {"sex": "total", "x": 86, "n": 557},
            {"sex": "male", "x": 26, "n": 252},
            {"sex": "female", "x": 40, "n": 225},
        ]
    )
    assert _reasons(suppress(frame)) == ["", "", ""]


def _solutions(total: int, hidden: dict[str, set[int]]) -> dict[str, set[int]]:
    """Every integer solution of sum(hidden) = total with each cell in its known set."""
    names = list(hidden)
    out: dict[str, set[int]] = {name: set() for name in names}
    for values in itertools.product(*(sorted(hidden[name]) for name in names)):
        if sum(values) == total:
            for name, v in zip(names, values, strict=True):
                out[name].add(v)
    return out


def test_neet_partner_never_pins_the_primary_cell() -> None:
    # Kommune 9901: A 3/40 (primary), B 0/30, C 92/870, unknown district 5/60.
    # The smallest published sibling is B (n 30), but its numerator is 0: with
    # the reasons known, a hidden "secondary" cell has 0 or ≥ 5 NEET, so
    # A + B = 100 − 92 − 5 = 3 gives B = 0 and A = 3. The next smallest is the
    # unknown district (n 60, 5 NEET): A + U = 8 leaves A anywhere in 1 … 3.
    # (Coverage: 5/100 = 5 % ≤ 8 %, 60/1000 = 6 %, 1 point apart: no action.)
    frame = _frame(
        [
            {"region": "9901", "x": 100, "n": 1000},
            {"region": "990101", "x": 3, "n": 40},
            {"region": "990102", "x": 0, "n": 30},
            {"region": "990103", "x": 92, "n": 870},
            {"region": "990199", "x": 5, "n": 60},
        ]
    )
    out = suppress(frame)
    assert _reasons(out) == ["", "primary", "", "", "secondary"]
    # brute force, reasons known: primary 1 … 4, secondary 0 or ≥ 5
    known = {"A": set(range(1, 5)), "U": {0, *range(5, 101)}}
    assert _solutions(100 - 0 - 92, known)["A"] == {1, 2, 3}
    # the rejected partner would have pinned it
    assert _solutions(100 - 92 - 5, {"A": set(range(1, 5)), "B": {0, *range(5, 101)}})["A"] == {3}


def test_pooled_span_links_its_single_years() -> None:
    # 2022 has 3 NEET (primary). 2021-2023 = 2021 + 2022 + 2023, so the span
    # minus the published years would give it; the smallest year with room is
    # hidden (2021, n 90).
    rows = [
        {"period": "2021", "x": 9, "n": 90},
        {"period": "2021-2023", "x": 22, "n": 290},
        {"period": "2022", "x": 3, "n": 100},
        {"period": "2023", "x": 10, "n": 100},
    ]
    out = suppress(_frame(rows), Rules(series_share=1.0))
    assert _reasons(out) == ["secondary", "", "primary", ""]


def test_a_missing_single_year_is_a_residual_of_the_span() -> None:
    # 2021-2023 with 2021 and 2023 only: the residual (2022) is 25 − 9 − 10 =
    # 3 of 100, under 5: hidden though never a row. The smallest year (2021)
    # protects it.
    rows = [
        {"period": "2021", "x": 9, "n": 90},
        {"period": "2021-2023", "x": 22, "n": 290},
        {"period": "2023", "x": 10, "n": 100},
    ]
    out = suppress(_frame(rows), Rules(series_share=1.0))
    assert _reasons(out) == ["secondary", "", ""]


def test_population_groups_and_their_unknown_residual() -> None:
    # immigrants 4/60 (primary); total = immigrants + rest + unknown (0/0,
    # known). The rest (n 500) is the only sibling: hidden.
    rows = [
        {"group": "total", "x": 60, "n": 560},
        {"group": "immigrants", "x": 4, "n": 60},
        {"group": "rest_of_population", "x": 56, "n": 500},
    ]
    out = suppress(_frame(rows))
    assert _reasons(out) == ["", "primary", "secondary"]


def test_kommuner_of_a_fylke_published_together() -> None:
    # Fylke 32 = 3201 + 3203 + the rest of the fylke (virtual 3299, 50/900).
    # The rest passes the rules, so it is taken as known (SSB publishes every
    # kommune): 3201 (2/40, primary) = 32 − 3203 − rest. The partner with the
    # smallest denominator that leaves it a range ≥ 5 is 3203 (1000 < 1940).
    rows = [
        {"region": "32", "x": 152, "n": 1940},
        {"region": "3201", "x": 2, "n": 40},
        {"region": "3203", "x": 100, "n": 1000},
    ]
    out = suppress(_frame(rows))
    assert _reasons(out) == ["", "primary", "secondary"]


def test_fylke_with_every_kommune_hides_a_partner() -> None:
    # Country 0 = fylke 32 + 33 + the rest (virtual 99, 0/0: known). 33 is
    # 3/50 (primary): 0 − 32 = 3. The partner is 32 (n 1000) or the country
    # (1050): the smaller, 32.
    rows = [
        {"region": "0", "x": 103, "n": 1050},
        {"region": "32", "x": 100, "n": 1000},
        {"region": "33", "x": 3, "n": 50},
    ]
    out = suppress(_frame(rows))
    assert _reasons(out) == ["", "secondary", "primary"]


def test_protection_level_from_the_rules() -> None:
    # A 3/40 with the unknown district 5/60 as partner: A's range is 3 + 5 = 8.
    # With protection_level 10 that is not enough; C (92/900) is: it is hidden
    # instead, and the unknown district stays published.
    frame = _frame(
        [
            {"region": "9901", "x": 100, "n": 1000},
            {"region": "990101", "x": 3, "n": 40},
            {"region": "990103", "x": 92, "n": 900},
            {"region": "990199", "x": 5, "n": 60},
        ]
    )
    assert _reasons(suppress(frame)) == ["", "primary", "", "secondary"]
    out = suppress(frame, Rules(protection_level=10))
    assert _reasons(out) == ["", "primary", "secondary", ""]


def test_a_published_rate_without_counts_is_outside_the_arithmetic() -> None:
    # Fylke 32 comes as FHI's published rate (no counts); kommuner 3201 and
    # 3203 are counted. The fylke relation cannot be used by anyone (its total
    # has no count), so nothing is hidden for it.
    frame = _frame(
        [
            {"region": "32", "x": 0, "n": 0},
            {"region": "3201", "x": 20, "n": 400},
            {"region": "3203", "x": 100, "n": 1000},
        ]
    )
    frame.loc[0, [F.NUMERATOR, F.DENOMINATOR, F.CI_LOWER, F.CI_UPPER]] = float("nan")
    frame.loc[0, F.VALUE] = 9.5
    frame.loc[0, F.CI_METHOD] = F.PUBLISHED
    assert _reasons(suppress(frame)) == ["", "", ""]


def test_grunnkretser_of_a_bydel() -> None:
    # Bydel 030101 = its grunnkretser 03010101 (3/40, primary) + 03010102
    # (50/400) + the rest of the bydel (virtual 03010199: 7/60, passes, known).
    # 030101 − 03010102 − rest = 3: the grunnkrets 03010102 (400 < 500) is hidden.
    # The kommune relation of the grunnkretser (0301 = both + the rest of the
    # kommune, 100/1000: known) would give it away too; the same cell mends it.
    rows = [
        {"region": "0301", "x": 160, "n": 1500},
        {"region": "030101", "x": 60, "n": 500},
        {"region": "03010101", "x": 3, "n": 40},
        {"region": "03010102", "x": 50, "n": 400},
    ]
    out = suppress(_frame(rows))
    assert _reasons(out) == ["", "", "primary", "secondary"]
