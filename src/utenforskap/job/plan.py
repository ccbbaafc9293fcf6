"""A run decided once: configuration, inputs with hashes, why it recomputes, lock, outputs."""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from utenforskap import __version__
from utenforskap.datasets.demo_cache import demo_config_path, demo_data_dir, demo_project_dir
from utenforskap.errors import ConfigError, FetchError
from utenforskap.job.atomic import current_version, versions_dir
from utenforskap.job.config import FiguresConfig, RunConfig, load_config
from utenforskap.job.inputs import fetch_input, response_files
from utenforskap.job.layout import OutputLayout, output_layout
from utenforskap.job.lock import lock_holder, lock_path
from utenforskap.job.manifest import (
    config_digest,
    config_files,
    file_record,
    read_manifest,
    relative,
    stale_reasons,
)

__all__ = [
    "INPUT_STATES",
    "FigureSettings",
    "LockState",
    "PlannedInput",
    "RunPlan",
    "demo_config",
    "fetch_input",
    "plan_run",
    "resolve_config",
]

if TYPE_CHECKING:
    from utenforskap.job.batch import BatchPlan
    from utenforskap.risk.config import RiskSettings

log = logging.getLogger("utenforskap.job.plan")

#: ``present`` / ``cached`` (hashed, ready), ``missing``, ``unreadable``,
#: ``to fetch`` (an SSB request not in the cache yet), ``to generate`` (demo data).
INPUT_STATES: tuple[str, ...] = (
    "present",
    "cached",
    "missing",
    "unreadable",
    "to fetch",
    "to generate",
)
_READY = ("present", "cached")


def demo_config(output: str | Path | None = None) -> RunConfig:
    """The bundled demo configuration: inputs in the user cache, outputs where you say.

    The demo data are read from :func:`~utenforskap.datasets.demo_data_dir`
    (generate them with :func:`~utenforskap.datasets.ensure_demo_data`);
    nothing is read from or written to the working directory except the
    output folder.

    Parameters
    ----------
    output
        Output folder; default ``data/processed`` in the working directory.

    Returns
    -------
    RunConfig
        The demo configuration.

    Examples
    --------
    >>> from utenforskap.datasets import demo_data_dir
    >>> cfg = demo_config("/srv/out")
    >>> cfg.output.as_posix(), cfg.inputs[0].path.parent == demo_data_dir()
    ('/srv/out', True)
    """
    cfg = load_config(demo_config_path(), base=demo_project_dir())
    target = Path.cwd() / "data" / "processed" if output is None else Path(output)
    return dataclasses.replace(cfg, output=target)


def resolve_config(
    config: RunConfig | str | Path | None = None, *, generate: bool = False
) -> RunConfig:
    """Turn what a user passes as a run's configuration into a :class:`RunConfig`.

    Parameters
    ----------
    config
        A configuration, a path to a TOML file, or None for the bundled demo
        (:func:`demo_config`).
    generate
        For the demo: generate its data into the user cache when missing.

    Returns
    -------
    RunConfig
        The configuration.

    Raises
    ------
    ConfigError
        The file is missing or invalid.

    Examples
    --------
    >>> resolve_config().title
    'Eksempelkommune'
    """
    if config is None:
        if generate:
            from utenforskap.datasets.demo_cache import ensure_demo_data

            ensure_demo_data()
        return demo_config()
    if isinstance(config, RunConfig):
        return config
    return load_config(config)


@dataclass(frozen=True)
class PlannedInput:
    """One file a run reads.

    Attributes
    ----------
    key
        Its role as a configuration key: ``inputs[0]``, ``geography.crosswalk``,
        ``inputs[3].response[0]`` (an SSB response in the cache).
    path
        The file (for an SSB input still to fetch: its cache folder).
    state
        One of :data:`INPUT_STATES`.
    sha256, size
        Of the file's bytes, when it could be read.
    source
        What it is, when not a plain file: ``SSB table 13563``.
    problem
        Why it is not ready, for a person.
    """

    key: str
    path: Path
    state: str
    sha256: str | None = None
    size: int | None = None
    source: str = ""
    problem: str = ""

    @property
    def ready(self) -> bool:
        """Whether the file is there and hashed."""
        return self.state in _READY

    def record(self) -> dict[str, Any]:
        """The input as ``manifest.json`` records it: ``key``, ``path``, ``sha256``, ``size``.

        Returns
        -------
        dict
            JSON-safe.
        """
        return {
            "key": self.key,
            "path": relative(self.path),
            "sha256": self.sha256,
            "size": self.size,
        }


