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
import os
import shutil
import subprocess
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

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

from utenforskap.disclosure.gate import DisclosureError
from utenforskap.errors import DataError
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
        slow=True,
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
        slow=True,
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
        slow=True,
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


@pytest.mark.parametrize(
    "name",
    [pytest.param(n, marks=pytest.mark.slow) if CASES[n].slow else n for n in sorted(CASES)],
)
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


@pytest.mark.slow
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


# ---- the library: the same rules at the public functions ----


def _counts(regions: list[str], x: list[float], n: list[float]) -> Any:
    from conftest import counts_frame

    return counts_frame(regions, x, n, period="2024")


def _refused(error: type[Exception], call: Callable[[], object], *fragments: str) -> None:
    with pytest.raises(error) as info:
        call()
    for fragment in fragments:
        assert fragment in str(info.value), (fragment, str(info.value))
    assert "np.float64" not in str(info.value)


def _warned(kind: str, call: Callable[[], object], *fragments: str) -> object:
    from utenforskap.errors import UtenforskapWarning

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = call()
    named = [w.message for w in caught if isinstance(w.message, UtenforskapWarning)]
    mine = [w for w in named if w.kind == kind]
    assert mine, [(w.kind, str(w)) for w in named]
    for fragment in fragments:
        assert any(fragment in str(w) for w in mine), (fragment, [str(w) for w in mine])
    return result


def _file(tmp_path: Path, name: str, content: str | bytes) -> Path:
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def _unsuppressed() -> Any:
    from utenforskap.indicators import compute_indicators

    # A district with 3 of 40: drawn as a 7.5 % bar unless the gate stops it.
    return compute_indicators(
        _counts(["0301", "030101", "030102", "030199"], [40, 3, 30, 7], [400, 40, 300, 60])
    )


def lib_read_counts_header_only(tmp_path: Path) -> None:
    from utenforskap.microdata import read_counts

    path = _file(tmp_path, "c.csv", LAND_HEADER + "\n")
    _refused(DataError, lambda: read_counts(path), "c.csv", "no data rows")


def lib_read_counts_empty(tmp_path: Path) -> None:
    from utenforskap.microdata import read_counts

    path = _file(tmp_path, "c.csv", "")
    _refused(DataError, lambda: read_counts(path), "c.csv", "the file is empty")


def lib_read_counts_negative_as_written(tmp_path: Path) -> None:
    from utenforskap.microdata import read_counts

    path = _file(tmp_path, "c.csv", LAND_HEADER + "\nneet,0,2024,16-25,total,-81,10,\n")
    _refused(DataError, lambda: read_counts(path), "c.csv", "row 2", "value '-81'")


def lib_validate_counts_shows_numbers_as_numbers(tmp_path: Path) -> None:
    from utenforskap.frames import validate_counts

    frame = _counts(["0301"], [-81.0], [10.0])
    _refused(DataError, lambda: validate_counts(frame), "-81", "negative")


def lib_read_microdata_latin1(tmp_path: Path) -> None:
    from utenforskap.microdata import read_microdata

    path = _file(tmp_path, "m.csv", LATIN1)
    _refused(DataError, lambda: read_microdata(path), "m.csv", "save the file as UTF-8")


def lib_read_crosswalk_latin1(tmp_path: Path) -> None:
    from utenforskap.geo import read_crosswalk

    text = "from_code,from_label,to_code_2024,to_name_2024\n1201,Bergen,4601,Bergen\n"
    path = _file(tmp_path, "cw.csv", (text + "1259,Øygarden,4626,Øygarden\n").encode("latin-1"))
    _refused(DataError, lambda: read_crosswalk(path), "cw.csv", "save the file as UTF-8")


def lib_regions_empty_file(tmp_path: Path) -> None:
    from utenforskap.geo import RegionRegistry

    path = _file(tmp_path, "r.csv", "")
    _refused(DataError, lambda: RegionRegistry.from_csv(path), "r.csv", "the file is empty")


def lib_regions_line_numbers(tmp_path: Path) -> None:
    from utenforskap.geo import RegionRegistry

    path = _file(tmp_path, "r.csv", REGIONS + "30102,Grünerløkka,0301\n")
    _refused(DataError, lambda: RegionRegistry.from_csv(path), "r.csv", "row 6", "'030102'")


