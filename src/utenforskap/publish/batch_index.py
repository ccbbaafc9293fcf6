"""index.html of a batch: every kommune's pack with its status and date, readable offline."""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from utenforskap.texts import LANGS, check_lang, text

__all__ = ["PACK_FILES", "BatchEntry", "batch_index_html"]

_CSS = (
    "body{font-family:system-ui,sans-serif;max-width:62rem;margin:2rem auto;padding:0 1rem;"
    "color:#222;line-height:1.45}h1{font-size:1.6rem}table{border-collapse:collapse;width:100%}"
    "th,td{text-align:left;padding:.35rem .6rem;border-bottom:1px solid #ddd;vertical-align:top}"
    "th{border-bottom:2px solid #0072B2}.failed{color:#b00000;font-weight:bold}"
    ".synthetic{color:#b00000;font-weight:bold}td.files a{margin-right:.6rem}"
)
#: Files of a kommune's pack the page links to, when they exist: (path, label).
PACK_FILES: tuple[tuple[str, str], ...] = (
    ("report.pdf", "PDF"),
    ("indicators.xlsx", "XLSX"),
    ("indicators.csv", "CSV"),
)
_FIGURES = "figures/index.html"


@dataclass(frozen=True)
class BatchEntry:
    """One kommune on a batch's index page.

    Attributes
    ----------
    code, name
        The kommune.
    folder
        Its output folder's name, relative to the page.
    status
        ``written``, ``skipped`` or ``failed`` (this batch's run of it).
    exit_code
        Why it failed (2: input or configuration, 3: locked, other: unexpected).
    finished
        When the outputs in its folder were written (ISO 8601, UTC), or None.
    """

    code: str
    name: str
    folder: str
    status: str
    exit_code: int = 0
    finished: str | None = None


def _date(stamp: str | None) -> str:
    if not stamp:
        return "–"
    # 2026-12-02T00:08:33.909Z → 2026-12-02 00:08 UTC
    return f"{stamp[:10]} {stamp[11:16]} UTC"


def _status(entry: BatchEntry, lang: str, has_outputs: bool) -> str:
    esc = html.escape
    word = text(f"batch.status.{entry.status}", lang)
    if entry.status != "failed":
        return esc(word)
    code = entry.exit_code if entry.exit_code in (2, 3) else 1
    why = text(f"batch.failed.{code}", lang)
    kept = f"; {text('batch.failed.kept', lang)}" if has_outputs else ""
    return f'<span class="failed">{esc(word)}</span>: {esc(why)}{esc(kept)}'


def batch_index_html(
    entries: Sequence[BatchEntry],
    folder: str | Path,
    *,
    title: str,
    lang: str = "nb",
    synthetic: bool = False,
    details: str = "batch.json",
) -> str:
    """The index page of a batch: one row per kommune, linking its pack.

    Each kommune's name links its figures' index page; its PDF report and
    tables are linked beside it. Only files that exist under ``folder`` are
    linked (a kommune whose run failed and that has no earlier outputs is
    listed without links). A failed run is shown with the kind of error only
    — the message, which may quote a value of an input file, stays in
    ``details``. The page has no scripts, fonts or style sheets from
    elsewhere, so it opens offline from disk.

    Parameters
    ----------
    entries
        The kommuner, in the order shown.
    folder
        The batch's output folder (where the page goes).
    title
        The batch's name for the heading.
    lang
        ``"nb"`` or ``"en"``.
    synthetic
        Say on the page that the data are synthetic.
    details
        The file with the error messages, named on the page when a run failed.

    Returns
    -------
    str
        The page (UTF-8 HTML).

    Examples
    --------
    >>> import tempfile
    >>> page = batch_index_html(
    ...     [BatchEntry("4003", "Skien", "4003-skien", "failed", 2)],
    ...     tempfile.mkdtemp(), title="Telemark", lang="en",
    ... )
    >>> "an input or the configuration must be fixed" in page, "href" in page
    (True, False)
    """
    esc = html.escape
    base = Path(folder)
    language = LANGS[check_lang(lang)]
    heading = f"{text('heading', lang)} – {title}"
    counts = {s: sum(e.status == s for e in entries) for s in ("written", "skipped", "failed")}
    parts = [
        "<!DOCTYPE html>",
        f'<html lang="{language}">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{esc(heading)}</title>",
        f"<style>{_CSS}</style>",
        "</head>",
        "<body>",
        f"<h1>{esc(heading)}</h1>",
    ]
    if synthetic:
        parts.append(f'<p class="synthetic">{esc(text("synthetic", lang))}</p>')
    summary = text("batch.summary", lang, total=len(entries), **counts)
    if counts["failed"]:
        summary += " " + text("batch.details", lang, file=details)
    parts.append(f"<p>{esc(summary)}</p>")
    parts += [
        "<table>",
        "<thead><tr>"
        + "".join(
            f"<th>{esc(text(k, lang))}</th>"
            for k in ("batch.kommune", "batch.status", "batch.date", "batch.files")
        )
        + "</tr></thead>",
        "<tbody>",
    ]
    for entry in entries:
        pack = base / entry.folder
        label = f"{entry.code} {entry.name}"
        figures = pack / _FIGURES
        has_outputs = figures.is_file()
        name = (
            f'<a href="{esc(entry.folder)}/{_FIGURES}">{esc(label)}</a>'
            if has_outputs
            else esc(label)
        )
        links = [
            f'<a href="{esc(entry.folder)}/{path}">{esc(shown)}</a>'
            for path, shown in PACK_FILES
            if (pack / path).is_file()
        ]
        files = " ".join(links) if links else esc(text("batch.no_results", lang))
        parts.append(
            f'<tr id="k{esc(entry.code)}"><td>{name}</td>'
            f"<td>{_status(entry, lang, has_outputs)}</td>"
            f"<td>{esc(_date(entry.finished if has_outputs else None))}</td>"
            f'<td class="files">{files}</td></tr>'
        )
    parts += ["</tbody>", "</table>", "</body>", "</html>", ""]
    return "\n".join(parts)