@dataclass(frozen=True)
class LockState:
    """The output folder's lock when the plan was made.

    Attributes
    ----------
    path
        The lock file.
    holder
        ``pid``, ``host``, ``started`` of the run holding it, or None when free.
    """

    path: Path
    holder: Mapping[str, Any] | None

    @property
    def free(self) -> bool:
        """Whether no run holds the lock."""
        return self.holder is None


@dataclass(frozen=True)
class FigureSettings:
    """What decides the figures a run draws.

    The concrete chart list depends on the computed table (its indicators,
    age bands, periods and districts) and is made by the figure pack after
    computing (:func:`utenforskap.publish.pack.write_figure_pack`).

    Attributes
    ----------
    figures
        The ``[figures]`` settings.
    title
        Area name for the index page and the PDF cover.
    boundaries
        GeoJSON of district polygons for maps, or None (tile maps).
    boundary_code_property
        The GeoJSON property holding each feature's region code.
    area
        The area the maps cover (``geography.fylke``): every boundary inside it
        is drawn, those without data light grey; None: the regions in the data.
    risk
        The ``[risk]`` settings (risk figures drawn from the published
        table), or None when the configuration has no ``[risk]`` table.
    """

    figures: FiguresConfig
    title: str
    boundaries: Path | None = None
    boundary_code_property: str = "code"
    area: str | None = None
    risk: RiskSettings | None = None

    def describe(self) -> str:
        """One line for a person.

        Returns
        -------
        str
            Formats, language, size, report, trend regions and maps.
        """
        fig = self.figures
        parts = [", ".join(fig.formats), fig.lang, fig.size]
        parts.append("report.pdf" if fig.report else "no report")
        if fig.trend_regions:
            parts.append("trend regions " + ", ".join(fig.trend_regions))
        if fig.district_trends:
            parts.append("a trend chart per district")
        if fig.synthetic:
            parts.append('marked "Syntetiske data"')
        if self.risk is not None:
            parts.append(f"risk ({self.risk.method})" if self.risk.figures else "no risk figures")
        parts.append(
            "tile maps (no boundaries)"
            if self.boundaries is None
            else f"maps from {relative(self.boundaries)}"
            + (f" over all of {self.area}" if self.area else "")
        )
        return "; ".join(parts)


