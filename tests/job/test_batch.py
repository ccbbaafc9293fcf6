"""Batches: a pack per kommune in parallel processes, resumable after SIGKILL, an index page."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import tempfile
import time
import urllib.parse
from pathlib import Path

import pandas as pd
import pytest

import utenforskap as ut
from browser_support import DevTools, chromium
from conftest import cli_command, run_cli
from utenforskap.datasets.batch import write_batch_data
from utenforskap.errors import ConfigError
from utenforskap.job.batch import BATCH_KILL_POINT, BatchPlan, BatchResult
from utenforskap.job.batch_config import in_scope, kommune_configs, resolve_kommuner
from utenforskap.job.config import load_config, parse_config
from utenforskap.job.steps import KILL_ENV

KOMMUNER = ("4001", "4003", "4005")
FOLDERS = ("4001-porsgrunn", "4003-skien", "4005-notodden")


def _project(work: Path) -> Path:
    """Three Telemark kommuner, small: about a tenth of the demo's persons, NEET and low income."""
    return write_batch_data(work, kommuner=list(KOMMUNER), scale=0.15, pack="small")


@pytest.fixture(scope="module")
def batch_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, subprocess.CompletedProcess]:
    """A project whose batch has been run once through the command line, on 2 processes."""
    work = tmp_path_factory.mktemp("batch")
    _project(work)
    result = run_cli("run", "--config", "batch.toml", "--jobs", "2", cwd=work)
    return work, result


@pytest.fixture
def project(tmp_path: Path) -> Path:
    _project(tmp_path)
    return tmp_path


# --- which kommuner ---------------------------------------------------------------


def test_fylke_and_all_are_resolved_with_the_catalogue_of_the_year() -> None:
    telemark = resolve_kommuner("fylke:40", year=2024)
    assert [k.code for k in telemark][:3] == ["4001", "4003", "4005"]
    assert len(telemark) == 17 and {k.fylke for k in telemark} == {"40"}
    everyone = resolve_kommuner("all", year=2024)
    assert len(everyone) == 357  # 2024: 357 kommuner (SSB), "9999" (not stated) left out
    assert "9999" not in {k.code for k in everyone}
    # 2020-2023 had 356 kommuner and fylke 38 Vestfold og Telemark
    assert len(resolve_kommuner("all", year=2022)) == 356
    assert len(resolve_kommuner("fylke:38", year=2022)) == 23
    mixed = resolve_kommuner(["3203", "fylke:40", "4003"], year=2024)
    assert [k.code for k in mixed][:2] == ["3203", "4001"] and len(mixed) == 18
    assert mixed[0].folder == "3203-asker"


@pytest.mark.parametrize(
    ("given", "where", "hint"),
    [
        (["4001", "3025"], "batch.kommuner[1]", 'in 2024 it is "3203" (Asker)'),
        (["301"], "batch.kommuner[0]", 'did you mean "0301" (Oslo)'),
        (["40"], "batch.kommuner[0]", 'write "fylke:40"'),
        (["Asker"], "batch.kommuner[0]", 'write the code: "3203"'),
        (["4099"], "batch.kommuner[0]", "kommuner of fylke 40 in 2024: 4001 Porsgrunn"),
        (["9999"], "batch.kommuner[0]", "kommune not stated"),
        (["fylke:38"], "batch.kommuner[0]", "fylker: 03 Oslo"),
        ("alle", "batch.kommuner", '"fylke:NN" or "all"'),
        ([3203], "batch.kommuner[0]", "as text"),
        (["0710"], "batch.kommuner[0]", "in 2024 it is"),
    ],
)
def test_a_bad_kommune_is_named_with_a_hint(given, where, hint) -> None:
    raw = {
        "batch": {"kommuner": given},
        "geography": {"to_year": 2024},
        "inputs": [{"id": "x", "format": "counts", "path": "x.csv"}],
        "indicators": {"neet": {}},
    }
    with pytest.raises(ConfigError) as info:
        parse_config(raw, base=Path("."))
    assert info.value.key == where
    assert hint in str(info.value)


def test_the_kommune_of_a_batch_is_not_set_in_geography() -> None:
    raw = {
        "batch": {"kommuner": ["4001"]},
        "geography": {"kommune": "4001"},
        "inputs": [{"id": "x", "format": "counts", "path": "x.csv"}],
        "indicators": {"neet": {}},
    }
    with pytest.raises(ConfigError, match="set per kommune by"):
        parse_config(raw, base=Path("."))


