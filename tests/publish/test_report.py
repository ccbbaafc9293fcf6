"""report.pdf and slides.pptx as planners get them: text layer, A4, metadata, notes, LibreOffice."""

from __future__ import annotations

import datetime
import shutil
import subprocess
from pathlib import Path

import pytest

import utenforskap as ut
from utenforskap import frames as F
from utenforskap.plot import format_number
from utenforskap.publish.pdf import write_report_pdf
from utenforskap.publish.plan import plan_figures
from utenforskap.publish.render import render_figures, risk_results
from utenforskap.publish.slides import slide_figures, write_slides
from utenforskap.risk import Component, Criterion, RiskSettings

#: The module computes the whole demo (with its disclosure audit): full suite only.
pytestmark = pytest.mark.slow

MADE = datetime.date(2026, 12, 1)
RISK = RiskSettings(
    indicators=(Component("neet", "16-25"), Component("low_income_children", "0-17")),
    draws=200,
    criteria=(Criterion("neet", ">", 1.25, age="16-25", relative_to="kommune"),),
    at_least=1,
)


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    """A few figures of each kind from the demo run, with their vector pages."""
    computed = ut.compute()
    frame = computed.indicators
    out = tmp_path_factory.mktemp("report")
    tasks = plan_figures(frame, risk=RISK)
    wanted = {
        "overview_barometer",
        "risk_heatmap",
        "risk_criteria",
        "neet_16-25_2024_bars",
        "neet_16-25_2024_funnel",
        "neet_16-25_2024_map",
        "neet_16-25_2024_groups",
        "low_income_children_0-17_2024_neighbours",
        "district_990103",
    }
    chosen = [t for t in tasks if t.stem in wanted]
    assert len(chosen) == len(wanted)
    risk = risk_results(frame, RISK)
    (out / "figures").mkdir()
    (out / "pages").mkdir()
    figures = render_figures(
        frame,
        chosen,
        out / "figures",
        formats=("png",),
        synthetic=True,
        sources=computed.sources,
        risk=risk,
        groups=computed.groups,
        pages=out / "pages",
        workers=1,
    )
    options = {
        "data": frame,
        "title": "Eksempelkommune",
        "synthetic": True,
        "made": MADE,
        "sources": computed.sources,
    }
    report = write_report_pdf(figures, out / "report.pdf", risk=risk, **options)
    slides = write_slides(figures, out / "slides.pptx", **options)
    return computed, figures, report, slides, options, risk


