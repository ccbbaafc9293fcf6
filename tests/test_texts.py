"""The text catalogue: both languages, the same placeholders, and no wording elsewhere."""

from __future__ import annotations

import ast
import string
from pathlib import Path

import pytest

import utenforskap
from utenforskap.errors import ParameterError
from utenforskap.texts import LANGS, TEXTS, text

PACKAGE = Path(utenforskap.__file__).parent
# Number formatting may differ by language outside the catalogue (e.g. "11,2 %"
# against "11.2%"); wording may not.
ALLOWED = {("plot/labels.py", "format_percent")}


def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


@pytest.mark.parametrize("key", sorted(TEXTS))
def test_every_text_in_both_languages_with_the_same_placeholders(key: str) -> None:
    entry = TEXTS[key]
    assert len(entry) == len(LANGS)
    assert all(entry), key
    assert _fields(entry[0]) == _fields(entry[1]), key


def test_text_fills_placeholders_and_refuses_unknown_languages() -> None:
    assert text("contents.pages", "en", theme="Overview", first=2, last=4) == (
        "Overview: pages 2–4"
    )
    with pytest.raises(ParameterError, match="lang must be one of 'nb', 'en'; not 'nn'"):
        text("source", "nn")


def _language_branches(path: Path) -> list[tuple[str, int]]:
    """Functions that compare ``lang`` with a string literal."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for func in ast.walk(tree):
        if not isinstance(func, ast.FunctionDef):
            continue
        for node in ast.walk(func):
            if isinstance(node, ast.Compare):
                sides = [node.left, *node.comparators]
                names = {s.id for s in sides if isinstance(s, ast.Name)}
                literals = [s for s in sides if isinstance(s, ast.Constant)]
                if "lang" in names and literals:
                    found.append((func.name, node.lineno))
    return found


@pytest.mark.parametrize("area", ["plot", "publish"])
def test_no_wording_branches_on_the_language_outside_the_catalogue(area: str) -> None:
    offenders = [
        f"{path.relative_to(PACKAGE)}:{line} in {name}"
        for path in sorted((PACKAGE / area).glob("*.py"))
        for name, line in _language_branches(path)
        if (str(path.relative_to(PACKAGE)), name) not in ALLOWED
    ]
    assert offenders == []
