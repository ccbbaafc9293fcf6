"""The bad-input corpus: every wrong input is refused in one line, or named in the manifest.

Each case breaks one thing in a small project (three Oslo districts and the
unknown district, the country's counts) whose previous run is in ``out``.
Through the command line (``main``, in this process): exit 2 with one line on
stderr naming the file or key, column, line and value, the previous outputs
untouched; or exit 0 with a named warning on stderr and in ``manifest.json``.
``utenforskap validate`` gives the same verdict and the same line as the run
(it runs the same checks). Then the library: the same rules at the public
functions.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from bad_inputs_support import (
    CONFIG,
    LAND_HEADER,
    REGISTER_HEADER,
    Case,
    add_config,
    both,
    config,
    edit,
    geojson,
    land,
    set_cell,
    snapshot,
    write,
    write_project,
)

from utenforskap.job.cli import main

LATIN1 = (REGISTER_HEADER + "\n2024,1,030101,17,female,0\n2024,2,030101,17,kvinne_ø,0\n").encode(
    "latin-1"
)
REGIONS = "code,name,parent\n0,Hele landet,\n03,Oslo,0\n0301,Oslo,03\n030101,Gamle Oslo,0301\n"

CASES: dict[str, Case] = {
    # ---- the register (microdata, one row per person) ----
    "register sex not declared (mann)": Case(
        set_cell("register.csv", 4, "sex", "mann"),
        2,
        ("register.csv", "column 'sex'", "row 4", "'mann'", "sex_codes", "'unknown' on purpose"),
    ),
    "register year from a spreadsheet (2024.0)": Case(
        set_cell("register.csv", 4, "year", "2024.0"),
        2,
        ("register.csv", "column 'year'", "row 4", "'2024.0'", "write 2024"),
    ),
    "register year 20x9": Case(
        set_cell("register.csv", 5, "year", "20x9"),
        2,
        ("register.csv", "column 'year'", "row 5", "'20x9'"),
    ),
    "register age not whole (16.5)": Case(
        set_cell("register.csv", 4, "age", "16.5"),
        2,
        ("register.csv", "column 'age'", "row 4", "'16.5'"),
    ),
    "register age as text": Case(
        set_cell("register.csv", 6, "age", "seksten"),
        2,
        ("register.csv", "column 'age'", "row 6", "'seksten'"),
    ),
    "register item outside 0/1": Case(
        set_cell("register.csv", 4, "neet", "2"),
        2,
        ("register.csv", "column 'neet'", "row 4", "'2'"),
    ),
    "register item as text": Case(
        set_cell("register.csv", 7, "neet", "ja"),
        2,
        ("register.csv", "column 'neet'", "row 7", "'ja'"),
    ),
    "register every person twice": Case(
        edit("register.csv", lambda ls: ls + ls[1:]),
        2,
        ("register.csv", "column 'person_id'", "'1'", "more than once"),
    ),
    "register district lost its leading zero": Case(
        set_cell("register.csv", 4, "district", "30101"),
        2,
        ("register.csv", "column 'district'", "row 4", "'30101'", "leading zero"),
    ),
    "register unknown district": Case(
        set_cell("register.csv", 8, "district", "030177"),
        2,
        ("register.csv", "column 'district'", "row 8", "'030177'", "unknown region code"),
    ),
    "register missing column": Case(
        edit("register.csv", lambda ls: [",".join(line.split(",")[:-1]) for line in ls]),
        2,
        ("register.csv", "column 'neet'", "missing column"),
    ),
    "register header only": Case(
        write("register.csv", REGISTER_HEADER + "\n"),
        2,
        ("register.csv", "no data rows", "only its header"),
    ),
    "register empty file": Case(
        write("register.csv", ""), 2, ("register.csv", "the file is empty")
    ),
    "register in Latin-1": Case(
        write("register.csv", LATIN1), 2, ("register.csv", "not UTF-8", "save the file as UTF-8")
    ),
    "register line with a field too many": Case(
        edit("register.csv", lambda ls: [*ls[:3], ls[3] + ",1", *ls[4:]]),
        2,
        ("register.csv", "row 4", "7 fields; the header has 6"),
    ),
    "register sex codes declared, one missing": Case(
        config(
            'person_id = "person_id"', 'person_id = "person_id"\n[inputs.sex_codes]\nmale = "male"'
        ),
        2,
        ("register.csv", "column 'sex'", "row 2", "'female'", "declared codes are ['male']"),
    ),
    # ---- the counts file (CountFrame layout) ----
    "counts period 2024Q1": Case(
        land("neet,0,2024Q1,16-25,total,60000,600000,"),
        2,
        ("land.csv", "column 'period'", "row 2", "'2024Q1'", "not a period"),
    ),
    "counts period 2024.0": Case(
        land("neet,0,2024.0,16-25,total,60000,600000,"),
        2,
        ("land.csv", "column 'period'", "row 2", "'2024.0'", "write 2024"),
    ),
    "counts age band 16 til": Case(
        land("neet,0,2024,16-25,total,60000,600000,", "neet,0,2023,16 til,total,1,10,"),
        2,
        ("land.csv", "column 'age'", "row 3", "'16 til'"),
    ),
    "counts sex mann": Case(
        land("neet,0,2024,16-25,mann,60000,600000,"),
        2,
        ("land.csv", "column 'sex'", "row 2", "'mann'"),
    ),
    "counts fractional count": Case(
        land("neet,0,2024,16-25,total,80.5,600000,"),
        2,
        ("land.csv", "column 'numerator'", "row 2", "'80.5'", "whole number"),
    ),
    "counts decimal comma": Case(
        land('neet,0,2024,16-25,total,"80,5",600000,'),
        2,
        ("land.csv", "column 'numerator'", "row 2", "'80,5'", "decimals with a point"),
    ),
    "counts negative count as written": Case(
        land("neet,0,2024,16-25,total,-81,600000,"),
        2,
        ("land.csv", "column 'numerator'", "row 2", "value '-81'", "negative"),
    ),
    "counts numerator above denominator": Case(
        land("neet,0,2024,16-25,total,12,10,"),
        2,
        ("land.csv", "column 'numerator'", "row 2", "'12'", "greater than denominator"),
    ),
    "counts duplicated key": Case(
        land("neet,0,2024,16-25,total,1,10,", "neet,0,2024,16-25,total,1,10,"),
        2,
        ("land.csv", "row 3", "duplicate key"),
    ),
    "counts text in a count": Case(
        land("neet,0,2024,16-25,total,mange,10,"),
        2,
        ("land.csv", "column 'numerator'", "row 2", "'mange'", "not a number"),
    ),
    "counts header only": Case(land(), 2, ("land.csv", "no data rows")),
    "counts empty file": Case(write("land.csv", ""), 2, ("land.csv", "the file is empty")),
    "counts missing column": Case(
        write("land.csv", "indicator,region,period,age,sex,numerator\nneet,0,2024,16-25,total,1\n"),
        2,
        ("land.csv", "column 'denominator'", "missing column"),
    ),
    "counts region lost its leading zero": Case(
        land("neet,0,2024,16-25,total,1,10,", "neet,301,2024,16-25,total,1,10,"),
        2,
        ("land.csv", "column 'region'", "row 3", "'301'", "leading zero", "'0301'"),
    ),
    "counts region from a spreadsheet (3203.0)": Case(
        land("neet,0,2024,16-25,total,1,10,", "neet,3203.0,2024,16-25,total,1,10,"),
        2,
        ("land.csv", "column 'region'", "row 3", "'3203.0'", "write '3203'"),
    ),
    "counts unknown status symbol": Case(
        land("neet,0,2024,16-25,total,1,10,x"),
        2,
        ("land.csv", "column 'status'", "row 2", "'x'"),
    ),
    "counts in Latin-1": Case(
        write("land.csv", (LAND_HEADER + "\nneet,0,2024,16-25,total,1,10,Ø\n").encode("latin-1")),
        2,
        ("land.csv", "not UTF-8", "save the file as UTF-8"),
    ),
    "counts unknown indicator only: input unused": Case(
        land("low_income_children,0,2024,0-17,total,1,10,"),
        0,
        ("inputs[1] (land)", "low_income_children"),
        "inputs.unused",
    ),
    # ---- the configuration ----
    "config age band 16 til": Case(
        config('ages = ["16-25"]', 'ages = ["16 til"]'),
        2,
        ("kommune.toml", "key indicators.neet.ages[0]", "'16 til'"),
    ),
    "config input path is a folder": Case(
        config('path = "land.csv"', 'path = "."'),
        2,
        ("kommune.toml", "key inputs[1].path", "a folder, not a file"),
    ),
    "config input file missing": Case(
        config('path = "land.csv"', 'path = "landet.csv"'),
        2,
        ("kommune.toml", "key inputs[1].path", "landet.csv", "not found"),
    ),
    "config kommune not in the data": Case(
        config('kommune = "0301"', 'kommune = "0302"'),
        2,
        ("kommune.toml", "key geography.kommune", "'0302'", "no input gives this kommune"),
    ),
    "config trend region unknown": Case(
        config('trend_regions = ["030101"]', 'trend_regions = ["030177"]'),
        2,
        ("kommune.toml", "key figures.trend_regions[0]", "'030177'", "unknown region code"),
    ),
    "config trend region without rows": Case(
        config('trend_regions = ["030101"]', 'trend_regions = ["030104"]'),
        0,
        ("figures.trend_regions", "030104", "no rows"),
        "regions.unknown",
    ),
    "config reference unknown": Case(
        add_config('[statistics]\nreference = "1234"'),
        2,
        ("kommune.toml", "key statistics.reference", "'1234'", "unknown region code"),
    ),
    "config reference table with an unknown region": Case(
        add_config('[statistics.reference]\n"030101" = "0399"'),
        2,
        ("kommune.toml", "key statistics.reference.030101", "'0399'", "unknown region code"),
    ),
    "config reference without rows": Case(
        add_config('[statistics]\nreference = "3203"'),
        2,
        ("kommune.toml", "key statistics.reference", "'3203'", "Asker (3203) has no rows"),
    ),
    "config one reference for districts and kommune: funnel mixes levels": Case(
        add_config('[statistics]\nreference = "0"'),
        0,
        ("the funnel compares one level",),
        "funnel.mixed_levels",
    ),
    "config boundary code property not in the file": Case(
        config(
            'kommune = "0301"',
            'kommune = "0301"\nboundaries = "oslo.geojson"\nboundary_code_property = "kode"',
        ),
        2,
        ("oslo.geojson", "column 'kode'", "feature 1", "no property 'kode'"),
    ),
    "config boundaries on other codes (fylker 01, 02)": Case(
        both(
            write("fylker.geojson", geojson(("01", "02"))),
            config('kommune = "0301"', 'kommune = "0301"\nboundaries = "fylker.geojson"'),
        ),
        2,
        ("fylker.geojson", "column 'code'", "no region code of the boundaries is in the data"),
    ),
    "config boundaries miss a district": Case(
        both(
            write("two.geojson", geojson(("030101", "030102", "030109"))),
            config('kommune = "0301"', 'kommune = "0301"\nboundaries = "two.geojson"'),
        ),
        0,
        ("Sagene (030103)",),
        "boundaries.unmatched",
    ),
    "config crosswalk without its columns": Case(
        both(
            write("cw.csv", "a,b\n1,2\n"),
            config('kommune = "0301"', 'kommune = "0301"\ncrosswalk = "cw.csv"'),
        ),
        2,
        ("cw.csv", "column 'from_code'", "missing column"),
    ),
    "config crosswalk missing": Case(
        config('kommune = "0301"', 'kommune = "0301"\ncrosswalk = "cw.csv"'),
        2,
        ("kommune.toml", "key geography.crosswalk", "not found"),
    ),
    "config regions file in Latin-1": Case(
        both(
            write("regions.csv", (REGIONS + "030102,Grünerløkka,0301\n").encode("latin-1")),
            config('kommune = "0301"', 'kommune = "0301"\nregions = "regions.csv"'),
        ),
        2,
        ("regions.csv", "not UTF-8", "save the file as UTF-8"),
    ),
    "config regions file header only": Case(
        both(
            write("regions.csv", "code,name,parent\n"),
            config('kommune = "0301"', 'kommune = "0301"\nregions = "regions.csv"'),
        ),
        2,
        ("regions.csv", "no data rows"),
    ),
    "config regions file code lost its leading zero": Case(
        both(
            write("regions.csv", REGIONS + "30102,Grünerløkka,0301\n"),
            config('kommune = "0301"', 'kommune = "0301"\nregions = "regions.csv"'),
        ),
        2,
        ("regions.csv", "column 'code'", "row 6", "'30102'", "'030102'"),
    ),
    "config invalid TOML": Case(
        config('title = "Liten"', 'title = "Liten'), 2, ("kommune.toml", "invalid TOML")
    ),
    "config unknown key": Case(
        config("min_count = 3", "min_cuont = 3"), 2, ("kommune.toml", "min_cuont")
    ),
    "config output inside a file": Case(
        config('output = "out"', 'output = "land.csv/out"'),
        2,
        ("kommune.toml", "key output", "land.csv is a file"),
    ),
    "config output is a file": Case(
        config('output = "out"', 'output = "land.csv"'),
        2,
        ("kommune.toml", "key output", "is a file"),
    ),
    "config microdata indicator unknown": Case(
        config('indicators = ["neet"]', 'indicators = ["neeet"]'),
        2,
        ("kommune.toml", "key inputs[0].indicators[0]", "'neeet'"),
    ),
    "config pool of 0 years": Case(
        config('ages = ["16-25"]', 'ages = ["16-25"]\npool = 0'),
        2,
        ("kommune.toml", "key indicators.neet.pool", "0"),
    ),
    "config figure format unknown": Case(
        config('formats = ["png"]', 'formats = ["gif"]'),
        2,
        ("kommune.toml", "key figures.formats[0]", "'gif'"),
    ),
    "config confidence level as percent": Case(
        add_config("[statistics]\nlevel = 95.0"),
        2,
        ("kommune.toml", "key statistics.level", "95.0"),
    ),
}


@pytest.fixture(scope="module")
def previous_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The project with one completed run in ``out``."""
    folder = tmp_path_factory.mktemp("bad-inputs-base")
    config_file = write_project(folder)
    assert main(["-q", "run", "--config", str(config_file)]) == 0
    return folder