def test_a_placeholder_needs_a_batch() -> None:
    raw = {
        "geography": {"kommune": "4001"},
        "inputs": [{"id": "x", "format": "counts", "path": "{kommune}/x.csv"}],
        "indicators": {"neet": {}},
    }
    with pytest.raises(ConfigError, match=r"\{kommune\} is filled in per kommune") as info:
        parse_config(raw, base=Path("."))
    assert info.value.key == "inputs[0].path"
    raw["inputs"][0]["path"] = "{kommunenr}/x.csv"
    with pytest.raises(ConfigError, match="unknown placeholder"):
        parse_config(raw, base=Path("."))


def test_each_kommune_gets_its_own_run(project: Path) -> None:
    cfg = load_config(project / "batch.toml")
    runs = kommune_configs(cfg)
    assert [r.output for r in runs] == [project / "out" / f for f in FOLDERS]
    assert [r.title for r in runs] == ["Porsgrunn", "Skien", "Notodden"]
    assert [r.inputs[0].path for r in runs] == [project / k / "register.csv" for k in KOMMUNER]
    assert runs[0].inputs[1].path == project / "land_referanse.csv"  # shared, as written
    assert [r.scope for r in runs] == list(KOMMUNER)
    assert all(r.batch is None for r in runs)
    # each kommune's digest is its own; a batch's kommuner list does not enter it
    digests = {ut.plan_run(r).settings_sha256 for r in runs}
    assert len(digests) == 3


def test_in_scope_keeps_the_kommune_its_fylke_the_land_and_its_neighbours() -> None:
    from utenforskap.geo.catalogue import kommune_neighbours

    codes = ["0", "40", "39", "4001", "400101", "40010199", "4003", "4005", "3901", "400"]
    kept = in_scope(codes, "4001")
    neighbours = set(kommune_neighbours("4001"))
    expected = [c in {"0", "40", "4001", "400101", "40010199"} | neighbours for c in codes]
    assert kept.tolist() == expected
    assert "4003" in neighbours  # Skien borders Porsgrunn: kept for context


# --- a batch through the command line -----------------------------------------------


def _manifest(folder: Path) -> dict:
    return json.loads((folder / "manifest.json").read_text(encoding="utf-8"))


def test_a_batch_writes_one_folder_per_kommune_and_an_index(batch_run) -> None:
    work, result = batch_run
    assert result.returncode == 0, result.stderr
    out = work / "out"
    for code, folder in zip(KOMMUNER, FOLDERS, strict=True):
        pack = out / folder
        assert pack.is_symlink() and (pack / "manifest.json").is_file()
        assert (pack / "figures" / "index.html").is_file()
        frame = pd.read_csv(pack / "indicators.csv", dtype=str, keep_default_na=False)
        regions = set(frame["region"])
        # only this kommune's own districts; other kommuner only as context
        districts = {r for r in regions if len(r) == 6}
        assert districts and all(r.startswith(code) for r in districts)
        assert code in regions and "0" in regions
        assert _manifest(pack)["config"]["settings_sha256"]
    summary = json.loads((out / "batch.json").read_text(encoding="utf-8"))
    assert summary["counts"] == {"written": 3, "skipped": 0, "failed": 0}
    assert [k["folder"] for k in summary["kommuner"]] == list(FOLDERS)
    page = (out / "index.html").read_text(encoding="utf-8")
    for folder, name in zip(FOLDERS, ("Porsgrunn", "Skien", "Notodden"), strict=True):
        assert f'href="{folder}/figures/index.html"' in page and name in page
    assert "3 kommuner: 3 oppdatert, 0 uendret, 0 feilet." in page
    assert "[3/3]" in result.stderr and "3 written" in result.stderr


def test_a_batch_run_again_redoes_nothing(batch_run, tmp_path: Path) -> None:
    work, first = batch_run
    assert first.returncode == 0, first.stderr
    copy = tmp_path / "copy"
    shutil.copytree(work, copy, symlinks=True)
    out = copy / "out"
    before = {
        f: (os.readlink(out / f), (out / f / "manifest.json").stat().st_mtime_ns) for f in FOLDERS
    }
    plan = ut.plan_run(copy / "batch.toml")
    assert isinstance(plan, BatchPlan) and plan.action == "skip"
    assert "4003 Skien -> " in plan.describe() and "would skip" in plan.describe()
    result = ut.run(copy / "batch.toml", jobs=2)
    assert isinstance(result, BatchResult)
    assert [k.status for k in result.kommuner] == ["skipped"] * 3 and result.exit_code == 0
    after = {
        f: (os.readlink(out / f), (out / f / "manifest.json").stat().st_mtime_ns) for f in FOLDERS
    }
    assert after == before


