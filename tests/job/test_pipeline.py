"""run() and compute() in process: result objects, the manifest from the plan, read once."""

from __future__ import annotations

import json
import logging
import shutil
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from sched_support import snapshot, without_manifest, write_config

from utenforskap import frames as F
from utenforskap.datasets import ensure_demo_data
from utenforskap.job import pipeline
from utenforskap.job.plan import plan_run
from utenforskap.job.results import Computed, RunResult, RunWarning
from utenforskap.job.steps import RUN_STEPS

OUT = Path("data") / "processed"


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, RunResult, list[str]]:
    """The small configuration run once in process; and the steps it logged."""
    work = tmp_path_factory.mktemp("pipeline")
    shutil.copytree(ensure_demo_data(), work / "data" / "raw" / "demo")
    config = write_config(work)
    records: list[logging.LogRecord] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(record)

    logger = logging.getLogger("utenforskap")
    handler, level = Keep(logging.INFO), logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    try:
        result = pipeline.run(config)
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)
    steps = [r.__dict__["step"] for r in records if "step" in r.__dict__]
    return work, result, steps


def test_run_returns_a_result_not_attrs(written: tuple[Path, RunResult, list[str]]) -> None:
    work, result, _ = written
    assert result.status == "written"
    assert result.output == work / OUT
    assert result.reasons == ("no previous run with a manifest",)
    assert result.indicators.attrs.get("run") is None
    assert result.indicators.attrs.get("warnings") is None
    table = pd.read_parquet(work / OUT / "indicators.parquet")
    # the written table is the published view: everything but the reasons
    assert F.SUPPRESSION_REASON in result.indicators.columns
    assert F.SUPPRESSION_REASON not in table.columns
    pd.testing.assert_frame_equal(
        table,
        result.indicators.drop(columns=[F.SUPPRESSION_REASON]).reset_index(drop=True),
        check_dtype=False,
    )
    assert "status='written'" in repr(result) and "rows" in repr(result)


def test_run_announces_every_step_in_order(written: tuple[Path, RunResult, list[str]]) -> None:
    assert written[2] == list(RUN_STEPS)


def test_manifest_is_built_from_plan_and_result(written: tuple[Path, RunResult, list[str]]) -> None:
    work, result, _ = written
    on_disk = json.loads((work / OUT / "manifest.json").read_text(encoding="utf-8"))
    assert result.manifest == on_disk
    plan = result.plan
    assert plan is not None
    assert on_disk["inputs"] == plan.input_records()
    assert on_disk["config"]["settings_sha256"] == plan.settings_sha256
    assert on_disk["run"]["reasons"] == list(plan.reasons)
    assert on_disk["warnings"] == [w.as_dict() for w in result.warnings]
    # The folder holds exactly what the plan's layout names.
    assert plan.layout.unexpected(work / OUT) == [] and plan.layout.missing(work / OUT) == []
    listed = {r["path"] for r in on_disk["outputs"]}
    assert listed == set(without_manifest(snapshot(work / OUT)))


def test_unchanged_run_is_skipped_with_the_current_table(
    written: tuple[Path, RunResult, list[str]], tmp_path: Path
) -> None:
    work = Path(shutil.copytree(written[0], tmp_path / "work", symlinks=True))
    before = snapshot(work / OUT)
    result = pipeline.run(work / "kommune.toml")
    assert result.status == "skipped" and result.reasons == ()
    assert result.manifest == json.loads((work / OUT / "manifest.json").read_text("utf-8"))
    assert snapshot(work / OUT) == before
    # the table as written, with the reasons read back from the restricted file
    pd.testing.assert_frame_equal(
        result.indicators.drop(columns=[F.SUPPRESSION_REASON]),
        pd.read_parquet(work / OUT / "indicators.parquet"),
    )
    assert (
        result.indicators[F.SUPPRESSION_REASON].tolist()
        == written[1].indicators[F.SUPPRESSION_REASON].tolist()
    )
    assert plan_run(work / "kommune.toml").action == "skip"


