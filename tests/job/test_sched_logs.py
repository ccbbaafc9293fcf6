"""Log lines: text and JSON formats, levels, one handler, progress steps on and off a terminal."""

from __future__ import annotations

import io
import json
import logging

import pytest

from utenforskap.job.logs import Progress, configure_logging


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.fixture(autouse=True)
def _restore() -> object:
    logger = logging.getLogger("utenforskap")
    saved = (list(logger.handlers), logger.level, logger.propagate)
    yield
    logger.handlers[:] = saved[0]
    logger.setLevel(saved[1])
    logger.propagate = saved[2]


def test_text_lines_and_levels() -> None:
    out = io.StringIO()
    configure_logging(stream=out)
    log = logging.getLogger("utenforskap.job.pipeline")
    log.info("hidden at the default level")
    log.warning("2 rows left out")
    assert out.getvalue() == "utenforskap: warning: 2 rows left out\n"


def test_quiet_keeps_only_errors_and_verbose_adds_time() -> None:
    out = io.StringIO()
    configure_logging(quiet=True, stream=out)
    logging.getLogger("utenforskap").warning("not shown")
    logging.getLogger("utenforskap").error("shown")
    assert out.getvalue() == "utenforskap: error: shown\n"
    out = io.StringIO()
    configure_logging(verbose=1, stream=out)
    logging.getLogger("utenforskap.job.cli").info("step")
    line = out.getvalue()
    assert (
        line.endswith("INFO    utenforskap.job.cli: step\n") and line[:4].isdigit() and "Z " in line
    )


def test_json_lines_carry_extra_fields() -> None:
    out = io.StringIO()
    configure_logging(fmt="json", stream=out)
    logging.getLogger("utenforskap.job.cli").error("boom", extra={"exit_code": 2})
    record = json.loads(out.getvalue())
    assert record["level"] == "ERROR" and record["message"] == "boom"
    assert record["exit_code"] == 2 and record["logger"] == "utenforskap.job.cli"
    assert record["time"].endswith("Z")


def test_configuring_twice_keeps_one_handler() -> None:
    first, second = io.StringIO(), io.StringIO()
    configure_logging(stream=first)
    configure_logging(stream=second)
    logging.getLogger("utenforskap").warning("once")
    assert first.getvalue() == "" and second.getvalue().count("once") == 1


def test_progress_plain_lines_off_a_terminal() -> None:
    out = io.StringIO()
    configure_logging(verbose=1, stream=out)
    progress = Progress(2, logger=logging.getLogger("utenforskap.job.cli"), stream=out)
    progress.step("reading")
    progress.step("writing")
    progress.close()
    lines = out.getvalue().splitlines()
    assert [line.split(": ", 1)[1] for line in lines] == ["step 1/2: reading", "step 2/2: writing"]


def test_progress_live_line_on_a_terminal_is_cleared_for_log_lines() -> None:
    term = _Terminal()
    configure_logging(stream=term)
    progress = Progress(2, logger=logging.getLogger("utenforskap.job.cli"), stream=term)
    progress.step("reading")
    logging.getLogger("utenforskap").warning("careful")
    progress.close()
    text = term.getvalue()
    assert "[1/2] reading" in text
    assert "\r\x1b[2Kutenforskap: warning: careful\n" in text
    assert text.endswith("\r\x1b[2K")
