"""Scheduled runs through the real command: skip, --force, dry-run, logs, exit codes, SSB input."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import pandas as pd
import pytest
from sched_support import (
    copy_work,
    manifest,
    shared_small_run,
    snapshot,
    without_manifest,
    write_config,
)

from conftest import run_cli
from utenforskap import __version__
from utenforskap import frames as F

pytestmark = pytest.mark.slow

OUT = Path("data") / "processed"


@pytest.fixture(scope="session")
def small_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return shared_small_run(tmp_path_factory)


@pytest.fixture
def work(small_run: Path, tmp_path: Path) -> Path:
    return copy_work(small_run, tmp_path / "work")


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_output_is_a_symlink_to_a_complete_version(small_run: Path) -> None:
    out = small_run / OUT
    assert out.is_symlink()
    real = out.resolve()
    assert real.parent == (small_run / "data" / "processed.runs").resolve()
    assert not real.name.startswith(".")
    assert [p.name for p in real.parent.iterdir()] == [real.name]


def test_manifest_lists_inputs_outputs_counts(small_run: Path) -> None:
    out = small_run / OUT
    m = manifest(out)
    assert m["package"]["version"] == __version__
    assert m["manifest_version"] == 1
    # Inputs: hashes made here independently of the package.
    inputs = {r["key"]: r for r in m["inputs"]}
    register = small_run / "data" / "raw" / "demo" / "register.csv"
    assert inputs["inputs[0]"]["sha256"] == _sha(register)
    assert inputs["inputs[0]"]["size"] == register.stat().st_size
    assert inputs["geography.regions"]["sha256"] == _sha(register.with_name("regions.csv"))
    assert m["config"]["file_sha256"] == _sha(small_run / "kommune.toml")
    # Outputs: exactly the files in the folder, with their hashes.
    listed = {r["path"]: r["sha256"] for r in m["outputs"]}
    assert listed == without_manifest(snapshot(out))
    assert {"indicators.csv", "indicators.parquet", "indicators.xlsx"} <= set(listed)
    assert "figures/index.html" in listed
    # Counts agree with the published table.
    table = pd.read_csv(out / "indicators.csv", dtype={F.REGION: str, F.PERIOD: str})
    assert m["counts"]["rows"] == len(table)
    assert m["counts"]["indicators"] == table[F.INDICATOR].nunique() == 1
    assert m["counts"]["suppressed"] == int(table[F.SUPPRESSED].sum()) > 0
    assert m["run"]["started"] <= m["run"]["finished"]


def test_unchanged_run_is_skipped_and_says_so(work: Path) -> None:
    before = snapshot(work / OUT)
    target = os.readlink(work / OUT)
    result = run_cli("run", "--config", "kommune.toml", cwd=work)
    assert result.returncode == 0, result.stderr
    assert "nothing changed" in result.stderr and "--force" in result.stderr
    assert snapshot(work / OUT) == before
    assert os.readlink(work / OUT) == target


def test_force_recomputes_identical_bytes(work: Path) -> None:
    # Every format: tables, PNG, SVG, the PDF report and the index page.
    write_config(work, every_format=True)
    first = run_cli("run", "--config", "kommune.toml", cwd=work)
    assert first.returncode == 0, first.stderr
    before = snapshot(work / OUT)
    assert {"report.pdf", "indicators.xlsx", "figures/index.html"} <= set(before)
    assert any(name.endswith(".svg") for name in before)
    old_manifest = manifest(work / OUT)
    result = run_cli("run", "--config", "kommune.toml", "--force", cwd=work)
    assert result.returncode == 0, result.stderr
    assert "written" in result.stderr
    after = snapshot(work / OUT)
    # A new version, the same bytes: only the manifest's run record differs.
    assert without_manifest(after) == without_manifest(before)
    new_manifest = manifest(work / OUT)
    assert new_manifest["outputs"] == old_manifest["outputs"]
    assert new_manifest["run"]["forced"] is True
    assert new_manifest["run"]["finished"] >= old_manifest["run"]["finished"]
    # The replaced version is kept (readers may be inside it), older ones go.
    assert len(list((work / "data" / "processed.runs").iterdir())) == 2


@pytest.mark.parametrize("change", ["input", "config", "output"])
def test_changes_are_detected(work: Path, change: str) -> None:
    if change == "input":
        regions = work / "data" / "raw" / "demo" / "regions.csv"
        regions.write_text(regions.read_text(encoding="utf-8") + "\n", encoding="utf-8")
        reason = "input geography.regions changed"
    elif change == "config":
        write_config(work, min_count=4)
        reason = "configuration changed"
    else:
        (work / OUT / "indicators.csv").write_text("tampered\n", encoding="utf-8")
        reason = "output files differ from the manifest"
    result = run_cli("run", "--config", "kommune.toml", "--dry-run", cwd=work)
    assert result.returncode == 0, result.stderr
    assert f"would recompute ({reason})" in result.stdout


def test_comment_only_config_change_is_not_a_change(work: Path) -> None:
    config = work / "kommune.toml"
    config.write_text("# nightly job\n" + config.read_text(encoding="utf-8"), encoding="utf-8")
    result = run_cli("run", "--config", "kommune.toml", cwd=work)
    assert result.returncode == 0 and "nothing changed" in result.stderr


def test_dry_run_reports_and_changes_nothing(work: Path) -> None:
    write_config(work, min_count=4)
    before = {p.relative_to(work).as_posix() for p in work.rglob("*")}
    result = run_cli("run", "--config", "kommune.toml", "--dry-run", cwd=work)
    assert result.returncode == 0, result.stderr
    text = result.stdout
    register = work / "data" / "raw" / "demo" / "register.csv"
    assert "inputs[0]: data/raw/demo/register.csv" in text
    assert _sha(register)[:12] in text
    assert "lock" in text and "free" in text
    assert "would recompute (configuration changed)" in text
    assert "indicators.csv" in text and "manifest.json" in text
    assert {p.relative_to(work).as_posix() for p in work.rglob("*")} == before


def test_dry_run_says_skip_when_unchanged(work: Path) -> None:
    result = run_cli("run", "--config", "kommune.toml", "--dry-run", cwd=work)
    assert result.returncode == 0
    assert "would skip" in result.stdout


def test_json_logs_are_one_object_per_line(work: Path) -> None:
    write_config(work, min_count=4)
    result = run_cli("-v", "run", "--config", "kommune.toml", "--log-format", "json", cwd=work)
    assert result.returncode == 0, result.stderr
    records = [json.loads(line) for line in result.stderr.splitlines()]
    assert {"time", "level", "logger", "message"} <= set(records[0])
    assert any(r.get("step") == "drawing figures" for r in records)
    assert records[-1]["event"] == "run.written"
    assert records[-1]["counts"]["rows"] == manifest(work / OUT)["counts"]["rows"]


def test_json_error_line_has_exit_code(work: Path) -> None:
    (work / "bad.toml").write_text('title = "x"\nmin_count = 3\n', encoding="utf-8")
    result = run_cli("--log-format", "json", "run", "--config", "bad.toml", cwd=work)
    assert result.returncode == 2
    (line,) = result.stderr.splitlines()
    record = json.loads(line)
    assert record["level"] == "ERROR" and record["exit_code"] == 2
    assert "min_count" in record["message"]


def test_quiet_run_after_a_config_change(work: Path) -> None:
    write_config(work, min_count=4)
    result = run_cli("run", "--config", "kommune.toml", "--quiet", cwd=work)
    assert result.returncode == 0
    assert result.stderr == ""
    assert manifest(work / OUT)["run"]["reasons"] == ["configuration changed"]


def test_help_documents_exit_codes(tmp_path: Path) -> None:
    result = run_cli("--help", cwd=tmp_path)
    text = " ".join(result.stdout.split())
    for fragment in ("0 done", "2 fix the configuration", "3 another run holds", "1 unexpected"):
        assert fragment in text


SSB_INPUT = """
[[inputs]]
id = "ssb_neet"
format = "{fmt}"
{where}

