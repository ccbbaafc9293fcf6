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
        "Overview",
        "Mental health and wellbeing",
        "Other indicators",
    ]
    assert '<p>Tables and report: <a href="report.pdf">report.pdf</a></p>' in page
    assert "missing.csv" not in page
    # Alt texts are escaped, and the image size is half the PNG's pixels.
    assert 'alt="Alt &lt;own&gt;"' in page
    assert '<img src="overview.png" width="200" height="100"' in page


def test_report_pdf_orders_pages_by_theme_and_titles_the_document(figures, tmp_path) -> None:
    pdf = write_report_pdf(figures, tmp_path / "r.pdf", title="Ås").read_bytes()
    assert int(re.search(rb"/Count (\d+)", pdf).group(1)) == 4
    title = re.search(rb"/Title <([0-9A-F]+)>", pdf).group(1)
    assert bytes.fromhex(title.decode()).decode("utf-16") == "Indikatorer for ungt utenforskap – Ås"
    # Page images after the cover: the overview (2 in wide), the theme (3 in), the rest (4 in).
    widths = [int(w) for w in re.findall(rb"/Subtype /Image /Width (\d+)", pdf)]
    assert widths[1:] == [400, 600, 800]


def test_report_pdf_needs_a_png_of_every_figure(tmp_path) -> None:
    svg = save_figure(Figure(figsize=(2, 1)), tmp_path, "f", formats=("svg",))
    with pytest.raises(DataError, match="needs the PNG"):
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