def test_a_bad_kommune_code_is_exit_2_before_anything_is_written(project: Path) -> None:
    config = project / "batch.toml"
    text = config.read_text(encoding="utf-8")
    config.write_text(text.replace('"4003"', '"4033"'), encoding="utf-8")
    before = sorted(p.name for p in project.iterdir())
    result = run_cli("run", "--config", "batch.toml", cwd=project)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "batch.kommuner[1]" in lines[0] and "4033" in lines[0]
    assert "4001 Porsgrunn" in lines[0]  # the hint lists Telemark's kommuner
    assert sorted(p.name for p in project.iterdir()) == before  # no out/, no lock


def test_a_batch_does_not_write_into_a_single_runs_folder(project: Path) -> None:
    single = project / "single.runs" / "v1"
    single.mkdir(parents=True)
    (single / "manifest.json").write_text("{}", encoding="utf-8")
    (project / "out").symlink_to(single)
    with pytest.raises(ConfigError, match="holds the outputs of a single run"):
        ut.run(project / "batch.toml")
    assert sorted(p.name for p in single.iterdir()) == ["manifest.json"]


def test_validate_checks_the_files_of_every_kommune(project: Path) -> None:
    ok = run_cli("validate", "--config", "batch.toml", cwd=project)
    assert ok.returncode == 0, ok.stderr
    assert "a batch of 3 kommuner" in ok.stdout
    (project / "4005" / "register.csv").unlink()
    bad = run_cli("validate", "--config", "batch.toml", cwd=project)
    assert bad.returncode == 2
    assert "inputs[0].path" in bad.stderr and "4005/register.csv" in bad.stderr
    assert "4001/register.csv" not in bad.stderr


@pytest.mark.slow
def test_one_failing_kommune_does_not_stop_the_others(project: Path) -> None:
    (project / "4003" / "register.csv").unlink()
    result = run_cli("run", "--config", "batch.toml", "--jobs", "2", cwd=project)
    assert result.returncode == 2, result.stderr
    summary = json.loads((project / "out" / "batch.json").read_text(encoding="utf-8"))
    status = {k["code"]: (k["status"], k["exit_code"]) for k in summary["kommuner"]}
    assert status == {"4001": ("written", 0), "4003": ("failed", 2), "4005": ("written", 0)}
    failed = summary["kommuner"][1]
    assert "inputs[0].path" in failed["error"] and "4003/register.csv" in failed["error"]
    assert not (project / "out" / "4003-skien").exists()
    page = (project / "out" / "index.html").read_text(encoding="utf-8")
    row = next(line for line in page.splitlines() if 'id="k4003"' in line)
    assert "feilet" in row and "href" not in row and "register.csv" not in row
    assert "4003 Skien" in result.stderr and "failed" in result.stderr


