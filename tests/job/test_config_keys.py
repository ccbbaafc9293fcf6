"""The configuration keys of issues 14, 16 and 18: each accepted when right, refused by key path."""

from __future__ import annotations

import copy
import tomllib
from pathlib import Path
from typing import Any

import pytest

from utenforskap.datasets import demo_config_path
from utenforskap.errors import ConfigError
from utenforskap.job.cli import main
from utenforskap.job.config import FHI_CACHE, RunConfig, missing_files, parse_config
from utenforskap.job.init import init_config

DEMO: dict[str, Any] = tomllib.loads(demo_config_path().read_text(encoding="utf-8"))
BASE = Path("/srv/kommune")
REGISTER, UNGDATA, SSB_JSON, FHI_TABLE = 0, 1, 2, 3


def parse(raw: dict[str, Any]) -> RunConfig:
    return parse_config(raw, base=BASE, file=BASE / "kommune.toml")


def demo() -> dict[str, Any]:
    return copy.deepcopy(DEMO)


def with_input(index: int, **keys: Any) -> dict[str, Any]:
    raw = demo()
    for name, value in keys.items():
        if value is None:
            raw["inputs"][index].pop(name, None)
        else:
            raw["inputs"][index][name] = value
    return raw


def added(item: dict[str, Any], **indicators: Any) -> dict[str, Any]:
    raw = demo()
    raw["inputs"].append(item)
    raw["indicators"].update(indicators)
    return raw


def refused(raw: dict[str, Any], key: str, problem: str = "") -> ConfigError:
    with pytest.raises(ConfigError) as caught:
        parse(raw)
    assert caught.value.key == key, str(caught.value)
    assert problem in caught.value.problem, str(caught.value)
    return caught.value


RATE = {
    "indicator": "persistent_low_income_children",
    "region": "GEO",
    "region_name": "GEO_label",
    "period": "AAR",
    "default_age": "0-17",
}
FHI = {
    "id": "fhi_403",
    "format": "fhi",
    "table": "403",
    "dimensions": {"GEO": ["9901", "0"], "AAR": "bottom(3)", "MEASURE_TYPE": ["RATE"]},
    "rate": RATE,
}
LOW_INCOME = {"persistent_low_income_children": {"ages": ["0-17"]}}


# ---------------------------------------------------------------- microdata


def test_microdata_engine_keys_reach_the_input() -> None:
    cfg = parse(
        with_input(
            REGISTER,
            engine="spark",
            spark_master="local[2]",
            person_id="person_id",
            answers="label",
        )
    )
    inp = cfg.inputs[REGISTER]
    assert (inp.engine, inp.spark_master, inp.person_id, inp.answers) == (
        "spark",
        "local[2]",
        "person_id",
        "label",
    )
    inp = parse(with_input(REGISTER, engine="duckdb", memory_limit="8GB")).inputs[REGISTER]
    assert (inp.engine, inp.memory_limit) == ("duckdb", "8GB")


@pytest.mark.parametrize(
    ("keys", "key", "problem"),
    [
        ({"engine": "duckbd"}, "inputs[0].engine", "did you mean 'duckdb'"),
        ({"spark_master": "local[2]"}, "inputs[0].spark_master", 'only with engine = "spark"'),
        ({"engine": "spark", "spark_master": ""}, "inputs[0].spark_master", "non-empty"),
        ({"memory_limit": "lots"}, "inputs[0].memory_limit", '"2GB"'),
        ({"memory_limit": 4}, "inputs[0].memory_limit", "with its unit"),
        ({"engine": "pandas", "memory_limit": "4GB"}, "inputs[0].memory_limit", "DuckDB's"),
        ({"person_id": 7}, "inputs[0].person_id", "non-empty string"),
        ({"answers": "labels"}, "inputs[0].answers", "did you mean 'label'"),
        ({"group_codes": "nope", "group": None}, "inputs[0].group_codes", "needs group"),
        ({"group_codes": None}, "inputs[0].group", "needs group_codes"),
        ({"group_codes": "ssb_immigrant_categori"}, "inputs[0].group_codes", "did you mean"),
        ({"group_codes": {"B": "total"}}, "inputs[0].group_codes", "other than 'total'"),
        ({"group_codes": {"B": ""}}, "inputs[0].group_codes", "non-empty label"),
        ({"group_codes": ["B"]}, "inputs[0].group_codes", "standard map name"),
        ({"items": {"lonely": "ensom"}}, "inputs[0].items.lonely", "not an item"),
        ({"items": {"neet": ""}}, "inputs[0].items.neet", "non-empty text"),
        ({"indicators": ["neet", "child_welfare"]}, "inputs[0].indicators[1]", "[inputs.rate]"),
        ({"age_groups": {"elleve": ["11"]}}, "inputs[0].age_groups.elleve", "not an age band"),
    ],
)
def test_microdata_keys_are_refused_with_their_key_path(
    keys: dict[str, Any], key: str, problem: str
) -> None:
    refused(with_input(REGISTER, **keys), key, problem)


