"""run(config): read inputs, count, compute, suppress, and write tables and figures atomically."""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import platform
import socket
import time
import warnings
from pathlib import Path
from typing import Any

import pandas as pd

from utenforskap import __version__
from utenforskap import frames as F
from utenforskap.datasets.demo import DEMO_DIR, demo_config_path, ensure_demo_data
from utenforskap.disclosure import rules_from_config, suppress
from utenforskap.errors import ConfigError, UtenforskapError
from utenforskap.geo import (
    HarmoniseReport,
    RegionRegistry,
    harmonise,
    read_crosswalk,
    rollup_levels,
)
from utenforskap.indicators import compute_indicators
from utenforskap.io import (
    ObservationMapping,
    ResponseCache,
    fetch_ssb,
    observations_to_counts,
    read_official_counts,
)
from utenforskap.job.atomic import atomic_folder, current_version, recover
from utenforskap.job.config import GeographyConfig, InputConfig, RunConfig, load_config
from utenforskap.job.lock import run_lock
from utenforskap.job.logs import Progress
from utenforskap.job.manifest import (
    MANIFEST_VERSION,
    config_digest,
    config_files,
    file_record,
    frame_counts,
    frame_warnings,
    output_records,
    read_manifest,
    relative,
    run_warnings,
    stale_reasons,
    write_manifest,
)
from utenforskap.microdata import aggregate, read_counts, read_microdata
from utenforskap.periods import pool_periods
from utenforskap.publish.tables import write_tables
from utenforskap.registry import INDICATORS

__all__ = [
    "OutputError",
    "atomic_folder",
    "cached_files",
    "compute",
    "demo_config",
    "fetch_input",
    "read_inputs",
    "run",
]

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


def fetch_input(inp: InputConfig) -> pd.DataFrame:
    """Fetch an ``ssb`` input's table from SSB's API (through its cache), as observations.

    Parameters
    ----------
    inp
        An input with ``format = "ssb"``.

    Returns
    -------
    pandas.DataFrame
        As :func:`~utenforskap.io.fetch_ssb` with ``naming="both"``;
        ``attrs["urls"]`` lists the requests, each cached under ``inp.path``.
    """
    log.info("fetching SSB table %s (cache %s)", inp.table, inp.path)
    return fetch_ssb(
        inp.table,
        inp.selection,
        lang=inp.lang,
        codelist=inp.codelist or None,
        output_values=inp.output_values or None,
        naming="both",
        cache_dir=inp.path,
        offline=inp.offline,
        refresh=inp.refresh,
    )


def cached_files(inp: InputConfig, frame: pd.DataFrame) -> list[Path]:
    """Return the cache files holding the responses of an ``ssb`` input's requests.

    Parameters
    ----------
    inp
        An input with ``format = "ssb"``.
    frame
        What :func:`fetch_input` returned for it.

    Returns
    -------
    list of pathlib.Path
        One cached response per request, in request order.
    """
    cache = ResponseCache(inp.path)
    return [cache.path(url) for url in frame.attrs.get("urls", [])]


def _ssb_counts(inp: InputConfig, index: int) -> pd.DataFrame:
    key = f"inputs[{index}].mapping"
    frame = fetch_input(inp)
    spec = ObservationMapping.from_dict(inp.mapping, key=key)
    return observations_to_counts(frame, spec, source=f"SSB table {inp.table}")


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
        elif inp.format == "ssb":
            counts = _ssb_counts(inp, i)
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
        IndicatorFrame after disclosure control. ``attrs["warnings"]`` holds
        JSON-safe warnings (old codes harmonised, split kommuner left out,
        pooled cells with missing years; see :func:`utenforskap.job.manifest.run_warnings`).

    Examples
    --------
    >>> from utenforskap.datasets import ensure_demo_data
    >>> _ = ensure_demo_data()  # doctest: +SKIP
    >>> frame = compute(demo_config())  # doctest: +SKIP
    >>> frame.loc[frame["region"] == "9901", "reference"].unique().tolist()  # doctest: +SKIP
    ['0']
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
    # Plain JSON-safe records, not frames: pandas compares attrs in concat.
    published.attrs["warnings"] = run_warnings(report, pool_coverage)
    return published


