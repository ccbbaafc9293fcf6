"""Tests of read_px on hand-written PC-Axis files following the PX format specification.

Expected cell order follows the spec (Statistics Sweden, PX file format, 2013):
DATA holds one line per STUB combination, the first STUB variable changing
slowest, with the HEADING combinations across.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from utenforskap.errors import DataError
from utenforskap.io import read_px

PX = """CHARSET="ANSI";
AXIS-VERSION="2013";
CODEPAGE="{codepage}";
LANGUAGE="no";
LANGUAGES="no","en";
DECIMALS=0;
TITLE="Personer etter region, kjønn og år – med \\"sitat\\"";
TITLE[en]="Persons by region, sex and year";
CONTENTS="Personer";
UNITS="personer";
STUB="region","kjønn";
STUB[en]="region","sex";
HEADING="år";
HEADING[en]="year";
CONTVARIABLE="år";
VALUES("region")="0301 Oslo",
"3203 Asker",
"1103 Stavanger";
VALUES[en]("region")="0301 Oslo","3203 Asker","1103 Stavanger";
VALUES("kjønn")="Menn","Kvinner";
VALUES[en]("sex")="Males","Females";
VALUES("år")="2023","2024";
VALUES[en]("year")="2023","2024";
CODES("region")="0301","3203","1103";
CODES("kjønn")="1","2";
CODES[en]("sex")="1","2";
VARIABLECODE("region")="Region";
TIMEVAL("år")=TLIST(A1),"2023","2024";
MAP("region")="kommune";
{nil}NOTE="Tall fra en lang note som går "
"over to linjer";
SOURCE="Syntetisk";
LAST-UPDATED="20240101 08:00";
DATA=
1 2
3 ".."
5 6
7 -
"." 10
11 ":"
;
"""


def write(tmp_path: Path, codepage: str = "iso-8859-1", nil: str = "", data: str | None = None):
    text = PX.format(codepage=codepage, nil=nil)
    if data is not None:
        text = text[: text.index("DATA=")] + data
    encoding = {"iso-8859-1": "latin-1", "windows-1252": "cp1252", "utf-8": "utf-8"}[codepage]
    path = tmp_path / "t.px"
    path.write_bytes(text.replace("\n", "\r\n").encode(encoding))
    return path


@pytest.mark.parametrize("codepage", ["iso-8859-1", "windows-1252", "utf-8"])
def test_layout_codes_labels_and_symbols(tmp_path: Path, codepage: str) -> None:
    if codepage == "iso-8859-1":
        # ISO-8859-1 has no en dash; keep the title encodable.
        path = tmp_path / "t.px"
        text = PX.format(codepage=codepage, nil="").replace("–", "-")
        path.write_bytes(text.encode("latin-1"))
    else:
        path = write(tmp_path, codepage)
    frame = read_px(path, naming="both")
    assert list(frame.columns) == [
        "Region",
        "Region_label",
        "kjønn",
        "kjønn_label",
        "år",
        "år_label",
        "value",
        "status",
    ]
    assert frame["Region"].tolist() == ["0301"] * 4 + ["3203"] * 4 + ["1103"] * 4
    assert frame["kjønn_label"].tolist()[:4] == ["Menn", "Menn", "Kvinner", "Kvinner"]
    assert frame["år"].tolist() == ["2023", "2024"] * 6
    assert frame["status"].tolist() == ["", "", "", "..", "", "", "", "-", ".", "", "", ":"]
    values = frame["value"].to_numpy()
    np.testing.assert_array_equal(values[[0, 1, 2, 4, 5, 6, 9, 10]], [1, 2, 3, 5, 6, 7, 10, 11])
    # "-" without DATASYMBOLNIL is only a symbol: the value stays unknown.
    assert np.isnan(values[[3, 7, 8, 11]]).all()
    assert frame.attrs["note"] == "Tall fra en lang note som går over to linjer"
    assert frame.attrs["label"].endswith('med "sitat"')
    assert frame.attrs["time"] == "år"
    assert frame.attrs["geo"] == "Region"
    assert frame.attrs["decimals"] == 0
    assert frame.attrs["unit"] == "personer"
    assert frame.attrs["updated"] == "20240101 08:00"


def test_dash_is_a_true_zero_when_the_file_says_so(tmp_path: Path) -> None:
    frame = read_px(write(tmp_path, "utf-8", nil='DATASYMBOLNIL="-";\n'))
    assert frame["value"].iloc[7] == 0.0
    assert frame["status"].iloc[7] == "-"


def test_other_language(tmp_path: Path) -> None:
    frame = read_px(write(tmp_path, "utf-8"), lang="en", naming="label")
    assert list(frame.columns[:3]) == ["Region", "sex", "year"]
    assert frame["sex"].tolist()[:4] == ["Males", "Males", "Females", "Females"]
    assert frame.attrs["label"] == "Persons by region, sex and year"
    with pytest.raises(DataError, match="language 'de' is not in the file"):
        read_px(write(tmp_path, "utf-8"), lang="de")


def test_default_language_codes(tmp_path: Path) -> None:
    frame = read_px(write(tmp_path, "utf-8"), lang="no")
    assert frame["kjønn"].tolist()[:4] == ["1", "1", "2", "2"]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ("DATA=\n1 2 3\n;\n", "DATA has 3 values but the variables give 12 cells"),
        ("DATA=\n1 2 3 4 5 6 7 8 9 10 11 12 13\n;\n", "DATA has 13 values"),
        ("DATA=\n1 2 3 4 5 6 7 8 9 10 11 x\n;\n", "neither a number nor a PX data symbol"),
        ("DATA=\n1 2 3 4 5 6 7 8 9 10\n", "truncated"),
        ("DATA=\n1 2 3 4 5 6 7 8 9 10 11 1,5\n;\n", "DATA has 13 values"),
    ],
)
def test_bad_data(tmp_path: Path, data: str, message: str) -> None:
    with pytest.raises(DataError, match=message) as info:
        read_px(write(tmp_path, "utf-8", data=data))
    assert "t.px" in str(info.value)


def test_unknown_symbol_when_not_allowed(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="unknown status symbol"):
        read_px(write(tmp_path, "utf-8"), status_symbols=("", ".."))


def test_undecodable_byte_names_offset(tmp_path: Path) -> None:
    path = write(tmp_path, "utf-8")
    raw = path.read_bytes()
    position = raw.index(b"Asker")
    path.write_bytes(raw[:position] + b"\xff" + raw[position + 1 :])
    with pytest.raises(DataError, match=r"byte 0xff at byte offset \d+ \(line \d+\)"):
        read_px(path)


def test_unclosed_string_and_missing_keywords(tmp_path: Path) -> None:
    path = tmp_path / "bad.px"
    path.write_text('STUB="region;\nVALUES("region")="a";\nDATA=\n1;\n', encoding="latin-1")
    with pytest.raises(DataError):
        read_px(path)
    path.write_text('STUB="region";\nDATA=\n1;\n', encoding="latin-1")
    with pytest.raises(DataError, match=r"missing keyword VALUES\('region'\)"):
        read_px(path)
    path.write_text('STUB="region";\nVALUES("region")="a";\n', encoding="latin-1")
    with pytest.raises(DataError, match="no DATA= keyword"):
        read_px(path)
    path.write_text('CODEPAGE="klingon";\nSTUB="r";\nDATA=\n1;\n', encoding="latin-1")
    with pytest.raises(DataError, match="unknown character encoding"):
        read_px(path)


def test_no_codepage_reads_utf8_or_latin1(tmp_path: Path) -> None:
    path = tmp_path / "n.px"
    text = 'STUB="kjønn";\nVALUES("kjønn")="Menn","Kvinner";\nDATA=\n1 2;\n'
    for encoding in ("utf-8", "latin-1"):
        path.write_bytes(text.encode(encoding))
        assert list(read_px(path).columns) == ["kjønn", "value", "status"]


def test_unclosed_string_in_a_large_header_fails_fast_with_line(tmp_path: Path) -> None:
    values = ",".join(f'"{i:06d} Sted"' for i in range(20_000))
    path = tmp_path / "big.px"
    path.write_text(
        f'STUB="region";\nVALUES("region")={values},"oops;\nDATA=\n1;\n', encoding="utf-8"
    )
    with pytest.raises(DataError, match="line 2: string not closed"):
        read_px(path)
