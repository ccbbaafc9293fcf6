"""Publishing: tables (CSV, Parquet, XLSX), the figure pack, report.pdf, slides.pptx, index.html.

One module per concern: :mod:`~utenforskap.publish.tables` writes the tables;
:mod:`~utenforskap.publish.plan` decides which figures a frame gets;
:mod:`~utenforskap.publish.render` draws them (in worker processes);
:mod:`~utenforskap.publish.save` writes the same bytes every run;
:mod:`~utenforskap.publish.captions` words captions and alt texts;
:mod:`~utenforskap.publish.themes` groups figures by theme;
:mod:`~utenforskap.publish.summary` finds the key findings;
:mod:`~utenforskap.publish.pages` draws the report's text pages and
:mod:`~utenforskap.publish.pdf` assembles report.pdf (vector A4);
:mod:`~utenforskap.publish.slides` writes slides.pptx; :mod:`~utenforskap.publish.index`
writes index.html; :mod:`~utenforskap.publish.pack` ties plan, drawing and documents together.
"""

from utenforskap.publish.captions import FigureText, describe_figure
from utenforskap.publish.index import write_index
from utenforskap.publish.pack import write_figure_pack
from utenforskap.publish.pdf import write_report_pdf
from utenforskap.publish.plan import FIGURE_KINDS, FigureTask, plan_figures
from utenforskap.publish.render import (
    FigureFile,
    RiskResults,
    draw_figure,
    render_figures,
    risk_results,
)
from utenforskap.publish.save import FIGURE_FORMATS, PNG_DPI, save_figure, write_png
from utenforskap.publish.slides import write_slides
from utenforskap.publish.summary import KeyFindings, key_findings
from utenforskap.publish.tables import write_csv, write_parquet, write_tables, write_xlsx

__all__ = [
    "FIGURE_FORMATS",
    "FIGURE_KINDS",
    "PNG_DPI",
    "FigureFile",
    "FigureTask",
    "FigureText",
    "KeyFindings",
    "RiskResults",
    "describe_figure",
    "draw_figure",
    "key_findings",
    "plan_figures",
    "render_figures",
    "risk_results",
    "save_figure",
    "write_csv",
    "write_figure_pack",
    "write_index",
    "write_parquet",
    "write_png",
    "write_report_pdf",
    "write_slides",
    "write_tables",
    "write_xlsx",
]
