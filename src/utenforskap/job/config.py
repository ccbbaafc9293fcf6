"""TOML run configuration → frozen dataclasses, with errors that name the key path."""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from utenforskap.errors import ConfigError
from utenforskap.job.config_inputs import (
    FETCHED_FORMATS,
    FHI_CACHE,
    INPUT_FORMATS,
    MAPPED_FORMATS,
    SSB_CACHE,
    InputConfig,
    parse_inputs,
)
from utenforskap.job.config_reader import ConfigReader
from utenforskap.job.config_sections import (
    FiguresConfig,
    GeographyConfig,
    IndicatorConfig,
    StatisticsConfig,
    parse_figures,
    parse_geography,
    parse_indicators,
    parse_statistics,
)

if TYPE_CHECKING:
    from utenforskap.job.batch_config import BatchConfig
    from utenforskap.risk.config import RiskSettings

__all__ = [
    "FETCHED_FORMATS",
    "FHI_CACHE",
    "INPUT_FORMATS",
    "MAPPED_FORMATS",
    "SSB_CACHE",
    "FiguresConfig",
    "GeographyConfig",
    "IndicatorConfig",
    "InputConfig",
    "RunConfig",
    "StatisticsConfig",
    "load_config",
    "missing_files",
    "parse_config",
]


@dataclass(frozen=True)
class RunConfig:
    """A whole run: inputs, geography, indicators, statistics, disclosure, figures, output.

    Attributes
    ----------
    title
        Name of the area, shown on the index page.
    output
        Output folder.
    inputs, geography, indicators, statistics, figures
        The sections above.
    disclosure
        The ``[disclosure]`` table as given (read by :mod:`utenforskap.disclosure`).
    risk
        The ``[risk]`` settings (:func:`~utenforskap.risk.config.risk_from_config`),
        or None when the configuration has no ``[risk]`` table.
    source
        The configuration file, or None for an in-memory configuration.
    base
        The folder relative paths were resolved against (None: unknown).
    batch
        The ``[batch]`` section (one run per kommune, see
        :mod:`utenforskap.job.batch`), or None for a single run.
    scope
        Set on each kommune's run of a batch: the kommune whose pack this
        is; only its own regions, its fylke, the whole country and its
        neighbour kommuner are kept from the inputs
        (:func:`~utenforskap.job.batch_config.in_scope`). None keeps every region.
    """

    title: str
    output: Path
    inputs: tuple[InputConfig, ...]
    geography: GeographyConfig
    indicators: tuple[IndicatorConfig, ...]
    statistics: StatisticsConfig = field(default_factory=StatisticsConfig)
    figures: FiguresConfig = field(default_factory=FiguresConfig)
    disclosure: Mapping[str, Any] = field(default_factory=dict)
    risk: RiskSettings | None = None
    source: Path | None = None
    base: Path | None = None
    batch: BatchConfig | None = None
    scope: str | None = None


_TOP = (
    "title",
    "output",
    "inputs",
    "geography",
    "indicators",
    "statistics",
    "figures",
    "disclosure",
    "risk",
    "batch",
)


def _check_pools(
    r: ConfigReader, inputs: tuple[InputConfig, ...], indicators: tuple[IndicatorConfig, ...]
) -> None:
    """A published rate keeps the publisher's periods: it cannot be pooled (no counts to sum)."""
    pooled = {ic.id: ic.pool for ic in indicators if ic.pool > 1}
    for i, inp in enumerate(inputs):
        ind = inp.rate.get("indicator") if inp.rate else None
        if ind in pooled:
            raise r.fail(
                f"inputs[{i}] gives {ind!r} as published rates, which cannot be pooled (there "
                "are no counts to sum); remove pool, the publisher's periods are kept",
                f"indicators.{ind}.pool",
                pooled[ind],
            )