@pytest.fixture
def project(previous_run: Path, tmp_path: Path) -> Path:
    target = tmp_path / "project"
    shutil.copytree(previous_run, target, symlinks=True)
    return target


def _command(name: str, project: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, list[str]]:
    capsys.readouterr()
    code = main([name, "--config", str(project / "kommune.toml")])
    return code, capsys.readouterr().err.strip().splitlines()


@pytest.mark.parametrize("name", sorted(CASES))
def test_bad_input(name: str, project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    case = CASES[name]
    case.mutate(project)
    before = snapshot(project / "out")
    checked, said = _command("validate", project, capsys)
    code, lines = _command("run", project, capsys)
    assert code == case.code, lines
    assert not any("Traceback" in line for line in lines)
    # validate gives the same verdict as the run, through the same checks.
    assert checked == code, said
    if code == 2:
        assert len(lines) == 1, lines
        for fragment in case.expect:
            assert fragment in lines[0], (fragment, lines[0])
        assert said == lines
        assert snapshot(project / "out") == before
        assert not [p for p in project.iterdir() if p.name.startswith(".")]
    else:
        manifest = json.loads((project / "out" / "manifest.json").read_text(encoding="utf-8"))
        named = [w for w in manifest["warnings"] if w["kind"] == case.warning]
        assert named, manifest["warnings"]
        for fragment in case.expect:
            assert any(fragment in w["message"] for w in named), (fragment, named)
        assert any(named[0]["message"] in line for line in lines)  # on stderr too


def test_config_and_data_agree_on_age_labels(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``16 til 25`` is 16-25 in the configuration as in every file (one parser)."""
    config('ages = ["16-25"]', 'ages = ["16 til 25"]')(project)
    set_cell("land.csv", 2, "age", "16 til 25")(project)
    assert _command("validate", project, capsys)[0] == 0
    code, lines = _command("run", project, capsys)
    assert code == 0, lines
    manifest = json.loads((project / "out" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["warnings"] == []
    assert CONFIG  # the base configuration the cases change
