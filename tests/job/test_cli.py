"""The CLI through its real entry point: outputs, exit codes, untouched outputs on failure."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
from pathlib import Path

import matplotlib.image as mpimg
import pandas as pd
import pytest

from conftest import run_cli
from utenforskap import frames as F
from utenforskap.datasets import demo_config_path
from utenforskap.disclosure.published import PUBLISHED_COLUMNS
from utenforskap.job.cli import main


def _snapshot(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.mark.slow
def test_run_writes_tables_figures_and_index(demo_run: Path) -> None:
    out = demo_run / "data" / "processed"
    table = pd.read_csv(out / "indicators.csv", dtype={F.REGION: str, F.PERIOD: str})
    # The published table says "prikket" (suppressed) but never why.
    assert list(table.columns) == list(PUBLISHED_COLUMNS)
    assert F.SUPPRESSION_REASON not in table.columns
    parquet = pd.read_parquet(out / "indicators.parquet")
    assert len(parquet) == len(table)
    figures = out / "figures"
    pngs = sorted(figures.glob("*.png"))
    assert len(pngs) >= 2
    assert any("bars" in p.name for p in pngs) and any("trend" in p.name for p in pngs)
    for png in pngs:
        image = mpimg.imread(png)
        assert image.shape[0] > 100 and image.shape[1] > 100
        assert png.with_suffix(".svg").is_file()
    page = (figures / "index.html").read_text(encoding="utf-8")
    for png in pngs:
        assert f'src="{png.name}"' in page


@pytest.mark.slow
def test_demo_neet_share_is_calibrated(demo_run: Path) -> None:
    table = pd.read_csv(
        demo_run / "data" / "processed" / "indicators.csv", dtype={F.REGION: str, F.PERIOD: str}
    )
    kommune = table[
        (table[F.INDICATOR] == "neet")
        & (table[F.REGION] == "9901")
        & (table[F.AGE] == "16-25")
        & (table[F.SEX] == "total")
    ].sort_values(F.PERIOD)
    latest = kommune.iloc[-1]
    assert latest[F.PERIOD] == "2024"
    assert 9.0 <= latest[F.VALUE] <= 13.0
    # The share is the count ratio, not an average of district shares.
    assert latest[F.VALUE] == pytest.approx(100 * latest[F.NUMERATOR] / latest[F.DENOMINATOR])
    districts = table[
        (table[F.INDICATOR] == "neet")
        & (table[F.REGION].str.len() == 6)
        & (table[F.AGE] == "16-25")
        & (table[F.SEX] == "total")
        & (table[F.PERIOD] == "2024")
    ]
    assert districts[F.REGION].nunique() >= 8
    assert districts[F.SUPPRESSED].sum() >= 2  # the small districts are hidden
    published = districts[~districts[F.SUPPRESSED]]
    assert published[F.VALUE].min() < 7 and published[F.VALUE].max() > 15
    assert set(published[F.COMPARISON]) <= {"higher", "lower", "similar"}
    assert {"higher", "lower"} <= set(published[F.COMPARISON])


@pytest.mark.slow
def test_python_module_entry_point(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "utenforskap", "indicators", "--lang", "en"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=60,
    )
    assert result.returncode == 0
    assert "neet" in result.stdout and "Depressive symptoms" in result.stdout


def _config(work: Path, **replace: str) -> Path:
    text = demo_config_path().read_text(encoding="utf-8")
    for old, new in replace.items():
        assert old in text
        text = text.replace(old, new)
    path = work / "kommune.toml"
    path.write_text(text, encoding="utf-8")
    return path


def _break_register(work: Path, transform) -> Path:  # type: ignore[no-untyped-def]
    source = work / "data" / "raw" / "demo" / "register.csv"
    target = work / "data" / "raw" / "broken.csv"
    lines = source.read_text(encoding="utf-8").splitlines()
    target.write_text("\n".join(transform(lines)) + "\n", encoding="utf-8")
    return target


def _replace_row(lines: list[str], row: int, column: str, value: str) -> list[str]:
    header = lines[0].split(",")
    cells = lines[row].split(",")
    cells[header.index(column)] = value
    lines[row] = ",".join(cells)
    return lines


def _counts_file(work: Path, rows: str) -> Path:
    path = work / "data" / "raw" / "counts.csv"
    path.write_text(
        "indicator,region,period,age,sex,numerator,denominator,status\n" + rows, encoding="utf-8"
    )
    return path


BAD_INPUTS = {
    "missing column": (
        lambda w: _break_register(
            w, lambda ls: [",".join(c for c in line.split(",")[:-1]) for line in ls]
        ),
        ["broken.csv", "upper_secondary"],
    ),
    "text in count column": (
        lambda w: _break_register(w, lambda ls: _replace_row(ls, 5, "neet", "ja")),
        ["broken.csv", "column 'neet'", "row 6", "'ja'"],
    ),
    "unknown region code": (
        lambda w: _break_register(w, lambda ls: _replace_row(ls, 7, "district", "990177")),
        ["broken.csv", "column 'district'", "row 8", "'990177'"],
    ),
    "numerator above denominator": (
        lambda w: _counts_file(w, "neet,990101,2024,16-25,total,12,10,\n"),
        ["counts.csv", "column 'numerator'", "row 2", "'12'", "greater than denominator"],
    ),
    "negative count": (
        lambda w: _counts_file(w, "neet,990101,2024,16-25,total,-2,10,\n"),
        ["counts.csv", "column 'numerator'", "row 2", "'-2'", "negative"],
    ),
    "unreadable file": (
        lambda w: w / "data" / "raw" / "does-not-exist.csv",
        ["does-not-exist.csv", "not found"],
    ),
}


@pytest.mark.slow
@pytest.mark.parametrize("case", sorted(BAD_INPUTS))
def test_bad_input_exits_2_and_leaves_outputs(demo_copy: Path, case: str) -> None:
    make, expected = BAD_INPUTS[case]
    broken = make(demo_copy)
    register = 'format = "microdata"\npath = "data/raw/demo/register.csv"\n'
    if broken.name == "counts.csv":
        # A counts file has no source columns to name: the register inputs' microdata
        # keys go (each block runs to the next blank line).
        text = demo_config_path().read_text(encoding="utf-8")
        blocks = []
        start = text.find(register)
        while start >= 0:
            end = text.index("\n\n", start) + 1
            blocks.append(text[start:end])
            start = text.find(register, end)
        replacement = 'format = "counts"\npath = "data/raw/counts.csv"\n'
        config = _config(demo_copy, **dict.fromkeys(blocks, replacement))
    else:
        replacement = f'format = "microdata"\npath = "data/raw/{broken.name}"\n'
        config = _config(demo_copy, **{register: replacement})
    before = _snapshot(demo_copy / "data" / "processed")
    result = run_cli("run", "--config", str(config), cwd=demo_copy)
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    for fragment in expected:
        assert fragment in lines[0]
    assert _snapshot(demo_copy / "data" / "processed") == before
    leftovers = [p.name for p in (demo_copy / "data").iterdir() if p.name.startswith(".")]
    assert leftovers == []


@pytest.mark.slow
@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("title = 'x'\n[geography\n", "invalid TOML"),
        ('title = "x"\nmin_count = 3\n', "unknown key"),
    ],
)
def test_malformed_config_exits_2(demo_copy: Path, text: str, fragment: str) -> None:
    config = demo_copy / "bad.toml"
    config.write_text(text, encoding="utf-8")
    before = _snapshot(demo_copy / "data" / "processed")
    result = run_cli("run", "--config", str(config), cwd=demo_copy)
    assert result.returncode == 2
    assert fragment in result.stderr and "bad.toml" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert _snapshot(demo_copy / "data" / "processed") == before


@pytest.mark.slow
def test_config_key_typo_suggests(demo_copy: Path) -> None:
    config = _config(demo_copy, **{"[statistics]\nmethod": "[statistics]\nmethd"})
    result = run_cli("validate", "--config", str(config), cwd=demo_copy)
    assert result.returncode == 2
    assert "statistics.methd" in result.stderr and "did you mean 'method'" in result.stderr


def test_unexpected_error_exits_1(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    import utenforskap.job.pipeline as pipeline

    def boom(*args: object, **kwargs: object) -> None:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(pipeline, "run", boom)
    monkeypatch.chdir(tmp_path)
    assert main(["run"]) == 1
    err = capsys.readouterr().err
    assert "unexpected error" in err and "disk on fire" in err and "Traceback" not in err


@pytest.mark.slow
def test_out_option_writes_elsewhere(tmp_path: Path) -> None:
    # A small project (three districts), so the whole run is quick.
    from bad_inputs_support import write_project

    config = write_project(tmp_path / "project")
    target = tmp_path / "elsewhere"
    result = run_cli("run", "--config", str(config), "--out", str(target), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert (target / "indicators.csv").is_file()
    assert (target / "figures" / "index.html").is_file()
    # Nothing goes to the configuration's own output folder.
    assert sorted(p.name for p in (tmp_path / "project").iterdir()) == sorted(
        ["register.csv", "land.csv", "oslo.geojson", "kommune.toml"]
    )


@pytest.mark.slow
def test_demo_data_regenerates_byte_identically(demo_copy: Path) -> None:
    demo = demo_copy / "data" / "raw" / "demo"
    before = _snapshot(demo)
    shutil.rmtree(demo)
    result = run_cli("demo-data", cwd=demo_copy)
    assert result.returncode == 0, result.stderr
    assert _snapshot(demo) == before


@pytest.mark.slow
def test_demo_run_writes_only_its_output_folder(demo_run: Path) -> None:
    # The demo data come from the user cache, not from (or into) the working directory.
    assert sorted(p.name for p in demo_run.iterdir()) == ["data"]
    assert sorted(p.name for p in (demo_run / "data").iterdir()) == [
        "processed",
        "processed.lock",
        "processed.restricted",
        "processed.runs",
    ]
    # The reasons for hiding cells are only in the restricted folder, closed to others.
    restricted = demo_run / "data" / "processed.restricted"
    assert restricted.stat().st_mode & 0o077 == 0
