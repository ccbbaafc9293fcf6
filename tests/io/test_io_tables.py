"""Tests of read_table on SSB- and FHI-style CSV exports (separators, decimals, encodings)."""

from __future__ import annotations

import codecs
import tempfile
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from utenforskap.errors import DataError
from utenforskap.io import TableDialect, read_table

SSB_SEMICOLON = (
    '"region";"alder";"år";"Personer"\n'
    '"0301 Oslo";"16-19 år";"2023";"26 155"\n'
    '"K-3203 Asker";"16-19 år";"2023";".."\n'
    '"0 Hele landet";"16-19 år";"2023";"520595"\n'
)


@pytest.mark.parametrize(
    ("encoding", "prefix"),
    [("utf-8", b""), ("utf-8", codecs.BOM_UTF8), ("latin-1", b""), ("cp1252", b"")],
)
def test_encodings_are_detected(tmp_path: Path, encoding: str, prefix: bytes) -> None:
    path = tmp_path / "x.csv"
    path.write_bytes(prefix + SSB_SEMICOLON.encode(encoding))
    frame = read_table(path)
    assert list(frame.columns) == ["region", "region_label", "alder", "år", "value", "status"]
    assert frame["region"].tolist() == ["0301", "3203", "0"]
    assert frame["region_label"].tolist() == ["Oslo", "Asker", "Hele landet"]
    assert frame["alder"].tolist() == ["16-19 år"] * 3
    np.testing.assert_array_equal(frame["value"].to_numpy()[[0, 2]], [26155, 520595])
    assert frame["status"].tolist() == ["", "..", ""]
    assert frame.attrs["geo"] == "region"


def test_fhi_semicolon_decimal_comma_several_values(tmp_path: Path) -> None:
    path = tmp_path / "fhi.csv"
    path.write_text(
        "Sted;AAR;Teller;Nevner;Andel\n"
        "0301 Oslo;2021_2023;1 234;10 000;12,34\n"
        "1103 Stavanger;2021_2023;:;4 000;:\n",
        encoding="utf-8",
    )
    frame = read_table(path, dialect="fhi")
    assert frame["Sted"].tolist() == ["0301", "1103"] * 3
    assert frame["variable"].tolist() == ["Teller"] * 2 + ["Nevner"] * 2 + ["Andel"] * 2
    assert frame["value"].tolist()[2:4] == [10000.0, 4000.0]
    assert frame["value"].iloc[4] == pytest.approx(12.34)
    assert frame["status"].tolist() == ["", ":", "", "", "", ":"]
    assert frame.attrs["decimal"] == ","


def test_comma_separated_with_decimal_point(tmp_path: Path) -> None:
    path = tmp_path / "c.csv"
    path.write_text('"region","år","andel"\n"0301 Oslo","2023",12.5\n', encoding="utf-8")
    frame = read_table(path)
    assert frame.attrs["sep"] == ","
    assert frame["value"].tolist() == [12.5]


def test_explicit_columns_and_dialect(tmp_path: Path) -> None:
    path = tmp_path / "t.tsv"
    path.write_text("kode\tnavn\tn\n0301\tOslo\t5\n", encoding="utf-8")
    frame = read_table(path, dialect=TableDialect(sep="\t"), value_columns=["n"])
    # A bare code column keeps its leading zeros: cells are never parsed as numbers.
    assert frame["kode"].tolist() == ["0301"]


def test_ragged_row_names_row(tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    path.write_text("region;år;n\n0301 Oslo;2023;5\n3203 Asker;2023;5;9\n", encoding="utf-8")
    with pytest.raises(DataError, match="row has 4 cells but the header has 3") as info:
        read_table(path)
    assert info.value.row == 2
    assert "r.csv" in str(info.value)


def test_undecodable_byte_with_explicit_encoding(tmp_path: Path) -> None:
    path = tmp_path / "l.csv"
    path.write_bytes("region;n\n0301 Bærum;5\n".encode("latin-1"))
    with pytest.raises(DataError, match=r"byte 0xe6 at byte offset 15 \(line 2\)"):
        read_table(path, dialect=TableDialect(encoding="utf-8"))
    assert read_table(path)["region_label"].tolist() == ["Bærum"]


def test_unknown_symbol_and_bad_number(tmp_path: Path) -> None:
    path = tmp_path / "s.csv"
    path.write_text("region;n\n0301 Oslo;5\n3203 Asker;x\n", encoding="utf-8")
    with pytest.raises(DataError, match="neither a number") as info:
        read_table(path, value_columns=["n"])
    assert (info.value.column, info.value.row, info.value.value) == ("n", 2, "x")
    path.write_text("region;n\n0301 Oslo;5\n3203 Asker;!!\n", encoding="utf-8")
    with pytest.raises(DataError, match="unknown status symbol"):
        read_table(path)


def test_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "e.csv"
    path.write_bytes(b"\n\n")
    with pytest.raises(DataError, match="empty file"):
        read_table(path)


def test_region_column_is_found_by_name_before_lookalikes(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_text("alder;kommune;n\n16 år;0301 Oslo;5\n17 år;3203 Asker;6\n", encoding="utf-8")
    frame = read_table(path)
    assert frame["alder"].tolist() == ["16 år", "17 år"]
    assert frame["kommune"].tolist() == ["0301", "3203"]
    assert frame.attrs["geo"] == "kommune"


@settings(max_examples=40, deadline=None)
@given(
    values=st.lists(
        st.one_of(
            st.floats(-1e6, 1e6, allow_nan=False).map(lambda v: round(v, 3)),
            st.sampled_from(["..", ":", "-", "."]),
        ),
        min_size=1,
        max_size=30,
    ),
    sep=st.sampled_from([";", ","]),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "latin-1"]),
)
def test_round_trip_through_written_exports(values: list, sep: str, encoding: str) -> None:
    """What pandas writes (decimal comma with ';', point with ',') reads back unchanged."""
    decimal = "," if sep == ";" else "."
    codes = [f"{i:04d}" for i in range(len(values))]
    text = f"region{sep}år{sep}verdi\n" + "".join(
        f'"{c} Sted æøå"{sep}2024{sep}'
        + (v if isinstance(v, str) else repr(float(v)).replace(".", decimal))
        + "\n"
        for c, v in zip(codes, values, strict=True)
    )
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "x.csv"
        path.write_bytes(text.encode(encoding))
        frame = read_table(path)
    assert frame["region"].tolist() == codes
    assert frame["region_label"].unique().tolist() == ["Sted æøå"]
    for got, status, want in zip(frame["value"], frame["status"], values, strict=True):
        if isinstance(want, str):
            assert np.isnan(got)
            assert status == want
        else:
            assert got == float(want)
            assert status == ""
