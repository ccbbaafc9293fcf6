"""What a run checks before computing, in one place: ``validate`` and ``run`` call the same code."""

from __future__ import annotations

import logging
import warnings
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
import pandas as pd

from utenforskap import frames as F
from utenforskap.errors import ConfigError, DataError, ParameterError, warning_kind
from utenforskap.geo import (
    Crosswalk,
    HarmoniseReport,
    RegionRegistry,
    harmonise,
    read_crosswalk,
    rollup_levels,
)
from utenforskap.geo.crosswalk import FROM_CODE, TO_CODE
from utenforskap.job.config import GeographyConfig, RunConfig
from utenforskap.job.inputs import Inputs, read_inputs
from utenforskap.job.plan import RunPlan, plan_run, resolve_config
from utenforskap.job.results import RunWarning
from utenforskap.microdata import read_microdata

__all__ = [
    "Prepared",
    "Validated",
    "caught_warnings",
    "check_output",
    "prepare",
    "validate",
]

log = logging.getLogger("utenforskap")


@dataclass(frozen=True)
class Prepared:
    """The inputs of a run read, harmonised, rolled up to kommune and checked; nothing computed.

    Attributes
    ----------
    config
        The configuration.
    registry
        Known regions (configured, crosswalk, levekårssone map, built-in).
    inputs
        What the inputs gave (:class:`~utenforskap.job.inputs.Inputs`).
    counts
        The CountFrame harmonised to ``to_year`` and rolled up to kommune.
    coverage
        The roll-up's district coverage.
    rates
        Published rates, their regions checked and named.
    report
        The harmonisation report, or None without a crosswalk.
    warnings
        What the checks found partial (named :class:`RunWarning` s).
    """

    config: RunConfig
    registry: RegionRegistry
    inputs: Inputs = field(repr=False)
    counts: pd.DataFrame = field(repr=False)
    coverage: pd.DataFrame = field(repr=False)
    rates: pd.DataFrame = field(repr=False)
    report: HarmoniseReport | None = None
    warnings: tuple[RunWarning, ...] = ()


@dataclass(frozen=True)
class Validated:
    """What :func:`validate` found: the plan and the warnings a run would give before computing.

    Attributes
    ----------
    plan
        The run's plan (nothing fetched).
    prepared
        The inputs read and checked; None when some SSB or FHI input is not
        in the cache yet (its data cannot be checked without asking the agency).
    warnings
        Named warnings, as the run would list them in ``manifest.json``.
    not_fetched
        Keys of SSB and FHI inputs not in the cache (``utenforskap fetch``).
    """

    plan: RunPlan
    prepared: Prepared | None
    warnings: tuple[RunWarning, ...] = ()
    not_fetched: tuple[str, ...] = ()


@contextmanager
def caught_warnings() -> Iterator[list[RunWarning]]:
    """Collect the Python warnings raised inside the block as named :class:`RunWarning` s.

    Yields
    ------
    list of RunWarning
        Filled when the block ends, in the order raised, each (kind, message) once.
    """
    found: list[RunWarning] = []
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            yield found
        finally:
            seen: set[tuple[str, str]] = set()
            for item in caught:
                kind = warning_kind(item.message)  # type: ignore[arg-type]
                key = (kind, str(item.message))
                if key not in seen:
                    seen.add(key)
                    found.append(RunWarning(kind, str(item.message)))


def check_output(target: Path, *, config: RunConfig | None = None) -> None:
    """Refuse an output folder that cannot be made: it, or a folder above it, is a file.

    Parameters
    ----------
    target
        The output folder.
    config
        The configuration, to name its file in the message.

    Raises
    ------
    ConfigError
        Naming the key ``output`` and the file in the way.
    """
    source = None if config is None else config.source
    if target.exists() and not target.is_dir():
        raise ConfigError(
            f"the output folder {target} is a file; choose another output or move the file",
            file=source,
            key="output",
        )
    for parent in target.parents:
        if parent.exists() and not parent.is_dir():
            raise ConfigError(
                f"cannot make the output folder {target}: {parent} is a file, not a folder; "
                "choose another output or move the file",
                file=source,
                key="output",
            )
        if parent.is_dir():
            break


def _registry(geo: GeographyConfig, crosswalk: Crosswalk | None) -> RegionRegistry:
    """Known regions: the configured list, the crosswalk's and levekårssone maps' codes, and
    Norway's built-in regions of ``to_year`` (so every region has a name); the user's names win."""
    registry = RegionRegistry.from_csv(geo.regions) if geo.regions is not None else None
    extra = []
    if crosswalk is not None:
        extra.append(RegionRegistry.from_crosswalk(crosswalk))
    if geo.levekarssone_map is not None:
        extra.append(RegionRegistry.from_levekarssone_csv(geo.levekarssone_map))
    if extra:
        combined = extra[0].combine(*extra[1:])
        registry = combined if registry is None else registry.combine(combined, on_conflict="first")
    if registry is None:
        return RegionRegistry.builtin(geo.to_year)
    return registry.with_builtin(geo.to_year)


