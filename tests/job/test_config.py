"""Run configuration: the schema, and errors that name key path, value and what was expected."""

from __future__ import annotations

import copy
import tomllib
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from utenforskap.datasets import demo_config_path
from utenforskap.errors import ConfigError
from utenforskap.job.cli import main
from utenforskap.job.config import SSB_CACHE, load_config, missing_files, parse_config

DEMO: dict[str, Any] = tomllib.loads(demo_config_path().read_text(encoding="utf-8"))
#: Position of an input appended after the demo's own.
NEXT = len(DEMO["inputs"])
BASE = Path("/srv/kommune")

SSB = {
    "id": "neet_land",
    "format": "ssb",
    "table": "13563",
    "selection": {"Region": ["0"], "Tid": "top(5)"},
    "mapping": copy.deepcopy(DEMO["inputs"][2]["mapping"]),
}


def _parse(raw: dict[str, Any]) -> Any:
    return parse_config(raw, base=BASE, file=BASE / "kommune.toml")


def _with(path: str, value: Any) -> dict[str, Any]:
    """The demo document with one value set (``None`` deletes); path like ``inputs.2.mapping``."""
    raw = copy.deepcopy(DEMO)
    *parents, last = path.split(".")
    node: Any = raw
    for part in parents:
        node = node[int(part)] if part.isdigit() else node[part]
    if value is None:
        del node[int(last) if last.isdigit() else last]
    elif last.isdigit():
        node[int(last)] = value
    else:
        node[last] = value
    return raw


def test_demo_config_parses() -> None:
    cfg = _parse(copy.deepcopy(DEMO))
    assert cfg.title == "Eksempelkommune"
    assert [i.format for i in cfg.inputs] == [
        "microdata",
        "microdata",
        "jsonstat",
        "table",
        "counts",
        "microdata",
    ]
    assert cfg.inputs[0].path == BASE / "data/raw/demo/register.csv"
    assert cfg.output == BASE / "data/processed"
    assert cfg.figures.report is True  # png is among the formats
    assert {i.id for i in cfg.indicators} >= {"neet", "ungdata_loneliness"}


def test_ssb_input_parses_with_cache_beside_the_config() -> None:
    raw = copy.deepcopy(DEMO)
    raw["inputs"].append(copy.deepcopy(SSB))
    inp = _parse(raw).inputs[-1]
    assert (inp.format, inp.table, inp.lang, inp.offline, inp.refresh) == (
        "ssb",
        "13563",
        "no",
        False,
        False,
    )
    assert inp.path == BASE / SSB_CACHE
    assert inp.selection == {"Region": ["0"], "Tid": "top(5)"}


# (change, expected key path, fragments of the message)
ERRORS: dict[str, tuple[dict[str, Any], str, list[str]]] = {
    "top-level typo": (_with("titel", "x"), "titel", ["did you mean 'title'"]),
    "geography typo": (_with("geography.kommun", "9901"), "geography.kommun", ["'kommune'"]),
    "kommune code": (_with("geography.kommune", "301"), "geography.kommune", ["4-digit", "'301'"]),
    "format typo": (_with("inputs.0.format", "microdat"), "inputs[0].format", ["'microdata'"]),
    "mapping value type": (
        _with("inputs.2.mapping.region", 7),
        "inputs[2].mapping.region",
        ["must be a text", "7"],
    ),
    "mapping key typo": (
        _with("inputs.2.mapping.regoin", "Region"),
        "inputs[2].mapping.regoin",
        ["did you mean 'region'"],
    ),
    "mapping missing": (_with("inputs.2.mapping", None), "inputs[2].mapping", ["mapping"]),
    "mapping indicator": (
        _with("inputs.2.mapping.indicator", "neat"),
        "inputs[2].mapping.indicator",
        ["unknown indicator", "'neat'"],
    ),
    "key of another format": (
        _with("inputs.2.indicators", ["neet"]),
        "inputs[2].indicators",
        ["not used by format 'jsonstat'", "'microdata'"],
    ),
    "microdata without indicators": (
        _with("inputs.0.indicators", None),
        "inputs[0].indicators",
        ["registry ids"],
    ),
    "unknown indicator": (_with("indicators.neat", {}), "indicators.neat", ["'neet'"]),
    "pool": (_with("indicators.neet.pool", 0), "indicators.neet.pool", ["≥ 1", "0"]),
    "level as percent": (
        _with("statistics.level", 95),
        "statistics.level",
        ["strictly between 0 and 1", "95"],
    ),
    "interval method": (_with("statistics.method", "wald"), "statistics.method", ["'wilson'"]),
    "disclosure typo": (
        _with("disclosure.min_cout", 3),
        "disclosure.min_cout",
        ["min_cout"],
    ),
    "figures report without png": (
        {**DEMO, "figures": {**DEMO["figures"], "formats": ["svg"], "report": True}},
        "figures.report",
        ["add 'png'"],
    ),
    "trend region": (
        _with("figures.trend_regions", ["Gamle Oslo"]),
        "figures.trend_regions[0]",
        ["region code", "'Gamle Oslo'"],
    ),
    "ssb table": (
        {**DEMO, "inputs": [*DEMO["inputs"], {**SSB, "table": 13563}]},
        f"inputs[{NEXT}].table",
        ["SSB table number", "13563"],
    ),
    "ssb selection value": (
        {**DEMO, "inputs": [*DEMO["inputs"], {**SSB, "selection": {"Tid": 2024}}]},
        f"inputs[{NEXT}].selection.Tid",
        ["list of code texts", "2024"],
    ),
    "ssb key typo": (
        {**DEMO, "inputs": [*DEMO["inputs"], {**SSB, "ofline": True}]},
        f"inputs[{NEXT}].ofline",
        ["did you mean 'offline'"],
    ),
    "ssb-only key on a file": (
        _with("inputs.3.offline", True),
        "inputs[3].offline",
        ["not used by format 'table'", "'ssb'"],
    ),
}


