"""The run: plan, read inputs, count, compute, suppress, write tables and figures atomically."""

from __future__ import annotations

import logging
import warnings
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

import pandas as pd

from utenforskap import frames as F
from utenforskap.adjust import holm_published
from utenforskap.disclosure import rules_from_config, suppress
from utenforskap.disclosure.audit_loop import suppress_audited
from utenforskap.disclosure.audit_settings import audit_setting, release_setting
from utenforskap.disclosure.published import with_reasons, write_disclosure_audit
from utenforskap.errors import ParameterError, UtenforskapWarning
from utenforskap.geo import district_coverage
from utenforskap.geo.rollup import UNKNOWN_DENOMINATOR_SHARE, UNKNOWN_NUMERATOR_SHARE
from utenforskap.indicators import add_published_rates, compare_groups, compute_indicators
from utenforskap.job.atomic import atomic_folder, recover
from utenforskap.job.batch import BatchResult
from utenforskap.job.checks import caught_warnings, check_output, prepare
from utenforskap.job.config import RunConfig
from utenforskap.job.inputs import read_inputs, source_records
from utenforskap.job.lock import run_lock
from utenforskap.job.logs import Progress
from utenforskap.job.manifest import RunClock, build_manifest, run_warnings, write_manifest
from utenforskap.job.outputs import OutputError, check_layout, write_outputs
from utenforskap.job.plan import RunPlan, demo_config, plan_run, resolve_config
from utenforskap.job.results import WARNING_ATTR, Computed, RunResult, RunWarning
from utenforskap.job.steps import Steps
from utenforskap.periods import pool_periods

__all__ = [
    "OutputError",
    "compute",
    "demo_config",
    "read_inputs",
    "run",
]

log = logging.getLogger("utenforskap")


def _pooled_coverage(
    coverage: pd.DataFrame, pooled: pd.DataFrame, windows: Mapping[str, int]
) -> pd.DataFrame:
    """The roll-up's district coverage, with the pooled indicators' rows taken over their pools.

    A pooled cell's coverage is that of its summed counts, by the same rule
    (:func:`~utenforskap.geo.district_coverage`) the roll-up applies to single years.
    """
    ids = sorted(windows)
    kept = coverage[~coverage[F.INDICATOR].isin(ids)]
    over_pools = district_coverage(pooled[pooled[F.INDICATOR].isin(ids)])
    out = pd.concat([kept, over_pools], ignore_index=True)
    keys = [c for c in out.columns if c not in (UNKNOWN_NUMERATOR_SHARE, UNKNOWN_DENOMINATOR_SHARE)]
    return out.sort_values(keys, kind="mergesort").reset_index(drop=True)


