"""read_px on the 20 real PC-Axis files in ../shared/data/px, checked against pyaxis.

pyaxis (icane/pyaxis, Apache-2.0) is the independent reader: its cell order is
the Cartesian product of STUB then HEADING values, and its DATA column keeps
each cell as written (numbers as text, symbols quoted). Every number must be
equal, every symbol must be a status in our frame, and every label equal.
"""

from __future__ import annotations

import logging
import re
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from utenforskap.errors import DataError, ParameterError
from utenforskap.io import read_px
from utenforskap.io.cube import SymbolWarning

pyaxis = pytest.importorskip("pyaxis.pyaxis")

PX_DIR = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "px"
FILES = sorted(p.name for p in PX_DIR.glob("*")) if PX_DIR.is_dir() else []
#: Files whose bytes are UTF-8 whatever CODEPAGE says (checked with `file`).
UTF8 = {"pxwebapi_tab4_fewcells.px", "pyaxis_1001.px"}


@pytest.fixture(scope="module")
def px_dir(shared_data: Path) -> Path:
    if not PX_DIR.is_dir():
        pytest.skip("../shared/data/px is not available")
    return PX_DIR


def _encoding(path: Path) -> str:
    if path.name in UTF8:
        return "utf-8"
    match = re.search(rb'CODEPAGE="([^"]+)"', path.read_bytes()[:4000])
    return match.group(1).decode() if match else "iso-8859-1"


def test_all_twenty_files_are_there(px_dir: Path) -> None:
    assert len(FILES) == 20


@pytest.mark.parametrize("name", FILES)
def test_values_and_labels_equal_pyaxis(px_dir: Path, name: str) -> None:
    path = px_dir / name
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SymbolWarning)
        ours = read_px(path, naming="label")
    logging.disable(logging.INFO)
    try:
        reference = pyaxis.parse(str(path), encoding=_encoding(path))["DATA"]
    finally:
        logging.disable(logging.NOTSET)
    assert len(ours) == len(reference)
    dims = [c for c in ours.columns if c not in ("value", "status")]
    assert len(dims) == reference.shape[1] - 1
    for position, column in enumerate(dims):
        # pyaxis trims blanks inside the quotes of each value.
        expected = reference.iloc[:, position].astype(str).str.strip().to_numpy()
        got = ours[column].astype(str).str.strip().to_numpy()
        np.testing.assert_array_equal(got, expected, err_msg=f"{name}: {column}")
    raw = reference["DATA"].astype(object)
    numbers = pd.to_numeric(raw, errors="coerce").to_numpy(dtype=float)
    is_number = ~np.isnan(numbers)
    np.testing.assert_array_equal(ours["value"].to_numpy()[is_number], numbers[is_number])
    assert (ours["status"].to_numpy()[is_number] == "").all()
    # Every cell pyaxis did not read as a number is a symbol in ours.
    assert (ours["status"].to_numpy()[~is_number] != "").all()
    assert set(ours["status"]) <= {"", ".", "..", "...", ":", "-"}


def test_dots_declared_by_datasymbol_keywords(px_dir: Path) -> None:
    # DATA row 1: 456 "." 613 ".." 835 "..." 590 "...." 771 "....." 924 "......"
    with pytest.warns(SymbolWarning, match=r"'\.\.\.\.' \(declared 'four'\) → '\.\.'"):
        frame = read_px(px_dir / "scb_BE0101F1datasymbols.px")
    assert frame["status"].tolist()[:12] == [
        "",
        ".",
        "",
        "..",
        "",
        "...",
        "",
        "..",
        "",
        "..",
        "",
        "..",
    ]
    assert frame.attrs["symbols"]["...."] == "four"
    # The user says what the publisher's symbols mean.
    frame = read_px(
        px_dir / "scb_BE0101F1datasymbols.px",
        symbols={".": "..", "..": "..", "...": ":", "....": ":", ".....": ":", "......": ":"},
    )
    assert frame["status"].tolist()[:6] == ["", "..", "", "..", "", ":"]
    with pytest.raises(ParameterError, match="symbols must map onto"):
        read_px(px_dir / "scb_BE0101F1datasymbols.px", symbols={"....": "secret"})


def test_nil_declared_by_datasymbolnil_is_a_true_zero(px_dir: Path) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SymbolWarning)
        frame = read_px(px_dir / "scb_BE0101F1nildotsymbols.px")
    nil = frame["status"] == "-"
    assert nil.sum() == 8  # eight "-" cells in DATA
    assert (frame.loc[nil, "value"] == 0.0).all()


def test_pxwebapi_shows_three_dots_as_two(px_dir: Path) -> None:
    # TAB001 declares DATASYMBOL3="..": cells "..." are shown (and read) as "..".
    frame = read_px(px_dir / "pxwebapi_TAB001.px")
    assert frame.attrs["symbols"]["..."] == ".."
    assert (frame["status"] == "..").sum() == 2259


def test_data_without_final_semicolon_and_rows_ending_in_semicolons(px_dir: Path) -> None:
    assert len(read_px(px_dir / "scb_BE0101A1.px")) == 33936
    assert len(read_px(px_dir / "pyaxis_14001.px")) == 8064


def test_utf8_file_declaring_latin1(px_dir: Path) -> None:
    frame = read_px(px_dir / "pxwebapi_tab4_fewcells.px", lang="sv", naming="label")
    assert frame["SECTOR"].iloc[0] == "LÖSNINGSMEDEL OCH ÖVRIG PRODUKTANVÄNDNING, TOTALT"
    assert frame.attrs["encoding"].startswith("utf-8 (the file declares")


def test_languages_and_norwegian_file(px_dir: Path) -> None:
    swiss = read_px(px_dir / "pyaxis_px-x-0602000000_107.px", lang="fr", naming="label")
    assert len(swiss) == 60_800
    assert "Division économique" in swiss.columns
    norwegian = read_px(px_dir / "scb_Transmengde.px", naming="label")
    assert norwegian.attrs["language"] == "no"
    assert "transportmåte" in norwegian.columns


def test_cell_notes_are_kept(px_dir: Path) -> None:
    frame = read_px(px_dir / "scb_BE0101F1langensvfiolikacelln.px")
    assert frame.attrs["cellnotes"], "the file has CELLNOTE entries"
    assert all({"cells", "note", "mandatory"} <= set(n) for n in frame.attrs["cellnotes"])


def test_truncated_data_is_still_an_error(px_dir: Path, tmp_path: Path) -> None:
    raw = (px_dir / "scb_BE0101A1.px").read_bytes()
    cut = tmp_path / "cut.px"
    cut.write_bytes(raw[: len(raw) - 200])
    with pytest.raises(DataError, match="truncated"):
        read_px(cut)
