"""The run plan: inputs with hashes, why it recomputes, the lock, the layout — decided, not done."""

from __future__ import annotations

import dataclasses
import hashlib
import os
import shutil
from pathlib import Path

import pytest
from sched_support import write_config

from utenforskap.datasets import demo_data_dir, ensure_demo_data
from utenforskap.errors import ConfigError, FetchError
from utenforskap.job.config import load_config
from utenforskap.job.lock import run_lock
from utenforskap.job.plan import plan_run

SSB_INPUT = """
[[inputs]]
id = "ssb_neet"
format = "ssb"
table = "12345"
{flags}

[inputs.selection]
Region = ["0"]
Alder = "*"
Kjonn = "*"
ContentsCode = "*"
Tid = "*"

[inputs.mapping]
indicator = "neet"
region = "Region"
period = "Tid"
age = "Alder"
sex = "Kjonn"
numerator = "NEETPers"
denominator = "Personer"

[inputs.mapping.age_map]
"016-025" = "16-25"

[inputs.mapping.sex_map]
"0" = "total"
"""


def _tree(folder: Path) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*"))


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project folder: the demo data under data/raw/demo and the small configuration."""
    work = tmp_path_factory.mktemp("plan-project")
    shutil.copytree(ensure_demo_data(), work / "data" / "raw" / "demo")
    write_config(work)
    return work


@pytest.fixture
def work(project: Path, tmp_path: Path) -> Path:
    return Path(shutil.copytree(project, tmp_path / "work"))


def _with_ssb(work: Path, flags: str) -> Path:
    text = (work / "kommune.toml").read_text(encoding="utf-8")
    head, tail = text.split("[indicators.neet]")
    path = work / "ssb.toml"
    path.write_text(head + SSB_INPUT.format(flags=flags) + "\n[indicators.neet]" + tail, "utf-8")
    return path


def test_first_plan_hashes_every_input_and_writes_nothing(work: Path) -> None:
    before = _tree(work)
    plan = plan_run(work / "kommune.toml")
    assert _tree(work) == before
    assert plan.action == "recompute" and plan.ready
    assert plan.reasons == ("no previous run with a manifest",)
    demo = work / "data" / "raw" / "demo"
    records = {r["key"]: r for r in plan.input_records()}
    assert set(records) == {"inputs[0]", "geography.regions"}
    assert records["inputs[0]"]["sha256"] == _sha(demo / "register.csv")
    assert records["inputs[0]"]["size"] == (demo / "register.csv").stat().st_size
    assert records["geography.regions"]["sha256"] == _sha(demo / "regions.csv")
    assert plan.config_sha256 == _sha(work / "kommune.toml")
    assert plan.output == work / "data" / "processed"
    assert plan.lock.free and plan.lock.path == work / "data" / "processed.lock"
    names = [name for name, _ in plan.layout.entries()]
    assert names == [
        "indicators.csv",
        "indicators.parquet",
        "indicators.xlsx",
        "figures/*.png",
        "figures/index.html",
        "manifest.json",
    ]
    assert plan.figures.figures.formats == ("png",) and plan.figures.boundaries is None


def test_describe_says_what_would_happen(work: Path) -> None:
    text = plan_run(work / "kommune.toml", out=work / "elsewhere").describe()
    register = work / "data" / "raw" / "demo" / "register.csv"
    assert f"would read  inputs[0]: {register.as_posix()}" in text
    assert _sha(register)[:12] in text
    assert "lock" in text and ": free" in text
    assert "would recompute (no previous run with a manifest)" in text
    assert "indicators.csv, indicators.parquet, indicators.xlsx, figures/*.png" in text
    assert "figures     png; nb; a4; no report" in text


def test_out_overrides_the_configured_folder(work: Path) -> None:
    plan = plan_run(work / "kommune.toml", out=work / "x")
    assert plan.output == work / "x" and plan.lock.path == work / "x.lock"


def test_missing_input_is_named_and_stops_the_run(work: Path) -> None:
    (work / "data" / "raw" / "demo" / "register.csv").unlink()
    plan = plan_run(work / "kommune.toml")
    assert not plan.ready and plan.action == "recompute"
    assert plan.reasons == ("missing: inputs[0]",)
    assert "register.csv (MISSING)" in plan.describe()
    with pytest.raises(ConfigError) as info:
        plan.check_ready()
    assert info.value.key == "inputs[0].path" and "file not found" in str(info.value)
    assert "kommune.toml" in str(info.value)


def test_unreadable_input_is_named(work: Path) -> None:
    register = work / "data" / "raw" / "demo" / "register.csv"
    register.unlink()
    register.mkdir()  # a folder where a file should be
    plan = plan_run(work / "kommune.toml")
    (planned,) = [p for p in plan.inputs if p.key == "inputs[0]"]
    assert planned.state == "unreadable" and planned.problem
    with pytest.raises(ConfigError, match="cannot read"):
        plan.check_ready()


def test_plan_sees_a_held_lock(work: Path) -> None:
    with run_lock(work / "data" / "processed"):
        plan = plan_run(work / "kommune.toml")
    assert plan.lock.holder is not None and plan.lock.holder["pid"] == os.getpid()
    assert "HELD by pid" in plan.describe() and "exit with code 3" in plan.describe()


def test_force_recomputes_with_no_reason(work: Path) -> None:
    plan = plan_run(work / "kommune.toml", force=True)
    assert plan.force and not plan.forced  # there is a reason: no previous run


@pytest.mark.parametrize(
    ("flags", "expected"),
    [
        ("", "not cached"),
        ("offline = true", "not cached and offline: the run would fail"),
        ("refresh = true", "again: refresh = true"),
    ],
)
def test_ssb_input_not_cached_is_to_fetch(work: Path, flags: str, expected: str) -> None:
    plan = plan_run(_with_ssb(work, flags))
    (ssb,) = [p for p in plan.inputs if p.key == "inputs[1]"]
    assert ssb.state == "to fetch" and ssb.problem == expected
    assert f"would fetch inputs[1]: SSB table 12345 ({expected})" in plan.describe()
    assert not [p for p in (work / "data" / "raw").iterdir() if p.name == "ssb"]  # not asked


def test_ssb_input_offline_and_not_cached_fails_the_run(work: Path) -> None:
    with pytest.raises(FetchError, match="not in the cache"):
        plan_run(_with_ssb(work, "offline = true"), fetch=True)


class _RecordedSSB:
    """Answers every request with SSB's recorded JSON-stat file (metadata and data alike)."""

    def __init__(self, body: bytes) -> None:
        self.body = body
        self.urls: list[str] = []

    def get(self, url: str) -> bytes:
        self.urls.append(url)
        return self.body


