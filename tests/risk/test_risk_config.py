"""risk_from_config: the [risk] table, with errors that name the key path."""

from __future__ import annotations

import tomllib

import pytest

from utenforskap.errors import ConfigError
from utenforskap.risk import Component, Criterion, RiskSettings, risk_from_config

TOML = """
[risk]
method = "zscore"
draws = 2000
seed = 7
level = 0.8
worst = 2
weights = { neet = 2 }
indicators = [
  { id = "neet", age = "16-25" },
  { id = "low_income_children", period = "latest" },
  "ungdata_loneliness",
]
at_least = 2
min_population = 1000
gate = 0.9
population = { id = "neet", age = "16-25" }

[[risk.criteria]]
indicator = "neet"
age = "16-25"
op = ">"
threshold = 1.2
relative_to = "kommune"
periods = 2

[[risk.criteria]]
indicator = "low_income_children"
op = ">="
threshold = 20
"""


def test_a_full_table() -> None:
    settings = risk_from_config(tomllib.loads(TOML)["risk"], file="kommune.toml")
    assert settings.method == "zscore" and settings.draws == 2000 and settings.seed == 7
    assert settings.indicators == (
        Component("neet", "16-25"),
        Component("low_income_children"),
        Component("ungdata_loneliness"),
    )
    assert dict(settings.weights) == {"neet": 2.0}
    assert settings.criteria[0] == Criterion(
        "neet", ">", 1.2, age="16-25", relative_to="kommune", periods=2
    )
    assert (settings.at_least, settings.min_population, settings.gate) == (2, 1000.0, 0.9)
    assert settings.population == ("neet", "16-25")


def test_defaults() -> None:
    assert risk_from_config(None) == RiskSettings()
    assert risk_from_config({}) == RiskSettings()


@pytest.mark.parametrize(
    ("table", "key"),
    [
        ({"methd": "rank"}, "risk.methd"),
        ({"method": "ranks"}, "risk.method"),
        ({"draws": -1}, "risk.draws"),
        ({"draws": 1.5}, "risk.draws"),
        ({"level": 90}, "risk.level"),
        ({"gate": 0.4}, "risk.gate"),
        ({"indicators": "neet"}, "risk.indicators"),
        ({"indicators": [{"age": "16-25"}]}, "risk.indicators[0].id"),
        ({"indicators": [{"id": "neet", "ages": "16-25"}]}, "risk.indicators[0].ages"),
        ({"indicators": ["neet", "nett"]}, "risk.indicators[1]"),
        (
            {"indicators": ["neet"], "weights": {"low_income_children": 2}},
            "risk.weights.low_income_children",
        ),
        ({"weights": {"neet": -1}}, "risk.weights.neet"),
        ({"criteria": [{"indicator": "neet", "op": ">"}]}, "risk.criteria[0].threshold"),
        ({"criteria": [{"indicator": "neet", "op": "=", "threshold": 1}]}, "risk.criteria[0].op"),
        (
            {"criteria": [{"indicator": "neet", "op": ">", "threshold": 1, "relative_to": "by"}]},
            "risk.criteria[0].relative_to",
        ),
        (
            {"criteria": [{"indicator": "neet", "op": ">", "threshold": 1}], "at_least": 2},
            "risk.at_least",
        ),
        ({"reference": "Oslo"}, "risk.reference"),
        ({"population": {"id": "neet"}}, "risk.population.age"),
        ({"figures": "yes"}, "risk.figures"),
    ],
)
def test_errors_name_the_key_path(table: dict, key: str) -> None:
    with pytest.raises(ConfigError) as caught:
        risk_from_config(table, file="kommune.toml")
    assert str(caught.value).startswith(f"kommune.toml, key {key}")
    assert caught.value.key == key


def test_unknown_indicator_suggests_a_close_one() -> None:
    with pytest.raises(ConfigError, match="did you mean 'neet'"):
        risk_from_config({"indicators": ["nett"]})
    # A user's own indicators are allowed when known= says so.
    assert risk_from_config({"indicators": ["mine"]}, known=None).indicators[0].indicator == "mine"
