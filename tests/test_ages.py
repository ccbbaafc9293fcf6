"""Age bands: labels and SSB codes, overlaps, re-banding (conserves counts), school grades."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from utenforskap.ages import (
    OLDEST,
    age_label,
    band_label,
    check_age_labels,
    check_bands,
    grade_ages,
    is_total,
    parse_band,
    reband,
)
from utenforskap.errors import DataError
from utenforskap.frames import validate_counts


def _counts(ages, numerator, denominator, status=None) -> pd.DataFrame:
    n = len(ages)
    return pd.DataFrame(
        {
            "indicator": np.array(["neet"] * n, dtype=object),
            "region": np.array(["0301"] * n, dtype=object),
            "region_name": np.array(["Oslo"] * n, dtype=object),
            "period": np.array(["2023"] * n, dtype=object),
            "age": np.array(list(ages), dtype=object),
            "sex": np.array(["total"] * n, dtype=object),
            "numerator": np.asarray(numerator, dtype=float),
            "denominator": np.asarray(denominator, dtype=float),
            "status": np.array(status or [""] * n, dtype=object),
        }
    )


@pytest.mark.parametrize(
    ("label", "band"),
    [
        ("16-25", (16, 25)),
        ("16–25", (16, 25)),  # en dash
        ("16 - 25 år", (16, 25)),
        ("25+", (25, OLDEST)),
        ("0-17", (0, 17)),
        ("21", (21, 21)),
        ("21 år", (21, 21)),
        # SSB statistics bank codes and labels.
        ("016-025", (16, 25)),
        ("15-19", (15, 19)),
        ("005", (5, 5)),
        ("105 år eller eldre", (105, OLDEST)),
        ("67 år og over", (67, OLDEST)),
        ("Under 1 år", (0, 0)),
    ],
)
def test_parse_band(label, band):
    assert parse_band(label) == band


@pytest.mark.parametrize("label", ["999", "999D", "Alle aldre", "I alt", "Total"])
def test_totals_are_recognised_and_are_not_bands(label):
    assert is_total(label)
    with pytest.raises(DataError, match="all-ages total"):
        parse_band(label)


@pytest.mark.parametrize("label", ["25-16", "sixteen", "16-", "-5", "1000"])
def test_bad_labels_are_refused(label):
    with pytest.raises(DataError):
        parse_band(label)


def test_band_label_round_trip():
    for band in [(16, 25), (21, 21), (67, OLDEST)]:
        assert parse_band(band_label(band)) == band


def test_overlapping_bands_are_refused_naming_both():
    with pytest.raises(DataError, match="'16-20' and '18-25' overlap"):
        check_bands(["16-20", "18-25", "16-20"], source="t.csv")
    with pytest.raises(DataError, match="overlap"):
        check_bands(["16-25", "016-025"])


def test_a_declared_total_may_overlap():
    table = check_bands(["16-19", "20-25", "0-120", "999"], total=["0-120"])
    assert table["is_total"].tolist() == [False, False, True, True]
    with pytest.raises(DataError, match="overlap"):
        check_bands(["16-19", "20-25", "0-120"])


def test_reband_sums_single_years():
    counts = _counts(["16", "17", "18", "19", "20", "15"], [1, 2, 3, 4, 5, 9], [10] * 6)
    out = reband(counts, ["16-17", "18-20"])
    validate_counts(out)
    assert out[["age", "numerator", "denominator"]].values.tolist() == [
        ["16-17", 3.0, 20.0],
        ["18-20", 12.0, 30.0],
    ]
    assert out["region_name"].tolist() == ["Oslo", "Oslo"]


def test_reband_keeps_totals_and_makes_missing_parts_missing():
    counts = _counts(
        ["16", "17", "Alle aldre"], [1, np.nan, 9], [10, np.nan, 90], status=["", "..", ""]
    )
    out = reband(counts, ["16-17"])
    assert out["age"].tolist() == ["16-17", "Alle aldre"]
    assert out["status"].tolist() == ["..", ""]


def test_reband_refuses_to_split_a_band():
    counts = _counts(["15-19", "20-24"], [1, 2], [10, 20])
    with pytest.raises(DataError, match="'15-19' would have to be split") as info:
        reband(counts, ["16-25"])
    assert info.value.value == "15-19"


def test_reband_refuses_gaps():
    counts = _counts(["16", "17", "19"], [1, 2, 3], [10, 10, 10])
    with pytest.raises(
        DataError, match=r"'16-19' is not fully covered by the data's bands \(1 of 4"
    ):
        reband(counts, ["16-19"])


def test_reband_refuses_overlapping_targets():
    with pytest.raises(DataError, match="target bands"):
        reband(_counts(["16"], [1], [2]), ["16-19", "18-25"])


def test_reband_with_mapping_of_bands():
    counts = _counts(["013", "014", "015"], [1, 1, 1], [5, 5, 5])
    out = reband(counts, {"8.-10. trinn": grade_ages("8.–10. trinn")})
    assert out[["age", "denominator"]].values.tolist() == [["8.-10. trinn", 15.0]]


@settings(max_examples=80, deadline=None)
@given(st.data())
def test_reband_conserves_counts(data):
    """Property: each coarse band's counts are the sum of the single years inside it."""
    low = data.draw(st.integers(0, 20))
    high = data.draw(st.integers(low, low + 30))
    ages = np.arange(low, high + 1)
    den = np.array(
        data.draw(st.lists(st.integers(0, 1000), min_size=len(ages), max_size=len(ages)))
    )
    num = np.array([data.draw(st.integers(0, int(d))) for d in den])
    cuts = sorted(data.draw(st.sets(st.integers(low + 1, high), max_size=6))) if high > low else []
    edges = [low, *cuts, high + 1]
    bands = [f"{a}-{b - 1}" for a, b in itertools.pairwise(edges)]
    out = reband(_counts([str(a) for a in ages], num, den), bands).set_index("age")
    for (a, b), label in zip(itertools.pairwise(edges), bands, strict=True):
        inside = (ages >= a) & (ages < b)
        assert out.loc[label, "numerator"] == num[inside].sum()
        assert out.loc[label, "denominator"] == den[inside].sum()
    assert out["denominator"].sum() == den.sum()


