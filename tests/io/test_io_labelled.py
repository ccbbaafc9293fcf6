"""Ungdata respondent files as delivered: SPSS .sav with value labels, written with pyreadstat."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pyreadstat
import pytest

from utenforskap.errors import DataError
from utenforskap.io import read_labelled
from utenforskap.microdata import aggregate
from utenforskap.registry import get_indicator

LEVELS = {8: "8. trinn", 9: "9. trinn", 10: "10. trinn", 11: "VG1", 12: "VG2", 13: "VG3"}
SEX = {1: "Gutt", 2: "Jente"}
DISTRICTS = {990101: "Nordre", 990102: "Søndre"}
BOTHERED = dict(enumerate(get_indicator("ungdata_loneliness").rule.labels, start=1))


def _write(path: Path, *, reverse_scale: bool = False) -> pd.DataFrame:
    rng = np.random.default_rng(7)
    n = 300
    frame = pd.DataFrame(
        {
            "aar": np.full(n, 2024.0),
            "bydel": rng.choice(list(DISTRICTS), n).astype(float),
            "klassetrinn": rng.choice(list(LEVELS), n).astype(float),
            "kjonn": rng.choice([1.0, 2.0], n),
            "ensom": rng.choice([1.0, 2.0, 3.0, 4.0, np.nan], n),
        }
    )
    scale = BOTHERED
    if reverse_scale:
        # The same answers, coded 4…1: only the labels say what they mean.
        frame["ensom"] = 5 - frame["ensom"]
        scale = {5 - code: label for code, label in BOTHERED.items()}
    pyreadstat.write_sav(
        frame,
        str(path),
        variable_value_labels={
            "bydel": DISTRICTS,
            "klassetrinn": LEVELS,
            "kjonn": SEX,
            "ensom": scale,
        },
        column_labels={"ensom": "Plaget av ensomhet siste uke"},
    )
    return frame


def test_read_labelled_keeps_codes_and_labels(tmp_path: Path) -> None:
    path = tmp_path / "ungdata.sav"
    frame = _write(path)
    read = read_labelled(path)
    np.testing.assert_array_equal(read.data["ensom"].to_numpy(), frame["ensom"].to_numpy())
    assert read.data.index[0] == 1  # case numbers, 1-based
    assert read.labels["kjonn"] == {"1": "Gutt", "2": "Jente"}
    assert read.labels["bydel"]["990102"] == "Søndre"
    assert read.column_labels["ensom"] == "Plaget av ensomhet siste uke"


@pytest.mark.parametrize("engine", ["pandas", "duckdb"])
def test_ungdata_sav_by_label(tmp_path: Path, engine: str) -> None:
    path = tmp_path / "ungdata.sav"
    frame = _write(path)
    counts = aggregate(
        path,
        indicator="ungdata_loneliness",
        bands=["8-10 trinn", "VG1-VG3"],
        region="bydel",
        period="aar",
        age="klassetrinn",
        sex="kjonn",
        items={"lonely": "ensom"},
        # Codes given by their labels, as the file's documentation writes them.
        sex_codes={"Gutt": "male", "Jente": "female"},
        age_groups={
            "8-10 trinn": ["8. trinn", "9. trinn", "10. trinn"],
            "VG1-VG3": ["VG1", "VG2", "VG3"],
        },
        engine=engine,
    )
    # Independent count: answers 3 or 4 among those who answered.
    sub = frame[(frame["bydel"] == 990102) & (frame["klassetrinn"] >= 11) & frame["ensom"].notna()]
    cell = counts[
        (counts["region"] == "990102") & (counts["age"] == "VG1-VG3") & (counts["sex"] == "total")
    ].iloc[0]
    assert (cell["numerator"], cell["denominator"]) == (
        float((sub["ensom"] >= 3).sum()),
        float(len(sub)),
    )
    # The district's label is kept for figures.
    assert cell["region_name"] == "Søndre"


def test_answers_by_label_read_a_reversed_scale(tmp_path: Path) -> None:
    plain, reversed_ = tmp_path / "plain.sav", tmp_path / "reversed.sav"
    _write(plain)
    _write(reversed_, reverse_scale=True)
    options = dict(
        indicator="ungdata_loneliness",
        bands=["8-10 trinn"],
        region="bydel",
        period="aar",
        age="klassetrinn",
        sex="kjonn",
        items={"lonely": "ensom"},
        sex_codes={"Gutt": "male", "Jente": "female"},
        age_groups={
            "8-10 trinn": ["8. trinn", "9. trinn", "10. trinn"],
            "VG": ["VG1", "VG2", "VG3"],
        },
    )
    by_code = aggregate(plain, **options)
    by_label = aggregate(reversed_, answers="label", **options)
    pd.testing.assert_frame_equal(by_code, by_label)
    # By code, the reversed file would count the wrong answers.
    assert not aggregate(reversed_, **options)["numerator"].equals(by_code["numerator"])


def test_sex_code_without_mapping_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "ungdata.sav"
    _write(path)
    with pytest.raises(DataError, match="sex code not declared") as info:
        aggregate(
            path,
            indicator="ungdata_loneliness",
            bands=["VG1-VG3"],
            region="bydel",
            period="aar",
            age="klassetrinn",
            sex="kjonn",
            items={"lonely": "ensom"},
            age_groups={
                "VG1-VG3": ["VG1", "VG2", "VG3"],
                "u": ["8. trinn", "9. trinn", "10. trinn"],
            },
        )
    assert info.value.row == 1 and info.value.file == str(path)


def test_stata_dta_reads_like_spss(tmp_path: Path) -> None:
    sav, dta = tmp_path / "ungdata.sav", tmp_path / "ungdata.dta"
    frame = _write(sav)
    pyreadstat.write_dta(
        frame,
        str(dta),
        variable_value_labels={"bydel": DISTRICTS, "klassetrinn": LEVELS, "kjonn": SEX},
    )
    options = dict(
        indicator="ungdata_loneliness",
        bands=["VG1-VG3"],
        region="bydel",
        period="aar",
        age="klassetrinn",
        sex="kjonn",
        items={"lonely": "ensom"},
        sex_codes={"Gutt": "male", "Jente": "female"},
        age_groups={"VG1-VG3": ["VG1", "VG2", "VG3"], "u": ["8. trinn", "9. trinn", "10. trinn"]},
    )
    pd.testing.assert_frame_equal(aggregate(dta, **options), aggregate(sav, **options))


def test_not_a_labelled_file(tmp_path: Path) -> None:
    path = tmp_path / "broken.sav"
    path.write_bytes(b"not an SPSS file")
    with pytest.raises(DataError, match="cannot read the file"):
        read_labelled(path)
