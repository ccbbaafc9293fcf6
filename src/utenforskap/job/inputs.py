"""Read every input of a run: counts and published rates, and which input gave which cells."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from utenforskap import frames as F
from utenforskap.errors import ConfigError, DataError
from utenforskap.geo import RegionRegistry
from utenforskap.geo.codes import parent_code
from utenforskap.io import (
    FHI_BASE_URL,
    FhiTable,
    ObservationMapping,
    RateMapping,
    SsbTable,
    fetch_fhi_table,
    observations_to_counts,
    observations_to_rates,
    read_jsonstat,
    read_px,
    read_table,
    read_xlsx,
)
from utenforskap.io.http import api_root
from utenforskap.io.rates import MEASURE, RATE_COLUMNS
from utenforskap.job.config import InputConfig, RunConfig
from utenforskap.job.results import RunWarning
from utenforskap.microdata import aggregate, read_counts
from utenforskap.registry import INDICATORS
from utenforskap.sources import SOURCE, SOURCE_COLUMNS, source_table

__all__ = [
    "ORIGIN_COLUMNS",
    "Inputs",
    "fetch_input",
    "read_inputs",
    "response_files",
    "source_records",
]

log = logging.getLogger("utenforskap")

#: Columns of :attr:`Inputs.origins`: which input gave which indicator × region.
ORIGIN_COLUMNS: tuple[str, ...] = SOURCE_COLUMNS


@dataclass(frozen=True)
class Inputs:
    """Everything a run's inputs give, before harmonisation and roll-up.

    Attributes
    ----------
    counts
        CountFrame rows of the configured indicators, from every counts input.
    rates
        Published rates (:data:`utenforskap.io.rates.RATE_COLUMNS`) from every
        ``[inputs.rate]`` input.
    origins
        One row per input × indicator × region it gave: ``indicator``,
        ``region``, ``source`` (the input's credit, ``""`` when it names
        none) and ``measure`` (the publisher's measure label of a rate).
    warnings
        Inputs that name no source (their numbers cannot be credited).
    """

    counts: pd.DataFrame = field(repr=False)
    rates: pd.DataFrame = field(repr=False)
    origins: pd.DataFrame = field(repr=False)
    warnings: tuple[RunWarning, ...] = ()


def response_files(table: SsbTable | FhiTable) -> tuple[Path, ...]:
    """The cached answers an SSB or FHI fetch read, one per request.

    Parameters
    ----------
    table
        What :func:`fetch_input` returned.

    Returns
    -------
    tuple of pathlib.Path
        The cache files.
    """
    return table.files if isinstance(table, SsbTable) else (table.file,)


def fetch_input(inp: InputConfig, *, offline: bool | None = None) -> SsbTable | FhiTable:
    """Fetch an ``ssb`` or ``fhi`` input's table through its cache.

    Parameters
    ----------
    inp
        An input with ``format = "ssb"`` or ``"fhi"``.
    offline
        Override the input's ``offline`` (True: the cache only, never the agency).

    Returns
    -------
    SsbTable or FhiTable
        The table read with codes and labels (``naming="both"``); its cache
        files (:func:`response_files`) are under ``inp.path``.

    Raises
    ------
    FetchError
        The agency could not be asked, or (offline) an answer is not cached.
    """
    offline = inp.offline if offline is None else offline
    if inp.format == "fhi":
        log.info("fetching FHI table %s (cache %s)", inp.table, inp.path)
        return fetch_fhi_table(
            inp.table,
            inp.dimensions,
            source=inp.source_api,
            naming="both",
            cache_dir=inp.path,
            offline=offline,
            refresh=inp.refresh and not offline,
            base_url=api_root("fhi", FHI_BASE_URL),
        )
    from utenforskap.io.ssb import DEFAULT_BASE_URL, fetch_ssb_table

    log.info("fetching SSB table %s (cache %s)", inp.table, inp.path)
    return fetch_ssb_table(
        inp.table,
        inp.selection,
        lang=inp.lang,
        codelist=inp.codelist or None,
        output_values=inp.output_values or None,
        naming="both",
        cache_dir=inp.path,
        offline=offline,
        refresh=inp.refresh and not offline,
        base_url=api_root("ssb", DEFAULT_BASE_URL),
    )


def _observations(inp: InputConfig) -> tuple[pd.DataFrame, object]:
    """The input's tidy observation frame, and what to call it in messages."""
    if inp.fetched:
        table = fetch_input(inp)
        agency = "SSB" if inp.format == "ssb" else "FHI"
        return table.frame, f"{agency} table {inp.table}"
    log.info("reading %s (%s)", inp.path, inp.format)
    if inp.format == "jsonstat":
        return read_jsonstat(inp.path, naming="both"), inp.path
    if inp.format == "px":
        return read_px(inp.path, naming="both"), inp.path
    ignore = list(inp.ignore_columns) or None
    if inp.format == "xlsx":
        frame = read_xlsx(
            inp.path,
            sheet=inp.sheet,
            header_row=inp.header_row,
            names_year=inp.names_year,
            within=inp.within,
            ignore_columns=ignore,
        )
        return frame, inp.path
    frame = read_table(
        inp.path,
        dialect=inp.dialect,
        names_year=inp.names_year,
        within=inp.within,
        ignore_columns=ignore,
    )
    return frame, inp.path


def _file_regions(inp: InputConfig) -> pd.Series | None:
    """Every region code a CSV file holds, by one DuckDB scan of the column.

    Rows outside every counted band (ages 26-29 when only 16-25 is asked) make
    no cell, so checking the counted cells alone would let a wrong code pass;
    the file's own codes are checked instead. Other sources (Parquet, SPSS,
    Stata, Spark) are checked through their counted cells.
    """
    if inp.path.suffix.lower() != ".csv" or not inp.path.is_file():
        return None
    import duckdb

    scan = (
        "SELECT DISTINCT {col} FROM read_csv(?, header = true, auto_detect = false, "
        "delim = ',', quote = '\"', escape = '\"', columns = {{{cols}}})"
    )
    from utenforskap.microdata.sources import open_source

    columns = open_source(inp.path).columns
    text = scan.format(
        col='"' + inp.region.replace('"', '""') + '"',
        cols=", ".join("'" + c.replace("'", "''") + "': 'VARCHAR'" for c in columns),
    )
    from utenforskap.microdata.duckdb_engine import _no_progress_bar

    with duckdb.connect(":memory:") as con:
        _no_progress_bar(con)
        codes = [r[0] for r in con.execute(text, [str(inp.path)]).fetchall()]
    return pd.Series(sorted(c for c in codes if c), dtype=object)


def _microdata(
    inp: InputConfig, index: int, config: RunConfig, registry: RegionRegistry | None
) -> list[pd.DataFrame]:
    bands = {ic.id: ic.ages for ic in config.indicators}
    pieces = []
    for ind_id in inp.indicators:
        if ind_id not in bands:
            continue
        rule = INDICATORS[ind_id].rule
        if rule is None:  # the configuration refuses this; a RunConfig built by hand may not
            raise ConfigError(
                "the indicator has no microdata rule",
                file=config.source,
                key=f"inputs[{index}].indicators",
                value=ind_id,
            )
        items = {item: column for item, column in inp.items.items() if item in rule.items}
        log.info("counting %s from %s", ind_id, inp.path)
        counts = aggregate(
            inp.path,
            indicator=ind_id,
            rule=rule,
            bands=bands[ind_id],
            region=inp.region,
            period=inp.period,
            age=inp.age,
            sex=inp.sex,
            sex_codes=inp.sex_codes,
            age_groups=inp.age_groups,
            group=inp.group,
            group_codes=inp.group_codes,
            id=inp.person_id,
            items=items or None,
            answers=inp.answers,
            engine=inp.engine,
            spark=inp.spark_master,
            memory_limit=inp.memory_limit,
            source=inp.path,
        )
        pieces.append(counts)
    if registry is not None and pieces:
        found = _file_regions(inp)
        if found is None:
            found = pd.concat([p[F.REGION] for p in pieces], ignore_index=True)
        _check_regions(registry, found, inp)
    return pieces


def _check_regions(registry: RegionRegistry, codes: pd.Series, inp: InputConfig) -> None:
    """The input's regions must be known; an unknown one is reported at its line of the file."""
    try:
        registry.check(codes.to_numpy(dtype=object), source=inp.path, column=inp.region)
    except DataError as exc:
        raise DataError(
            exc.problem,
            file=inp.path,
            column=inp.region,
            row=_line_of(inp.path, inp.region, str(exc.value)),
            value=exc.value,
            hint=exc.hint,
        ) from None


def _line_of(path: Path, column: str, value: str) -> int | None:
    """The file's own 1-based line of the first row holding ``value`` (CSV; error path only)."""
    if path.suffix.lower() != ".csv" or not path.is_file():
        return None
    import csv

    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle)
        header = next(reader, [])
        if column not in header:
            return None
        index = header.index(column)
        for row in reader:
            if index < len(row) and row[index] == value:
                return reader.line_num
    return None