def test_group_codes_take_a_standard_map_or_a_table() -> None:
    assert parse(demo()).inputs[REGISTER].group_codes == "ssb_immigrant_category"
    table = {"A": "rest", "B": "immigrants", "C": "immigrants", "": "unknown"}
    assert parse(with_input(REGISTER, group_codes=table)).inputs[REGISTER].group_codes == table


def test_items_map_rule_items_to_columns() -> None:
    inp = parse(with_input(UNGDATA, items={"lonely": "ensom", "dep1": "d1"})).inputs[UNGDATA]
    assert dict(inp.items) == {"lonely": "ensom", "dep1": "d1"}


def test_age_group_labels_are_read_by_the_one_age_parser() -> None:
    groups = {"8.–10. trinn": ["8. trinn", "9. trinn", "10. trinn"], "Vg1 - Vg3": ["VG1"]}
    inp = parse(with_input(UNGDATA, age_groups=groups)).inputs[UNGDATA]
    assert list(inp.age_groups or {}) == ["8-10 trinn", "VG1-VG3"]


# ---------------------------------------------------------------- sources


def test_source_is_kept_and_agencies_get_a_default() -> None:
    cfg = parse(added({**FHI}, **LOW_INCOME))
    assert cfg.inputs[REGISTER].source == "Eksempelkommune, syntetiske registerdata"
    assert cfg.inputs[-1].source == "FHI, Kommunehelsa statistikkbank, tabell 403"
    raw = added({**FHI, "source": "FHI, tabell 403"}, **LOW_INCOME)
    assert parse(raw).inputs[-1].source == "FHI, tabell 403"
    assert parse(with_input(REGISTER, source=None)).inputs[REGISTER].source == ""


@pytest.mark.parametrize("value", ["", 13563, ["SSB"]])
def test_a_source_must_be_text(value: Any) -> None:
    refused(with_input(REGISTER, source=value), "inputs[0].source", "non-empty string")


# ---------------------------------------------------------------- fhi


def test_fhi_input_parses_with_its_cache_beside_the_config() -> None:
    inp = parse(added({**FHI}, **LOW_INCOME)).inputs[-1]
    assert (inp.format, inp.table, inp.source_api, inp.offline, inp.fetched) == (
        "fhi",
        "403",
        "nokkel",
        False,
        True,
    )
    assert inp.path == BASE / FHI_CACHE
    assert inp.dimensions["AAR"] == "bottom(3)"
    assert inp.publishes_rates and not inp.mapping


@pytest.mark.parametrize(
    ("keys", "key", "problem"),
    [
        ({"table": "Tabell 403"}, "table", "FHI table number"),
        ({"table": 403}, "table", "FHI table number"),
        ({"source_api": "nøkkel"}, "source_api", "must be one of 'nokkel', 'daar'"),
        ({"dimensions": None}, "dimensions", "dimension → codes"),
        ({"dimensions": {"GEO": [3203]}}, "dimensions.GEO", "list of value codes"),
        ({"refresh": "yes"}, "refresh", "true or false"),
        ({"selection": {"GEO": ["0"]}}, "selection", "not used by format 'fhi'"),
        ({"rate": None}, "mapping", "either an [inputs.mapping]"),
    ],
)
def test_fhi_keys_are_refused_with_their_key_path(
    keys: dict[str, Any], key: str, problem: str
) -> None:
    item = {**FHI, **keys}
    item = {k: v for k, v in item.items() if v is not None}
    refused(added(item, **LOW_INCOME), f"inputs[{len(DEMO['inputs'])}].{key}", problem)


def test_fetched_inputs_are_looked_for_only_offline(tmp_path: Path) -> None:
    raw = added({**FHI}, **LOW_INCOME)
    cfg = parse_config(raw, base=tmp_path)
    keys = [e.key for e in missing_files(cfg)]
    assert f"inputs[{len(DEMO['inputs'])}].path" not in keys
    raw["inputs"][-1]["offline"] = True
    keys = [e.key for e in missing_files(parse_config(raw, base=tmp_path))]
    assert f"inputs[{len(DEMO['inputs'])}].path" in keys


# ---------------------------------------------------------------- table, xlsx


