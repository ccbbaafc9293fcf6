"""Many kommuner at once: one run per kommune in parallel processes, resumable, and an index page.

A configuration with a ``[batch]`` section (see
:mod:`utenforskap.job.batch_config`) is run as one single run per kommune
(:func:`utenforskap.job.pipeline.run`), each in a process of its own, at
most ``jobs`` at a time. Each kommune's folder ``<output>/<code>-<slug>`` is
locked and swapped in atomically exactly as a single run's folder is, and
skipped when its inputs, configuration and package version are those of its
manifest — so a batch that was killed continues where it stopped, and a
batch run again redoes only what changed. A kommune that fails is reported
(in the summary, ``batch.json`` and the index page) and the others go on.
Last, ``<output>/index.html`` links every kommune's pack and
``<output>/batch.json`` records what each kommune's run did.

The fault-injection tests kill the batch's own process with ``SIGKILL`` right
after a kommune's run has finished, through the test hook of
:mod:`utenforskap.job.steps` set to :data:`BATCH_KILL_POINT`.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from utenforskap import __version__
from utenforskap.errors import ConfigError, ParameterError
from utenforskap.job.batch_config import kommune_configs
from utenforskap.job.batch_processes import (
    BATCH_KILL_POINT,
    KOMMUNE_STATUSES,
    KommuneResult,
    run_processes,
    warm_imports,
)
from utenforskap.job.batch_warm import WARM_FROM, warm_figures
from utenforskap.job.config import RunConfig
from utenforskap.job.lock import EXIT_LOCKED, lock_holder, lock_path, run_lock
from utenforskap.job.manifest import relative

__all__ = [
    "BATCH_FILE",
    "BATCH_KILL_POINT",
    "KOMMUNE_STATUSES",
    "BatchPlan",
    "BatchResult",
    "KommuneResult",
    "default_jobs",
    "plan_batch",
    "run_batch",
]

log = logging.getLogger("utenforskap.job.batch")

#: The batch's record of what each kommune's run did, beside the index page.
BATCH_FILE = "batch.json"
#: The index page of a batch.
INDEX_FILE = "index.html"


def default_jobs() -> int:
    """The number of processes a batch uses by default: the CPUs this process may use.

    Returns
    -------
    int
        At least 1.
    """
    try:
        return max(len(os.sched_getaffinity(0)), 1)
    except AttributeError:
        return max(os.cpu_count() or 1, 1)


@dataclass(frozen=True)
class BatchResult:
    """What :func:`run_batch` gives back.

    Attributes
    ----------
    output
        The batch's output folder.
    kommuner
        One result per kommune, in the batch's order.
    index
        The index page.
    summary
        ``batch.json``.
    seconds
        Wall time of the whole batch.
    jobs
        Processes used.
    """

    output: Path
    kommuner: tuple[KommuneResult, ...]
    index: Path
    summary: Path
    seconds: float
    jobs: int

    @property
    def failed(self) -> tuple[KommuneResult, ...]:
        """The kommuner whose run failed."""
        return tuple(k for k in self.kommuner if k.status == "failed")

    @property
    def status(self) -> str:
        """``done`` when every kommune was written or skipped, else ``failed``."""
        return "failed" if self.failed else "done"

    @property
    def exit_code(self) -> int:
        """0 when no kommune failed; else 1 if any failed unexpectedly, 3 if any was locked, 2."""
        codes = {k.exit_code for k in self.failed}
        if not codes:
            return 0
        if codes <= {2, EXIT_LOCKED}:
            return EXIT_LOCKED if EXIT_LOCKED in codes else 2
        return 1

    def count(self, status: str) -> int:
        """How many kommuner ended with ``status``.

        Parameters
        ----------
        status
            One of :data:`KOMMUNE_STATUSES`.

        Returns
        -------
        int
            The count.
        """
        return sum(k.status == status for k in self.kommuner)


@dataclass(frozen=True)
class BatchPlan:
    """What a batch would do: each kommune's plan (see :func:`~utenforskap.job.plan.plan_run`).

    Attributes
    ----------
    config
        The batch's configuration.
    output
        The batch's output folder.
    plans
        One :class:`~utenforskap.job.plan.RunPlan` per kommune, in the batch's order.
    jobs
        Processes a run would use.
    """

    config: RunConfig
    output: Path
    plans: tuple[Any, ...]
    jobs: int

    @property
    def action(self) -> str:
        """``skip`` when every kommune would be skipped, else ``recompute``."""
        return "skip" if all(p.action == "skip" for p in self.plans) else "recompute"

    def describe(self) -> str:
        """The plan for a person: one line per kommune, then what the batch writes.

        Returns
        -------
        str
            Lines.
        """
        batch = self.config.batch
        assert batch is not None
        source = self.config.source
        what = relative(source) if source else "a configuration"
        holder = lock_holder(self.output)
        lines = [
            f"plan for {what} (utenforskap {__version__}): a batch of {len(self.plans)} "
            f"kommuner of {batch.year} ({', '.join(batch.given)}), {self.jobs} processes",
            f"lock        {relative(lock_path(self.output))}: "
            + (
                "free"
                if holder is None
                else f"HELD by pid {holder.get('pid')} since {holder.get('started')}: "
                "the batch would exit with code 3"
            ),
        ]
        for kommune, plan in zip(batch.kommuner, self.plans, strict=True):
            head = f"{kommune.code} {kommune.name} -> {relative(plan.output)}"
            if plan.action == "skip":
                lines.append(f"{head}: would skip (nothing changed)")
                continue
            waiting = [p for p in plan.inputs if not p.ready and p.state != "to fetch"]
            if waiting:
                missing = ", ".join(f"{p.key} {relative(p.path)} ({p.state})" for p in waiting)
                lines.append(f"{head}: would FAIL: {missing}")
                continue
            why = "; ".join(plan.reasons) if plan.reasons else "--force"
            lines.append(f"{head}: would recompute ({why})")
        if self.plans:
            first = self.plans[0]
            lines.append("each writes  " + ", ".join(name for name, _ in first.layout.entries()))
            lines.append(f"figures     {first.figures.describe()}")
        lines.append(
            f"would write {relative(self.output / INDEX_FILE)} and "
            f"{relative(self.output / BATCH_FILE)}"
        )
        return "\n".join(lines)


def _batch_config(config: RunConfig) -> RunConfig:
    if config.batch is None:
        raise ParameterError(
            "the configuration has no [batch] section; run it with utenforskap.run"
        )
    return config


def plan_batch(
    config: RunConfig,
    *,
    out: str | Path | None = None,
    force: bool = False,
    jobs: int | None = None,
) -> BatchPlan:
    """Decide what a batch would do, without writing, locking or fetching anything.

    Parameters
    ----------
    config
        A configuration with a ``[batch]`` section.
    out
        The batch's output folder; overrides the configuration's.
    force
        Recompute every kommune even when nothing changed.
    jobs
        Processes; default :func:`default_jobs`.

    Returns
    -------
    BatchPlan
        Each kommune's plan.
    """
    from utenforskap.job.plan import plan_run

    cfg = _batch_config(config)
    root = Path(out) if out is not None else cfg.output
    plans = tuple(plan_run(k, force=force) for k in kommune_configs(cfg, output=root))
    return BatchPlan(cfg, root, plans, _jobs(jobs))


def _jobs(jobs: int | None) -> int:
    if jobs is None:
        return default_jobs()
    if isinstance(jobs, bool) or not isinstance(jobs, int) or jobs < 1:
        raise ParameterError(f"jobs must be a whole number ≥ 1; not {jobs!r}")
    return jobs


def _prefetch(configs: list[RunConfig]) -> list[RunConfig]:
    """Fetch each SSB and FHI input once, before the kommuner's processes read the cache."""
    from utenforskap.job.inputs import fetch_input

    done: dict[str, bool] = {}
    out = []
    for cfg in configs:
        inputs = list(cfg.inputs)
        for i, inp in enumerate(inputs):
            if not inp.fetched:
                continue
            key = repr(inp)
            if key not in done:
                fetch_input(inp)
                done[key] = True
            # As a single run does after its plan: read exactly the cached answers.
            inputs[i] = dataclasses.replace(inp, refresh=False, offline=True)
        out.append(dataclasses.replace(cfg, inputs=tuple(inputs)))
    return out


