"""report.pdf: an A4 document of vector pages — cover, summary, method, figures by theme."""

from __future__ import annotations

import datetime
import hashlib
import io
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from utenforskap.errors import DataError
from utenforskap.publish.pages import (
    A4,
    A4_LANDSCAPE,
    MARGIN,
    cover_page,
    figure_frame,
    method_page,
    summary_page,
)
from utenforskap.publish.themes import group_by_theme, theme_name
from utenforskap.texts import LANGS, check_lang, text

if TYPE_CHECKING:
    import pikepdf
    from matplotlib.figure import Figure

    from utenforskap.publish.render import FigureFile, RiskResults

__all__ = ["report_figures", "write_report_pdf"]


def report_figures(figures: Sequence[FigureFile]) -> list[FigureFile]:
    """The figures report.pdf holds, in its order: all but detail figures, theme by theme.

    Parameters
    ----------
    figures
        Figures of a pack.

    Returns
    -------
    list of FigureFile
        The overview first, then the registry's themes (see
        :func:`~utenforskap.publish.themes.group_by_theme`); one district's
        trend charts (detail figures) are left to the figures folder.
    """
    shown = [f for f in figures if f.task is None or not f.task.detail]
    return [fig for _, items in group_by_theme(shown) for fig in items]


def _periods_line(data: pd.DataFrame, lang: str) -> str:
    from utenforskap import frames as F
    from utenforskap.periods import parse_period
    from utenforskap.select import sort_periods

    periods = sort_periods(data[F.PERIOD])
    first = min(periods, key=lambda p: parse_period(p).first)
    last = max(periods, key=lambda p: parse_period(p).last)
    latest = sorted(
        {sort_periods(part)[-1] for _, part in data.groupby(F.INDICATOR, sort=True)[F.PERIOD]},
        key=lambda p: (parse_period(p).last, p),
    )
    return text(
        "periods.line",
        lang,
        first=parse_period(first).first,
        last=parse_period(last).last,
        latest=", ".join(latest),
    )


def _number_page(fig: Figure, n: int, total: int, lang: str) -> None:
    fig.text(
        0.5,
        MARGIN * 0.6 / float(fig.get_size_inches()[1]),
        text("page", lang, n=n, total=total),
        ha="center",
        va="bottom",
        fontsize=8,
        color="#666666",
    )


def _share_glyphs(doc: pikepdf.Pdf) -> None:
    """Point equal Type 3 glyph programs of all charts at one copy (a third of the file size).

    Every chart's PDF embeds the glyphs it uses as its own Type 3 font; the
    programs of a glyph are byte-identical across charts, so one copy serves all.
    """
    seen: dict[bytes, pikepdf.Object] = {}
    done: set[tuple[int, int]] = set()

    def walk(resources: pikepdf.Object | None) -> None:
        if resources is None:
            return
        fonts = resources.get("/Font")
        for font in fonts.values() if fonts is not None else ():
            if font.objgen in done:
                continue
            done.add(font.objgen)
            if font.get("/Subtype") != "/Type3":
                continue
            procs = font.CharProcs
            for name in list(procs.keys()):
                program = procs[name]
                key = hashlib.sha256(
                    program.read_raw_bytes() + repr(program.get("/Filter")).encode()
                ).digest()
                if key in seen:
                    procs[name] = seen[key]
                else:
                    seen[key] = program
        forms = resources.get("/XObject")
        for form in forms.values() if forms is not None else ():
            if form.objgen in done:
                continue
            done.add(form.objgen)
            if form.get("/Subtype") == "/Form":
                walk(form.get("/Resources"))

    for page in doc.pages:
        walk(page.get("/Resources"))


def _place(
    doc: pikepdf.Pdf,
    page: pikepdf.Page,
    chart: pikepdf.Page,
    rect: tuple[float, float, float, float],
    number: int,
) -> None:
    """Draw ``chart`` as a form XObject in ``rect`` of ``page``, under a fixed name.

    pikepdf's ``add_overlay`` names the form at random; a fixed name per
    chart keeps the bytes the same on every run. The frame pages share one
    resource dictionary (as matplotlib writes them), so each chart gets its
    own name.
    """
    import pikepdf

    form = doc.copy_foreign(chart.as_form_xobject())
    name = pikepdf.Name(f"/Chart{number}")
    resources = page.obj.Resources
    if "/XObject" not in resources:
        resources.XObject = pikepdf.Dictionary()
    resources.XObject[name] = form
    placement = page.calc_form_xobject_placement(form, name, pikepdf.Rectangle(*rect))
    page.contents_add(doc.make_stream(b"q\n"), prepend=True)
    page.contents_add(doc.make_stream(b"\nQ\nq\n" + bytes(placement) + b"\nQ\n"))


def _pdf_date(day: datetime.date) -> str:
    return f"D:{day.year:04d}{day.month:02d}{day.day:02d}000000Z"


