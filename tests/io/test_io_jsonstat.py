"""Tests of read_jsonstat against real JSON-stat files, pyjstat, and the format's rules."""

from __future__ import annotations

import copy
import json
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from utenforskap.errors import DataError
from utenforskap.io import read_jsonstat

SHARED = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "jsonstat"
DEMO = Path(__file__).resolve().parents[2] / "src" / "utenforskap" / "datasets"


def shared(name: str) -> Path:
    path = SHARED / name
    if not path.exists():
        pytest.skip(f"{path} not available")
    return path


def pyjstat_frames(document: dict) -> list[pd.DataFrame]:
    """pyjstat 2.4's reading of a document: an independent implementation.

    pyjstat 2.4 fails under pandas 3 on a category given only by ``label``
    (no ``index``), which the format allows; its copy gets the index spelled out.
    """
    pyjstat = pytest.importorskip("pyjstat.pyjstat")
    document = copy.deepcopy(document)
    datasets = [document] if "dimension" in document else list(document.values())
    for data in datasets:
        for dim in data["dimension"].values():
            if isinstance(dim, dict) and "category" in dim and "index" not in dim["category"]:
                dim["category"]["index"] = list(dim["category"]["label"])
    with warnings.catch_warnings():
        # from_json_stat is pyjstat's only reader of 1.x bundles; it warns that it is old.
        warnings.simplefilter("ignore", DeprecationWarning)
        return list(pyjstat.from_json_stat(document, naming="id"))


def assert_same_as_pyjstat(ours: pd.DataFrame, theirs: pd.DataFrame, dims: list[str]) -> None:
    theirs = theirs.rename(columns=str)
    assert list(theirs.columns[:-1]) == dims
    for dim in dims:
        assert ours[dim].tolist() == theirs[dim].astype(str).tolist()
    np.testing.assert_array_equal(ours["value"].to_numpy(), theirs["value"].to_numpy(dtype=float))


def test_galicia_matches_pyjstat_and_the_spec_sample() -> None:
    path = shared("galicia-2.0.json")
    frame = read_jsonstat(path)
    document = json.loads(path.read_text(encoding="utf-8"))
    dims = document["id"]
    assert list(frame.columns) == [*dims, "value", "status"]
    assert len(frame) == int(np.prod(document["size"])) == 3960
    assert_same_as_pyjstat(frame, pyjstat_frames(document)[0], dims)
    # json-stat.org's galicia sample: all totals in 2001 = 2,695,880 persons.
    first = frame.iloc[0]
    assert (first["birth"], first["age"], first["gender"], first["time"]) == ("T", "T", "T", "2001")
    assert first["value"] == 2695880
    assert frame.attrs["time"] == "time"
    assert frame.attrs["geo"] == "residence"
    assert frame.attrs["metric"] == "concept"
    assert frame.attrs["unit"] == {"pop": {"label": "persons", "decimals": 0}}
    assert frame.attrs["decimals"] == {"pop": 0}
    assert frame.attrs["updated"] == "2012-12-27T12:25:09Z"
    assert frame.attrs["source"] == "INE and IGE"
    # The single-category dimension without index (concept) is read from its label.
    assert set(frame["concept"]) == {"pop"}


def test_oecd_bundle_reads_each_dataset_and_keeps_foreign_status() -> None:
    path = shared("oecd-canada.json")
    document = json.loads(path.read_text(encoding="utf-8"))
    reference = pyjstat_frames(document)
    oecd = read_jsonstat(path, status_symbols=None)
    canada = read_jsonstat(path, dataset="canada", status_symbols=None)
    assert oecd.attrs["dataset"] == "oecd"
    assert_same_as_pyjstat(oecd, reference[0], document["oecd"]["dimension"]["id"])
    assert_same_as_pyjstat(canada, reference[1], document["canada"]["dimension"]["id"])
    # Status is an index → symbol object in "oecd" and a one-item list in "canada".
    expected = {int(k): v for k, v in document["oecd"]["status"].items()}
    got = {i: s for i, s in enumerate(oecd["status"]) if s}
    assert got == expected
    assert set(canada["status"]) == {"a"}


def test_foreign_status_symbol_is_a_data_error_by_default() -> None:
    with pytest.raises(DataError, match="unknown status symbol") as info:
        read_jsonstat(shared("oecd-canada.json"))
    assert info.value.value == "e"
    assert "oecd-canada.json" in str(info.value)