def test_reasons_go_to_a_restricted_file_beside_the_output(
    written: tuple[Path, RunResult, list[str]],
) -> None:
    work, result, _ = written
    restricted = work / "data" / "processed.restricted"
    audit = pd.read_csv(restricted / "disclosure_audit.csv", dtype=str, keep_default_na=False)
    assert restricted.stat().st_mode & 0o777 == 0o700
    assert (restricted / "disclosure_audit.csv").stat().st_mode & 0o777 == 0o600
    hidden = result.indicators[result.indicators[F.SUPPRESSED]]
    assert len(audit) == len(hidden) > 0
    assert sorted(audit[F.SUPPRESSION_REASON]) == sorted(hidden[F.SUPPRESSION_REASON])
    # nothing in the published pack says why a cell is hidden
    assert not (work / OUT / "disclosure_audit.csv").exists()
    header = (work / OUT / "indicators.csv").read_text("utf-8").splitlines()[0]
    assert F.SUPPRESSION_REASON not in header.split(",")


def test_write_false_computes_and_writes_nothing(
    written: tuple[Path, RunResult, list[str]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    work = written[0]
    monkeypatch.chdir(tmp_path)
    result = pipeline.run(work / "kommune.toml", write=False)
    assert result.status == "computed" and result.output is None and result.manifest is None
    assert list(tmp_path.iterdir()) == []
    pd.testing.assert_frame_equal(
        result.indicators.reset_index(drop=True),
        written[1].indicators.reset_index(drop=True),
    )


def _spy(monkeypatch: pytest.MonkeyPatch, module: Any, name: str) -> list[Any]:
    """Record what ``module.name`` is called with and returns."""
    calls: list[Any] = []
    real = getattr(module, name)

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        out = real(*args, **kwargs)
        calls.append((args, kwargs, out))
        return out

    monkeypatch.setattr(module, name, wrapper)
    return calls


@pytest.mark.slow
def test_compute_reads_the_crosswalk_once_and_passes_on_the_rollup_coverage(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import utenforskap.disclosure.control as control
    import utenforskap.job.checks as checks

    crosswalks = _spy(monkeypatch, checks, "read_crosswalk")
    rollups = _spy(monkeypatch, checks, "rollup_levels")
    suppressions = _spy(monkeypatch, pipeline, "suppress")
    from_table = _spy(monkeypatch, control, "coverage_mask")
    computed = pipeline.compute()  # the demo: a crosswalk, and pooled Ungdata indicators
    assert isinstance(computed, Computed)
    assert len(crosswalks) == 1
    ((_, _, (_, rolled)),) = rollups
    ((_, kwargs, _),) = suppressions
    assert kwargs["coverage"] is computed.coverage
    assert from_table == []  # disclosure control did not measure coverage again
    # Single-year indicators: the roll-up's own rows; pooled ones: over their pools.
    pooled = {"ungdata_loneliness", "ungdata_bullied"}
    single = computed.coverage[~computed.coverage[F.INDICATOR].str.startswith("ungdata")]
    expected = rolled[~rolled[F.INDICATOR].str.startswith("ungdata")]
    pd.testing.assert_frame_equal(single.reset_index(drop=True), expected.reset_index(drop=True))
    spans = computed.coverage.loc[computed.coverage[F.INDICATOR].isin(pooled), F.PERIOD]
    assert len(spans) and spans.str.fullmatch(r"\d{4}-\d{4}").all()


@pytest.mark.slow
def test_compute_warnings_are_typed_and_logged_once(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="utenforskap"):
        computed = pipeline.compute()
    kinds = [w.kind for w in computed.warnings]
    # The country has no low-income figures by sex: named, not silent. Its
    # figures by immigrant group come from another table than its totals and
    # do not add up to them (as SSB's do not): the audit says so.
    assert kinds == [
        "reference.missing",
        "disclosure.inconsistent",
        "harmonise.changed",
        "pool.missing_years",
    ]
    assert all(isinstance(w, RunWarning) for w in computed.warnings)
    messages = [r.getMessage() for r in caplog.records]
    assert messages == [w.message for w in computed.warnings]


@pytest.mark.slow
def test_python_warnings_while_computing_become_run_warnings(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import warnings

    import utenforskap.job.checks as checks
    from utenforskap.geo import GeoWarning

    real = checks.rollup_levels

    def noisy(*args: Any, **kwargs: Any) -> Any:
        warnings.warn("3 districts without boundaries", GeoWarning, stacklevel=2)
        return real(*args, **kwargs)

    monkeypatch.setattr(checks, "rollup_levels", noisy)
    computed = pipeline.compute()
    assert computed.warnings[0] == RunWarning("geo", "3 districts without boundaries")
