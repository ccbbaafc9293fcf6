"""slides.pptx: a 16:9 deck — title, key findings, a slide per key figure with its source."""

from __future__ import annotations

import datetime
import io
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from utenforskap.errors import DataError
from utenforskap.publish._zip import FIXED_TIME, fixed_zip
from utenforskap.publish.pages import format_date
from utenforskap.publish.pdf import report_figures
from utenforskap.texts import check_lang, text

if TYPE_CHECKING:
    from pptx.slide import Slide

    from utenforskap.publish.render import FigureFile

__all__ = ["SLIDE_SIZE", "slide_figures", "write_slides"]

#: Width and height of a slide in inches (16:9).
SLIDE_SIZE: tuple[float, float] = (13.333, 7.5)
_MARGIN = 0.5
_FOOT = 0.45


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """The rows of a findings table as dicts (named access, typed for the checker)."""
    return [{str(k): v for k, v in r.items()} for r in frame.to_dict("records")]


def slide_figures(figures: Sequence[FigureFile]) -> list[FigureFile]:
    """The key figures a deck shows, in the report's order.

    Parameters
    ----------
    figures
        Figures of a pack.

    Returns
    -------
    list of FigureFile
        Figures planned as key figures (the barometer, each indicator's
        widest age band, neighbours, groups, risk charts); figures without a
        planned task are all kept.
    """
    return [f for f in report_figures(figures) if f.task is None or f.task.key]


def _box(
    slide: Slide,
    value: str,
    *,
    x: float,
    y: float,
    w: float,
    h: float,
    size: float,
    bold: bool = False,
    colour: str = "222222",
) -> None:
    from pptx.dml.color import RGBColor
    from pptx.util import Inches, Pt

    frame = slide.shapes.add_textbox(Inches(x), Inches(y), Inches(w), Inches(h)).text_frame
    frame.word_wrap = True
    for i, line in enumerate(value.split("\n")):
        para = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
        run = para.add_run()
        run.text = line
        run.font.size = Pt(size)
        run.font.bold = bold
        run.font.color.rgb = RGBColor.from_string(colour)


def _footer(slide: Slide, credit: str, synthetic: bool, lang: str) -> None:
    width, height = SLIDE_SIZE
    _box(
        slide,
        credit,
        x=_MARGIN,
        y=height - _FOOT - 0.1,
        w=width - 2 * _MARGIN - (2.2 if synthetic else 0),
        h=_FOOT,
        size=10,
        colour="555555",
    )
    if synthetic:
        _box(
            slide,
            text("synthetic", lang),
            x=width - _MARGIN - 2.1,
            y=height - _FOOT - 0.1,
            w=2.1,
            h=_FOOT,
            size=11,
            bold=True,
            colour="B00000",
        )


def _notes(slide: Slide, value: str) -> None:
    frame = slide.notes_slide.notes_text_frame
    if frame is not None:
        frame.text = value


def _summary_lines(data: pd.DataFrame, lang: str) -> tuple[str, list[str]]:
    from utenforskap.plot.labels import age_label, format_number
    from utenforskap.publish.summary import key_findings
    from utenforskap.select import age_in_title

    found = key_findings(data, lang=lang)
    lines = []
    for row in _records(found.versus_country):
        if row["judgement"] not in ("worse", "better"):
            continue
        head = row["title"]
        if not age_in_title(row["indicator"], row["age"], lang=lang):
            head += f" ({age_label(row['age'], lang=lang)})"
        lines.append(
            text(
                "summary.against",
                lang,
                head=head,
                value=format_number(row["value"], lang=lang),
                ref=format_number(row["reference_value"], lang=lang),
                verdict=text("verdict." + row["judgement"], lang),
            )
        )
    for row in _records(found.worse_districts.head(3)):
        lines.append(
            text(
                "summary.district_line",
                lang,
                name=row["region_name"],
                n=row["n_worse"],
                shown=row["n_shown"],
                what=row["worse_on"],
            )
        )
    refs = [r for r in dict.fromkeys(found.versus_country["reference_name"]) if r]
    head = text("summary.versus", lang, name=found.kommune_name, ref=refs[0] if refs else "")
    return head, lines