class OutputError(UtenforskapError):
    """The outputs could not be written (disk full, permissions); the previous ones are kept."""

    exit_code = 1


def _resolve(config: RunConfig | str | Path | None) -> RunConfig:
    if config is None:
        ensure_demo_data(Path.cwd() / DEMO_DIR)
        return demo_config()
    if isinstance(config, RunConfig):
        return config
    return load_config(config)


def _target(cfg: RunConfig, out: str | Path | None) -> Path:
    return Path(out) if out is not None else cfg.output


def _prefetch(cfg: RunConfig) -> tuple[RunConfig, list[tuple[str, Path]]]:
    """Fetch SSB inputs once; the run then reads exactly these cached responses."""
    files: list[tuple[str, Path]] = []
    inputs = list(cfg.inputs)
    for i, inp in enumerate(inputs):
        if inp.format != "ssb":
            continue
        frame = fetch_input(inp)
        files += [(f"inputs[{i}].response[{j}]", p) for j, p in enumerate(cached_files(inp, frame))]
        # Later reads in this run must see the responses hashed here, not ask again.
        inputs[i] = dataclasses.replace(inp, refresh=False, offline=True)
    return dataclasses.replace(cfg, inputs=tuple(inputs)), files


def _input_records(cfg: RunConfig, fetched: list[tuple[str, Path]]) -> list[dict[str, Any]]:
    records = []
    for key, path in [*config_files(cfg), *fetched]:
        where = key if key.startswith("geography.") or "response" in key else f"{key}.path"
        try:
            record = file_record(path, name=relative(path))
        except FileNotFoundError:
            raise ConfigError(f"file not found: {path}", file=cfg.source, key=where) from None
        except OSError as exc:
            raise ConfigError(
                f"cannot read {path}: {exc.strerror}", file=cfg.source, key=where
            ) from None
        records.append({"key": key, **record})
    return records


