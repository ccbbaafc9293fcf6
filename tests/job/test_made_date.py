"""The date the documents carry: SOURCE_DATE_EPOCH, else the newest input; never the clock."""

from __future__ import annotations

import datetime
import os
from pathlib import Path

import pytest

from utenforskap.errors import ConfigError
from utenforskap.job.outputs import made_date
from utenforskap.job.plan import plan_run


@pytest.fixture
def plan(tmp_path: Path):
    from utenforskap.datasets import ensure_demo_data

    ensure_demo_data()
    return plan_run(out=tmp_path / "out")


def test_source_date_epoch_decides(plan, monkeypatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")  # 2026-01-01 00:00 UTC
    assert made_date(plan) == datetime.date(2026, 1, 1)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "i går")
    with pytest.raises(ConfigError, match="SOURCE_DATE_EPOCH"):
        made_date(plan)


def test_newest_input_decides_without_source_date_epoch(plan, tmp_path, monkeypatch) -> None:
    from types import SimpleNamespace

    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    files = [p.path for p in plan.inputs if p.path.is_file()]
    newest = max(f.stat().st_mtime for f in files)
    assert made_date(plan) == datetime.datetime.fromtimestamp(newest, tz=datetime.UTC).date()
    # Copies with known modification days: the newest decides, a missing file is skipped.
    copies = []
    for name, day in (
        ("a.csv", datetime.datetime(2030, 6, 15, 12)),
        ("b.csv", datetime.datetime(2029, 1, 2, 12)),
    ):
        path = tmp_path / name
        path.write_text("x")
        stamp = day.replace(tzinfo=datetime.UTC).timestamp()
        os.utime(path, (stamp, stamp))
        copies.append(SimpleNamespace(path=path))
    copies.append(SimpleNamespace(path=tmp_path / "missing.csv"))
    assert made_date(SimpleNamespace(inputs=copies)) == datetime.date(2030, 6, 15)
    assert made_date(SimpleNamespace(inputs=copies[2:])) is None