def lib_boundaries_code_property(tmp_path: Path) -> None:
    from utenforskap.geo import read_boundaries

    path = _file(tmp_path, "b.geojson", geojson(("030101",)))
    _refused(
        DataError,
        lambda: read_boundaries(path, code_property="kode"),
        "b.geojson",
        "feature 1",
        "'kode'",
        "['code']",
    )


def lib_rollup_invents_no_country(tmp_path: Path) -> None:
    from utenforskap.geo import rollup_levels

    data = _counts(["030101", "030102", "3201"], [1, 2, 3], [10, 20, 30])
    rolled = _warned("rollup.incomplete", lambda: rollup_levels(data), "Hele landet", "Akershus")
    regions = set(rolled.counts["region"])  # type: ignore[attr-defined]
    assert "0" not in regions and "32" not in regions and {"0301", "03"} <= regions


def lib_districts_without_kommune(tmp_path: Path) -> None:
    from utenforskap.indicators import compute_indicators

    data = _counts(["030101", "030102"], [10, 20], [100, 200])
    frame = _warned(
        "districts.without_kommune", lambda: compute_indicators(data), "Oslo (0301)", "2 districts"
    )
    assert set(frame["comparison"]) == {"not_tested"}  # type: ignore[index]


def lib_reference_chosen_without_rows(tmp_path: Path) -> None:
    from utenforskap.indicators import compute_indicators

    data = _counts(["0301", "030101"], [10, 2], [100, 20])
    _warned(
        "reference.missing",
        lambda: compute_indicators(data, reference="3203"),
        "Asker (3203)",
    )


def lib_reference_without_the_cells_needed(tmp_path: Path) -> None:
    from conftest import counts_frame
    from utenforskap.indicators import compute_indicators

    # The country is given for 2023 only: the kommune's 2024 is not compared.
    data = counts_frame(
        ["0", "0301", "0301"], [5, 10, 12], [50, 100, 90], period=["2023", "2023", "2024"]
    )
    _warned("reference.missing", lambda: compute_indicators(data), "period 2024")