class _Collect(logging.Handler):
    """Keep the warnings logged during a run, for the manifest."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def _utc_now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def _write(frame: pd.DataFrame, cfg: RunConfig, work: Path, progress: Progress | None) -> None:
    from utenforskap.publish.pack import write_figure_pack, write_index

    def step(text: str) -> None:
        if progress is not None:
            progress.step(text)

    step("writing tables")
    write_tables(frame, work)
    step("drawing figures")
    fig = cfg.figures
    boundaries = None
    if cfg.geography.boundaries is not None:
        from utenforskap.geo import read_boundaries

        boundaries = read_boundaries(
            cfg.geography.boundaries, code_property=cfg.geography.boundary_code_property
        )
    figures = write_figure_pack(
        frame,
        work / "figures",
        trend_regions=fig.trend_regions,
        formats=fig.formats,
        lang=fig.lang,
        synthetic=fig.synthetic,
        report=work / "report.pdf" if fig.report else None,
        title=cfg.title,
        boundaries=boundaries,
        size=fig.size,
        district_trends=fig.district_trends,
    )
    write_index(figures, work / "figures", title=cfg.title, lang=fig.lang, synthetic=fig.synthetic)


def run(
    config: RunConfig | str | Path | None = None,
    *,
    out: str | Path | None = None,
    write: bool = True,
    force: bool = False,
    progress: Progress | None = None,
) -> pd.DataFrame:
    """Run the whole job: inputs → counts → indicators → suppression → tables, figures, manifest.

    Writing holds a lock on the output folder (a second run exits with
    :class:`~utenforskap.job.lock.RunLockedError`), writes a new complete
    version beside it and swaps it in atomically (see
    :func:`~utenforskap.job.atomic.atomic_folder`), and records inputs, outputs
    and warnings in ``manifest.json``. When the inputs, the configuration and
    the package version are those of the current outputs' manifest (and the
    outputs are intact), nothing is recomputed.

    Parameters
    ----------
    config
        A :class:`~utenforskap.job.config.RunConfig`, a path to a TOML file, or
        None for the bundled demo (its data are generated into
        ``data/raw/demo`` on first use).
    out
        Output folder; overrides the configuration's.
    write
        Write tables, figures and the manifest; False only computes (no
        lock, no skipping).
    force
        Recompute even when nothing changed.
    progress
        Step reporter (the command line passes one).

    Returns
    -------
    pandas.DataFrame
        The published (suppressed) IndicatorFrame. When written,
        ``attrs["run"]`` holds ``status`` (``"written"`` or ``"skipped"``),
        ``output``, ``reasons`` (why it was recomputed) and ``manifest``; a
        skipped run returns the current ``indicators.parquet``.

    Raises
    ------
    RunLockedError
        Another run holds the output folder's lock.
    OutputError
        Writing failed (disk full, permissions); the previous outputs are kept.

    Examples
    --------
    >>> import utenforskap as ut
    >>> frame = ut.run(write=False)  # doctest: +SKIP
    >>> frame.query("indicator == 'neet' and region == '9901'").shape[0] > 0  # doctest: +SKIP
    True
    """
    started = _utc_now()
    clock = time.monotonic()
    cfg = _resolve(config)
    if not write:
        return compute(cfg)
    target = _target(cfg, out)
    collect = _Collect()
    logging.getLogger("utenforskap").addHandler(collect)
    try:
        with run_lock(target):
            recover(target)
            if progress is not None:
                progress.step("checking inputs")
            # Digest of the configuration as written (before SSB inputs are
            # switched to their cache), as --dry-run computes it.
            settings = config_digest(cfg)
            cfg, fetched = _prefetch(cfg)
            inputs = _input_records(cfg, fetched)
            current = current_version(target)
            previous = read_manifest(current)
            reasons = stale_reasons(
                previous, inputs=inputs, config_sha256=settings, version=__version__, folder=current
            )
            if not reasons and not force and current is not None and previous is not None:
                log.info(
                    "nothing changed since the run of %s; outputs kept", previous["run"]["finished"]
                )
                frame = pd.read_parquet(current / "indicators.parquet")
                frame.attrs["run"] = {
                    "status": "skipped",
                    "output": str(target),
                    "reasons": [],
                    "manifest": previous,
                }
                return frame
            log.info("recomputing: %s", "; ".join(reasons) if reasons else "--force")
            if progress is not None:
                progress.step("computing indicators")
            # Warnings go to the log (and so to the manifest), also when it fails.
            with warnings.catch_warnings(record=True) as caught:
                try:
                    frame = compute(cfg)
                finally:
                    for warning in caught:
                        log.warning("%s", warning.message)
            manifest: dict[str, Any] = {}
            try:
                with atomic_folder(target) as work:
                    _write(frame, cfg, work, progress)
                    if progress is not None:
                        progress.step("writing manifest")
                    manifest = {
                        "manifest_version": MANIFEST_VERSION,
                        "package": {"name": "utenforskap", "version": __version__},
                        "run": {
                            "started": started,
                            "finished": _utc_now(),
                            "seconds": round(time.monotonic() - clock, 1),
                            "host": socket.gethostname(),
                            "python": platform.python_version(),
                            "forced": bool(force and not reasons),
                            "reasons": reasons,
                        },
                        "config": {
                            "file": None if cfg.source is None else relative(cfg.source),
                            "file_sha256": (
                                None if cfg.source is None else file_record(cfg.source)["sha256"]
                            ),
                            "settings_sha256": settings,
                            "title": cfg.title,
                        },
                        "inputs": inputs,
                        "outputs": output_records(work),
                        "counts": frame_counts(frame),
                        "warnings": [
                            *frame_warnings(frame),
                            *({"kind": "log", "message": m} for m in collect.messages),
                        ],
                    }
                    write_manifest(work, manifest)
            except OSError as exc:
                raise OutputError(
                    f"cannot write the outputs to {target}: {exc.strerror or exc} "
                    f"({exc.filename or ''}); the previous outputs are kept"
                ) from exc
            log.info("wrote %s", target)
            frame.attrs["run"] = {
                "status": "written",
                "output": str(target),
                "reasons": reasons,
                "manifest": manifest,
            }
            return frame
    finally:
        logging.getLogger("utenforskap").removeHandler(collect)
