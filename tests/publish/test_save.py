"""Saving figures: the same bytes every time, no dates or software names, RGB PNG at 200 dpi."""

from __future__ import annotations

import struct

import pytest
from matplotlib.figure import Figure

from utenforskap.errors import ParameterError
from utenforskap.publish.save import FIGURE_FORMATS, PNG_DPI, save_figure, write_png


def _figure() -> Figure:
    fig = Figure(figsize=(3, 2))
    ax = fig.subplots()
    ax.plot([0, 1, 2], [1, 3, 2], label="Sørhavna")
    ax.set_title("Unge utenfor – æøå")
    ax.legend()
    return fig


def _chunks(data: bytes) -> list[bytes]:
    pos, kinds = 8, []
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kinds.append(data[pos + 4 : pos + 8])
        pos += 12 + length
    return kinds


def test_every_format_gives_the_same_bytes_twice(tmp_path) -> None:
    one = save_figure(_figure(), tmp_path, "one", formats=FIGURE_FORMATS)
    two = save_figure(_figure(), tmp_path, "two", formats=FIGURE_FORMATS)
    assert [p.suffix for p in one] == [".png", ".svg", ".pdf"]
    for a, b in zip(one, two, strict=True):
        assert a.read_bytes() == b.read_bytes(), a.suffix


def test_png_is_rgb_at_200_dpi_without_text_chunks(tmp_path) -> None:
    data = write_png(_figure(), tmp_path / "f.png").read_bytes()
    kinds = _chunks(data)
    assert kinds[0] == b"IHDR" and kinds[-1] == b"IEND"
    assert not {b"tEXt", b"iTXt", b"zTXt", b"tIME"} & set(kinds)
    width, height, depth, colour = struct.unpack(">IIBB", data[16:26])
    assert (width, height) == (3 * PNG_DPI, 2 * PNG_DPI)
    assert (depth, colour) == (8, 2)  # 8-bit RGB, no alpha
    # pHYs holds the resolution in pixels per metre.
    at = data.index(b"pHYs") + 4
    per_metre = struct.unpack(">I", data[at : at + 4])[0]
    assert round(per_metre * 0.0254) == PNG_DPI


def test_vector_files_carry_no_dates_or_versions(tmp_path) -> None:
    svg, pdf = save_figure(_figure(), tmp_path, "f", formats=("svg", "pdf"))
    text = svg.read_text(encoding="utf-8")
    assert "<dc:date>" not in text and "Matplotlib v" not in text
    raw = pdf.read_bytes()
    assert b"CreationDate" not in raw and b"ModDate" not in raw and b"Matplotlib" not in raw


def test_an_unknown_format_is_refused(tmp_path) -> None:
    with pytest.raises(ParameterError, match="formats must be one of 'png', 'svg', 'pdf'"):
        save_figure(_figure(), tmp_path, "f", formats=("jpg",))
    assert list(tmp_path.iterdir()) == []
