"""manifest.json pieces: file records, the config digest, warnings, and why a run is stale."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import shutil
from pathlib import Path

import pandas as pd
import pytest

from utenforskap import frames as F
from utenforskap.datasets import demo_config_path
from utenforskap.geo import HarmoniseReport
from utenforskap.job.config import load_config
from utenforskap.job.manifest import (
    MANIFEST_VERSION,
    config_digest,
    file_record,
    output_records,
    run_warnings,
    stale_reasons,
    write_manifest,
)
from utenforskap.job.results import RunWarning, warnings_as_dicts


def test_file_record_matches_hashlib(tmp_path: Path) -> None:
    path = tmp_path / "x.bin"
    data = bytes(range(256)) * 5000  # more than one read chunk
    path.write_bytes(data)
    record = file_record(path, name="x.bin")
    assert record == {"path": "x.bin", "sha256": hashlib.sha256(data).hexdigest(), "size": 1280000}


def test_config_digest_ignores_place_and_output_but_not_settings(tmp_path: Path) -> None:
    text = demo_config_path().read_text(encoding="utf-8")
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    (tmp_path / "a" / "k.toml").write_text(text, encoding="utf-8")
    moved = "# moved\n" + text.replace('output = "data/processed"', 'output = "/srv/www/ut"')
    (tmp_path / "b" / "k.toml").write_text(moved, encoding="utf-8")
    a = load_config(tmp_path / "a" / "k.toml")
    b = load_config(tmp_path / "b" / "k.toml")
    assert a.inputs[0].path != b.inputs[0].path
    assert config_digest(a) == config_digest(b)
    changed = dataclasses.replace(a, disclosure={**a.disclosure, "min_count": 6})
    assert config_digest(changed) != config_digest(a)


def _warnings() -> list[RunWarning]:
    report = HarmoniseReport(
        to_year=2024,
        changed=pd.DataFrame(
            {"from_code": ["9912"], "to_code": ["9903"], "weight": [1.0], "rows": [5]}
        ),
        unresolved=pd.DataFrame({"region": ["9914"], "successors": ["9903,9904"]}),
    )
    coverage = pd.DataFrame(
        {F.INDICATOR: ["neet", "neet", "bullied"], "missing_years": ["", "2020", "2019,2020"]}
    )
    return run_warnings(report, coverage)


def test_run_warnings_report_harmonisation_and_pool_gaps() -> None:
    found = _warnings()
    assert all(isinstance(w, RunWarning) for w in found)
    warnings = {w["kind"]: w for w in warnings_as_dicts(found)}
    assert warnings["harmonise.changed"]["details"][0]["from_code"] == "9912"
    assert "1 rows of split kommuner" in warnings["harmonise.unresolved"]["message"]
    gaps = warnings["pool.missing_years"]
    assert gaps["details"] == [
        {"indicator": "bullied", "cells": 1},
        {"indicator": "neet", "cells": 1},
    ]
    json.dumps(warnings, allow_nan=False)  # JSON-safe


def test_no_warnings_without_reports() -> None:
    assert run_warnings() == []
    assert run_warnings(coverage=pd.DataFrame({F.INDICATOR: ["neet"], "missing_years": [""]})) == []


def test_warning_details_become_json_safe() -> None:
    import numpy as np

    details = {"n": np.int64(3), "share": float("nan"), "when": pd.Timestamp("2024-01-01")}
    record = RunWarning("x", "m", (details,)).as_dict()
    assert json.loads(json.dumps(record, allow_nan=False)) == {
        "kind": "x",
        "message": "m",
        "details": [{"n": 3, "share": None, "when": "2024-01-01 00:00:00"}],
    }


def test_write_manifest_is_sorted_and_refuses_nan(tmp_path: Path) -> None:
    path = write_manifest(tmp_path, {"b": 1, "a": {"d": 2, "c": 3}})
    assert (
        path.read_text(encoding="utf-8")
        == json.dumps({"a": {"c": 3, "d": 2}, "b": 1}, indent=2) + "\n"
    )
    with pytest.raises(ValueError):
        write_manifest(tmp_path, {"a": float("nan")})


def _previous(folder: Path) -> dict[str, object]:
    return {
        "manifest_version": MANIFEST_VERSION,
        "package": {"version": "1.0"},
        "config": {"settings_sha256": "c"},
        "inputs": [{"key": "inputs[0]", "sha256": "s", "size": 3}],
        "outputs": output_records(folder),
    }


def test_stale_reasons(tmp_path: Path) -> None:
    (tmp_path / "figures").mkdir()
    (tmp_path / "indicators.csv").write_text("x\n", encoding="utf-8")
    (tmp_path / "figures" / "a.png").write_bytes(b"png")
    previous = _previous(tmp_path)
    same = [{"key": "inputs[0]", "path": "elsewhere.csv", "sha256": "s", "size": 3}]

    def reasons(**kw: object) -> list[str]:
        args: dict[str, object] = {"inputs": same, "config_sha256": "c", "version": "1.0"}
        return stale_reasons(previous, folder=tmp_path, **{**args, **kw})  # type: ignore[arg-type]

    assert reasons() == []  # a moved input with the same bytes is unchanged
    assert reasons(version="1.1") == ["package version changed (1.0)"]
    assert reasons(config_sha256="d") == ["configuration changed"]
    assert reasons(inputs=[{**same[0], "sha256": "t"}]) == ["input inputs[0] changed"]
    assert reasons(inputs=[*same, {"key": "inputs[1]", "sha256": "u", "size": 1}]) == [
        "input inputs[1] added"
    ]
    assert stale_reasons(None, inputs=same, config_sha256="c", version="1.0", folder=None) == [
        "no previous run with a manifest"
    ]
    shutil.rmtree(tmp_path / "figures")
    assert reasons() == ["output files differ from the manifest"]
