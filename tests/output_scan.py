"""Read every output of a run as a person would, and list what a person should never read there.

"No figure or table of a non-demo run contains a bare region code as a label,
'syntetiske', or a source the run did not use" (issue 18). The scan reads:

- ``indicators.csv``: every row has a region name that is not its code;
- ``indicators.xlsx``: every text cell (the region-code column aside), the
  ``Område`` and ``Referanse`` columns as names, the notes sheet's credits;
- every SVG figure: the texts matplotlib keeps as comments, grouped by axis
  (tick labels of a category axis are labels, those of a numeric axis are
  numbers) and the credit block (``<g id="credit">``, lines joined);
- ``figures/index.html`` (text without tags), ``report.pdf`` (through
  ``pdftotext`` when installed) and the strings of ``manifest.json``.

A region code is *used as a label* when a text is exactly a kommune or bydel
code, when a category axis has a code among its labels, or when a code stands
in words: ``0: 9,7 %``, ``Dårligere enn 40``, ``Telemark (40)``. Numbers of
a numeric axis, values ("6,4"), spans ("15-29", "2021-2023") are not labels.
"""

from __future__ import annotations

import html
import json
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import openpyxl
import pandas as pd

from utenforskap.texts import text as texts_text

CREDIT = re.compile(
    r"(?:Kilde|Source): (.*?);? ?(?:beregninger: utenforskap|computed with utenforskap)"
)
LETTER = re.compile(r"[A-Za-zÆØÅæøåÁáČčĐđŊŋŠšŦŧŽž]")
CODE_HEADS = {texts_text("xlsx.region", lang) for lang in ("nb", "en")}
NAME_HEADS = {
    texts_text(f"xlsx.{c}", lang) for c in ("region_name", "reference") for lang in ("nb", "en")
}
NUMBER = re.compile(r"^[\s\d,.\-–−+%‰ ]*$")


@dataclass(frozen=True)
class Problem:
    """One thing a person should not read: where, what, and the text it is in."""

    where: str
    what: str
    text: str

    def __str__(self) -> str:
        return f"{self.where}: {self.what}: {self.text!r}"


def _code_in_words(text: str, codes: Iterable[str]) -> str | None:
    """A code standing for a region's name in a text with words, or None.

    In label position: before a colon (``0: 9,7 %``), in brackets
    (``Telemark (40)``) or closing the text (``Dårligere enn 0``). A number
    followed by words ("0 hele landet, 2 siffer fylke" explaining the codes)
    or a page count ("Side 3 av 40") is not a label.
    """
    for code in codes:
        if re.match(rf"\s*{re.escape(code)}\s*:(?!\d)", text):
            return code  # "0: 9,7 %", a reference line's label
    if not LETTER.search(text):
        return None
    for code in codes:
        pattern = rf"(?<![\w,.\-–/]){re.escape(code)}(?=\s*:(?!\d)|\s*\)|\s*$)"
        match = re.search(pattern, text)
        if match and not re.search(rf"\b(av|of) {re.escape(code)}\s*$", text):
            return code
    return None


def check_text(where: str, text: str, codes: set[str], used: set[str]) -> Iterator[Problem]:
    """Problems in one text a person reads (any output)."""
    stripped = text.strip()
    if not stripped:
        return
    if re.search(r"syntetisk|synthetic", stripped, re.IGNORECASE):
        yield Problem(where, "synthetic data mentioned", stripped)
    if stripped in codes and len(stripped) >= 4:
        yield Problem(where, "a region code as a label", stripped)
    code = _code_in_words(stripped, sorted(codes, key=len, reverse=True))
    if code is not None:
        yield Problem(where, f"region code {code!r} in a label", stripped)
    for match in CREDIT.finditer(stripped):
        rest = match.group(1)
        for source in sorted(used, key=len, reverse=True):
            rest = rest.replace(source, "")
        if rest.replace(";", "").strip():
            yield Problem(where, "a source the run did not use", match.group(0))


def _comments(element: ET.Element) -> list[str]:
    return [
        html.unescape(str(node.text or "")).strip()
        for node in element.iter()
        if node.tag is ET.Comment
    ]


