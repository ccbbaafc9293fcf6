"""Reading the [disclosure] section of the run configuration."""

from __future__ import annotations

import tomllib

import pytest

from utenforskap.disclosure import RuleBook, Rules, rules_from_config
from utenforskap.errors import ConfigError

SNIPPET = """
[disclosure]
min_count = 5
min_denominator = 20
protect_zeros = false
series_share = 0.5
coverage_max_unknown = 0.08
coverage_max_difference = 0.05

[disclosure.per_indicator.neet]
min_count = 3

[disclosure.per_indicator.low_income_children]
protect_zeros = true
min_denominator = 30
"""


def test_documented_snippet_gives_the_defaults_and_overrides() -> None:
    book = rules_from_config(tomllib.loads(SNIPPET)["disclosure"])
    assert book.default == Rules()
    assert book.rules_for("neet") == Rules(min_count=3)
    assert book.rules_for("low_income_children") == Rules(protect_zeros=True, min_denominator=30)
    assert book.rules_for("anything_else") == Rules()
    assert rules_from_config(book.as_dict()) == book


def test_defaults() -> None:
    rules = Rules()
    assert (rules.min_count, rules.min_denominator, rules.protect_zeros) == (5, 20, False)
    assert (rules.series_share, rules.coverage_max_unknown) == (0.5, 0.08)
    assert rules.coverage_max_difference == 0.05
    assert rules_from_config(None) == RuleBook()
    assert rules_from_config({}) == RuleBook()


def test_overrides_inherit_the_section() -> None:
    book = rules_from_config({"min_denominator": 30, "per_indicator": {"neet": {"min_count": 3}}})
    assert book.rules_for("neet") == Rules(min_count=3, min_denominator=30)


@pytest.mark.parametrize(
    ("mapping", "message"),
    [
        ({"min_cout": 5}, r"key disclosure\.min_cout: unknown key; allowed keys are \["),
        (
            {"per_indicator": {"neet": {"min_cout": 3}}},
            r"key disclosure\.per_indicator\.neet\.min_cout: unknown key",
        ),
        ({"min_count": 2.5}, r"key disclosure\.min_count, value 2\.5: must be a whole number"),
        ({"min_count": -1}, r"must be a whole number ≥ 0"),
        ({"min_count": True}, r"must be a whole number ≥ 0"),
        ({"protect_zeros": "yes"}, r"key disclosure\.protect_zeros, value 'yes': must be true"),
        ({"series_share": 50}, r"key disclosure\.series_share, value 50: must be a share"),
        ({"per_indicator": ["neet"]}, r"key disclosure\.per_indicator.*must be a table"),
        ({"per_indicator": {"neet": 3}}, r"key disclosure\.per_indicator\.neet, value 3"),
    ],
)
def test_precise_errors(mapping: dict[str, object], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        rules_from_config(mapping, file=None)


def test_error_names_the_file() -> None:
    with pytest.raises(ConfigError, match=r"^run\.toml, key disclosure\.x: unknown key"):
        rules_from_config({"x": 1}, file="run.toml")


def test_rules_validate_themselves() -> None:
    with pytest.raises(ConfigError, match=r"key coverage_max_unknown, value 1\.5"):
        Rules(coverage_max_unknown=1.5)


def test_rules_broadcast_per_row() -> None:
    import numpy as np

    book = RuleBook(per_indicator={"neet": Rules(min_count=3)})
    rows = book.per_row(np.array(["neet", "other", "neet"], dtype=object))
    assert rows["min_count"].tolist() == [3, 5, 3]
    assert rows["protect_zeros"].tolist() == [False, False, False]


def test_protection_level_defaults_to_min_count_and_reads_from_the_section() -> None:
    assert Rules().protection == 5 and Rules(min_count=3).protection == 3
    book = rules_from_config({"protection_level": 8, "per_indicator": {"neet": {"min_count": 3}}})
    assert book.default.protection == 8
    assert book.rules_for("neet").protection == 8  # overrides start from the section
    assert (
        rules_from_config({"per_indicator": {"neet": {"min_count": 3}}})
        .rules_for("neet")
        .protection
        == 3
    )
    assert rules_from_config(book.as_dict()) == book
    with pytest.raises(ConfigError, match=r"disclosure\.protection_level"):
        rules_from_config({"protection_level": -1})