def compute(config: RunConfig | str | Path | None = None) -> Computed:
    """Compute the published IndicatorFrame of a run, without writing anything.

    Steps: read inputs (counts and published rates) → harmonise kommune
    codes to the target year → roll districts up to their kommune (unknown
    district included) → pool years where configured → values, intervals and
    comparisons, published rates joined as the publisher gave them →
    disclosure control, whose coverage rule uses the roll-up's coverage
    table, audited as an attacker would (unless ``[disclosure] audit =
    false``: cells hidden until no hidden cell can be narrowed below the
    protection level) → each population group compared with the rest of its region →
    the source of every indicator × region. Every region is named from the
    configured regions and Norway's built-in regions of ``to_year``. The
    crosswalk is read once. Every warning (harmonised codes, split kommuner
    left out, pooled cells missing a year, inputs without a source, and any
    Python warning raised on the way) is logged once and returned.

    Parameters
    ----------
    config
        A configuration, a path to a TOML file, or None for the bundled demo
        (its data are generated into the user cache on first use).

    Returns
    -------
    Computed
        ``indicators`` (the published IndicatorFrame), ``counts``,
        ``coverage``, ``warnings`` (:class:`~utenforskap.job.results.RunWarning`),
        ``sources`` (the source table) and ``groups`` (groups against the rest
        of the population).

    Raises
    ------
    ConfigError, DataError, FetchError
        A configuration or input must be fixed; the message names it.

    Examples
    --------
    >>> computed = compute()
    >>> frame = computed.indicators
    >>> frame.loc[frame["region"] == "9901", "reference"].unique().tolist()
    ['0']
    >>> [w.kind for w in computed.warnings]
    ['reference.missing', 'disclosure.inconsistent', 'harmonise.changed', 'pool.missing_years']
    >>> computed.sources.query("indicator == 'neet' and region == '9901'")["source"].tolist()
    ['Eksempelkommune, syntetiske registerdata']
    """
    cfg = resolve_config(config, generate=True)
    stats = cfg.statistics
    with caught_warnings() as python_warnings:
        prepared = prepare(cfg)
        counts, coverage, rates, report = (
            prepared.counts,
            prepared.coverage,
            prepared.rates,
            prepared.report,
        )
        windows = {ic.id: ic.pool for ic in cfg.indicators if ic.pool > 1}
        pool_coverage = None
        if windows:
            pooled = pool_periods(counts, window=windows)
            counts, pool_coverage = pooled.counts, pooled.coverage
            coverage = _pooled_coverage(coverage, counts, windows)
        indicators = compute_indicators(
            counts,
            method=stats.method,
            level=stats.level,
            multiplier=stats.multiplier,
            reference=stats.reference,
            holm=stats.holm,
        )
        indicators = add_published_rates(
            indicators, rates, reference=stats.reference, level=stats.level, holm=stats.holm
        )
        audit_on, rule_section = audit_setting(cfg.disclosure, file=cfg.source)
        release, rule_section = release_setting(rule_section, file=cfg.source)
        rules = rules_from_config(rule_section, file=cfg.source)
        published = suppress(indicators, rules, coverage=coverage)
        audit = None
        if audit_on:
            published, audited = suppress_audited(
                published, indicators, rules, coverage=coverage, release=release
            )
            audit = audited.summary
            log.info("disclosure audit: %s", audited.describe())
            if audit.get("inconsistent"):
                warnings.warn(
                    UtenforskapWarning(
                        f"{audit['inconsistent']} counts lie where the input's own figures do "
                        "not add up (e.g. a total that is not male + female: the publisher's "
                        "rounding); the audit cannot solve them exactly and does not judge "
                        "them; they are protected by the suppression rules only",
                        "disclosure.inconsistent",
                    ),
                    stacklevel=2,
                )
        if stats.holm:  # Holm over the published cells only (a family's hidden p-values leak)
            published = holm_published(published, level=stats.level)
        groups = compare_groups(
            published, level=stats.level, holm=stats.holm, multiplier=stats.multiplier
        )
        sources = source_records(
            prepared.inputs.origins,
            shown=published,
            moved=None if report is None else report.changed,
            registry=prepared.registry,
        )
    # A gap the checks named before computing (a configured reference without
    # rows) is not named again by the computation.
    named = {w.kind for w in prepared.warnings}
    found = [
        *(w for w in python_warnings if w.kind not in named),
        *prepared.warnings,
        *run_warnings(report, pool_coverage),
        *prepared.inputs.warnings,
    ]
    for warning in found:
        warning.log(log)
    return Computed(
        published, counts, coverage, tuple(found), sources=sources, groups=groups, audit=audit
    )