def check_svg(path: Path, codes: set[str], used: set[str]) -> Iterator[Problem]:
    """Problems in one SVG figure."""
    parser = ET.XMLParser(target=ET.TreeBuilder(insert_comments=True))
    root = ET.parse(path, parser=parser).getroot()
    groups = {g.get("id", ""): g for g in root.iter("{http://www.w3.org/2000/svg}g")}
    seen: set[int] = set()
    for gid, group in groups.items():
        if not gid.startswith("matplotlib.axis"):
            continue
        ticks = [
            t
            for g in group.iter("{http://www.w3.org/2000/svg}g")
            if g.get("id", "").startswith(("xtick", "ytick"))
            for t in _comments(g)
        ]
        categorical = any(not NUMBER.match(t) for t in ticks)
        for tick in ticks:
            if categorical and tick in codes:
                yield Problem(path.name, "a region code as a category label", tick)
    credit = groups.get("credit")
    if credit is not None:
        lines = _comments(credit)
        seen.update(id(n) for n in credit.iter())
        yield from check_text(path.name, " ".join(lines), codes, used)
        if not any(line.startswith(("Kilde:", "Source:")) for line in lines):
            yield Problem(path.name, "no source credited", " ".join(lines))
    for node in root.iter():
        if node.tag is ET.Comment and id(node) not in seen:
            yield from check_text(path.name, html.unescape(str(node.text or "")), codes, used)


def check_xlsx(path: Path, codes: set[str], used: set[str]) -> Iterator[Problem]:
    """Problems in the workbook: names where a person reads regions, credits, texts."""
    book = openpyxl.load_workbook(path, read_only=True)
    for sheet in book.worksheets:
        rows = list(sheet.iter_rows(values_only=True))
        if not rows:
            continue
        head = [str(h) if h is not None else "" for h in rows[0]]
        # The region code column (nb or en head) holds codes by design.
        skip = {c for c, h in enumerate(head) if h in (CODE_HEADS)}
        for r, row in enumerate(rows, start=1):
            for c, value in enumerate(row):
                if c in skip or not isinstance(value, str):
                    continue
                where = f"{path.name}[{sheet.title}] row {r}"
                if r > 1 and head[c] in NAME_HEADS and value in codes:
                    yield Problem(where, f"a region code in {head[c]}", value)
                yield from check_text(where, value, codes, used)


def check_csv(path: Path) -> Iterator[Problem]:
    """Every row of the CSV names its region (the code column keeps the code)."""
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    bad = table[(table["region_name"] == "") | (table["region_name"] == table["region"])]
    for _, row in bad.head(5).iterrows():
        yield Problem(path.name, "a row without a region name", row["region"])


def _strings(value: object) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def scan_outputs(folder: Path, *, used: set[str]) -> list[Problem]:
    """Every problem in a run's output folder.

    Parameters
    ----------
    folder
        The run's output folder (``indicators.csv`` … ``manifest.json``).
    used
        The sources of the run's inputs (their ``source`` texts).

    Returns
    -------
    list of Problem
        Empty when a person reads only names, no synthetic-data notice and
        only the run's own sources.
    """
    table = pd.read_csv(folder / "indicators.csv", dtype=str, keep_default_na=False)
    codes = set(table["region"]) | (set(table["reference"]) - {""})
    problems = list(check_csv(folder / "indicators.csv"))
    problems += check_xlsx(folder / "indicators.xlsx", codes, used)
    for svg in sorted((folder / "figures").glob("*.svg")):
        problems += check_svg(svg, codes, used)
    page = (folder / "figures" / "index.html").read_text(encoding="utf-8")
    page = re.sub(r"<style>.*?</style>", "", page, flags=re.DOTALL)
    for line in re.sub(r"<[^>]+>", "\n", page).splitlines():
        problems += check_text("index.html", html.unescape(line), codes, used)
    for alt in re.findall(r'alt="([^"]*)"', page):
        problems += check_text("index.html (alt text)", html.unescape(alt), codes, used)
    report = folder / "report.pdf"
    if report.exists() and shutil.which("pdftotext"):
        out = subprocess.run(
            ["pdftotext", "-layout", str(report), "-"], capture_output=True, text=True, check=True
        ).stdout
        for line in out.splitlines():
            problems += check_text("report.pdf", line, codes, used)
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    for text in _strings({"warnings": manifest.get("warnings", []), "config": manifest["config"]}):
        problems += check_text("manifest.json", text, codes, used)
    return problems