@dataclass(frozen=True)
class RunPlan:
    """Everything a run decides before computing; a dry run prints it, a run executes it.

    Attributes
    ----------
    config
        The configuration as the run computes it: SSB inputs found in their
        cache are switched to read exactly the responses hashed here.
    settings_sha256
        :func:`~utenforskap.job.manifest.config_digest` of the configuration as
        written (what skipping compares).
    config_sha256
        SHA-256 of the configuration file's bytes; None for an in-memory
        configuration.
    inputs
        Every file the run reads (for SSB and FHI inputs: their cached
        answers), with its hash or why it is not ready.
    reasons
        Why the run recomputes; empty when nothing changed.
    force
        Recompute even when nothing changed.
    lock
        The output folder's lock.
    layout
        Every file the run writes.
    figures
        What decides the figures.
    current
        The complete version the output folder points to now, or None.
    previous
        Its manifest, or None.
    demo
        Whether this is the bundled demo (whose data are generated when missing).

    Examples
    --------
    >>> from utenforskap.datasets import ensure_demo_data
    >>> _ = ensure_demo_data()
    >>> plan = plan_run(out="out")
    >>> plan.action, plan.reasons[-1]
    ('recompute', 'no previous run with a manifest')
    >>> print(plan.describe())  # doctest: +ELLIPSIS
    plan for the bundled demo (utenforskap ...)
    ...
    would recompute (no previous run with a manifest)
    would write out -> a new version in out.runs/: indicators.csv, ..., manifest.json
    figures     png, svg; nb; a4; report.pdf; trend regions 990103, 990105; ...
    """

    config: RunConfig
    settings_sha256: str
    config_sha256: str | None
    inputs: tuple[PlannedInput, ...]
    reasons: tuple[str, ...]
    force: bool
    lock: LockState
    layout: OutputLayout
    figures: FigureSettings
    current: Path | None = None
    previous: Mapping[str, Any] | None = field(default=None, repr=False)
    demo: bool = False

    @property
    def output(self) -> Path:
        """The output folder."""
        return self.layout.folder

    @property
    def ready(self) -> bool:
        """Whether every input is there and hashed."""
        return all(p.ready for p in self.inputs)

    @property
    def action(self) -> str:
        """``skip`` (every input ready, nothing changed, not forced) or ``recompute``."""
        return "skip" if self.ready and not self.reasons and not self.force else "recompute"

    @property
    def forced(self) -> bool:
        """Whether only ``force`` makes the run recompute."""
        return self.force and not self.reasons

    def input_records(self) -> list[dict[str, Any]]:
        """The inputs as ``manifest.json`` records them (see :meth:`PlannedInput.record`).

        Returns
        -------
        list of dict
            In plan order.
        """
        return [p.record() for p in self.inputs]

    def check_ready(self, *, to_fetch: bool = False) -> None:
        """Raise for the first input that is not there.

        Parameters
        ----------
        to_fetch
            Accept SSB and FHI inputs not fetched yet (``utenforskap validate``
            does not ask the agencies).

        Raises
        ------
        ConfigError
            Naming the configuration key and the file.
        """
        for p in self.inputs:
            if p.ready or (to_fetch and p.state == "to fetch"):
                continue
            where = p.key if p.key.startswith("geography.") else f"{p.key}.path"
            problem = (
                f"file not found: {p.path}" if p.state == "missing" else f"cannot read {p.path}"
            )
            if p.problem:
                problem += f": {p.problem}"
            raise ConfigError(problem, file=self.config.source, key=where)

    def describe(self) -> str:
        """The plan for a person: what would be read, fetched and written, and why.

        Returns
        -------
        str
            One line per input, the lock, the decision (skip or recompute,
            with the reasons), the outputs and the figure settings.
        """
        source = self.config.source
        what = (
            "the bundled demo" if self.demo else relative(source) if source else "a configuration"
        )
        lines = [f"plan for {what} (utenforskap {__version__})"]
        if any(p.state == "to generate" for p in self.inputs):
            lines.append(f"would generate the demo data into {relative(demo_data_dir())}")
        lines += [_input_line(p) for p in self.inputs]
        holder = self.lock.holder
        lines.append(
            f"lock        {relative(self.lock.path)}: "
            + (
                "free"
                if holder is None
                else f"HELD by pid {holder.get('pid')} on {holder.get('host')} since "
                f"{holder.get('started')}: the run would exit with code 3"
            )
        )
        if self.action == "skip":
            lines.append(
                f"would skip: nothing changed since the outputs in {relative(self.output)}"
            )
            return "\n".join(lines)
        why = "; ".join(self.reasons) if self.reasons else "--force"
        lines.append(f"would recompute ({why})")
        lines.append(
            f"would write {relative(self.output)} -> a new version in "
            f"{relative(versions_dir(self.output))}/: "
            + ", ".join(name for name, _ in self.layout.entries())
        )
        lines.append(f"figures     {self.figures.describe()}")
        return "\n".join(lines)


def _size(n: int) -> str:
    return f"{n / 1e6:.1f} MB" if n >= 1e5 else f"{n / 1e3:.1f} kB"


def _input_line(p: PlannedInput) -> str:
    if p.source and p.state == "cached":
        return f"would read  {p.key}: {p.source} from the cache {relative(p.path)}"
    if p.state == "to fetch":
        return f"would fetch {p.key}: {p.source} ({p.problem})"
    if p.ready:
        assert p.size is not None and p.sha256 is not None
        return f"would read  {p.key}: {relative(p.path)} ({_size(p.size)}, sha256 {p.sha256[:12]})"
    if p.state == "to generate":
        return f"would read  {p.key}: {relative(p.path)} (to be generated)"
    if p.state == "missing":
        return f"would read  {p.key}: {relative(p.path)} (MISSING)"
    return f"would read  {p.key}: {relative(p.path)} (cannot read: {p.problem})"


def _local_input(key: str, path: Path, *, demo: bool) -> PlannedInput:
    try:
        record = file_record(path)
    except FileNotFoundError:
        state = "to generate" if demo else "missing"
        return PlannedInput(key, path, state)
    except IsADirectoryError:
        return PlannedInput(key, path, "unreadable", problem="a folder, not a file")
    except OSError as exc:
        return PlannedInput(key, path, "unreadable", problem=str(exc.strerror or exc))
    return PlannedInput(key, path, "present", record["sha256"], record["size"])


