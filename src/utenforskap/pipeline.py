"""run(config): read inputs, count, compute, suppress, and write tables and figures atomically."""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pandas as pd

from utenforskap import frames as F
from utenforskap.aggregate import aggregate, read_counts, read_microdata
from utenforskap.config import GeographyConfig, InputConfig, RunConfig, load_config
from utenforskap.datasets.demo import DEMO_DIR, demo_config_path, ensure_demo_data
from utenforskap.disclosure import rules_from_config, suppress
from utenforskap.errors import ConfigError
from utenforskap.geo import (
    HarmoniseReport,
    RegionRegistry,
    harmonise,
    read_crosswalk,
    rollup_levels,
)
from utenforskap.indicators import compute_indicators
from utenforskap.io import read_official_counts
from utenforskap.output import write_tables
from utenforskap.periods import pool_periods
from utenforskap.registry import INDICATORS

__all__ = ["atomic_folder", "compute", "demo_config", "read_inputs", "run"]

log = logging.getLogger("utenforskap")


def demo_config(base: Path | None = None) -> RunConfig:
    """The bundled demo configuration, with paths relative to ``base`` (default: cwd).

    Parameters
    ----------
    base
        Folder that ``data/raw/demo`` and ``data/processed`` are relative to.

    Returns
    -------
    RunConfig
        The demo configuration.
    """
    return load_config(demo_config_path(), base=Path.cwd() if base is None else base)


def _registry(geo: GeographyConfig) -> RegionRegistry | None:
    """Known regions: the configured list, plus the crosswalk's and levekårssone maps' codes."""
    registry = RegionRegistry.from_csv(geo.regions) if geo.regions is not None else None
    extra = []
    if geo.crosswalk is not None:
        extra.append(
            RegionRegistry.from_crosswalk(read_crosswalk(geo.crosswalk, to_year=geo.to_year))
        )
    if geo.levekarssone_map is not None:
        extra.append(RegionRegistry.from_levekarssone_csv(geo.levekarssone_map))
    if not extra:
        return registry
    combined = extra[0].combine(*extra[1:])
    return combined if registry is None else registry.combine(combined, on_conflict="first")


def _counts_from_microdata(
    inp: InputConfig, config: RunConfig, registry: RegionRegistry | None
) -> list[pd.DataFrame]:
    micro = read_microdata(inp.path, required=(inp.region, inp.period, inp.age, inp.sex))
    if registry is not None:
        registry.check(micro[inp.region], source=inp.path, column=inp.region)
    bands = {ic.id: ic.ages for ic in config.indicators}
    pieces = []
    for ind_id in inp.indicators:
        if ind_id not in bands:
            continue
        rule = INDICATORS[ind_id].rule
        if rule is None:
            raise ConfigError(
                "the indicator has no microdata rule",
                file=config.source,
                key=f"inputs.{inp.id}.indicators",
                value=ind_id,
            )
        log.info("counting %s from %s", ind_id, inp.path)
        pieces.append(
            aggregate(
                micro,
                indicator=ind_id,
                rule=rule,
                bands=bands[ind_id],
                region=inp.region,
                period=inp.period,
                age=inp.age,
                sex=inp.sex,
                sex_codes=inp.sex_codes,
                age_groups=inp.age_groups,
                source=inp.path,
            )
        )
    return pieces


def read_inputs(config: RunConfig, registry: RegionRegistry | None = None) -> pd.DataFrame:
    """Read every input of a run into one CountFrame (before harmonisation and roll-up).

    Parameters
    ----------
    config
        The run configuration.
    registry
        Known regions; microdata region codes are checked against it.

    Returns
    -------
    pandas.DataFrame
        The CountFrame rows of the configured indicators, from every input.
    """
    wanted = {ic.id for ic in config.indicators}
    pieces: list[pd.DataFrame] = []
    for i, inp in enumerate(config.inputs):
        if inp.format == "microdata":
            pieces += _counts_from_microdata(inp, config, registry)
            continue
        if inp.format == "counts":
            counts = read_counts(inp.path)
        else:
            log.info("reading %s (%s)", inp.path, inp.format)
            counts = read_official_counts(
                inp.path, format=inp.format, mapping=inp.mapping, key=f"inputs[{i}].mapping"
            )
        pieces.append(counts[counts[F.INDICATOR].isin(wanted)])
    if not pieces or all(p.empty for p in pieces):
        raise ConfigError(
            "no input gives any configured indicator", file=config.source, key="inputs"
        )
    return pd.concat(pieces, ignore_index=True)