@pytest.mark.slow
def test_a_batch_killed_midway_continues_where_it_stopped(project: Path) -> None:
    env = {**os.environ, "MPLBACKEND": "Agg", KILL_ENV: BATCH_KILL_POINT}
    proc = subprocess.Popen(
        [*cli_command(), "run", "--config", "batch.toml", "--jobs", "1"],
        cwd=project,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    try:
        _, stderr = proc.communicate(timeout=600)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    assert proc.returncode == -signal.SIGKILL, stderr
    out = project / "out"
    first = out / FOLDERS[0]
    assert (first / "manifest.json").is_file()
    assert not (out / FOLDERS[1]).exists() and not (out / FOLDERS[2]).exists()
    assert not (out / "index.html").exists()
    version = os.readlink(first)
    stamp = (first / "manifest.json").stat().st_mtime_ns
    finished = _manifest(first)["run"]["finished"]

    result = run_cli("run", "--config", "batch.toml", "--jobs", "1", cwd=project)
    assert result.returncode == 0, result.stderr
    summary = json.loads((out / "batch.json").read_text(encoding="utf-8"))
    assert [k["status"] for k in summary["kommuner"]] == ["skipped", "written", "written"]
    assert os.readlink(first) == version
    assert (first / "manifest.json").stat().st_mtime_ns == stamp
    assert _manifest(first)["run"]["finished"] == finished
    for folder in FOLDERS[1:]:
        assert (out / folder / "manifest.json").is_file()
    assert "taking over the lock" in result.stderr  # the killed batch's lock, taken over


@pytest.mark.slow
def test_a_killed_batch_stops_the_run_it_started(project: Path) -> None:
    """SIGKILL of the batch while a kommune is being written: that run stops and cleans up."""
    proc = subprocess.Popen(
        [*cli_command(), "run", "--config", "batch.toml", "--jobs", "1"],
        cwd=project,
        env={**os.environ, "MPLBACKEND": "Agg"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    runs = project / "out" / f"{FOLDERS[0]}.runs"
    try:
        # the first kommune's new version is being written (a state, not a time)
        while proc.poll() is None and not (
            runs.is_dir() and any(p.name.startswith(".tmp-") for p in runs.iterdir())
        ):
            time.sleep(0.01)
        children = subprocess.run(
            ["pgrep", "-P", str(proc.pid)], capture_output=True, text=True
        ).stdout.split()
        os.kill(proc.pid, signal.SIGKILL)
        assert proc.wait(timeout=60) == -signal.SIGKILL
        assert len(children) == 1
        deadline = time.monotonic() + 60
        while Path(f"/proc/{children[0]}").exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not Path(f"/proc/{children[0]}").exists()  # stopped with the batch
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    assert list(runs.iterdir()) == []  # its half-written version removed
    assert not (project / "out" / FOLDERS[0]).exists()
    result = run_cli("run", "--config", "batch.toml", "--jobs", "2", cwd=project)
    assert result.returncode == 0, result.stderr
    assert all((project / "out" / f / "manifest.json").is_file() for f in FOLDERS)


# --- the index page in a real browser -----------------------------------------------


def _path_of(url: str) -> Path:
    return Path(urllib.parse.unquote(urllib.parse.urlparse(url).path))


@pytest.mark.slow
@pytest.mark.browser
def test_the_index_page_opens_in_chromium_and_every_link_resolves(batch_run) -> None:
    binary = chromium()
    if binary is None:
        pytest.skip("chromium is not installed (apt-get install chromium)")
    work, result = batch_run
    assert result.returncode == 0, result.stderr
    index = work / "out" / "index.html"
    probe_links = "JSON.stringify(Array.from(document.links).map(a => a.href))"
    probe_page = (
        "JSON.stringify({title: document.title, images: Array.from(document.images).map("
        "i => i.complete && i.naturalWidth > 0), rows: document.querySelectorAll('tbody tr')"
        ".length, resources: performance.getEntriesByType('resource').map(e => e.name)})"
    )
    with tempfile.TemporaryDirectory(prefix="chromium-profile-") as profile:
        browser = DevTools(binary, Path(profile))
        try:
            target = browser.call("Target.createTarget", {"url": "about:blank"})["targetId"]
            session = browser.call("Target.attachToTarget", {"targetId": target, "flatten": True})[
                "sessionId"
            ]
            for domain in ("Page", "Runtime"):
                browser.call(f"{domain}.enable", session=session)

            def visit(url: str) -> dict:
                answer = browser.call("Page.navigate", {"url": url}, session=session)
                assert "errorText" not in answer, (url, answer)
                browser.wait_for("Page.loadEventFired")
                value = browser.call(
                    "Runtime.evaluate",
                    {"expression": probe_page, "returnByValue": True},
                    session=session,
                )
                return json.loads(value["result"]["value"])

            top = visit(index.as_uri())
            links = json.loads(
                browser.call(
                    "Runtime.evaluate",
                    {"expression": probe_links, "returnByValue": True},
                    session=session,
                )["result"]["value"]
            )
            pages = [u for u in links if u.endswith(".html")]
            visited = [visit(u) for u in pages]
            errors = [e for e in browser.events if e.get("method") == "Runtime.exceptionThrown"]
        finally:
            browser.close()
    assert top["rows"] == 3 and "Syntetiske kommuner" in top["title"]
    assert all(url.startswith("file://") for url in top["resources"])  # works offline
    assert len(pages) == 3 and len(links) == 3 * 3  # figures, XLSX, CSV per kommune
    assert all(_path_of(u).is_file() for u in links)
    for page in visited:
        assert page["images"] and all(page["images"])  # every figure of every pack loads
    assert errors == []