def write_slides(
    figures: Sequence[FigureFile],
    path: str | Path,
    *,
    data: pd.DataFrame | None = None,
    title: str = "",
    lang: str = "nb",
    synthetic: bool = False,
    made: datetime.date | None = None,
    sources: pd.DataFrame | None = None,
) -> Path:
    """Write a 16:9 deck: a title slide, the key findings, one slide per key figure.

    Every figure slide shows the figure's PNG (with its own title and
    source line), its caption beside it, and the credit line at the foot;
    the alternative text is the picture's description and is in the speaker
    notes. Every slide names its sources. The file carries ``made`` (or a
    fixed date) as its dates: the same inputs give the same bytes.

    Parameters
    ----------
    figures
        Figures from :func:`utenforskap.publish.write_figure_pack` (key
        figures need a PNG; see :func:`slide_figures`).
    path
        The ``.pptx`` to write.
    data
        The published IndicatorFrame: gives the key-findings slide; None
        leaves it out.
    title
        Area name for the title slide.
    lang
        ``"nb"`` or ``"en"``.
    synthetic
        Mark every slide "Syntetiske data".
    made
        The date on the title slide and in the file's properties.
    sources
        The source table: the title and summary slides credit its sources.

    Returns
    -------
    pathlib.Path
        The file written.

    Raises
    ------
    DataError
        A key figure has no PNG.

    Examples
    --------
    >>> import tempfile
    >>> from pptx import Presentation
    >>> deck = write_slides([], f"{tempfile.mkdtemp()}/slides.pptx", title="Eksempelkommune")
    >>> len(Presentation(deck).slides)
    1
    """
    from pptx import Presentation
    from pptx.util import Inches

    from utenforskap.sources import SOURCE, credit_line

    check_lang(lang)
    shown = slide_figures(figures)
    pngs = []
    for fig in shown:
        png = next((p for p in fig.files if p.suffix == ".png"), None)
        if png is None:
            raise DataError("slides.pptx needs the PNG of every key figure", value=fig.stem)
        pngs.append(png)
    all_sources = (
        list(dict.fromkeys(map(str, sources[SOURCE])))
        if sources is not None and not sources.empty
        else []
    )
    overall = credit_line(all_sources, lang=lang)
    deck = Presentation()
    deck.slide_width = Inches(SLIDE_SIZE[0])
    deck.slide_height = Inches(SLIDE_SIZE[1])
    blank = deck.slide_layouts[6]
    width, height = SLIDE_SIZE
    heading = text("heading", lang)

    slide = deck.slides.add_slide(blank)
    _box(slide, heading, x=0.9, y=2.0, w=width - 1.8, h=1.0, size=36, bold=True)
    _box(slide, title, x=0.9, y=3.1, w=width - 1.8, h=0.8, size=28, colour="0072B2")
    if made is not None:
        _box(
            slide,
            text("made", lang, date=format_date(made, lang=lang)),
            x=0.9,
            y=4.1,
            w=width - 1.8,
            h=0.5,
            size=16,
        )
    _footer(slide, overall, synthetic, lang)
    _notes(slide, f"{heading} – {title}")

    if data is not None:
        head, lines = _summary_lines(data, lang)
        slide = deck.slides.add_slide(blank)
        _box(
            slide, text("summary", lang), x=_MARGIN, y=0.35, w=width - 1, h=0.7, size=30, bold=True
        )
        _box(slide, head, x=_MARGIN, y=1.05, w=width - 1, h=0.5, size=18, colour="444444")
        _box(
            slide,
            "\n".join(f"• {line}" for line in lines[:9]),
            x=_MARGIN,
            y=1.6,
            w=width - 2 * _MARGIN,
            h=height - 1.6 - _FOOT - 0.3,
            size=15,
        )
        _footer(slide, overall, synthetic, lang)
        _notes(slide, "\n".join([head, *lines]))

    for fig, png in zip(shown, pngs, strict=True):
        slide = deck.slides.add_slide(blank)
        room = height - 0.3 - _FOOT - 0.2
        w_in, h_in = fig.size if fig.size[1] > 0 else (6.3, 4.6)
        scale = min(room / h_in, (width * 0.62) / w_in)
        picture = slide.shapes.add_picture(
            str(png), Inches(_MARGIN), Inches(0.3), Inches(w_in * scale), Inches(h_in * scale)
        )
        picture.name = fig.stem
        # The description is what screen readers and PowerPoint's alt-text pane read.
        picture._element.nvPicPr.cNvPr.set("descr", fig.alt)
        left = _MARGIN + w_in * scale + 0.3
        _box(
            slide,
            fig.caption,
            x=left,
            y=0.5,
            w=width - left - _MARGIN,
            h=room - 0.4,
            size=14,
        )
        _footer(slide, fig.credit or overall, synthetic, lang)
        _notes(slide, f"{text('slide.alt', lang)}: {fig.alt}")

    core = deck.core_properties
    core.title = f"{heading} – {title}" if title else heading
    core.author = "utenforskap"
    core.last_modified_by = "utenforskap"
    core.revision = 1
    stamp = (made.year, made.month, made.day, 0, 0, 0) if made is not None else FIXED_TIME
    fixed = datetime.datetime(*stamp)
    core.created = fixed
    core.modified = fixed
    core.last_printed = fixed
    buffer = io.BytesIO()
    deck.save(buffer)
    return fixed_zip(buffer.getvalue(), Path(path), stamp=stamp)