def lib_funnel_mixes_kommuner_and_fylker(tmp_path: Path) -> None:
    import utenforskap as ut
    from utenforskap.disclosure import suppress
    from utenforskap.geo import rollup_levels
    from utenforskap.geo.catalogue import catalogue
    from utenforskap.indicators import compute_indicators

    # Every kommune of 2024, their fylker and the country: two levels against one reference.
    codes = [c for c in catalogue().codes(year=2024, level="kommune") if c != "9999"]
    n = [2000 + 37 * i for i in range(len(codes))]
    counts = rollup_levels(_counts(codes, [k // 10 for k in n], n), to="land").counts
    frame = suppress(compute_indicators(counts))
    _warned("funnel.mixed_levels", lambda: ut.funnel_plot(frame), "one level (kommune)")


def lib_district_bars_refuses_unsuppressed(tmp_path: Path) -> None:
    import utenforskap as ut

    _refused(DisclosureError, lambda: ut.district_bars(_unsuppressed()), "suppress")


def lib_funnel_refuses_unsuppressed(tmp_path: Path) -> None:
    import utenforskap as ut

    _refused(DisclosureError, lambda: ut.funnel_plot(_unsuppressed()), "suppress")


def lib_tile_map_refuses_unsuppressed(tmp_path: Path) -> None:
    import utenforskap as ut

    _refused(DisclosureError, lambda: ut.tile_map(_unsuppressed()), "suppress")


def lib_chart_figure_refuses_unsuppressed(tmp_path: Path) -> None:
    from utenforskap.plot import chart_figure

    _refused(
        DisclosureError,
        lambda: chart_figure(_unsuppressed(), "bars", indicator="neet", age="16-25"),
        "suppress",
    )


def lib_choropleth_boundaries_unmatched(tmp_path: Path) -> None:
    import utenforskap as ut
    from utenforskap.disclosure import suppress

    frame = suppress(_unsuppressed())
    path = _file(tmp_path, "b.geojson", geojson(("030101", "030109")))
    _warned(
        "boundaries.unmatched",
        lambda: ut.choropleth(frame, path, indicator="neet"),
        "Grünerløkka (030102)",
    )


def lib_figure_pack_workers_send_warnings_back(tmp_path: Path) -> None:
    from utenforskap.datasets import demo_indicators
    from utenforskap.publish.pack import write_figure_pack

    # Trend regions that have no rows: the charts drawn in worker processes warn,
    # and the warnings reach this process with their kind.
    figures = _warned(
        "regions.unknown",
        lambda: write_figure_pack(
            demo_indicators(),
            tmp_path / "figures",
            formats=["png"],
            trend_regions=["030101"],
            district_profiles=False,
            workers=2,
        ),
        "Gamle Oslo",
    )
    assert len(figures) >= 8  # type: ignore[arg-type]  # enough to be drawn in workers


def lib_run_write_false_writes_nothing(tmp_path: Path) -> None:
    import os

    import utenforskap as ut

    os.chdir(tmp_path)
    before = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*"))
    result = ut.run(write=False)
    assert result.status == "computed"
    assert sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*")) == before


def lib_disk_full_message(tmp_path: Path) -> None:
    import errno

    from utenforskap.job import pipeline
    from utenforskap.job.outputs import OutputError

    config_file = write_project(tmp_path / "p")
    real = pipeline.write_outputs

    def full(*args: Any, **kwargs: Any) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    pipeline.write_outputs = full  # type: ignore[assignment]
    try:
        with pytest.raises(OutputError) as info:
            pipeline.run(config_file)
    finally:
        pipeline.write_outputs = real  # type: ignore[assignment]
    text = str(info.value)
    assert "No space left on device; the previous outputs are kept" in text
    assert "()" not in text


def lib_indicators_into_a_closed_pipe(tmp_path: Path) -> None:
    from conftest import cli_command

    command = " ".join(cli_command()) + " indicators | head -1"
    result = subprocess.run(
        ["bash", "-o", "pipefail", "-c", command],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "MPLBACKEND": "Agg"},
    )
    assert result.returncode == 0, result.stderr
    assert "BrokenPipeError" not in result.stderr and result.stderr == ""
    assert "neet" in result.stdout or "id" in result.stdout


FHI_TABLE = (
    "Sted;År;Alder;Kjønn;Teller;Nevner\n"
    "0 Hele landet;2017;0-17 år;kjønn samlet;123 213;1 126 720\n"
    "0 Hele landet;{year};{age};kjønn samlet;124 291;1 123 360\n"
)
FHI_MAPPING = {
    "indicator": "low_income_children",
    "region": "Sted",
    "period": "År",
    "content": "variable",
    "numerator": "Teller",
    "denominator": "Nevner",
    "age": "Alder",
    "sex": "Kjønn",
    "age_map": {"0-17 år": "0-17"},
    "sex_map": {"kjønn samlet": "total"},
}


def _fhi_counts(tmp_path: Path, *, year: str, age: str) -> Callable[[], object]:
    from utenforskap.io import ObservationMapping, observations_to_counts, read_table

    path = _file(tmp_path, "fhi.csv", FHI_TABLE.format(year=year, age=age))
    mapping = ObservationMapping.from_dict(FHI_MAPPING)
    return lambda: observations_to_counts(read_table(path), mapping, source="fhi.csv")


def lib_mapped_table_year_from_a_spreadsheet(tmp_path: Path) -> None:
    call = _fhi_counts(tmp_path, year="2018.0", age="0-17 år")
    _refused(DataError, call, "fhi.csv", "column 'period'", "'2018.0'", "write 2018")


LIBRARY_CASES: dict[str, Callable[[Path], None]] = {
    name.removeprefix("lib_"): fn
    for name, fn in dict(globals()).items()
    if name.startswith("lib_") and callable(fn)
}
SLOW_LIBRARY = {
    "figure_pack_workers_send_warnings_back",
    "indicators_into_a_closed_pipe",
    "run_write_false_writes_nothing",
}


@pytest.mark.parametrize(
    "name",
    [
        pytest.param(n, marks=pytest.mark.slow) if n in SLOW_LIBRARY else n
        for n in sorted(LIBRARY_CASES)
    ],
)
def test_library(name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # a case that changes the folder does not leak it
    LIBRARY_CASES[name](tmp_path)


def test_the_corpus_is_large_enough() -> None:
    assert len(CASES) + len(LIBRARY_CASES) >= 60
    assert sum(c.code == 0 for c in CASES.values()) >= 4  # named warnings, not only refusals