def test_table_and_xlsx_reading_keys() -> None:
    inp = parse(
        with_input(
            FHI_TABLE, dialect="fhi", names_year=2024, within="40", ignore_columns=["Merknad"]
        )
    ).inputs[FHI_TABLE]
    assert (inp.dialect, inp.names_year, inp.within, inp.ignore_columns) == (
        "fhi",
        2024,
        "40",
        ("Merknad",),
    )
    raw = with_input(FHI_TABLE, format="xlsx", path="data/raw/fhi.xlsx", sheet="Ark1")
    raw["inputs"][FHI_TABLE]["header_row"] = 3
    inp = parse(raw).inputs[FHI_TABLE]
    assert (inp.format, inp.sheet, inp.header_row) == ("xlsx", "Ark1", 3)
    assert parse(with_input(FHI_TABLE, format="xlsx", sheet=0)).inputs[FHI_TABLE].sheet == 0


@pytest.mark.parametrize(
    ("keys", "key", "problem"),
    [
        ({"dialect": "fhii"}, "dialect", "did you mean 'fhi'"),
        ({"names_year": "2024"}, "names_year", "a year"),
        ({"names_year": 1500}, "names_year", "a year"),
        ({"within": 40}, "within", "fylke code or name"),
        ({"ignore_columns": "Merknad"}, "ignore_columns", "list of strings"),
        ({"sheet": "Ark1"}, "sheet", "not used by format 'table' (only by 'xlsx')"),
        ({"format": "xlsx", "sheet": -1}, "sheet", "position counted from 0"),
        ({"format": "xlsx", "sheet": True}, "sheet", "position counted from 0"),
        ({"format": "xlsx", "header_row": 0}, "header_row", "1 or more"),
        ({"format": "xlsx", "dialect": "fhi"}, "dialect", "only by 'table'"),
    ],
)
def test_table_and_xlsx_keys_are_refused(keys: dict[str, Any], key: str, problem: str) -> None:
    refused(with_input(FHI_TABLE, **keys), f"inputs[3].{key}", problem)


# ---------------------------------------------------------------- mapping or rate


def test_an_input_has_a_mapping_or_a_rate_not_both() -> None:
    raw = with_input(SSB_JSON, rate=dict(RATE, indicator="neet", default_age="16-25"))
    refused(raw, "inputs[2].rate", "not both")
    refused(with_input(SSB_JSON, mapping=None), "inputs[2].mapping", "either an [inputs.mapping]")


def test_rate_tables_are_validated_like_mappings() -> None:
    raw = with_input(SSB_JSON, mapping=None, rate=dict(RATE, measure="Måltall"))
    raw["indicators"].update(LOW_INCOME)
    assert parse(raw).inputs[SSB_JSON].rate["measure"] == "Måltall"
    bad = with_input(SSB_JSON, mapping=None, rate=dict(RATE, mesure="Måltall"))
    refused(bad, "inputs[2].rate.mesure", "did you mean 'measure'")
    bad = with_input(SSB_JSON, mapping=None, rate=dict(RATE, indicator="nope"))
    refused(bad, "inputs[2].rate.indicator", "unknown indicator")
    bad = with_input(SSB_JSON, mapping=None, rate=dict(RATE, ci_lower="lo"))
    refused(bad, "inputs[2].rate", "both 'ci_lower' and 'ci_upper'")
    bad = with_input(SSB_JSON, mapping=None, rate=dict(RATE, default_age="barn"))
    refused(bad, "inputs[2].rate.default_age", "not an age band")


def test_mapping_groups_take_a_standard_map_by_name() -> None:
    mapping = dict(DEMO["inputs"][SSB_JSON]["mapping"], group="InnvandrKat")
    mapping["group_map"] = "ssb_statbank_immigrant_category"
    inp = parse(with_input(SSB_JSON, mapping=mapping)).inputs[SSB_JSON]
    assert inp.mapping["group_map"] == {
        "A-G": "total",
        "B": "immigrants",
        "C": "norwegian_born_to_immigrant_parents",
    }
    mapping["group_map"] = "ssb_statbank"
    refused(with_input(SSB_JSON, mapping=mapping), "inputs[2].mapping.group_map", "must be one of")
    mapping["group_map"] = {"B": "immigrants"}
    mapping["default_group"] = 3
    refused(with_input(SSB_JSON, mapping=mapping), "inputs[2].mapping.default_group", "text")


def test_mapping_age_labels_are_stored_in_the_package_form() -> None:
    mapping = dict(DEMO["inputs"][SSB_JSON]["mapping"])
    mapping["age_map"] = {"016-019": "16 til 19 år", "020-025": "20–25", "016-025": "16-25"}
    inp = parse(with_input(SSB_JSON, mapping=mapping)).inputs[SSB_JSON]
    assert inp.mapping["age_map"] == {"016-019": "16-19", "020-025": "20-25", "016-025": "16-25"}