def _write_atomic(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with open(tmp, "w", encoding="utf-8") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)


def run_batch(
    config: RunConfig,
    *,
    out: str | Path | None = None,
    force: bool = False,
    jobs: int | None = None,
    on_result: Callable[[KommuneResult, int, int], None] | None = None,
) -> BatchResult:
    """Run a batch: each kommune's pack in parallel processes, then the index page.

    Holding the batch folder's lock (``<output>.lock``), SSB and FHI inputs
    are fetched once, then each kommune's run (:func:`kommune_configs`) goes to
    a process of its own, at most ``jobs`` at a time, drawing its figures in
    that one process. Each kommune's run locks its own folder, skips when
    nothing changed since its manifest, and otherwise swaps in a complete new
    version (:func:`utenforskap.job.pipeline.run`). A kommune that fails does
    not stop the others. Last, ``index.html`` (every kommune with its status
    and the date of its outputs; offline) and ``batch.json`` are written
    atomically into the output folder.

    Parameters
    ----------
    config
        A configuration with a ``[batch]`` section.
    out
        The batch's output folder; overrides the configuration's.
    force
        Recompute every kommune even when nothing changed.
    jobs
        Processes at a time; default the CPUs available (:func:`default_jobs`).
    on_result
        Called in the batch process as each kommune finishes, with its
        result, the number finished and the total.

    Returns
    -------
    BatchResult
        Every kommune's result, the index page and ``batch.json``;
        :attr:`BatchResult.exit_code` is nonzero when a kommune failed.

    Raises
    ------
    RunLockedError
        Another batch holds the output folder's lock.
    ConfigError
        The output folder holds a single run's outputs.
    FetchError
        An SSB or FHI input could not be fetched (nothing was run).
    """
    from utenforskap.publish.batch_index import BatchEntry, batch_index_html

    cfg = _batch_config(config)
    assert cfg.batch is not None
    root = Path(out) if out is not None else cfg.output
    count = _jobs(jobs)
    started = time.monotonic()
    stamp = time.time()
    if root.is_symlink() or (root.is_dir() and (root / "manifest.json").is_file()):
        raise ConfigError(
            f"{root} holds the outputs of a single run; a batch writes a folder per kommune "
            "and an index page: give it an output folder of its own",
            file=cfg.source,
            key="output",
        )
    root.mkdir(parents=True, exist_ok=True)
    with run_lock(root):
        configs = _prefetch(kommune_configs(cfg, output=root))
        kommuner = cfg.batch.kommuner
        log.info("batch of %d kommuner, %d processes", len(kommuner), count)
        warm_imports()
        # Warming costs a few seconds once; worth it when many kommuner draw.
        fresh = sum(1 for c in configs if force or not Path(c.output).exists())
        results = run_processes(
            configs,
            kommuner,
            force=force,
            jobs=count,
            on_result=on_result,
            warm=partial(warm_figures, cfg.figures) if len(configs) >= WARM_FROM else None,
            warm_first=fresh >= WARM_FROM,
            warm_from=WARM_FROM,
        )
        entries = [
            BatchEntry(
                code=r.kommune.code,
                name=r.kommune.name,
                folder=r.folder.name,
                status=r.status,
                exit_code=r.exit_code,
                finished=r.finished,
            )
            for r in results
        ]
        index = root / INDEX_FILE
        page = batch_index_html(
            entries,
            root,
            title=cfg.title,
            lang=cfg.figures.lang,
            synthetic=cfg.figures.synthetic,
        )
        _write_atomic(index, page)
        seconds = time.monotonic() - started
        summary = root / BATCH_FILE
        record = {
            "package": {"name": "utenforskap", "version": __version__},
            "config": None if cfg.source is None else relative(cfg.source),
            "year": cfg.batch.year,
            "kommuner_given": list(cfg.batch.given),
            "jobs": count,
            "started": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(stamp)),
            "seconds": round(seconds, 3),
            "counts": {s: sum(r.status == s for r in results) for s in KOMMUNE_STATUSES},
            "kommuner": [r.record() for r in results],
        }
        _write_atomic(summary, json.dumps(record, ensure_ascii=False, indent=2) + "\n")
    return BatchResult(root, tuple(results), index, summary, seconds, count)
