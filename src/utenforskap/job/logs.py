"""Log lines for people and for log collectors, and step progress for long runs."""

from __future__ import annotations

import datetime as dt
import json
import logging
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, TextIO

from utenforskap.errors import check_choice

__all__ = [
    "JsonFormatter",
    "Progress",
    "TextFormatter",
    "configure_logging",
    "logging_to",
    "utc_stamp",
]

LOGGER = "utenforskap"
LOG_FORMATS = ("text", "json")

# Attributes every LogRecord has; anything else came through ``extra=`` and is
# passed on to JSON lines as a field.
_STANDARD = frozenset(logging.makeLogRecord({}).__dict__) | {"message", "asctime"}


def utc_stamp(created: float) -> str:
    """Return a POSIX time as ``2026-01-31T02:00:00.000Z``.

    Parameters
    ----------
    created
        Seconds since the epoch.

    Returns
    -------
    str
        ISO 8601 UTC time with milliseconds.
    """
    stamp = dt.datetime.fromtimestamp(created, dt.UTC)
    return stamp.isoformat(timespec="milliseconds").replace("+00:00", "Z")


class TextFormatter(logging.Formatter):
    """Text lines: ``utenforskap: warning: message``; with ``detail``, time and logger first."""

    def __init__(self, *, detail: bool = False) -> None:
        super().__init__()
        self.detail = detail

    def format(self, record: logging.LogRecord) -> str:
        if self.detail:
            stamp = utc_stamp(record.created)
            text = f"{stamp} {record.levelname:<7} {record.name}: {record.getMessage()}"
        else:
            text = f"utenforskap: {record.levelname.lower()}: {record.getMessage()}"
        if record.exc_info and self.detail:
            text += "\n" + self.formatException(record.exc_info)
        return text


class JsonFormatter(logging.Formatter):
    """One JSON object per line: ``time``, ``level``, ``logger``, ``message`` and extra fields."""

    def format(self, record: logging.LogRecord) -> str:
        data: dict[str, Any] = {
            "time": utc_stamp(record.created),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, value in record.__dict__.items():
            if key not in _STANDARD and not key.startswith("_"):
                data[key] = value
        if record.exc_info:
            data["traceback"] = self.formatException(record.exc_info)
        return json.dumps(data, ensure_ascii=False, default=str)


class _LineHandler(logging.StreamHandler):
    """On a terminal, clear a live progress line before writing a log line."""

    def format(self, record: logging.LogRecord) -> str:
        text = super().format(record)
        if getattr(self.stream, "isatty", lambda: False)():
            return "\r\x1b[2K" + text
        return text


@contextmanager
def logging_to(
    *, verbose: int = 0, quiet: bool = False, fmt: str = "text", stream: TextIO | None = None
) -> Iterator[logging.Handler]:
    """:func:`configure_logging` for the length of a ``with`` block, then restore the logger.

    Parameters
    ----------
    verbose, quiet, fmt, stream
        As :func:`configure_logging`.

    Yields
    ------
    logging.Handler
        The handler installed.
    """
    logger = logging.getLogger(LOGGER)
    saved = (list(logger.handlers), logger.level, logger.propagate)
    try:
        yield configure_logging(verbose=verbose, quiet=quiet, fmt=fmt, stream=stream)
    finally:
        logger.handlers[:] = saved[0]
        logger.setLevel(saved[1])
        logger.propagate = saved[2]


def configure_logging(
    *, verbose: int = 0, quiet: bool = False, fmt: str = "text", stream: TextIO | None = None
) -> logging.Handler:
    """Send the package's log records to ``stream`` (stderr), replacing an earlier call's handler.

    Parameters
    ----------
    verbose
        0: warnings and errors; 1: also progress (info); 2: also debug.
    quiet
        Errors only.
    fmt
        ``"text"`` or ``"json"`` (one object per line, for log collectors).
    stream
        Where lines go; default ``sys.stderr`` at the time of the call.

    Returns
    -------
    logging.Handler
        The handler installed on the ``utenforskap`` logger.
    """
    check_choice("fmt", fmt, LOG_FORMATS)
    level = (
        logging.ERROR
        if quiet
        else logging.DEBUG
        if verbose >= 2
        else logging.INFO
        if verbose == 1
        else logging.WARNING
    )
    logger = logging.getLogger(LOGGER)
    for old in [h for h in logger.handlers if getattr(h, "_utenforskap", False)]:
        logger.removeHandler(old)
    handler = _LineHandler(sys.stderr if stream is None else stream)
    handler.setFormatter(JsonFormatter() if fmt == "json" else TextFormatter(detail=verbose > 0))
    handler.setLevel(level)
    handler._utenforskap = True  # type: ignore[attr-defined]
    logger.addHandler(handler)
    # Warnings are always made (a run records them in its manifest, also
    # with --quiet); the handler decides what reaches the stream.
    logger.setLevel(min(level, logging.WARNING))
    # The command owns the stream; records must not also reach a root handler.
    logger.propagate = False
    return handler


class Progress:
    """Numbered steps: a live line on a terminal, or one info log line per step otherwise.

    Parameters
    ----------
    total
        Number of steps.
    logger
        Where plain step lines go.
    stream
        The terminal; progress is drawn only when it is a TTY and ``live``.
    live
        Allow the live line (False for ``--quiet`` and JSON logs).
    """

    def __init__(
        self,
        total: int,
        *,
        logger: logging.Logger,
        stream: TextIO | None = None,
        live: bool = True,
    ) -> None:
        self.total = total
        self.logger = logger
        self.stream = sys.stderr if stream is None else stream
        self.live = live and self.stream.isatty()
        self.done = 0
        self.started = time.monotonic()
        self.step_started = self.started

    def step(self, text: str) -> None:
        """Start the next step.

        Parameters
        ----------
        text
            What the step does, e.g. ``"drawing figures"``.
        """
        self.done += 1
        self.step_started = time.monotonic()
        line = f"[{self.done}/{self.total}] {text}"
        if self.live:
            self.stream.write(f"\r\x1b[2K{line} …")
            self.stream.flush()
        self.logger.info("step %d/%d: %s", self.done, self.total, text, extra={"step": text})

    def close(self) -> None:
        """Clear the live line (log lines after it start on a clean line)."""
        if self.live:
            self.stream.write("\r\x1b[2K")
            self.stream.flush()

    @property
    def seconds(self) -> float:
        """Seconds since the first step started."""
        return time.monotonic() - self.started