def test_cached_ssb_responses_are_hashed_and_read_from_the_cache(work: Path) -> None:
    from utenforskap.io import ResponseCache, fetch_ssb

    recorded = (work / "data" / "raw" / "demo" / "ssb_neet_land.json").read_bytes()
    client = _RecordedSSB(recorded)
    selection = {"Region": ["0"], "Alder": "*", "Kjonn": "*", "ContentsCode": "*", "Tid": "*"}
    fetch_ssb("12345", selection, cache_dir=work / "data" / "raw" / "ssb", client=client)  # type: ignore[arg-type]
    plan = plan_run(_with_ssb(work, ""))
    (response,) = [p for p in plan.inputs if p.key.startswith("inputs[1]")]
    assert response.key == "inputs[1].response[0]" and response.state == "cached"
    assert response.path == ResponseCache(work / "data" / "raw" / "ssb").path(client.urls[1])
    assert response.sha256 == hashlib.sha256(recorded).hexdigest()
    # The run reads exactly these responses: the input is switched to the cache.
    ssb = plan.config.inputs[1]
    assert ssb.offline and not ssb.refresh
    # ... while the digest compared for skipping is that of the file as written.
    assert plan.settings_sha256 == plan_run(load_config(work / "ssb.toml")).settings_sha256
    assert "SSB table 12345 from the cache" in plan.describe()


def test_demo_plan_generates_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cache = tmp_path / "cache"
    monkeypatch.setenv("UTENFORSKAP_CACHE", str(cache))
    monkeypatch.chdir(tmp_path)
    plan = plan_run()
    assert plan.demo and not plan.ready
    assert {p.state for p in plan.inputs} == {"to generate"}
    assert plan.reasons[0].startswith("to generate: inputs[0], inputs[1]")
    text = plan.describe()
    assert text.startswith("plan for the bundled demo")
    where = demo_data_dir().relative_to(tmp_path).as_posix()
    assert f"would generate the demo data into {where}" in text
    assert sorted(p.name for p in tmp_path.iterdir()) == []  # not even the cache folder


def test_plan_of_a_config_object_equals_plan_of_its_file(work: Path) -> None:
    from_file = plan_run(work / "kommune.toml")
    from_object = plan_run(load_config(work / "kommune.toml"))
    assert dataclasses.replace(from_object, previous=None) == dataclasses.replace(
        from_file, previous=None
    )
