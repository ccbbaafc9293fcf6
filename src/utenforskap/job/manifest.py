"""manifest.json: what a run read (with hashes), what it wrote, how much, and what went wrong."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import os
import platform
import socket
import time
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from utenforskap import __version__
from utenforskap import frames as F
from utenforskap.job.config import RunConfig
from utenforskap.job.results import Computed, RunWarning, warnings_as_dicts

if TYPE_CHECKING:
    from utenforskap.job.plan import RunPlan

__all__ = [
    "AUDIT_FIELDS",
    "MANIFEST_NAME",
    "MANIFEST_VERSION",
    "RunClock",
    "audit_record",
    "build_manifest",
    "config_digest",
    "config_files",
    "file_record",
    "frame_counts",
    "output_records",
    "read_manifest",
    "relative",
    "run_warnings",
    "stale_reasons",
    "write_manifest",
]

MANIFEST_NAME = "manifest.json"
#: Bumped when the layout of manifest.json changes.
MANIFEST_VERSION = 1

_CHUNK = 1 << 20


def file_record(path: Path, *, name: str | None = None) -> dict[str, Any]:
    """Describe one file by its SHA-256 and size.

    Parameters
    ----------
    path
        The file.
    name
        The path recorded; default ``str(path)``.

    Returns
    -------
    dict
        ``path``, ``sha256`` (hex) and ``size`` (bytes).
    """
    digest = hashlib.sha256()
    size = 0
    with open(path, "rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return {"path": str(path) if name is None else name, "sha256": digest.hexdigest(), "size": size}


def _plain(value: Any) -> Any:
    """Dataclasses as dicts, any mapping as a dict, sequences as lists (as ``asdict``,
    but also for read-only mappings such as the risk settings' weights)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Mapping):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def config_digest(config: RunConfig) -> str:
    """Return the SHA-256 of a configuration's settings, independent of its layout and comments.

    The output folder, the file's own path and a ``[batch]`` section are left
    out: they say where and for which kommuner runs write, not what one
    computes (each kommune's run has its own ``scope``); other paths are taken relative to the
    folder they were resolved against, so a moved or copied project keeps its
    digest.

    Parameters
    ----------
    config
        The configuration.

    Returns
    -------
    str
        Hex digest of the settings as canonical JSON.
    """
    settings = _plain(config)
    for name in ("output", "source", "base", "batch"):
        settings.pop(name, None)
    # A kommune's run of a batch computes for its scope; a single run has none
    # (left out, so that single runs keep the digest they had before batches).
    if settings.get("scope") is None:
        settings.pop("scope", None)
    anchor = Path.cwd() if config.base is None else config.base

    def portable(value: object) -> str:
        if isinstance(value, Path):
            return Path(os.path.relpath(os.path.abspath(value), os.path.abspath(anchor))).as_posix()
        return str(value)

    text = json.dumps(settings, sort_keys=True, default=portable, ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def config_files(config: RunConfig) -> list[tuple[str, Path]]:
    """List the local files a run reads, with their role as a config key path.

    Parameters
    ----------
    config
        The configuration.

    Returns
    -------
    list of (str, pathlib.Path)
        ``(key, path)``, e.g. ``("inputs[0]", Path("data/raw/register.csv"))``,
        ``("geography.crosswalk", ...)``. SSB and FHI inputs are not listed:
        their files are the cached responses, known after fetching.
    """
    files = [(f"inputs[{i}]", inp.path) for i, inp in enumerate(config.inputs) if not inp.fetched]
    geo = config.geography
    for name in ("regions", "crosswalk", "split_weights", "levekarssone_map", "boundaries"):
        path = getattr(geo, name)
        if path is not None:
            files.append((f"geography.{name}", path))
    return files


def output_records(folder: Path) -> list[dict[str, Any]]:
    """Describe every file under an output folder (the manifest excluded), sorted by path.

    Parameters
    ----------
    folder
        The output folder.

    Returns
    -------
    list of dict
        ``path`` (relative, ``/``-separated), ``sha256``, ``size``.
    """
    files = sorted(p for p in Path(folder).rglob("*") if p.is_file() and p.name != MANIFEST_NAME)
    return [file_record(p, name=p.relative_to(folder).as_posix()) for p in files]


def frame_counts(frame: pd.DataFrame) -> dict[str, int]:
    """Count rows, indicators, regions and suppressed cells of a published IndicatorFrame.

    Parameters
    ----------
    frame
        The IndicatorFrame.

    Returns
    -------
    dict
        ``rows``, ``indicators``, ``regions``, ``suppressed``.
    """
    return {
        "rows": len(frame),
        "indicators": int(frame[F.INDICATOR].nunique()),
        "regions": int(frame[F.REGION].nunique()),
        "suppressed": int(frame[F.SUPPRESSED].sum()),
    }


#: The audit summary's entries the manifest keeps.
AUDIT_FIELDS: tuple[str, ...] = (
    "cells",
    "exact",
    "exact_hidden_nonzero",
    "short",
    "min_width",
    "rounds",
    "added",
    "released",
    "seconds",
)


def audit_record(summary: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """The manifest's record of the disclosure audit (None when the run did not audit).

    Parameters
    ----------
    summary
        :attr:`Computed.audit <utenforskap.job.results.Computed.audit>`.

    Returns
    -------
    dict or None
        ``cells`` audited, ``exact`` (numerators determined, zeros included),
        ``exact_hidden_nonzero``, ``short``, ``min_width`` (narrowest hidden
        numerator interval), ``rounds`` (audits), ``added`` (cells hidden
        because of the audit, net), ``released`` (secondary cells shown
        again), ``seconds``.

    Examples
    --------
    >>> audit_record({"cells": 10, "exact": 2, "short": 0, "seconds": 0.5})["short"]
    0
    """
    if summary is None:
        return None
    return {k: summary.get(k) for k in AUDIT_FIELDS}


def run_warnings(report: Any = None, coverage: pd.DataFrame | None = None) -> list[RunWarning]:
    """Warnings of a computation: harmonised codes, split kommuner left out, pooled-period gaps.

    Parameters
    ----------
    report
        The :class:`~utenforskap.geo.HarmoniseReport` of the run, if codes were harmonised.
    coverage
        The coverage table of :func:`utenforskap.periods.pool_periods`, if years were pooled.

    Returns
    -------
    list of RunWarning
        ``harmonise.changed``, ``harmonise.unresolved``, ``pool.missing_years``
        (those that apply), each with a short list of records as details.

    Examples
    --------
    >>> import pandas as pd
    >>> coverage = pd.DataFrame({"indicator": ["neet", "neet"], "missing_years": ["", "2020"]})
    >>> [w.message for w in run_warnings(coverage=coverage)]
    ['1 pooled cells miss one or more years']
    """
    out: list[RunWarning] = []
    if report is not None:
        changed = report.changed
        if len(changed):
            out.append(
                RunWarning(
                    "harmonise.changed",
                    f"{len(changed)} old kommune codes harmonised to {report.to_year}",
                    tuple(_records(changed)),
                )
            )
        unresolved = report.unresolved
        if len(unresolved):
            out.append(
                RunWarning(
                    "harmonise.unresolved",
                    f"{len(unresolved)} rows of split kommuner left out (no split weights)",
                    tuple(_records(unresolved)),
                )
            )
    if coverage is not None and len(coverage):
        gaps = coverage[coverage["missing_years"].astype(str) != ""]
        if len(gaps):
            per = gaps.groupby(F.INDICATOR, sort=True).size()
            out.append(
                RunWarning(
                    "pool.missing_years",
                    f"{len(gaps)} pooled cells miss one or more years",
                    tuple({"indicator": str(k), "cells": int(v)} for k, v in per.items()),
                )
            )
    return out


def _records(table: pd.DataFrame, limit: int = 50) -> list[dict[str, Any]]:
    """The first rows of a report table as JSON-safe records."""
    head = table.head(limit).reset_index(drop=True)
    text = head.to_json(orient="records", force_ascii=False, date_format="iso")
    records: list[dict[str, Any]] = json.loads(text)
    return records


def _utc_now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


class RunClock:
    """When a run started, for the manifest's ``run`` record.

    Examples
    --------
    >>> clock = RunClock()
    >>> record = clock.record()
    >>> sorted(record), record["started"] <= record["finished"]
    (['finished', 'seconds', 'started'], True)
    """

    def __init__(self) -> None:
        self.started = _utc_now()
        self._monotonic = time.monotonic()

    def record(self) -> dict[str, Any]:
        """``started``, ``finished`` (now; UTC, ISO 8601) and ``seconds`` between them.

        Returns
        -------
        dict
            The times.
        """
        return {
            "started": self.started,
            "finished": _utc_now(),
            "seconds": round(time.monotonic() - self._monotonic, 1),
        }


def build_manifest(
    plan: RunPlan,
    computed: Computed,
    *,
    folder: Path,
    warnings: Sequence[RunWarning],
    clock: RunClock,
) -> dict[str, Any]:
    """The manifest of a run: made from its plan, its computation and the files written.

    Parameters
    ----------
    plan
        The plan the run executed (configuration, inputs with hashes, reasons).
    computed
        What the run computed.
    folder
        The version being written (every file in it but the manifest is listed).
    warnings
        Everything the run reported (see :attr:`RunResult.warnings
        <utenforskap.job.results.RunResult.warnings>`).
    clock
        The run's start.

    Returns
    -------
    dict
        ``manifest_version``, ``package``, ``run``, ``config``, ``inputs``,
        ``outputs``, ``counts``, ``disclosure_audit`` (:func:`audit_record`),
        ``warnings`` (see ``docs/scheduling.md``).
    """
    cfg = plan.config
    return {
        "manifest_version": MANIFEST_VERSION,
        "package": {"name": "utenforskap", "version": __version__},
        "run": {
            **clock.record(),
            "host": socket.gethostname(),
            "python": platform.python_version(),
            "forced": plan.forced,
            "reasons": list(plan.reasons),
        },
        "config": {
            "file": None if cfg.source is None else relative(cfg.source),
            "file_sha256": plan.config_sha256,
            "settings_sha256": plan.settings_sha256,
            "title": cfg.title,
        },
        "inputs": plan.input_records(),
        "outputs": output_records(folder),
        "counts": frame_counts(computed.indicators),
        "disclosure_audit": audit_record(computed.audit),
        "warnings": warnings_as_dicts(warnings),
    }


def write_manifest(folder: Path, manifest: Mapping[str, Any]) -> Path:
    """Write ``manifest.json`` into ``folder`` (keys sorted, UTF-8, two-space indent).

    Parameters
    ----------
    folder
        The output folder being written.
    manifest
        The manifest.

    Returns
    -------
    pathlib.Path
        The file written.
    """
    path = Path(folder) / MANIFEST_NAME
    text = json.dumps(manifest, indent=2, sort_keys=True, ensure_ascii=False, allow_nan=False)
    path.write_text(text + "\n", encoding="utf-8")
    return path


def read_manifest(folder: Path | None) -> dict[str, Any] | None:
    """Read the manifest of an output folder, or None when there is no readable one.

    Parameters
    ----------
    folder
        The output folder, or None.

    Returns
    -------
    dict or None
        The manifest.
    """
    if folder is None:
        return None
    try:
        data = json.loads((Path(folder) / MANIFEST_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def _by_key(records: Iterable[Mapping[str, Any]]) -> dict[str, tuple[Any, Any]]:
    return {str(r.get("key")): (r.get("sha256"), r.get("size")) for r in records}


def stale_reasons(
    previous: Mapping[str, Any] | None,
    *,
    inputs: Sequence[Mapping[str, Any]],
    config_sha256: str,
    version: str,
    folder: Path | None,
) -> list[str]:
    """Say why the last run's outputs are out of date; an empty list means nothing changed.

    Parameters
    ----------
    previous
        The manifest of the current outputs, or None.
    inputs
        This run's input records (``key``, ``path``, ``sha256``, ``size``).
    config_sha256
        :func:`config_digest` of this run's configuration.
    version
        The package version.
    folder
        The current output folder, whose files are checked against ``previous``.

    Returns
    -------
    list of str
        Reasons, e.g. ``"input inputs[0] changed"``.
    """
    if previous is None or folder is None:
        return ["no previous run with a manifest"]
    reasons = []
    if previous.get("manifest_version") != MANIFEST_VERSION:
        reasons.append("manifest layout changed")
    if previous.get("package", {}).get("version") != version:
        reasons.append(f"package version changed ({previous.get('package', {}).get('version')})")
    if previous.get("config", {}).get("settings_sha256") != config_sha256:
        reasons.append("configuration changed")
    old, new = _by_key(previous.get("inputs", [])), _by_key(inputs)
    for key in sorted(old.keys() | new.keys()):
        if old.get(key) != new.get(key):
            state = "added" if key not in old else "removed" if key not in new else "changed"
            reasons.append(f"input {key} {state}")
    if not reasons:
        expected = {r.get("path"): r.get("sha256") for r in previous.get("outputs", [])}
        try:
            found = {r["path"]: r["sha256"] for r in output_records(Path(folder))}
        except OSError:
            found = {}
        if found != expected:
            reasons.append("output files differ from the manifest")
    return reasons


def relative(path: Path) -> str:
    """Return ``path`` relative to the working directory when inside it, else absolute.

    Parameters
    ----------
    path
        A file.

    Returns
    -------
    str
        The path as recorded in the manifest (``/``-separated).
    """
    absolute = Path(os.path.abspath(path))
    try:
        return absolute.relative_to(Path.cwd()).as_posix()
    except ValueError:
        return absolute.as_posix()
