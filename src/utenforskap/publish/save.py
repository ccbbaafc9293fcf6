"""Save a figure as PNG, SVG or PDF with the same bytes on every run: no dates, no versions."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from utenforskap.errors import check_choice

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["FIGURE_FORMATS", "PNG_DPI", "save_figure", "save_report_page", "write_png"]

#: File formats a figure can be written in.
FIGURE_FORMATS: tuple[str, ...] = ("png", "svg", "pdf")
#: Resolution of the PNG files (and of the pages of report.pdf).
PNG_DPI = 200

# zlib level 3: as small as level 6 for charts (flat colours, text) at two thirds
# of the time (measured on the pack's charts; the pixels are the same).
_PNG_COMPRESS = 3
# No timestamps or software versions inside the vector files.
_METADATA: dict[str, dict[str, None]] = {
    "svg": {"Date": None, "Creator": None},
    "pdf": {"CreationDate": None, "ModDate": None, "Producer": None, "Creator": None},
}


def write_png(fig: Figure, path: str | Path) -> Path:
    """Write ``fig`` as an 8-bit RGB PNG at :data:`PNG_DPI` dpi, without text chunks.

    The background is opaque white, so the alpha channel is dropped; with no
    dates or software names in the file, the bytes depend only on the
    pixels, and report.pdf can embed the compressed pixels as they are.

    Parameters
    ----------
    fig
        The figure (its dpi is set to :data:`PNG_DPI`).
    path
        The file to write.

    Returns
    -------
    pathlib.Path
        The file written.

    Examples
    --------
    >>> import tempfile
    >>> from matplotlib.figure import Figure
    >>> path = write_png(Figure(figsize=(1, 0.5)), f"{tempfile.mkdtemp()}/blank.png")
    >>> path.read_bytes()[:8], path.stat().st_size < 1000
    (b'\\x89PNG\\r\\n\\x1a\\n', True)
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from PIL import Image

    target = Path(path)
    # The figure's own Agg canvas when it has one (its renderer measured the
    # layout already), else a new one.
    canvas = fig.canvas if type(fig.canvas) is FigureCanvasAgg else FigureCanvasAgg(fig)
    if fig.get_dpi() != PNG_DPI:
        fig.set_dpi(PNG_DPI)
    canvas.draw()
    pixels = canvas.buffer_rgba()
    height, width = pixels.shape[:2]
    rgba = Image.frombuffer("RGBA", (width, height), pixels, "raw", "RGBA", 0, 1)
    rgba.convert("RGB").save(
        target, format="PNG", dpi=(PNG_DPI, PNG_DPI), compress_level=_PNG_COMPRESS
    )
    return target


def save_figure(
    fig: Figure, folder: str | Path, stem: str, *, formats: Sequence[str] = ("png", "svg")
) -> tuple[Path, ...]:
    """Write ``fig`` as ``folder/stem.<format>`` for each format, in the house style's settings.

    PNG goes through :func:`write_png`; SVG and PDF are saved without dates
    or creator, with the house style's fixed SVG id salt and glyphs as paths,
    so reruns give the same bytes.

    Parameters
    ----------
    fig
        The figure.
    folder
        Existing output folder.
    stem
        File name without extension.
    formats
        Any of :data:`FIGURE_FORMATS`.

    Returns
    -------
    tuple of pathlib.Path
        The files written, in the order of ``formats``.

    Raises
    ------
    ParameterError
        An unknown format.

    Examples
    --------
    >>> import tempfile
    >>> from matplotlib.figure import Figure
    >>> files = save_figure(Figure(figsize=(1, 1)), tempfile.mkdtemp(), "blank")
    >>> [p.name for p in files]
    ['blank.png', 'blank.svg']
    """
    from utenforskap.plot import house_style

    for fmt in formats:
        check_choice("formats", fmt, FIGURE_FORMATS)
    paths = []
    with house_style():
        for fmt in formats:
            path = Path(folder) / f"{stem}.{fmt}"
            if fmt == "png":
                write_png(fig, path)
            else:
                fig.savefig(path, format=fmt, metadata=_METADATA[fmt])
            paths.append(path)
    return tuple(paths)


def save_report_page(fig: Figure, path: str | Path) -> Path:
    """Write ``fig`` as a one-page vector PDF for report.pdf: text stays text, no dates.

    Glyphs are embedded as Type 3 fonts (subsets of the glyphs used): a
    third of the time of TrueType subsetting, a page a few tens of kB, and
    the text is still found and copied by PDF readers (``pdftotext``).

    Parameters
    ----------
    fig
        The finished figure.
    path
        The PDF to write.

    Returns
    -------
    pathlib.Path
        The file written.

    Examples
    --------
    >>> import tempfile
    >>> from matplotlib.figure import Figure
    >>> fig = Figure(figsize=(2, 1))
    >>> _ = fig.text(0.1, 0.5, "Sørhavna")
    >>> page = save_report_page(fig, f"{tempfile.mkdtemp()}/page.pdf")
    >>> page.read_bytes()[:5], b"CreationDate" in page.read_bytes()
    (b'%PDF-', False)
    """
    import matplotlib as mpl

    from utenforskap.plot import house_style

    target = Path(path)
    with house_style(), mpl.rc_context({"pdf.fonttype": 3}):
        fig.savefig(target, format="pdf", metadata=_METADATA["pdf"])
    return target