[inputs.mapping]
indicator = "neet"
region = "Region"
region_name = "Region_label"
period = "Tid"
age = "Alder"
sex = "Kjonn"
numerator = "NEETPers"
denominator = "Personer"

[inputs.mapping.age_map]
"016-025" = "16-25"
"016-019" = "16-19"
"020-025" = "20-25"

[inputs.mapping.sex_map]
"0" = "total"
"1" = "male"
"2" = "female"
"""
SSB_WHERE = """table = "12345"
offline = true
[inputs.selection]
Region = ["0"]
Alder = "*"
Kjonn = "*"
ContentsCode = "*"
Tid = "*"
"""


class _RecordedSSB:
    """Answers every request with SSB's recorded JSON-stat file (metadata and data alike)."""

    def __init__(self, body: bytes) -> None:
        self.body = body
        self.urls: list[str] = []

    def get(self, url: str) -> bytes:
        self.urls.append(url)
        return self.body


def _ssb_config(work: Path, fmt: str) -> Path:
    where = SSB_WHERE if fmt == "ssb" else 'path = "data/raw/demo/ssb_neet_land.json"'
    text = write_config(work).read_text(encoding="utf-8")
    head, tail = text.split("[indicators.neet]")
    path = work / f"{fmt}.toml"
    path.write_text(
        head + SSB_INPUT.format(fmt=fmt, where=where) + "\n[indicators.neet]" + tail,
        encoding="utf-8",
    )
    return path