def _check_rate_regions(
    rates: pd.DataFrame, crosswalk: Crosswalk | None, registry: RegionRegistry
) -> pd.DataFrame:
    """Published rates cannot be harmonised (no counts to sum): their codes are ``to_year``'s."""
    if rates.empty:
        return rates
    if crosswalk is not None:
        table = crosswalk.table
        moved = table.loc[table[FROM_CODE] != table[TO_CODE], FROM_CODE]
        old = rates[F.REGION].isin(set(moved)).to_numpy()
        if old.any():
            row = rates.loc[old].iloc[0]
            raise DataError(
                f"a published rate of {row[F.INDICATOR]!r} is given for a kommune code that "
                f"changed by {crosswalk.to_year}; rates cannot be summed into the new "
                "kommune, so give them on the new borders (FHI's API does)",
                column=F.REGION,
                value=row[F.REGION],
            )
    registry.check(rates[F.REGION], source="published rates")
    return registry.fill_names(rates)


def _harmonised(
    counts: pd.DataFrame,
    config: RunConfig,
    crosswalk: Crosswalk | None,
    registry: RegionRegistry,
) -> tuple[pd.DataFrame, HarmoniseReport | None]:
    geo = config.geography
    if crosswalk is None:
        return counts, None
    weights = read_microdata(geo.split_weights) if geo.split_weights is not None else None
    counts, report = harmonise(
        counts,
        to_year=geo.to_year,
        crosswalk=crosswalk,
        weights=weights,
        registry=registry,
        on_split=geo.on_split,
        source=config.source,
    )
    log.info("harmonised %d old kommune codes to %d", len(report.changed), geo.to_year)
    return counts, report


def _named(registry: RegionRegistry, codes: Sequence[str]) -> list[str]:
    names = registry.name_of(np.asarray(list(codes), dtype=object))
    return [f"{n} ({c})" if n else c for c, n in zip(codes, names, strict=True)]


def _check_regions_of_config(
    config: RunConfig, shown: set[str], registry: RegionRegistry
) -> list[RunWarning]:
    """The kommune, trend and reference regions the configuration names, against the data."""
    source = config.source
    found: list[RunWarning] = []
    kommune, fylke = config.geography.kommune, config.geography.fylke
    if not kommune and fylke and not any(c.startswith(fylke) and len(c) >= 4 for c in shown):
        # A fylke's run: the kommuner of the fylke must be in the data.
        raise ConfigError(
            "no input gives a kommune of this fylke; the data have kommuner "
            f"{sorted(c for c in shown if len(c) == 4)[:10]}",
            file=source,
            key="geography.fylke",
            value=fylke,
        )
    if kommune and kommune not in shown:
        kommuner = sorted(c for c in shown if len(c) == 4)
        raise ConfigError(
            "no input gives this kommune (nor districts of it); the data have kommuner "
            f"{kommuner[:10]}{' …' if len(kommuner) > 10 else ''}",
            file=source,
            key="geography.kommune",
            value=kommune,
        )
    missing_trend = []
    for i, code in enumerate(config.figures.trend_regions):
        if code not in registry:
            districts = sorted(c for c in shown if c[:4] == kommune and len(c) > 4)
            raise ConfigError(
                "unknown region code (not in geography.regions nor Norway's regions); "
                f"the kommune's districts are {districts[:12]}",
                file=source,
                key=f"figures.trend_regions[{i}]",
                value=code,
            )
        if code not in shown:
            missing_trend.append(code)
    if missing_trend:
        found.append(
            RunWarning(
                "regions.unknown",
                f"figures.trend_regions: {', '.join(_named(registry, missing_trend))} have no "
                "rows in the data and are left out of the trend charts",
                tuple({"key": "figures.trend_regions", "region": c} for c in missing_trend),
            )
        )
    reference = config.statistics.reference
    if isinstance(reference, str):
        named = {"statistics.reference": reference} if reference.isdigit() else {}
    else:
        named = {f"statistics.reference.{k}": v for k, v in reference.items()}
        named.update({f"statistics.reference.{k} (region)": k for k in reference})
    for key, code in named.items():
        if code not in registry:
            raise ConfigError(
                "unknown region code (not in geography.regions nor Norway's regions)",
                file=source,
                key=key.removesuffix(" (region)"),
                value=code,
            )
        if code not in shown and not key.endswith("(region)"):
            # Nothing could be compared with it, and its charts could not be drawn.
            raise ConfigError(
                f"the reference region {_named(registry, [code])[0]} has no rows in the data; "
                "add an input with its counts, or choose another reference",
                file=source,
                key=key,
                value=code,
            )
    return found


def _check_boundaries(config: RunConfig, shown: set[str]) -> list[RunWarning]:
    """The boundary file must be readable with its code property, and match the data's codes."""
    geo = config.geography
    if geo.boundaries is None:
        return []
    from utenforskap.geo import read_boundaries

    boundaries = read_boundaries(geo.boundaries, code_property=geo.boundary_code_property)
    codes = set(boundaries.codes)
    data = {c for c in shown if c != "0"}
    if not (codes & data):
        districts = sorted(c for c in data if len(c) > 4) or sorted(data)
        raise DataError(
            "no region code of the boundaries is in the data: are the boundaries and the data "
            f"on the same year's codes and level? The file has {sorted(codes)[:6]}, the data "
            f"{districts[:6]}",
            file=geo.boundaries,
            column=geo.boundary_code_property,
            value=sorted(codes)[0] if codes else None,
        )
    # Partial matches are warned about where the maps are drawn (boundaries.unmatched).
    return []