def compute(config: RunConfig) -> pd.DataFrame:
    """Compute the published IndicatorFrame of a run, without writing anything.

    Steps: read inputs → harmonise kommune codes to the target year →
    roll districts up to their kommune (unknown district included) → pool
    years where configured → values, intervals and comparisons → disclosure
    control.

    Parameters
    ----------
    config
        The run configuration.

    Returns
    -------
    pandas.DataFrame
        IndicatorFrame after disclosure control. ``attrs["harmonise"]`` holds
        the :class:`~utenforskap.geo.HarmoniseReport` when codes were
        harmonised, and ``attrs["pool_coverage"]`` the years in each pool.
    """
    geo = config.geography
    registry = _registry(geo)
    counts = read_inputs(config, registry)
    report: HarmoniseReport | None = None
    if geo.crosswalk is not None:
        weights = read_microdata(geo.split_weights) if geo.split_weights is not None else None
        counts, report = harmonise(
            counts,
            to_year=geo.to_year,
            crosswalk=read_crosswalk(geo.crosswalk, to_year=geo.to_year),
            weights=weights,
            registry=registry,
            on_split=geo.on_split,
            source=config.source,
        )
        log.info("harmonised %d old kommune codes to %d", len(report.changed), geo.to_year)
        if not report.ok:
            log.warning(
                "%d rows of split kommuner left out (no weights given); see the manifest",
                len(report.unresolved),
            )
    if registry is not None:
        registry.check(counts[F.REGION], source="inputs (after harmonisation)")
    counts, _coverage = rollup_levels(counts, to="kommune", registry=registry, source=config.source)
    counts = F.validate_counts(counts)
    windows = {ic.id: ic.pool for ic in config.indicators if ic.pool > 1}
    pool_coverage = None
    if windows:
        pooled = pool_periods(counts, windows)
        counts, pool_coverage = pooled.counts, pooled.coverage
    stats = config.statistics
    indicators = compute_indicators(
        counts,
        method=stats.method,
        level=stats.level,
        multiplier=stats.multiplier,
        reference=stats.reference,
        holm=stats.holm,
    )
    published = suppress(indicators, rules_from_config(config.disclosure, file=config.source))
    if report is not None:
        published.attrs["harmonise"] = report
    if pool_coverage is not None:
        published.attrs["pool_coverage"] = pool_coverage
    return published


@contextmanager
def atomic_folder(target: Path) -> Iterator[Path]:
    """Yield a temporary folder beside ``target``; swap it into place only on success.

    Parameters
    ----------
    target
        The output folder.

    Yields
    ------
    pathlib.Path
        An empty folder on the same file system; its contents replace
        ``target``'s when the ``with`` block ends without an exception. On an
        exception it is removed and ``target`` is left untouched.
    """
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{target.name}.new-", dir=target.parent))
    try:
        yield work
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    old = target.parent / f".{target.name}.old-{os.getpid()}"
    if target.exists():
        os.replace(target, old)
    os.replace(work, target)
    shutil.rmtree(old, ignore_errors=True)


def run(
    config: RunConfig | str | Path | None = None,
    *,
    out: str | Path | None = None,
    write: bool = True,
) -> pd.DataFrame:
    """Run the whole job: inputs → counts → indicators → suppression → tables and figures.

    Parameters
    ----------
    config
        A :class:`~utenforskap.config.RunConfig`, a path to a TOML file, or
        None for the bundled demo (its data are generated into
        ``data/raw/demo`` on first use).
    out
        Output folder; overrides the configuration's.
    write
        Write ``indicators.csv``, ``indicators.parquet`` and ``figures/``;
        False only computes.

    Returns
    -------
    pandas.DataFrame
        The published (suppressed) IndicatorFrame.

    Examples
    --------
    >>> import utenforskap as ut
    >>> frame = ut.run(write=False)  # doctest: +SKIP
    >>> frame.query("indicator == 'neet' and region == '9901'").shape[0] > 0  # doctest: +SKIP
    True
    """
    from utenforskap.report import write_figure_pack, write_index

    if config is None:
        ensure_demo_data(Path.cwd() / DEMO_DIR)
        cfg = demo_config()
    elif isinstance(config, RunConfig):
        cfg = config
    else:
        cfg = load_config(config)
    frame = compute(cfg)
    if not write:
        return frame
    target = Path(out) if out is not None else cfg.output
    with atomic_folder(target) as work:
        write_tables(frame, work)
        figures = write_figure_pack(
            frame,
            work / "figures",
            trend_regions=cfg.figures.trend_regions,
            formats=cfg.figures.formats,
            lang=cfg.figures.lang,
            synthetic=cfg.figures.synthetic,
        )
        write_index(
            figures,
            work / "figures",
            title=cfg.title,
            lang=cfg.figures.lang,
            synthetic=cfg.figures.synthetic,
        )
    log.info("wrote %s", target)
    return frame