def test_ssb_input_reads_the_cache_and_is_in_the_manifest(work: Path) -> None:
    from utenforskap.io import fetch_ssb
    from utenforskap.job.config import load_config
    from utenforskap.job.pipeline import compute, run

    recorded = (work / "data" / "raw" / "demo" / "ssb_neet_land.json").read_bytes()
    client = _RecordedSSB(recorded)
    selection = {"Region": ["0"], "Alder": "*", "Kjonn": "*", "ContentsCode": "*", "Tid": "*"}
    fetch_ssb("12345", selection, cache_dir=work / "data" / "raw" / "ssb", client=client)  # type: ignore[arg-type]
    assert len(client.urls) == 2  # metadata, then data

    frame = run(_ssb_config(work, "ssb"), out=work / "ssb-out").indicators
    expected = compute(load_config(_ssb_config(work, "jsonstat"))).indicators
    land = frame[frame[F.REGION] == "0"].reset_index(drop=True)
    assert len(land) > 0
    pd.testing.assert_frame_equal(land, expected[expected[F.REGION] == "0"].reset_index(drop=True))
    records = {r["key"]: r for r in manifest(work / "ssb-out")["inputs"]}
    cached = work / "data" / "raw" / "ssb" / Path(records["inputs[1].response[0]"]["path"]).name
    assert records["inputs[1].response[0]"]["sha256"] == _sha(cached)
    assert _sha(cached) == hashlib.sha256(recorded).hexdigest()


def test_ssb_input_offline_without_cache_exits_2(work: Path) -> None:
    config = _ssb_config(work, "ssb")
    before = snapshot(work / OUT)
    result = run_cli("run", "--config", str(config), cwd=work)
    assert result.returncode == 2, result.stderr
    assert "not in the cache" in result.stderr and len(result.stderr.splitlines()) == 1
    assert snapshot(work / OUT) == before


def test_ssb_run_then_dry_run_says_skip(work: Path) -> None:
    from utenforskap.io import fetch_ssb

    recorded = (work / "data" / "raw" / "demo" / "ssb_neet_land.json").read_bytes()
    selection = {"Region": ["0"], "Alder": "*", "Kjonn": "*", "ContentsCode": "*", "Tid": "*"}
    fetch_ssb(
        "12345",
        selection,
        cache_dir=work / "data" / "raw" / "ssb",
        client=_RecordedSSB(recorded),  # type: ignore[arg-type]
    )
    config = _ssb_config(work, "ssb")
    first = run_cli("run", "--config", config.name, cwd=work)
    assert first.returncode == 0, first.stderr
    dry = run_cli("run", "--config", config.name, "--dry-run", cwd=work)
    assert "SSB table 12345 from the cache data/raw/ssb/" in dry.stdout
    assert "would skip" in dry.stdout, dry.stdout


def test_logged_warnings_reach_the_manifest(work: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from utenforskap.job.pipeline import run

    # What a run killed while holding the lock leaves behind.
    dead = {"pid": 999999, "host": "analyse01", "started": "2026-01-01T02:00:00+00:00"}
    (work / "data" / "processed.lock").write_text(json.dumps(dead), encoding="utf-8")
    write_config(work, min_count=4)
    monkeypatch.chdir(work)
    result = run("kommune.toml")
    assert result.status == "written"
    logged = [w for w in manifest(work / OUT)["warnings"] if w["kind"] == "log"]
    assert any("pid 999999 on analyse01" in w["message"] for w in logged), logged
    assert [w.as_dict() for w in result.warnings] == manifest(work / OUT)["warnings"]