def _origins(frame: pd.DataFrame, source: str, measure: pd.Series | None = None) -> pd.DataFrame:
    out = frame[[F.INDICATOR, F.REGION]].astype(object).copy()
    out[SOURCE] = source
    out[MEASURE] = "" if measure is None else measure.astype(str).to_numpy(dtype=object)
    return out.drop_duplicates()


def read_inputs(config: RunConfig, registry: RegionRegistry | None = None) -> Inputs:
    """Read every input of a run: counts, published rates, and where each cell came from.

    Parameters
    ----------
    config
        The run configuration.
    registry
        Known regions; microdata region codes are checked against it.

    Returns
    -------
    Inputs
        ``counts`` (CountFrame rows of the configured indicators), ``rates``
        (published rates), ``origins`` (input × indicator × region with the
        input's source) and ``warnings``.

    Raises
    ------
    ConfigError
        No input gives any configured indicator.
    DataError, FetchError
        An input cannot be read; the message names it.

    Examples
    --------
    >>> from utenforskap.datasets import ensure_demo_data
    >>> from utenforskap.job.plan import demo_config
    >>> _ = ensure_demo_data()
    >>> got = read_inputs(demo_config())
    >>> sorted(got.counts["indicator"].unique())[:2], got.rates.empty
    (['low_income_children', 'neet'], True)
    """
    wanted = {ic.id for ic in config.indicators}
    counts: list[pd.DataFrame] = []
    rates: list[pd.DataFrame] = []
    origins: list[pd.DataFrame] = []
    warnings: list[RunWarning] = []
    for i, inp in enumerate(config.inputs):
        found: list[pd.DataFrame] = []
        before = len(counts) + len(rates)
        if inp.format == "microdata":
            found = _microdata(inp, i, config, registry)
        elif inp.format == "counts":
            found = [read_counts(inp.path)]
            if registry is not None:
                # At the file's own line (read_counts keeps line numbers as index).
                registry.check(found[0][F.REGION], source=inp.path)
        elif inp.rate:
            frame, name = _observations(inp)
            spec = RateMapping.from_dict(inp.rate, key=f"inputs[{i}].rate")
            got = observations_to_rates(frame, spec, source=name)
            got = got[got[F.INDICATOR].isin(wanted)]
            if not got.empty:
                rates.append(got)
                origins.append(_origins(got, inp.source, got[MEASURE]))
        else:
            frame, name = _observations(inp)
            spec_counts = ObservationMapping.from_dict(inp.mapping, key=f"inputs[{i}].mapping")
            found = [observations_to_counts(frame, spec_counts, source=name)]
        for piece in found:
            piece = piece[piece[F.INDICATOR].isin(wanted)]
            if not piece.empty:
                counts.append(piece)
                origins.append(_origins(piece, inp.source))
        if len(counts) + len(rates) == before:
            given = sorted({str(v) for p in found for v in pd.unique(p[F.INDICATOR])})
            warnings.append(
                RunWarning(
                    "inputs.unused",
                    f"inputs[{i}] ({inp.id}) gives no cell of the configured indicators "
                    f"{sorted(wanted)}"
                    + (f"; it gives {given}" if given else "")
                    + ": it is read but not used (add its indicators under [indicators], "
                    "or remove the input)",
                    ({"input": inp.id, "key": f"inputs[{i}]", "indicators": given},),
                )
            )
        if not inp.source:
            warnings.append(
                RunWarning(
                    "sources.missing",
                    f"inputs[{i}] ({inp.id}) names no source, so its numbers are not credited "
                    'on figures and tables; add source = "…" (e.g. "SSB, tabell 13563")',
                    ({"input": inp.id, "key": f"inputs[{i}].source"},),
                )
            )
    if not counts and not rates:
        raise ConfigError(
            "no input gives any configured indicator", file=config.source, key="inputs"
        )
    all_counts = pd.concat(counts, ignore_index=True) if counts else F.empty_counts()
    all_rates = (
        pd.concat(rates, ignore_index=True)
        if rates
        else pd.DataFrame({c: pd.Series([], dtype=object) for c in RATE_COLUMNS})
    )
    if len(all_rates):
        twice = all_rates.duplicated(list(F.KEY_COLUMNS), keep=False).to_numpy()
        if twice.any():
            row = all_rates.loc[twice].iloc[0]
            raise DataError(
                "two rate inputs give the same cell; give each indicator × region × period × "
                "age × sex × group once",
                column=", ".join(F.KEY_COLUMNS),
                value={c: row[c] for c in F.KEY_COLUMNS},
            )
    origin = (
        pd.concat(origins, ignore_index=True).drop_duplicates().reset_index(drop=True)
        if origins
        else pd.DataFrame({c: pd.Series([], dtype=object) for c in ORIGIN_COLUMNS})
    )
    return Inputs(all_counts, all_rates, origin, tuple(warnings))


