"""The Examples in the statistics modules' docstrings run and give what they show."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = [
    "utenforskap.stats.intervals",
    "utenforskap.stats.compare",
    "utenforskap.stats.funnel",
    "utenforskap.stats.standardise",
    "utenforskap.stats.smoothing",
    "utenforskap.periods",
    "utenforskap.indicators",
]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0
    assert result.failed == 0


def test_public_api_is_explicit():
    stats = importlib.import_module("utenforskap.stats")
    for name in stats.__all__:
        assert hasattr(stats, name)
    assert {
        "proportion_ci",
        "count_ci",
        "rate_ci",
        "compute_dsr",
        "smooth_eb",
        "funnel_limits",
        "funnel_classify",
        "compare_with_reference",
        "holm",
    } <= set(stats.__all__)
