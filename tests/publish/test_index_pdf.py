"""The index page and report.pdf from figures: language, links, order, and refusals."""

from __future__ import annotations

import re

import pytest
from matplotlib.figure import Figure

from utenforskap.errors import DataError
from utenforskap.publish.index import write_index
from utenforskap.publish.pdf import write_report_pdf
from utenforskap.publish.render import FigureFile
from utenforskap.publish.save import save_figure


@pytest.fixture
def figures(tmp_path):
    """Three small figures, one per theme group, each its own width, written as PNG."""
    out = []
    for stem, indicator, width in (
        ("loneliness", "ungdata_loneliness", 3),
        ("overview", "", 2),
        ("own", "my_indicator", 4),
    ):
        files = save_figure(Figure(figsize=(width, 1)), tmp_path, stem, formats=("png",))
        out.append(FigureFile(stem, files, indicator, f"Caption {stem}", f"Alt <{stem}>", "bars"))
    return out


def test_index_in_english_with_themes_in_order(figures, tmp_path) -> None:
    (tmp_path / "report.pdf").write_bytes(b"%PDF")
    page = write_index(
        figures, tmp_path, title="Eksempelkommune", tables=("report.pdf", "missing.csv"), lang="en"
    ).read_text(encoding="utf-8")
    assert '<html lang="en">' in page
    assert "<h1>Youth exclusion indicators – Eksempelkommune</h1>" in page
    assert re.findall(r"<h2>([^<]+)</h2>", page) == [
        "How to read the figures",
        "Overview",
        "Mental health and wellbeing",
        "Other indicators",
    ]
    assert '<b>Download:</b> <a href="report.pdf">report.pdf</a></p>' in page
    assert "missing.csv" not in page
    # Alt texts are escaped, and the image size is half the PNG's pixels.
    assert 'alt="Alt &lt;own&gt;"' in page
    assert '<img src="overview.png" width="200" height="100"' in page


def test_index_explains_itself(figures, tmp_path) -> None:
    import datetime

    from utenforskap.datasets import demo_indicators

    for name in ("report.pdf", "slides.pptx", "indicators.xlsx"):
        (tmp_path / name).write_bytes(b"x")
    folder = tmp_path / "figures"
    folder.mkdir()
    page = write_index(
        figures,
        folder,
        title="Eksempelkommune",
        data=demo_indicators(),
        made=datetime.date(2026, 1, 31),
    ).read_text(encoding="utf-8")
    assert "Laget 31.1.2026" in page
    assert "Denne siden viser indikatorer for ungt utenforskap i Eksempelkommune" in page
    for label, href in (
        ("Rapport (PDF)", "../report.pdf"),
        ("Lysbilder (PowerPoint)", "../slides.pptx"),
        ("Tabeller (Excel)", "../indicators.xlsx"),
    ):
        assert f'<a href="{href}">{label}</a>' in page
    assert "indicators.csv" not in page
    # How to read: colours, intervals, funnel plots and prikking.
    for words in ("sikkert dårligere", "konfidensintervall", "Traktdiagram", "«prikket»"):
        assert words in page
    # The key findings: the kommune against the country, with the judgement.
    assert "Eksempelkommune sammenlignet med Hele landet" in page
    assert '<td class="v-worse">sikkert dårligere</td>' in page


def test_report_pdf_needs_the_vector_page_of_every_figure(tmp_path) -> None:
    svg = save_figure(Figure(figsize=(2, 1)), tmp_path, "f", formats=("svg",))
    with pytest.raises(DataError, match="needs the vector page"):
        write_report_pdf([FigureFile("f", svg, "neet", "", "")], tmp_path / "r.pdf")


def test_the_index_page_credits_the_runs_sources(tmp_path) -> None:
    from utenforskap.sources import source_table

    table = source_table(
        [
            ("neet", "4003", "SSB, tabell 13563"),
            ("child_welfare", "4003", "FHI, Kommunehelsa statistikkbank, tabell 337"),
            ("neet", "0", "SSB, tabell 13563"),
        ]
    )
    page = write_index([], tmp_path, title="Skien", sources=table).read_text(encoding="utf-8")
    assert (
        '<p class="credit">Kilde: SSB, tabell 13563; FHI, Kommunehelsa statistikkbank, '
        "tabell 337; beregninger: utenforskap</p>"
    ) in page
    bare = write_index([], tmp_path, title="Skien").read_text(encoding="utf-8")
    assert '<p class="credit">Beregninger: utenforskap</p>' in bare