def source_records(
    data: pd.DataFrame,
    *,
    shown: pd.DataFrame,
    moved: pd.DataFrame | None = None,
    registry: RegionRegistry | None = None,
) -> pd.DataFrame:
    """The source table of a run: the credit of every indicator × region it shows.

    A cell is credited to every input that gave it, or gave a cell it was
    made from: old kommune codes harmonised into it (``moved``) and districts
    rolled up into their kommune.

    Parameters
    ----------
    data
        Which input gave which cells: :attr:`Inputs.origins`.
    shown
        The frame the run publishes (with ``indicator`` and ``region``).
    moved
        The harmonisation's changed codes (``from_code``, ``to_code``), or None.
    registry
        Known regions, for parents of districts the codes do not imply
        (grunnkrets → levekårssone).

    Returns
    -------
    pandas.DataFrame
        :func:`utenforskap.sources.source_table` of the credited inputs
        (inputs naming no source left out), sorted by indicator, region, source.
    """
    work = data.copy()
    if moved is not None and not moved.empty:
        mapping = moved[["from_code", "to_code"]].rename(columns={"from_code": F.REGION})
        mapping = mapping[mapping["to_code"] != ""]
        hit = work.merge(mapping, on=F.REGION, how="inner")
        work = pd.concat(
            [work, hit.drop(columns=[F.REGION]).rename(columns={"to_code": F.REGION})],
            ignore_index=True,
        )
    level = work
    for _ in range(4):  # grunnkrets → levekårssone → kommune, bydel → kommune
        codes = level[F.REGION].astype(str).to_numpy(dtype=object)
        sub = np.array([len(c) > 4 for c in codes], dtype=bool)
        if not sub.any():
            break
        parents = parent_code(codes[sub])
        if registry is not None:
            known = registry.parent_of(codes[sub])
            parents = np.where(known != "", known, parents).astype(object)
        level = level.loc[sub].assign(**{F.REGION: parents})
        work = pd.concat([work, level], ignore_index=True)
    keys = shown[[F.INDICATOR, F.REGION]].drop_duplicates()
    kept = work.merge(keys, on=[F.INDICATOR, F.REGION], how="inner")
    kept = kept[kept[SOURCE] != ""].drop_duplicates()
    kept = kept.sort_values([F.INDICATOR, F.REGION, SOURCE], kind="mergesort")
    return source_table(kept[list(SOURCE_COLUMNS)].itertuples(index=False, name=None))