def _text(pdf: Path, page: int | None = None) -> str:
    pages = ["-f", str(page), "-l", str(page)] if page else []
    return subprocess.run(
        ["pdftotext", "-layout", *pages, str(pdf), "-"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout


needs_poppler = pytest.mark.skipif(
    shutil.which("pdftotext") is None, reason="poppler-utils is not installed"
)


@pytest.mark.slow
@needs_poppler
def test_report_text_layer_has_cover_summary_method_and_captions(run) -> None:
    computed, figures, report, *_ = run
    cover = _text(report, 1)
    assert "Indikatorer for ungt utenforskap" in cover and "Eksempelkommune" in cover
    assert "Laget 1.12.2026" in cover
    assert "Tallene gjelder 2015 til 2024" in cover
    for source in computed.sources["source"].unique():
        assert source in " ".join(cover.split())
    summary = " ".join(_text(report, 2).split())
    assert "Hovedfunn" in summary
    kommune = computed.indicators.query(
        "indicator == 'neet' and region == '9901' and age == '16-25' and period == '2024' "
        "and sex == 'total' and group == 'total'"
    ).iloc[0]
    # The kommune's NEET value and interval, as printed on the summary page.
    shown = (
        f"{format_number(kommune[F.VALUE])} ({format_number(kommune[F.CI_LOWER])}"
        f"–{format_number(kommune[F.CI_UPPER])})"
    )
    assert shown in summary
    assert "Sørhavna: dårligere på" in summary
    method = " ".join(_text(report, 3).split())
    for words in ("Slik leser du tallene", "konfidensintervall", "Sammenslåtte år", "Prikking"):
        assert words in method
    assert "Risikoindeks" in method
    whole = " ".join(_text(report).split())
    for fig in figures:
        # Every caption is there as text (its first sentence is enough to find).
        assert fig.caption.split(". ")[0] in whole
    assert f"Side 4 av {len(figures) + 3}" in whole


def test_report_is_a4_vector_with_metadata(run) -> None:
    import pikepdf

    _, figures, report, *_ = run
    with pikepdf.open(report) as pdf:
        assert len(pdf.pages) == len(figures) + 3
        for page in pdf.pages:
            width, height = (float(v) for v in page.MediaBox[2:])
            assert sorted((width, height)) == pytest.approx([595.3, 841.9], abs=1.0)
        images = [
            o
            for o in pdf.objects
            if isinstance(o, pikepdf.Stream) and o.get("/Subtype") == "/Image"
        ]
        assert images == []
        info = pdf.docinfo
        assert str(info["/Title"]) == "Indikatorer for ungt utenforskap – Eksempelkommune"
        assert str(info["/CreationDate"]).startswith("D:20261201")
        assert str(pdf.Root.Lang) == "nb-NO"
    assert report.stat().st_size < 40_000 * len(figures) + 200_000


def test_report_and_deck_give_the_same_bytes_again(run, tmp_path) -> None:
    _, figures, report, slides, options, risk = run
    again = write_report_pdf(figures, tmp_path / "report.pdf", risk=risk, **options)
    assert again.read_bytes() == report.read_bytes()
    deck = write_slides(figures, tmp_path / "slides.pptx", **options)
    assert deck.read_bytes() == slides.read_bytes()


def test_deck_has_title_summary_and_a_slide_per_key_figure(run) -> None:
    from pptx import Presentation
    from pptx.util import Inches

    _, figures, _, slides, *_ = run
    deck = Presentation(slides)
    key = slide_figures(figures)
    assert [f.stem for f in key] == [f.stem for f in figures if f.task.key]
    assert len(deck.slides) == 2 + len(key)
    assert (deck.slide_width, deck.slide_height) == (Inches(13.333), Inches(7.5))
    texts = [
        " ".join(s.text_frame.text for s in slide.shapes if s.has_text_frame)
        for slide in deck.slides
    ]
    assert "Eksempelkommune" in texts[0] and "Laget 1.12.2026" in texts[0]
    assert "Hovedfunn" in texts[1]
    for words in texts:
        assert "Kilde:" in words
    for slide, fig in zip(list(deck.slides)[2:], key, strict=True):
        notes = slide.notes_slide.notes_text_frame.text
        assert notes == f"Alternativ tekst: {fig.alt}"
        pictures = [s for s in slide.shapes if s.shape_type == 13]
        assert len(pictures) == 1
        assert pictures[0]._element.nvPicPr.cNvPr.get("descr") == fig.alt
        assert fig.caption in " ".join(s.text_frame.text for s in slide.shapes if s.has_text_frame)


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_deck_opens_in_libreoffice(run, tmp_path) -> None:
    from pptx import Presentation

    _, _, _, slides, *_ = run
    profile = tmp_path / "profile"
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(slides),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    converted = tmp_path / "slides.pdf"
    info = subprocess.run(
        ["pdfinfo", str(converted)], check=True, capture_output=True, text=True
    ).stdout
    pages = int(next(line for line in info.splitlines() if line.startswith("Pages:")).split()[1])
    assert pages == len(Presentation(slides).slides)
    # 16:9 pages: 960 × 540 points.
    size = info.split("Page size:")[1].split("pts")[0].split("x")
    assert [float(v) for v in size] == pytest.approx([960.0, 540.0], abs=0.5)


@needs_poppler
def test_report_and_deck_in_english(run, tmp_path) -> None:
    from pptx import Presentation

    _, figures, _, _, options, risk = run
    report = write_report_pdf(figures, tmp_path / "r.pdf", risk=risk, **{**options, "lang": "en"})
    whole = " ".join(_text(report).split())
    for words in (
        "Youth exclusion indicators",
        "Made 2026-12-01",
        "Key findings",
        "How to read the figures",
        "clearly worse",
        "Page 2 of",
    ):
        assert words in whole
    deck = write_slides(figures, tmp_path / "s.pptx", **{**options, "lang": "en"})
    first = " ".join(
        s.text_frame.text for s in Presentation(deck).slides[1].shapes if s.has_text_frame
    )
    assert "Key findings" in first and " against " in first
