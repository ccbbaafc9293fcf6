"""run(config): read inputs, count, compute, suppress, and write tables and figures atomically."""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pandas as pd

from utenforskap import frames as F
from utenforskap.aggregate import aggregate, read_counts, read_microdata
from utenforskap.config import InputConfig, RunConfig, load_config
from utenforskap.datasets.demo import DEMO_DIR, demo_config_path, ensure_demo_data
from utenforskap.disclosure import Rules, suppress
from utenforskap.errors import ConfigError, DataError
from utenforskap.geo import rollup
from utenforskap.indicators import compute_indicators
from utenforskap.output import write_tables
from utenforskap.registry import INDICATORS

__all__ = ["atomic_folder", "compute", "demo_config", "run"]

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


def _read_regions(path: Path | None) -> pd.DataFrame | None:
    if path is None:
        return None
    frame = read_microdata(path, required=("code", "name"))
    bad = ~frame["code"].str.fullmatch(r"\d{1,10}").to_numpy(dtype=bool)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise DataError(
            "region code must be digits",
            file=path,
            column="code",
            row=frame.index[i],
            value=frame["code"].iloc[i],
        )
    return frame


def _check_regions(
    micro: pd.DataFrame, column: str, known: pd.DataFrame | None, source: Path
) -> None:
    if known is None or column not in micro.columns:
        return
    unknown = ~micro[column].isin(set(known["code"])).to_numpy()
    if unknown.any():
        i = int(np.flatnonzero(unknown)[0])
        raise DataError(
            "unknown region code (not in the geography's region list)",
            file=source,
            column=column,
            row=micro.index[i],
            value=micro[column].iloc[i],
        )


def _counts_from_microdata(
    inp: InputConfig, config: RunConfig, regions: pd.DataFrame | None
) -> list[pd.DataFrame]:
    micro = read_microdata(inp.path, required=(inp.region, inp.period, inp.age, inp.sex))
    _check_regions(micro, inp.region, regions, inp.path)
    bands = {ic.id: ic.ages for ic in config.indicators}
    pieces = []
    for ind_id in inp.indicators:
        if ind_id not in bands:
            continue
        rule = INDICATORS[ind_id].rule
        if rule is None:
            raise ConfigError(f"indicator {ind_id!r} has no microdata rule", key=f"inputs.{inp.id}")
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


def compute(config: RunConfig) -> pd.DataFrame:
    """Compute the suppressed IndicatorFrame of a run, without writing anything.

    Parameters
    ----------
    config
        The run configuration.

    Returns
    -------
    pandas.DataFrame
        IndicatorFrame for every district of the configured kommune and for the
        kommune itself (the sum of its districts, including the unknown-district
        code), after disclosure control.
    """
    regions = _read_regions(config.geography.regions)
    pieces: list[pd.DataFrame] = []
    for inp in config.inputs:
        if inp.format == "microdata":
            pieces += _counts_from_microdata(inp, config, regions)
        elif inp.format == "counts":
            counts = read_counts(inp.path)
            _check_regions(counts, F.REGION, regions, inp.path)
            wanted = {ic.id for ic in config.indicators}
            pieces.append(counts[counts[F.INDICATOR].isin(wanted)])
        else:
            raise ConfigError(
                f"input format {inp.format!r} is not supported by this version",
                file=config.source,
                key=f"inputs.{inp.id}.format",
                value=inp.format,
            )
    if not pieces:
        raise ConfigError(
            "no input gives any configured indicator", file=config.source, key="inputs"
        )
    districts = pd.concat(pieces, ignore_index=True)
    kommune = config.geography.kommune
    names: dict[str, str] = {}
    parents: dict[str, str] = {}
    if regions is not None:
        names = dict(zip(regions["code"], regions["name"], strict=True))
        if "parent" in regions.columns:
            parents = {c: p for c, p in zip(regions["code"], regions["parent"], strict=True) if p}
    codes = districts[F.REGION]
    parent = codes.map(parents).fillna(codes.str[:4])
    districts = districts[((parent == kommune) & (codes.str.len() > 4)).to_numpy(dtype=bool)]
    totals = rollup(
        districts, parents={c: kommune for c in districts[F.REGION].unique()}, names=names
    )
    counts = pd.concat([districts, totals], ignore_index=True)
    counts[F.REGION_NAME] = counts[F.REGION].map(names).fillna("").astype(object)
    counts = F.validate_counts(F.sort_frame(counts))
    stats = config.statistics
    indicators = compute_indicators(
        counts, method=stats.method, level=stats.level, multiplier=stats.multiplier
    )
    rules = Rules(min_count=int(config.disclosure.get("min_count", Rules().min_count)))
    return suppress(indicators, rules)


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