@pytest.mark.parametrize("case", sorted(ERRORS))
def test_errors_name_key_value_and_expectation(case: str) -> None:
    raw, key, fragments = ERRORS[case]
    with pytest.raises(ConfigError) as info:
        _parse(copy.deepcopy(raw))
    assert info.value.key == key
    text = str(info.value)
    assert text.startswith(str(BASE / "kommune.toml"))
    assert f"key {key}" in text
    for fragment in fragments:
        assert fragment in text


@given(st.from_regex(r"[a-z_]{3,12}", fullmatch=True))
def test_any_unknown_top_level_key_is_named(name: str) -> None:
    if name in DEMO or name in ("title", "output", "statistics", "figures", "disclosure"):
        return
    with pytest.raises(ConfigError) as info:
        _parse({**DEMO, name: 1})
    assert info.value.key == name and "unknown key" in str(info.value)


def test_svg_only_figures_write_no_report() -> None:
    cfg = _parse({**DEMO, "figures": {**DEMO["figures"], "formats": ["svg"]}})
    assert cfg.figures.report is False


def test_missing_files_are_named_by_key(tmp_path: Path) -> None:
    config = tmp_path / "kommune.toml"
    config.write_text(demo_config_path().read_text(encoding="utf-8"), encoding="utf-8")
    errors = missing_files(load_config(config))
    keys = [e.key for e in errors]
    assert keys[:4] == ["inputs[0].path", "inputs[1].path", "inputs[2].path", "inputs[3].path"]
    assert "geography.crosswalk" in keys and "geography.regions" in keys


def test_validate_command(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from utenforskap.datasets import write_demo_data

    monkeypatch.chdir(tmp_path)
    config = tmp_path / "kommune.toml"
    config.write_text(demo_config_path().read_text(encoding="utf-8"), encoding="utf-8")
    assert main(["validate", "--config", str(config)]) == 2
    err = capsys.readouterr().err
    assert "key inputs[0].path" in err and "file not found" in err
    write_demo_data(tmp_path / "data" / "raw" / "demo")
    assert main(["validate", "--config", str(config)]) == 0
    assert f"valid ({NEXT} inputs, 8 indicators)" in capsys.readouterr().out


def test_figure_size_and_district_trends(tmp_path: Path) -> None:
    raw = {
        "geography": {"kommune": "9901"},
        "inputs": [{"id": "c", "format": "counts", "path": "c.csv"}],
        "indicators": {"neet": {}},
        "figures": {"size": "slide", "district_trends": True},
    }
    cfg = parse_config(raw, base=tmp_path)
    assert (cfg.figures.size, cfg.figures.district_trends) == ("slide", True)
    raw["figures"] = {"size": "a3"}
    with pytest.raises(ConfigError, match=r"figures\.size"):
        parse_config(raw, base=tmp_path)