def write_report_pdf(
    figures: Sequence[FigureFile],
    path: str | Path,
    *,
    data: pd.DataFrame | None = None,
    title: str = "",
    lang: str = "nb",
    synthetic: bool = False,
    made: datetime.date | None = None,
    sources: pd.DataFrame | None = None,
    risk: RiskResults | None = None,
) -> Path:
    """Write report.pdf: an A4 document of vector pages with a cover, summary and method page.

    Pages: a cover (area, date made, data periods, sources, contents); with
    ``data``, the key findings ("Hovedfunn", one page) and a method page in
    plain words (intervals, comparisons, pooled years, prikking); then one
    page per figure, theme by theme, each chart placed as vector graphics
    (text stays text) with its caption below and a running header. Every
    page is A4 (landscape for charts wider than the portrait text width) and
    numbered. The document carries its title, language and ``made`` as its
    dates, and no other time stamp: the same inputs give the same bytes.

    Parameters
    ----------
    figures
        Figures from :func:`utenforskap.publish.write_figure_pack` drawn with
        a report (each but detail figures has a vector ``page``).
    path
        The PDF to write.
    data
        The published IndicatorFrame the figures were drawn from: gives the
        summary and method pages and the data periods; None leaves them out.
    title
        Area name for the cover page and the document title.
    lang
        ``"nb"`` or ``"en"``.
    synthetic
        Say on the cover that the data are synthetic.
    made
        The date the report was made (cover and metadata); None: no date.
    sources
        The source table: its sources are listed on the cover.
    risk
        The risk results: the method page explains the risk index.

    Returns
    -------
    pathlib.Path
        The file written.

    Raises
    ------
    DataError
        A figure of the report has no vector page.

    Examples
    --------
    >>> import tempfile
    >>> folder = tempfile.mkdtemp()
    >>> pdf = write_report_pdf([], f"{folder}/report.pdf", title="Eksempelkommune")
    >>> import pikepdf
    >>> with pikepdf.open(pdf) as doc:
    ...     len(doc.pages), str(doc.docinfo["/Title"])
    (1, 'Indikatorer for ungt utenforskap – Eksempelkommune')
    """
    import pikepdf
    from matplotlib.backends.backend_pdf import PdfPages

    from utenforskap import frames as F
    from utenforskap.plot import house_style

    check_lang(lang)
    ordered = report_figures(figures)
    for fig in ordered:
        if fig.page is None or not fig.page.exists():
            raise DataError(
                "report.pdf needs the vector page of every figure (draw the pack with report=...)",
                value=fig.stem,
            )
    heading = text("heading", lang)
    themes = group_by_theme(ordered)
    front: list[str] = ["cover"]
    if data is not None:
        front += ["summary", "method"]
    total = len(front) + len(ordered)
    contents = [(text(key, lang), i + 1, i + 1) for i, key in enumerate(front) if key != "cover"]
    page = len(front) + 1
    header_of: dict[str, str] = {}
    for key, items in themes:
        name = theme_name(key, lang=lang)
        contents.append((name, page, page + len(items) - 1))
        page += len(items)
        for item in items:
            header_of[item.stem] = f"{name} · {title}" if title else name
    source_list: list[str] = []
    if sources is not None and not sources.empty:
        from utenforskap.sources import SOURCE

        source_list = list(dict.fromkeys(map(str, sources[SOURCE])))
    buffer = io.BytesIO()
    rects: list[tuple[float, float, float, float]] = []
    with (
        house_style(),
        PdfPages(
            buffer,
            metadata={"CreationDate": None, "ModDate": None, "Producer": None, "Creator": None},
        ) as pages,
    ):
        periods = _periods_line(data, lang) if data is not None and not data.empty else ""
        pages.savefig(
            cover_page(
                heading=heading,
                title=title,
                made=made,
                periods=periods,
                sources=source_list,
                contents=contents,
                lang=lang,
                synthetic=synthetic,
            )
        )
        if data is not None:
            from utenforskap.disclosure import legend_note
            from utenforskap.publish.summary import key_findings

            found = key_findings(data, lang=lang)
            summary = summary_page(found, lang=lang)
            _number_page(summary, 2, total, lang)
            pages.savefig(summary)
            methods = sorted({str(m) for m in data[F.CI_METHOD].dropna() if m})
            rule = legend_note(data, lang).split(":", 1)[-1].strip().rstrip(".")
            risk_method = ""
            if risk is not None:
                from utenforskap.plot.risk import risk_method_text

                risk_method = risk_method_text(risk.index, lang=lang)
            method = method_page(
                level=found.level,
                method=", ".join(m.title() for m in methods) or "Wilson",
                rule=rule or text("no_data", lang),
                risk_method=risk_method,
                lang=lang,
            )
            _number_page(method, 3, total, lang)
            pages.savefig(method)
        for n, item in enumerate(ordered, start=len(front) + 1):
            width, height = item.size
            landscape = width > A4[0] - 2 * MARGIN + 0.05 and width > height
            frame, rect = figure_frame(
                size=A4_LANDSCAPE if landscape else A4,
                chart=(width, height),
                header=header_of[item.stem],
                caption=item.caption,
                page=n,
                pages=total,
                lang=lang,
            )
            pages.savefig(frame)
            rects.append(rect)
    target = Path(path)
    opened: list[pikepdf.Pdf] = []
    try:
        doc = pikepdf.open(io.BytesIO(buffer.getvalue()))
        opened.append(doc)
        for k, (item, rect) in enumerate(zip(ordered, rects, strict=True)):
            chart = pikepdf.open(item.page)  # type: ignore[arg-type]
            opened.append(chart)
            _place(doc, doc.pages[len(front) + k], chart.pages[0], rect, k)
        # Save once so that the charts' objects belong to the document, then share glyphs.
        merged = io.BytesIO()
        doc.save(merged, deterministic_id=True)
        doc = pikepdf.open(merged)
        opened.append(doc)
        _share_glyphs(doc)
        doc.docinfo["/Title"] = f"{heading} – {title}" if title else heading
        doc.docinfo["/Subject"] = heading
        doc.docinfo["/Creator"] = "utenforskap"
        if made is not None:
            doc.docinfo["/CreationDate"] = _pdf_date(made)
            doc.docinfo["/ModDate"] = _pdf_date(made)
        doc.Root.Lang = pikepdf.String("nb-NO" if LANGS.index(lang) == 0 else "en")
        doc.save(
            target,
            deterministic_id=True,
            compress_streams=True,
            object_stream_mode=pikepdf.ObjectStreamMode.generate,
        )
    finally:
        for item_pdf in opened:
            item_pdf.close()
    return target