def test_statswe_json_stat_1_labels() -> None:
    path = shared("statswe.json")
    frame = read_jsonstat(path, naming="both")
    document = json.loads(path.read_text(encoding="utf-8"))
    dims = document["dataset"]["dimension"]["id"]
    assert_same_as_pyjstat(frame, pyjstat_frames(document)[0], dims)
    assert frame["Alder_label"].iloc[0] == "0 år"
    assert frame["Kon_label"].unique().tolist() == ["män", "kvinnor"]
    assert frame.attrs["time"] == "Tid"
    labels = read_jsonstat(path, naming="label")
    assert labels["Region"].iloc[0] == "25 Norrbottens län"


def small() -> dict:
    return {
        "version": "2.0",
        "class": "dataset",
        "id": ["Region", "Kjonn", "Tid"],
        "size": [2, 1, 3],
        "role": {"geo": ["Region"], "time": ["Tid"]},
        "dimension": {
            "Region": {
                "label": "region",
                "category": {"index": {"0301": 0, "3203": 1}, "label": {"0301": "Oslo"}},
            },
            "Kjonn": {"category": {"label": {"0": "Begge kjønn"}}},
            "Tid": {"category": {"index": ["2022", "2023", "2024"]}},
        },
        "value": [1, 2, 3, None, 5, 6],
        "status": {"3": ".."},
    }


def test_small_dataset_layout_and_both_naming() -> None:
    frame = read_jsonstat(small(), naming="both")
    assert frame["Region"].tolist() == ["0301"] * 3 + ["3203"] * 3
    # A missing label falls back to the code.
    assert frame["Region_label"].tolist() == ["Oslo"] * 3 + ["3203"] * 3
    assert frame["Kjonn_label"].unique().tolist() == ["Begge kjønn"]
    assert frame["Tid"].tolist() == ["2022", "2023", "2024"] * 2
    assert frame["status"].tolist() == ["", "", "", "..", "", ""]
    assert np.isnan(frame["value"].iloc[3])
    assert all(isinstance(v, str) for v in frame["Region"])


def test_index_object_and_list_and_sparse_values_agree() -> None:
    dense = small()
    sparse = small()
    sparse["dimension"]["Region"]["category"]["index"] = ["0301", "3203"]
    sparse["value"] = {"0": 1, "1": 2, "2": 3, "4": 5, "5": 6}
    sparse["status"] = [None, None, None, "..", None, None]
    pd.testing.assert_frame_equal(read_jsonstat(dense), read_jsonstat(sparse))


@pytest.mark.parametrize("form", ["bytes", "str", "path"])
def test_sources(tmp_path: Path, form: str) -> None:
    text = json.dumps(small())
    path = tmp_path / "x.json"
    path.write_text(text, encoding="utf-8")
    source = {"bytes": text.encode(), "str": text, "path": path}[form]
    assert read_jsonstat(source)["value"].iloc[4] == 5


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d.update(value=[1, 2, 3]), "'value' has 3 cells but the product of 'size' is 6"),
        (lambda d: d.update(value={"6": 1}), "outside the cube"),
        (lambda d: d.update(status={"9": ".."}), "outside the cube"),
        (lambda d: d.update(status={"1": "x"}), "unknown status symbol"),
        (lambda d: d.update(size=[2, 1]), "'size' must be a list of 3"),
        (lambda d: d["dimension"]["Tid"]["category"].update(index=["2022"]), "1 categories"),
        (lambda d: d["dimension"].pop("Tid"), "missing dimension"),
        (lambda d: d.update(value=[1, 2, "x", 4, 5, 6]), "not a number"),
        (
            lambda d: d["dimension"]["Region"]["category"].update(index={"0301": 0, "3203": 5}),
            "positions",
        ),
        (lambda d: d.pop("value"), "missing 'value'"),
    ],
)
def test_invalid_documents_raise_data_error(change, message: str) -> None:
    document = small()
    change(document)
    with pytest.raises(DataError, match=message):
        read_jsonstat(document)


def test_truncated_json_names_file_and_position(tmp_path: Path) -> None:
    path = tmp_path / "cut.json"
    path.write_text(json.dumps(small(), indent=1)[:120], encoding="utf-8")
    with pytest.raises(DataError, match=r"invalid JSON at line \d+, column \d+") as info:
        read_jsonstat(path)
    assert str(path) in str(info.value)