def parse_config(raw: Mapping[str, Any], *, base: Path, file: Path | None = None) -> RunConfig:
    """Build a :class:`RunConfig` from a parsed TOML document.

    Parameters
    ----------
    raw
        The document as a dict.
    base
        Folder that relative paths are resolved against.
    file
        The configuration file, for error messages.

    Returns
    -------
    RunConfig
        The validated configuration.

    Raises
    ------
    ConfigError
        Unknown key (with a "did you mean" suggestion), wrong type or value;
        the message names the key path, e.g. ``inputs[1].format``.
    """
    r = ConfigReader(file, base)
    t = r.table(dict(raw), "", _TOP)
    batch = None
    geo_raw = t.get("geography", {})
    if "batch" in t:
        from utenforskap.job.batch_config import batch_from_config

        to_year = geo_raw.get("to_year", 2024) if isinstance(geo_raw, dict) else 2024
        batch = batch_from_config(
            t["batch"], year=to_year if isinstance(to_year, int) else 2024, file=file
        )
        if isinstance(geo_raw, dict):
            if "kommune" in geo_raw:
                raise r.fail(
                    "set per kommune by [batch]; remove it from [geography]",
                    "geography.kommune",
                    geo_raw["kommune"],
                )
            geo_raw = {**geo_raw, "kommune": batch.kommuner[0].code}
    geography = parse_geography(r, geo_raw)
    disclosure = t.get("disclosure", {})
    if not isinstance(disclosure, dict):
        raise r.fail("expected a table", "disclosure", disclosure)
    from utenforskap.disclosure import rules_from_config
    from utenforskap.disclosure.audit_settings import audit_setting, release_setting

    section = release_setting(audit_setting(disclosure, file=file)[1], file=file)[1]
    rules_from_config(section, file=file)
    indicators = parse_indicators(r, t.get("indicators", {}))
    if not indicators:
        raise r.fail("expected at least one indicator under [indicators]", "indicators")
    inputs = parse_inputs(r, t.get("inputs"))
    _check_pools(r, inputs, indicators)
    risk = None
    if "risk" in t:
        from utenforskap.risk.config import risk_from_config

        risk = risk_from_config(t["risk"], file=file, known=[ic.id for ic in indicators])
    config = RunConfig(
        title=r.string(t, "title", "", "utenforskap"),
        output=r.path(t, "output", "") if "output" in t else base / "data" / "processed",
        inputs=inputs,
        geography=geography,
        indicators=indicators,
        statistics=parse_statistics(r, t.get("statistics", {})),
        figures=parse_figures(r, t.get("figures", {})),
        disclosure=disclosure,
        risk=risk,
        source=file,
        base=base,
        batch=batch,
    )
    from utenforskap.job.batch_config import check_placeholders

    check_placeholders(config)
    return config


def load_config(path: str | Path, *, base: Path | None = None) -> RunConfig:
    """Read and validate a TOML run configuration.

    Parameters
    ----------
    path
        The TOML file.
    base
        Folder that relative paths in the file are resolved against; default:
        the file's own folder.

    Returns
    -------
    RunConfig
        The validated configuration.

    Raises
    ------
    ConfigError
        Missing or unreadable file, invalid TOML (with line and column), or an
        invalid key or value.

    Examples
    --------
    >>> from pathlib import Path
    >>> from utenforskap.datasets import demo_config_path
    >>> cfg = load_config(demo_config_path(), base=Path("/srv/kommune"))
    >>> cfg.geography.kommune, [i.format for i in cfg.inputs][:2]
    ('9901', ['microdata', 'microdata'])
    """
    file = Path(path)
    try:
        text = file.read_bytes().decode("utf-8")
    except FileNotFoundError:
        raise ConfigError("configuration file not found", file=file) from None
    except UnicodeDecodeError as exc:
        raise ConfigError(f"not UTF-8 text at byte {exc.start}", file=file) from None
    except OSError as exc:
        raise ConfigError(f"cannot read the configuration: {exc.strerror}", file=file) from None
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"invalid TOML: {exc}", file=file) from None
    return parse_config(raw, base=file.parent if base is None else base, file=file)


def missing_files(config: RunConfig) -> list[ConfigError]:
    """Check that every local file a configuration names exists.

    SSB and FHI inputs are checked only when ``offline`` (their cache folder
    must then exist); otherwise they are fetched at run time.

    Parameters
    ----------
    config
        The configuration.

    Returns
    -------
    list of ConfigError
        One error per missing file, naming its key path, e.g. ``inputs[1].path``.
    """
    keys: list[tuple[str, Path]] = [
        (f"inputs[{i}].path", inp.path)
        for i, inp in enumerate(config.inputs)
        if not inp.fetched or inp.offline
    ]
    geo = config.geography
    for name in ("regions", "crosswalk", "split_weights", "levekarssone_map", "boundaries"):
        path = getattr(geo, name)
        if path is not None:
            keys.append((f"geography.{name}", path))
    return [
        ConfigError(f"file not found: {path}", file=config.source, key=key)
        for key, path in keys
        if not path.exists()
    ]
