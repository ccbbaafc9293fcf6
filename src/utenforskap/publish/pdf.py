"""report.pdf: a cover with contents, then the figures' PNGs one a page, written without dates."""

from __future__ import annotations

import struct
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from utenforskap.errors import DataError
from utenforskap.publish.save import PNG_DPI, write_png
from utenforskap.publish.themes import ThemeGroup, group_by_theme, theme_name
from utenforskap.texts import text

if TYPE_CHECKING:
    from utenforskap.publish.render import FigureFile

__all__ = ["write_report_pdf"]


def _png_parts(path: Path) -> tuple[int, int, bytes]:
    """Width, height and the joined IDAT data (the zlib stream) of an 8-bit RGB PNG."""
    data = path.read_bytes()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise DataError("not a PNG file", file=path)
    pos, width, height, idat = 8, 0, 0, []
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind = data[pos + 4 : pos + 8]
        body = data[pos + 8 : pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", body)
            if depth != 8 or colour != 2 or interlace != 0:
                raise DataError("report.pdf embeds 8-bit RGB, non-interlaced PNGs only", file=path)
        elif kind == b"IDAT":
            idat.append(body)
        pos += 12 + length
    return width, height, b"".join(idat)


def _pdf_text(value: str) -> bytes:
    # A UTF-16 text string keeps æøå in the document title.
    return b"<" + ("\ufeff" + value).encode("utf-16-be").hex().upper().encode() + b">"


def _cover(
    path: Path, heading: str, title: str, themes: Sequence[ThemeGroup], lang: str, synthetic: bool
) -> None:
    from utenforskap.plot import house_style, new_figure

    with house_style():
        fig = new_figure("a4")
        fig.text(0.06, 0.86, heading, fontsize=18, fontweight="bold", va="top")
        fig.text(0.06, 0.76, title, fontsize=14, va="top")
        lines, page = [], 2
        for key, items in themes:
            name = theme_name(key, lang=lang)
            lines.append(
                text("contents.pages", lang, theme=name, first=page, last=page + len(items) - 1)
            )
            page += len(items)
        fig.text(0.06, 0.62, text("contents", lang), fontsize=10, fontweight="bold", va="top")
        fig.text(0.06, 0.56, "\n".join(lines), fontsize=9.5, va="top", linespacing=1.6)
        if synthetic:
            fig.text(
                0.06, 0.08, text("synthetic", lang), fontsize=11, color="#B00000", fontweight="bold"
            )
        write_png(fig, path)


def write_report_pdf(
    figures: Sequence[FigureFile],
    path: str | Path,
    *,
    title: str = "",
    lang: str = "nb",
    synthetic: bool = False,
) -> Path:
    """Write the figures' PNGs as a multi-page PDF: a cover with contents, then one figure a page.

    The PNG pixels are embedded as they are (Flate with PNG predictors), so
    the pages look exactly like the PNG files; the file carries no dates.
    Pages follow the index page's order: the overview, then theme by theme.

    Parameters
    ----------
    figures
        Figures from :func:`utenforskap.publish.write_figure_pack` (each needs a PNG).
    path
        The PDF to write.
    title
        Area name for the cover page and the document title.
    lang
        ``"nb"`` or ``"en"``.
    synthetic
        Say on the cover that the data are synthetic.

    Returns
    -------
    pathlib.Path
        The file written.

    Raises
    ------
    DataError
        A figure has no PNG, or a PNG is not 8-bit RGB.

    References
    ----------
    ISO 32000-1:2008, sections 7.4.4 (FlateDecode predictors) and 8.9 (images).

    Examples
    --------
    >>> import tempfile
    >>> folder = tempfile.mkdtemp()
    >>> pdf = write_report_pdf([], f"{folder}/report.pdf", title="Eksempelkommune")
    >>> pdf.read_bytes()[:8], b"/Count 1" in pdf.read_bytes()
    (b'%PDF-1.4', True)
    """
    themes = group_by_theme(figures)
    ordered = [fig for _, items in themes for fig in items]
    pngs = []
    for fig in ordered:
        png = next((p for p in fig.files if p.suffix == ".png"), None)
        if png is None:
            raise DataError("report.pdf needs the PNG of every figure", value=fig.stem)
        pngs.append(png)
    heading = text("heading", lang)
    with tempfile.TemporaryDirectory() as scratch:
        cover = Path(scratch) / "cover.png"
        _cover(cover, heading, title, themes, lang, synthetic)
        pages = [_png_parts(p) for p in (cover, *pngs)]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets: list[int] = []

    def add(body: bytes, stream: bytes | None = None) -> int:
        offsets.append(len(out))
        number = len(offsets)
        out.extend(f"{number} 0 obj\n".encode() + body)
        if stream is not None:
            out.extend(b"\nstream\n" + stream + b"\nendstream")
        out.extend(b"\nendobj\n")
        return number

    n_pages = len(pages)
    # Fixed numbering: 1 catalog, 2 page tree, 3 info, then page/content/image per page.
    kids = " ".join(f"{4 + 3 * i} 0 R" for i in range(n_pages))
    add(b"<< /Type /Catalog /Pages 2 0 R >>")
    add(f"<< /Type /Pages /Kids [{kids}] /Count {n_pages} >>".encode())
    add(
        b"<< /Title "
        + _pdf_text(f"{heading} – {title}" if title else heading)
        + b" /Producer (utenforskap) >>"
    )
    for i, (width, height, idat) in enumerate(pages):
        content_no, image_no = 5 + 3 * i, 6 + 3 * i
        w_pt, h_pt = width * 72.0 / PNG_DPI, height * 72.0 / PNG_DPI
        content = f"q {w_pt:.3f} 0 0 {h_pt:.3f} 0 0 cm /Im0 Do Q".encode()
        page = (
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {w_pt:.3f} {h_pt:.3f}] "
            f"/Resources << /XObject << /Im0 {image_no} 0 R >> >> "
            f"/Contents {content_no} 0 R >>"
        )
        add(page.encode())
        add(f"<< /Length {len(content)} >>".encode(), content)
        add(
            f"<< /Type /XObject /Subtype /Image /Width {width} /Height {height} "
            f"/ColorSpace /DeviceRGB /BitsPerComponent 8 /Filter /FlateDecode "
            f"/DecodeParms << /Predictor 15 /Colors 3 /BitsPerComponent 8 /Columns {width} >> "
            f"/Length {len(idat)} >>".encode(),
            idat,
        )
    xref = len(out)
    out.extend(f"xref\n0 {len(offsets) + 1}\n0000000000 65535 f \n".encode())
    out.extend(b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets))
    out.extend(
        f"trailer\n<< /Size {len(offsets) + 1} /Root 1 0 R /Info 3 0 R >>\n"
        f"startxref\n{xref}\n%%EOF\n".encode()
    )
    target = Path(path)
    target.write_bytes(bytes(out))
    return target
