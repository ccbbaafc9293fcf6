"""Notebooks run from a clean kernel, and are stored without outputs.

01 and 03 run on the bundled demo; 02 walks a real kommune through init, fetch
and run, its fetch answered by SSB and FHI look-alikes on 127.0.0.1
(``tests/agency_server.py``), found through ``UTENFORSKAP_SSB_URL`` /
``UTENFORSKAP_FHI_URL`` in the kernel's environment.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from agency_server import serve_agencies
from utenforskap.io.http import API_ROOT_ENV

NOTEBOOKS = sorted((Path(__file__).resolve().parents[1] / "notebooks").glob("*.ipynb"))


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_runs_from_clean_kernel(
    path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The notebook runs in an empty scratch folder; the demo data go to the
    # (test session's) user cache, which the kernel finds through UTENFORSKAP_CACHE,
    # and its temporary folders into a tmp folder of its own.
    work, scratch = tmp_path / "work", tmp_path / "tmp"
    work.mkdir()
    scratch.mkdir()
    monkeypatch.setenv("TMPDIR", str(scratch))
    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(
        notebook,
        timeout=600,
        kernel_name="python3",
        resources={"metadata": {"path": str(work)}},
    )
    with serve_agencies(busy=1) as server:
        for name in API_ROOT_ENV.values():
            monkeypatch.setenv(name, server.url)
        client.execute()
        asked = list(server.calls)
    errors = [
        out
        for cell in notebook.cells
        if cell.cell_type == "code"
        for out in cell.get("outputs", [])
        if out.get("output_type") == "error"
    ]
    assert errors == []
    # Nothing is written next to the notebook: only into the tmp folder (and the
    # user cache), and 02 writes one folder there, its configuration, cache and outputs.
    assert sorted(p.name for p in work.iterdir()) == []
    written = sorted(p.name for p in scratch.iterdir() if not p.name.startswith("tmp"))
    if path.name.startswith("02-"):
        assert asked, "the notebook's fetch did not reach the local server"
        [folder] = [scratch / name for name in written]
        assert folder.name.startswith("utenforskap-skien-")
        assert sorted(p.name for p in folder.iterdir()) == ["data", "skien.toml"]
        # The output folder, its lock, its versions (see job.atomic), the restricted
        # reasons for hidden cells (never inside the published folder), and the cache.
        data = {p.name for p in (folder / "data").iterdir()}
        output = {"processed", "processed.lock", "processed.restricted", "processed.runs"}
        assert {"processed", "raw"} <= data <= {*output, "raw"}
        assert sorted(p.name for p in (folder / "data" / "raw").iterdir()) == ["fhi", "ssb"]
    else:
        assert asked == [] and written == []


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_is_stored_without_outputs(path: Path) -> None:
    notebook = nbformat.read(path, as_version=4)
    for cell in notebook.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None


def test_there_is_a_notebook() -> None:
    assert any(p.name.startswith("01-") for p in NOTEBOOKS)
    assert any(p.name.startswith("02-") for p in NOTEBOOKS)
