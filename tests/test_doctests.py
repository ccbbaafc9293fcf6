"""Every docstring example in the package runs and shows what it says."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import utenforskap

MODULES = sorted(
    info.name
    for info in pkgutil.walk_packages(utenforskap.__path__, prefix="utenforskap.")
    if not info.name.endswith("__main__")
)


#: Modules whose examples compute the whole demo (with its disclosure audit):
#: outside the fast loop, in the full suite.
_SLOW = {"utenforskap.job.pipeline"}


@pytest.mark.parametrize(
    "name",
    [pytest.param(m, marks=pytest.mark.slow) if m in _SLOW else m for m in MODULES],
)
def test_docstring_examples(name: str, tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    module = importlib.import_module(name)
    # Examples that write files write them into a scratch folder.
    monkeypatch.chdir(tmp_path)
    result = doctest.testmod(
        module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE, verbose=False
    )
    assert result.failed == 0, f"{result.failed} of {result.attempted} examples failed in {name}"


def test_public_functions_carry_examples() -> None:
    finder = doctest.DocTestFinder()
    examples = sum(
        len(test.examples)
        for name in MODULES
        for test in finder.find(importlib.import_module(name))
    )
    assert examples >= 50