def _fetched_inputs(cfg: RunConfig, *, fetch: bool) -> tuple[RunConfig, list[PlannedInput]]:
    """Look up (with ``fetch``: fetch) each SSB and FHI input; switch those found to the cache."""
    planned: list[PlannedInput] = []
    inputs = list(cfg.inputs)
    for i, inp in enumerate(inputs):
        if not inp.fetched:
            continue
        agency = "SSB" if inp.format == "ssb" else "FHI"
        key, source = f"inputs[{i}]", f"{agency} table {inp.table}"
        if not fetch and inp.refresh and not inp.offline:
            planned.append(
                PlannedInput(
                    key, inp.path, "to fetch", source=source, problem="again: refresh = true"
                )
            )
            continue
        try:
            table = fetch_input(inp) if fetch else fetch_input(inp, offline=True)
        except FetchError:
            if fetch:
                raise
            problem = "not cached and offline: the run would fail" if inp.offline else "not cached"
            planned.append(PlannedInput(key, inp.path, "to fetch", source=source, problem=problem))
            continue
        for j, path in enumerate(response_files(table)):
            record = file_record(path)
            planned.append(
                PlannedInput(
                    f"{key}.response[{j}]", path, "cached", record["sha256"], record["size"], source
                )
            )
        # The run must read exactly the responses hashed here, not ask again.
        inputs[i] = dataclasses.replace(inp, refresh=False, offline=True)
    return dataclasses.replace(cfg, inputs=tuple(inputs)), planned


def plan_run(
    config: RunConfig | str | Path | None = None,
    *,
    out: str | Path | None = None,
    force: bool = False,
    fetch: bool = False,
) -> RunPlan | BatchPlan:
    """Decide what a run would do, without writing, locking or generating anything.

    Every input is hashed (SSB and FHI inputs: their cached responses), the current
    outputs' manifest is compared with them, the configuration's digest and
    the package version, and the lock is looked at. A run
    (:func:`~utenforskap.job.pipeline.run`) makes this plan while holding the
    lock and executes it; ``utenforskap run --dry-run`` prints it.

    Parameters
    ----------
    config
        A configuration, a path to a TOML file, or None for the bundled demo.
    out
        Output folder; overrides the configuration's.
    force
        Recompute even when nothing changed.
    fetch
        Ask SSB and FHI for inputs not in the cache (and those with ``refresh = true``);
        False (a dry run): look in the cache only, and mark the others "to fetch".

    Returns
    -------
    RunPlan or BatchPlan
        The plan; for a configuration with a ``[batch]`` section, every
        kommune's plan (:func:`~utenforskap.job.batch.plan_batch`; nothing is
        fetched).

    Raises
    ------
    ConfigError
        The configuration is missing or invalid, or an SSB selection names an
        unknown code.
    FetchError
        With ``fetch``: SSB or FHI could not be asked, or an ``offline`` input
        is not cached.

    Examples
    --------
    >>> plan = plan_run(out="out", force=True)
    >>> plan.action, plan.output.as_posix(), plan.lock.free
    ('recompute', 'out', True)
    >>> [p.key for p in plan.inputs][:2]
    ['inputs[0]', 'inputs[1]']
    """
    cfg = resolve_config(config)
    if cfg.batch is not None:
        from utenforskap.job.batch import plan_batch

        return plan_batch(cfg, out=out, force=force)
    settings = config_digest(cfg)
    demo = cfg.source is not None and cfg.source == demo_config_path()
    planned = [_local_input(key, path, demo=demo) for key, path in config_files(cfg)]
    resolved, fetched = _fetched_inputs(cfg, fetch=fetch)
    planned += fetched
    target = Path(out) if out is not None else cfg.output
    current = current_version(target)
    previous = read_manifest(current)
    waiting = [p for p in planned if not p.ready]
    if waiting:
        states = dict.fromkeys(p.state for p in waiting)
        reasons = tuple(
            f"{state}: " + ", ".join(p.key for p in waiting if p.state == state) for state in states
        )
    else:
        reasons = tuple(
            stale_reasons(
                previous,
                inputs=[p.record() for p in planned],
                config_sha256=settings,
                version=__version__,
                folder=current,
            )
        )
    source_sha = None
    if cfg.source is not None and cfg.source.is_file():
        source_sha = file_record(cfg.source)["sha256"]
    geo = cfg.geography
    return RunPlan(
        config=resolved,
        settings_sha256=settings,
        config_sha256=source_sha,
        inputs=tuple(planned),
        reasons=reasons,
        force=force,
        lock=LockState(lock_path(target), lock_holder(target)),
        layout=output_layout(cfg, target),
        figures=FigureSettings(
            figures=cfg.figures,
            title=cfg.title,
            boundaries=geo.boundaries,
            boundary_code_property=geo.boundary_code_property,
            area=geo.fylke or None,
            risk=cfg.risk,
        ),
        current=current,
        previous=previous,
        demo=demo,
    )
