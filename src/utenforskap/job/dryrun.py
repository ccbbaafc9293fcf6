"""--dry-run: what a run would read, fetch and write, without changing anything."""

from __future__ import annotations

from pathlib import Path

from utenforskap import __version__
from utenforskap.datasets.demo import DEMO_DIR, demo_config_path
from utenforskap.errors import FetchError
from utenforskap.job.atomic import current_version, versions_dir
from utenforskap.job.config import RunConfig, load_config
from utenforskap.job.lock import lock_holder, lock_path
from utenforskap.job.manifest import (
    MANIFEST_NAME,
    config_digest,
    config_files,
    file_record,
    read_manifest,
    relative,
    stale_reasons,
)

__all__ = ["dry_run"]


def _size(n: int) -> str:
    return f"{n / 1e6:.1f} MB" if n >= 1e5 else f"{n / 1e3:.1f} kB"


def dry_run(
    config: RunConfig | str | Path | None = None,
    *,
    out: str | Path | None = None,
    force: bool = False,
) -> list[str]:
    """Describe what :func:`utenforskap.job.pipeline.run` would do, without doing it.

    Nothing is written, locked, generated or fetched: SSB inputs are looked
    up in their cache only.

    Parameters
    ----------
    config
        As :func:`~utenforskap.job.pipeline.run` (None: the bundled demo).
    out
        Output folder; overrides the configuration's.
    force
        As the run's ``--force``.

    Returns
    -------
    list of str
        Lines for a person to read: each input (size, SHA-256 prefix, or
        missing), each SSB request (cached or to fetch), the outputs, the
        lock's state, and whether the run would recompute or skip, and why.
    """
    from dataclasses import replace

    from utenforskap.job.pipeline import cached_files, fetch_input

    lines: list[str] = []
    if config is None:
        cfg = load_config(demo_config_path(), base=Path.cwd())
        if not (Path.cwd() / DEMO_DIR).is_dir():
            lines.append(f"would generate the demo data into {DEMO_DIR}")
    elif isinstance(config, RunConfig):
        cfg = config
    else:
        cfg = load_config(config)
    target = Path(out) if out is not None else cfg.output
    records = []
    complete = True
    for key, path in config_files(cfg):
        if path.is_file():
            record = file_record(path, name=relative(path))
            records.append({"key": key, **record})
            lines.append(
                f"would read  {key}: {record['path']} "
                f"({_size(record['size'])}, sha256 {record['sha256'][:12]})"
            )
        else:
            complete = False
            lines.append(f"would read  {key}: {relative(path)} (MISSING)")
    for i, inp in enumerate(cfg.inputs):
        if inp.format != "ssb":
            continue
        key = f"inputs[{i}]"
        if inp.refresh and not inp.offline:
            complete = False
            lines.append(f"would fetch {key}: SSB table {inp.table} again (refresh = true)")
            continue
        try:
            frame = fetch_input(replace(inp, offline=True))
        except FetchError:
            complete = False
            where = "not cached and offline: the run would fail" if inp.offline else "not cached"
            lines.append(f"would fetch {key}: SSB table {inp.table} ({where})")
            continue
        for j, path in enumerate(cached_files(inp, frame)):
            record = file_record(path, name=relative(path))
            records.append({"key": f"{key}.response[{j}]", **record})
            lines.append(
                f"would read  {key}: SSB table {inp.table} from the cache {record['path']}"
            )
    current = current_version(target)
    holder = lock_holder(target)
    lock = lock_path(target)
    lines.append(
        f"lock        {relative(lock)}: "
        + (
            "free"
            if holder is None
            else f"HELD by pid {holder.get('pid')} on {holder.get('host')} since "
            f"{holder.get('started')}: the run would exit with code 3"
        )
    )
    reasons = (
        stale_reasons(
            read_manifest(current),
            inputs=records,
            config_sha256=config_digest(cfg),
            version=__version__,
            folder=current,
        )
        if complete
        else ["inputs to be generated or fetched first"]
    )
    if not reasons and not force:
        lines.append(f"would skip: nothing changed since the outputs in {relative(target)}")
        return lines
    why = "; ".join(reasons) if reasons else "--force"
    formats = "|".join(cfg.figures.formats)
    outputs = ["indicators.csv", "indicators.parquet", "indicators.xlsx"]
    outputs += [f"figures/*.{formats}", "figures/index.html"]
    outputs += ["report.pdf"] if cfg.figures.report else []
    outputs += [MANIFEST_NAME]
    lines.append(f"would recompute ({why})")
    lines.append(
        f"would write {relative(target)} -> a new version in {relative(versions_dir(target))}/: "
        + ", ".join(outputs)
    )
    return lines