@pytest.mark.parametrize(
    ("label", "ages"),
    [
        # Convention: age reached in the calendar year the school year starts;
        # 1. trinn the year one turns 6 (opplæringslova § 2-1).
        ("1. trinn", (6, 6)),
        ("8. trinn", (13, 13)),
        ("8.trinn", (13, 13)),
        ("9. klasse", (14, 14)),
        ("10. trinn", (15, 15)),
        ("8.–10. trinn", (13, 15)),
        ("8-10 trinn", (13, 15)),
        ("VG1", (16, 16)),
        ("Vg2", (17, 17)),
        ("VG3", (18, 18)),
        ("VG1-VG3", (16, 18)),
    ],
)
def test_school_grades_to_ages(label, ages):
    assert grade_ages(label) == ages


@pytest.mark.parametrize("label", ["11. trinn", "0. trinn", "VG4", "10-8 trinn", "vgs"])
def test_bad_grades_are_refused(label):
    with pytest.raises(DataError, match="school grade"):
        grade_ages(label)


@pytest.mark.parametrize(
    ("label", "canonical"),
    [
        ("16-25", "16-25"),
        ("16 til 25", "16-25"),
        ("16 - 25 år", "16-25"),
        ("016-025", "16-25"),
        ("16–25", "16-25"),
        ("21 år", "21"),
        ("25 år +", "25+"),
        ("8.–10. trinn", "8-10 trinn"),
        ("8-10 trinn", "8-10 trinn"),
        ("10. trinn", "10 trinn"),
        ("Vg 1 - Vg 3", "VG1-VG3"),
        ("VG2", "VG2"),
        ("Alle aldre", "Alle aldre"),
    ],
)
def test_one_age_vocabulary(label, canonical):
    assert age_label(label) == canonical
    assert age_label(canonical) == canonical


def test_a_counts_frame_accepts_only_canonical_labels():
    with pytest.raises(DataError, match=r"value '16 til 25': age label not in .*write '16-25'"):
        check_age_labels(["16-25", "16 til 25"], source="x.csv")
    with pytest.raises(DataError, match=r"value '16 to twenty': not an age band or school grade"):
        check_age_labels(["16 to twenty"])