def test_a_published_rate_cannot_be_pooled() -> None:
    raw = added({**FHI}, persistent_low_income_children={"ages": ["0-17"], "pool": 3})
    refused(raw, "indicators.persistent_low_income_children.pool", "cannot be pooled")


# ---------------------------------------------------------------- indicators, risk


def test_indicator_ages_go_through_the_age_parser() -> None:
    raw = demo()
    raw["indicators"]["neet"] = {"ages": ["16 til 25", "16–19 år"]}
    ages = next(ic.ages for ic in parse(raw).indicators if ic.id == "neet")
    assert ages == ("16-25", "16-19")
    raw["indicators"]["neet"] = {"ages": ["16-25", "unge"]}
    refused(raw, "indicators.neet.ages[1]", "not an age band")
    raw["indicators"]["neet"] = {"ages": ["16-25", "16 - 25"]}
    refused(raw, "indicators.neet.ages", "twice")


def test_risk_table_is_parsed_into_the_run_config() -> None:
    raw = demo()
    # The demo shows where risk accumulates: four factors' deciles and four criteria.
    assert parse(raw).risk.method == "deciles"
    assert len(parse(raw).risk.criteria) == 4
    del raw["risk"]
    assert parse(raw).risk is None
    raw["risk"] = {
        "method": "zscore",
        "draws": 200,
        "indicators": [{"id": "neet", "age": "16-25"}, "low_income_children"],
    }
    risk = parse(raw).risk
    assert risk is not None
    assert (risk.method, risk.draws, [c.indicator for c in risk.indicators]) == (
        "zscore",
        200,
        ["neet", "low_income_children"],
    )
    raw["risk"] = {"methd": "zscore"}
    refused(raw, "risk.methd", "did you mean 'method'")
    raw["risk"] = {"indicators": ["child_welfare"]}  # in the registry, not in this run
    with pytest.raises(ConfigError, match=r"risk\.indicators\[0\]"):
        parse(raw)


def test_risk_settings_reach_the_plan_and_the_digest() -> None:
    from utenforskap.job.manifest import config_digest
    from utenforskap.job.plan import plan_run

    raw = demo()
    raw["risk"] = {"weights": {"neet": 2.0}}
    cfg = parse(raw)
    assert config_digest(cfg) != config_digest(parse(demo()))
    plan = plan_run(cfg, out=BASE / "out")
    assert plan.figures.risk is cfg.risk
    assert "risk (deciles)" in plan.figures.describe()


# ---------------------------------------------------------------- init writes a valid config


@pytest.mark.parametrize(
    ("kommune", "year", "neighbours"),
    [("3203", 2024, True), ("4003", 2024, True), ("0301", 2024, False), ("3025", 2023, True)],
)
def test_init_writes_what_validate_accepts(kommune: str, year: int, neighbours: bool) -> None:
    text = init_config(kommune, year=year, neighbours=neighbours)
    cfg = parse(tomllib.loads(text))
    assert cfg.geography.kommune == kommune
    assert {inp.format for inp in cfg.inputs} == {"ssb", "fhi"}
    assert all(inp.source for inp in cfg.inputs)
    assert "syntetisk" not in text.lower()
    rates = {inp.rate["indicator"] for inp in cfg.inputs if inp.rate}
    assert rates >= {
        "persistent_low_income_children",
        "child_welfare",
        "crowded_housing_children",
        "school_wellbeing",
        "bullied",
        "mental_health_primary_care",
    }
    assert {ic.id for ic in cfg.indicators} == rates | {"neet"}
    by_group = next(inp for inp in cfg.inputs if inp.table == "403")
    assert by_group.rate["group_map"]["20"] == "population_except_immigrants"


def test_init_and_validate_on_the_command_line(tmp_path: Path, capsys: Any) -> None:
    target = tmp_path / "asker.toml"
    assert main(["init", "--kommune", "3203", "--no-neighbours", "--out", str(target)]) == 0
    assert main(["validate", "--config", str(target)]) == 0
    # NEET from SSB 13563 at three levels (kommuner, fylke, land): one input each.
    assert "valid (10 inputs, 8 indicators)" in capsys.readouterr().out
    assert main(["init", "--kommune", "3203", "--out", str(target)]) == 2  # never overwritten
    assert main(["init", "--kommune", "3025", "--out", str(tmp_path / "old.toml")]) == 2
    assert not (tmp_path / "old.toml").exists()
    assert main(["init", "--kommune", "4003", "--out", "-"]) == 0
    assert 'kommune = "4003"' in capsys.readouterr().out