def _scoped(
    counts: pd.DataFrame, rates: pd.DataFrame, kommune: str
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The rows a batch's kommune keeps (see :func:`~utenforskap.job.batch_config.in_scope`)."""
    from utenforskap.job.batch_config import in_scope

    kept = []
    for frame in (counts, rates):
        if frame.empty:
            kept.append(frame)
            continue
        kept.append(frame[in_scope(frame[F.REGION], kommune)].reset_index(drop=True))
    own = [
        str(code)
        for frame in kept
        if not frame.empty
        for code in frame[F.REGION].unique()
        if str(code).startswith(kommune)
    ]
    if not own:
        from utenforskap.geo.catalogue import region_name

        raise DataError(
            f"the inputs hold no rows for kommune {kommune} {region_name(kommune)} or its "
            "districts; check that its files are the right ones",
            column=F.REGION,
            value=kommune,
        )
    return kept[0], kept[1]


def prepare(config: RunConfig | str | Path | None = None) -> Prepared:
    """Read, harmonise, roll up and check every input of a run, without computing indicators.

    This is the first half of :func:`~utenforskap.job.pipeline.compute`;
    ``utenforskap validate`` runs it too, so a configuration it calls valid
    is one the run accepts. Checks: every input readable and in the
    vocabulary (periods, ages, sexes, counts, region codes), the crosswalk
    and the regions file, the kommune given by the data, ``trend_regions``
    and reference regions known, the boundaries' code property and codes.

    Parameters
    ----------
    config
        A configuration, a path to a TOML file, or None for the bundled demo.

    Returns
    -------
    Prepared
        Counts rolled up to kommune, rates, the registry and the warnings found.

    Raises
    ------
    ConfigError, DataError, FetchError
        Something must be fixed; the message names the file or key, column,
        line and value.
    """
    cfg = resolve_config(config, generate=True)
    geo = cfg.geography
    crosswalk = (
        read_crosswalk(geo.crosswalk, to_year=geo.to_year) if geo.crosswalk is not None else None
    )
    registry = _registry(geo, crosswalk)
    inputs = read_inputs(cfg, registry)
    counts, report = _harmonised(inputs.counts, cfg, crosswalk, registry)
    rates = _check_rate_regions(inputs.rates, crosswalk, registry)
    registry.check(counts[F.REGION], source="the inputs after harmonising kommune codes")
    if cfg.scope is not None:
        counts, rates = _scoped(counts, rates, cfg.scope)
    counts, coverage = rollup_levels(counts, to="kommune", registry=registry, source=cfg.source)
    counts = F.validate_counts(counts)
    shown = set(counts[F.REGION].astype(str)) | set(rates[F.REGION].astype(str))
    found = [
        *_check_regions_of_config(cfg, shown, registry),
        *_check_boundaries(cfg, shown),
    ]
    return Prepared(
        cfg, registry, inputs, counts, coverage, rates, report=report, warnings=tuple(found)
    )


def validate(config: RunConfig | str | Path | None = None) -> Validated:
    """Check a configuration as a run would, short of computing: ``utenforskap validate``.

    The plan (every input there and readable, the output folder possible)
    and :func:`prepare` (every input read and checked); SSB and FHI inputs
    not in the cache are not fetched, and their data are not checked.

    Parameters
    ----------
    config
        A configuration, a path to a TOML file, or None for the bundled demo.

    Returns
    -------
    Validated
        The plan, what was prepared, and the warnings the run would give
        before computing (each also logged).

    Raises
    ------
    ConfigError, DataError
        What the run would refuse, with the same message.
    """
    cfg = resolve_config(config)
    check_output(cfg.output, config=cfg)
    plan = plan_run(cfg)
    if not isinstance(plan, RunPlan):
        raise ParameterError(
            "validate checks one kommune's configuration; for a [batch], validate each of "
            "utenforskap.job.batch_config.kommune_configs(config), as `utenforskap validate` does"
        )
    waiting = [p for p in plan.inputs if p.state == "to fetch"]
    plan.check_ready(to_fetch=True)
    not_fetched = tuple(p.key for p in waiting)
    prepared = None
    with caught_warnings() as python_warnings:
        if not waiting:
            prepared = prepare(plan.config)
        else:
            fetched_keys = {k.split(".")[0] for k in not_fetched}
            kept = tuple(
                inp
                for i, inp in enumerate(plan.config.inputs)
                if f"inputs[{i}]" not in fetched_keys
            )
            if kept:
                prepared = prepare(replace(plan.config, inputs=kept))
    found = [*python_warnings, *(prepared.warnings if prepared is not None else ())]
    if prepared is not None:
        found += list(prepared.inputs.warnings)
    for warning in found:
        warning.log(log)
    return Validated(plan, prepared, tuple(found), not_fetched)
