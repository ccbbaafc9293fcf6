"""What a computation and a run give back: named results and typed warnings (no ``attrs``)."""

from __future__ import annotations

import json
import logging
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

if TYPE_CHECKING:
    from utenforskap.job.plan import RunPlan

__all__ = [
    "RUN_STATUSES",
    "WARNING_ATTR",
    "Computed",
    "RunResult",
    "RunWarning",
    "warnings_as_dicts",
]

#: ``written``: new outputs swapped in; ``skipped``: nothing changed, outputs
#: kept; ``computed``: computed only (``write=False``), nothing written.
RUN_STATUSES: tuple[str, ...] = ("written", "skipped", "computed")

#: Log record attribute that marks a record as the announcement of a :class:`RunWarning`.
WARNING_ATTR = "run_warning"


def _plain(value: Any) -> Any:
    """NumPy scalars as Python numbers, anything else JSON does not know as text."""
    item = getattr(value, "item", None)
    if callable(item) and not isinstance(value, str | bytes):
        try:
            return item()
        except (TypeError, ValueError):
            pass
    return str(value)


def _no_nan(value: Any) -> Any:
    """NaN and infinities as None: ``manifest.json`` is strict JSON."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, list):
        return [_no_nan(v) for v in value]
    if isinstance(value, dict):
        return {k: _no_nan(v) for k, v in value.items()}
    return value


@dataclass(frozen=True)
class RunWarning:
    """Something partial or changed that a run reports but does not stop for.

    Attributes
    ----------
    kind
        What happened, as a dotted name: ``harmonise.changed``,
        ``harmonise.unresolved``, ``pool.missing_years``, ``python.GeoWarning``
        (a Python warning raised while computing), ``log`` (any other warning
        logged during the run).
    message
        One line for a person.
    details
        Records (JSON-safe dicts) naming what it concerns, at most a few dozen.

    Examples
    --------
    >>> w = RunWarning("pool.missing_years", "2 pooled cells miss one or more years",
    ...                ({"indicator": "neet", "cells": 2},))
    >>> w.as_dict()["details"]
    [{'indicator': 'neet', 'cells': 2}]
    """

    kind: str
    message: str
    details: tuple[Mapping[str, Any], ...] = ()

    def as_dict(self) -> dict[str, Any]:
        """The warning as ``manifest.json`` records it: ``kind``, ``message``, ``details``.

        Returns
        -------
        dict
            JSON-safe.
        """
        details = json.loads(json.dumps([dict(d) for d in self.details], default=_plain))
        return {"kind": self.kind, "message": self.message, "details": _no_nan(details)}

    def log(self, logger: logging.Logger) -> None:
        """Log the warning (so it reaches stderr and the run's log).

        Parameters
        ----------
        logger
            Where to log it.
        """
        logger.warning("%s", self.message, extra={WARNING_ATTR: self.kind})


@dataclass(frozen=True)
class Computed:
    """What :func:`~utenforskap.job.pipeline.compute` gives back.

    Attributes
    ----------
    indicators
        The published IndicatorFrame (after disclosure control).
    counts
        The CountFrame it was computed from (harmonised, rolled up, pooled).
    coverage
        The district coverage that disclosure control used (see
        :func:`utenforskap.geo.district_coverage`): one row per kommune ×
        level × indicator × period × age × sex with district rows.
    warnings
        What was partial or changed, in the order found.
    sources
        The source table (:func:`utenforskap.sources.source_table`): the
        credit of every indicator × region of ``indicators`` (regions rolled
        up or harmonised from an input's cells carry its source), with the
        publisher's measure label of published rates; None when not known.
    groups
        Each population group compared with the rest of its region's
        population (:func:`utenforskap.indicators.compare_groups`, from the
        published cells); None when not computed.
    audit
        The summary of the disclosure audit of ``indicators``
        (:func:`utenforskap.disclosure.audit_loop.suppress_audited`); None when the
        run does not audit (``[disclosure] audit = false``).
    """

    indicators: pd.DataFrame = field(repr=False)
    counts: pd.DataFrame = field(repr=False)
    coverage: pd.DataFrame = field(repr=False)
    warnings: tuple[RunWarning, ...] = ()
    sources: pd.DataFrame | None = field(default=None, repr=False)
    groups: pd.DataFrame | None = field(default=None, repr=False)
    audit: Mapping[str, Any] | None = None

    def __repr__(self) -> str:
        return (
            f"Computed(indicators={len(self.indicators)} rows, counts={len(self.counts)} rows, "
            f"warnings={[w.kind for w in self.warnings]})"
        )


@dataclass(frozen=True)
class RunResult:
    """What :func:`~utenforskap.job.pipeline.run` gives back.

    Attributes
    ----------
    status
        ``written``, ``skipped`` (nothing changed; the current outputs kept) or
        ``computed`` (``write=False``).
    indicators
        The published IndicatorFrame: the one written, the one kept (read
        back from ``indicators.parquet``) or the one computed.
    output
        The output folder, or None when nothing was to be written.
    reasons
        Why it recomputed (empty when skipped, forced with nothing changed,
        or not writing).
    manifest
        The manifest written (or, when skipped, the current one); None when
        not writing.
    warnings
        What the run reported: the computation's warnings and every other
        warning logged during the run.
    plan
        The plan the run executed; None when not writing.
    """

    status: str
    indicators: pd.DataFrame = field(repr=False)
    output: Path | None = None
    reasons: tuple[str, ...] = ()
    manifest: Mapping[str, Any] | None = field(default=None, repr=False)
    warnings: tuple[RunWarning, ...] = ()
    plan: RunPlan | None = field(default=None, repr=False)

    def __repr__(self) -> str:
        return (
            f"RunResult(status={self.status!r}, indicators={len(self.indicators)} rows, "
            f"output={None if self.output is None else str(self.output)!r}, "
            f"reasons={list(self.reasons)}, warnings={[w.kind for w in self.warnings]})"
        )


def warnings_as_dicts(warnings: Sequence[RunWarning]) -> list[dict[str, Any]]:
    """JSON-safe records of warnings, in order, as ``manifest.json`` lists them.

    Parameters
    ----------
    warnings
        The warnings.

    Returns
    -------
    list of dict
        One :meth:`RunWarning.as_dict` per warning.

    Examples
    --------
    >>> warnings_as_dicts([RunWarning("log", "careful")])
    [{'kind': 'log', 'message': 'careful', 'details': []}]
    """
    return [w.as_dict() for w in warnings]