class _LoggedWarnings(logging.Handler):
    """Keep the warnings logged during a run (but the computation's own), for the manifest."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.warnings: list[RunWarning] = []

    def emit(self, record: logging.LogRecord) -> None:
        if not hasattr(record, WARNING_ATTR):
            self.warnings.append(RunWarning("log", record.getMessage()))


@contextmanager
def _logged_warnings() -> Iterator[_LoggedWarnings]:
    handler = _LoggedWarnings()
    logger = logging.getLogger("utenforskap")
    logger.addHandler(handler)
    try:
        yield handler
    finally:
        logger.removeHandler(handler)


def _skipped(plan: RunPlan, logged: _LoggedWarnings) -> RunResult:
    assert plan.current is not None and plan.previous is not None
    log.info("nothing changed since the run of %s; outputs kept", plan.previous["run"]["finished"])
    frame = with_reasons(
        pd.read_parquet(plan.layout.path(plan.layout.parquet, plan.current)), plan.output
    )
    return RunResult(
        "skipped",
        frame,
        output=plan.output,
        manifest=plan.previous,
        warnings=tuple(logged.warnings),
        plan=plan,
    )


def _write(
    plan: RunPlan,
    computed: Computed,
    steps: Steps,
    logged: _LoggedWarnings,
    clock: RunClock,
    workers: int | None = None,
) -> RunResult:
    try:
        with atomic_folder(plan.output) as work:
            # The charts' warnings (drawn here or in the pack's workers) are named
            # in the manifest like the computation's.
            with caught_warnings() as drawn:
                write_outputs(plan, computed, work, steps=steps, workers=workers)
            for warning in drawn:
                warning.log(log)
            steps.start("writing manifest")
            check_layout(plan, work)
            found = (*computed.warnings, *drawn, *logged.warnings)
            manifest = build_manifest(plan, computed, folder=work, warnings=found, clock=clock)
            write_manifest(work, manifest)
        # The reasons of hidden cells: beside the output, never in the published pack.
        write_disclosure_audit(computed.indicators, plan.output)
    except OSError as exc:
        where = f" ({exc.filename})" if exc.filename else ""
        raise OutputError(
            f"cannot write the outputs to {plan.output}: {exc.strerror or exc}{where}; "
            "the previous outputs are kept"
        ) from exc
    log.info("wrote %s", plan.output)
    return RunResult(
        "written",
        computed.indicators,
        output=plan.output,
        reasons=plan.reasons,
        manifest=manifest,
        warnings=found,
        plan=plan,
    )


def run(
    config: RunConfig | str | Path | None = None,
    *,
    out: str | Path | None = None,
    write: bool = True,
    force: bool = False,
    progress: Progress | None = None,
    jobs: int | None = None,
) -> RunResult | BatchResult:
    """Run the whole job: plan, then inputs → indicators → suppression → tables, figures, manifest.

    Holding the output folder's lock (a second run exits with
    :class:`~utenforskap.job.lock.RunLockedError`), the run makes its plan
    (:func:`~utenforskap.job.plan.plan_run`: every input hashed, SSB inputs
    fetched through their cache) and executes it: when the inputs, the
    configuration and the package version are those of the current outputs'
    manifest (and the outputs are intact), nothing is recomputed; otherwise
    it computes, writes a new complete version beside the current one and
    swaps it in atomically (see :func:`~utenforskap.job.atomic.atomic_folder`),
    with ``manifest.json`` built from the plan and the result. Each step of
    :data:`~utenforskap.job.steps.RUN_STEPS` is announced as it starts.

    A configuration with a ``[batch]`` section runs one such run per kommune
    in parallel processes, then writes an index page linking them
    (:func:`~utenforskap.job.batch.run_batch`) and returns its
    :class:`~utenforskap.job.batch.BatchResult`.

    Parameters
    ----------
    config
        A :class:`~utenforskap.job.config.RunConfig`, a path to a TOML file, or
        None for the bundled demo (its data are generated into the user cache
        on first use, see :func:`~utenforskap.datasets.ensure_demo_data`).
    out
        Output folder; overrides the configuration's.
    write
        Write tables, figures and the manifest; False only computes, like
        :func:`compute` (no lock, no plan, nothing written anywhere).
    force
        Recompute even when nothing changed.
    progress
        Step display (the command line passes one; not used by a batch).
    jobs
        Processes: for a batch, kommuner run at a time (default: the CPUs
        available); for a single run, the figure pack's worker processes
        (default: the CPUs available, at most 8).

    Returns
    -------
    RunResult or BatchResult
        ``status`` (``written``, ``skipped`` or ``computed``), ``indicators``
        (the published IndicatorFrame; when skipped, the current
        ``indicators.parquet``), ``output``, ``reasons``, ``manifest``,
        ``warnings`` and ``plan``.

    Raises
    ------
    RunLockedError
        Another run holds the output folder's lock.
    ConfigError, DataError, FetchError
        A configuration or input must be fixed; the previous outputs are kept.
    OutputError
        Writing failed (disk full, permissions); the previous outputs are kept.

    Examples
    --------
    >>> import utenforskap as ut
    >>> result = ut.run(write=False)
    >>> result.status, result.output
    ('computed', None)
    >>> result.indicators.query("indicator == 'neet' and region == '9901'").shape[0] > 0
    True
    """
    cfg = resolve_config(config, generate=True)
    if cfg.batch is not None:
        if not write:
            raise ParameterError(
                "write=False computes one configuration; for a batch, compute a kommune's "
                "configuration (utenforskap.job.batch_config.kommune_configs)"
            )
        from utenforskap.job.batch import run_batch

        return run_batch(cfg, out=out, force=force, jobs=jobs)
    if not write:
        computed = compute(cfg)
        return RunResult("computed", computed.indicators, warnings=computed.warnings)
    target = Path(out) if out is not None else cfg.output
    check_output(target, config=cfg)
    steps, clock = Steps(progress), RunClock()
    with _logged_warnings() as logged, run_lock(target):
        recover(target)
        steps.start("checking inputs")
        plan = plan_run(cfg, out=target, force=force, fetch=True)
        assert isinstance(plan, RunPlan)
        plan.check_ready()
        if plan.action == "skip":
            return _skipped(plan, logged)
        log.info("recomputing: %s", "; ".join(plan.reasons) if plan.reasons else "--force")
        steps.start("computing indicators")
        computed = compute(plan.config)
        return _write(plan, computed, steps, logged, clock, workers=jobs)