def test_missing_file_is_a_data_error(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="file not found"):
        read_jsonstat(tmp_path / "nope.json")


def test_bad_naming() -> None:
    with pytest.raises(ValueError, match="naming must be one of 'code', 'label', 'both'"):
        read_jsonstat(small(), naming="id")  # type: ignore[arg-type]


@settings(max_examples=60, deadline=None)
@given(
    sizes=st.lists(st.integers(1, 4), min_size=1, max_size=4),
    data=st.data(),
)
def test_layout_matches_numpy_unravel_index(sizes: list[int], data: st.DataObject) -> None:
    """Cell k belongs to the categories numpy's row-major unravel_index gives."""
    n = int(np.prod(sizes))
    values = data.draw(st.lists(st.integers(-1000, 1000), min_size=n, max_size=n))
    ids = [f"d{i}" for i in range(len(sizes))]
    document = {
        "version": "2.0",
        "class": "dataset",
        "id": ids,
        "size": sizes,
        "dimension": {
            d: {"category": {"index": [f"{d}c{j}" for j in range(s)]}}
            for d, s in zip(ids, sizes, strict=True)
        },
        "value": values,
    }
    frame = read_jsonstat(document)
    expected = np.unravel_index(np.arange(n), sizes)
    for d, positions in zip(ids, expected, strict=True):
        assert frame[d].tolist() == [f"{d}c{j}" for j in positions]
    assert frame["value"].tolist() == [float(v) for v in values]


def test_demo_file_is_small_synthetic_and_ssb_shaped() -> None:
    path = DEMO / "ssb_neet_land.json"
    assert path.stat().st_size < 100_000
    frame = read_jsonstat(path, naming="both")
    assert frame.attrs["role"] == {
        "geo": ["Region"],
        "metric": ["ContentsCode"],
        "time": ["Tid"],
    }
    assert "SYNTHETIC" in " ".join(frame.attrs["note"])
    assert "SYNTETISKE" in frame.attrs["source"]
    assert list(frame.columns[::2][:5]) == ["Region", "Alder", "Kjonn", "ContentsCode", "Tid"]
    assert set(frame["status"]) == {"", ".."}


def test_real_ssb_answer_05300_equals_pyjstat():
    # statisticsnorway/dapla-statbank-client's recorded answer for table 05300
    # (README: 432 cells, 20 '.' and 8 '..').
    path = shared("ssb-05300.json")
    document = json.loads(path.read_text(encoding="utf-8"))
    ours = read_jsonstat(path, naming="code")
    assert len(ours) == 432
    assert ours["status"].value_counts().to_dict() == {"": 404, ".": 20, "..": 8}
    (reference,) = pyjstat_frames(document)
    assert list(reference.columns[:-1]) == list(ours.columns[:-2])
    for column in reference.columns[:-1]:
        assert reference[column].astype(str).tolist() == ours[column].tolist()
    np.testing.assert_array_equal(
        ours["value"].to_numpy(dtype=float), reference["value"].to_numpy(dtype=float)
    )
    assert ours["value"][ours["status"] != ""].isna().all()
    assert ours.attrs["extension"]["px"]["tableid"] == "05300"


def test_pxwebapi_metadata_answer():
    path = shared("pxwebapi-metadata-tab001.json")
    with pytest.raises(DataError, match="metadata answer"):
        read_jsonstat(path)
    from utenforskap.io import read_jsonstat_metadata

    meta = read_jsonstat_metadata(path)
    document = json.loads(path.read_text(encoding="utf-8"))
    assert meta.groupby("dimension", sort=False).size().tolist() == document["size"]
    assert list(meta["dimension"].unique()) == document["id"]
    assert set(meta.loc[meta["role"] == "time", "dimension"]) == set(document["role"]["time"])


def test_other_agencies_symbols_are_mapped_or_refused():
    doc = {
        "version": "2.0",
        "class": "dataset",
        "id": ["Tid"],
        "size": [2],
        "dimension": {"Tid": {"category": {"index": ["2023", "2024"]}}},
        "value": [1.0, None],
        "status": {"0": "e", "1": "x"},
    }
    with pytest.raises(DataError, match="unknown status symbol"):
        read_jsonstat(doc)
    frame = read_jsonstat(doc, symbols={"e": "", "x": ":"})
    assert frame["status"].tolist() == ["", ":"]
