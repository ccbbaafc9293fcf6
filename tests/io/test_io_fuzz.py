"""Fuzz: mutated JSON-stat, PX and CSV files give a frame or a DataError, never a raw exception."""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from utenforskap.errors import DataError
from utenforskap.io import read_jsonstat, read_px, read_table

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "src" / "utenforskap" / "datasets" / "ssb_neet_land.json"
GALICIA = ROOT / ".." / "shared" / "data" / "jsonstat" / "galicia-2.0.json"
ROUNDS = 300

PX = (
    'CHARSET="ANSI";\nCODEPAGE="iso-8859-1";\nLANGUAGE="no";\nLANGUAGES="no","en";\n'
    'TITLE="Personer etter region og år";\nSTUB="region";\nSTUB[en]="region";\n'
    'HEADING="år";\nHEADING[en]="year";\nVALUES("region")="0301 Oslo","3203 Asker";\n'
    'VALUES[en]("region")="0301 Oslo","3203 Asker";\nVALUES("år")="2023","2024";\n'
    'VALUES[en]("year")="2023","2024";\nCODES("region")="0301","3203";\n'
    'TIMEVAL("år")=TLIST(A1),"2023","2024";\nDATASYMBOLNIL="-";\nDATA=\n1 ".."\n3 -\n;\n'
)
CSV = '"region";"alder";"år";"NEET";"Personer"\n"0301 Oslo";"16-25";"2023";"4 100";"80 000"\n'
CSV += '"K-3203 Asker";"16-25";"2023";":";"12000,5"\n'


def flip(data: bytes, rng: random.Random) -> bytes:
    out = bytearray(data)
    for _ in range(rng.randint(1, 4)):
        out[rng.randrange(len(out))] = rng.randrange(256)
    return bytes(out)


def truncate(data: bytes, rng: random.Random) -> bytes:
    return data[: rng.randrange(len(data))]


def delete_key(document: Any, rng: random.Random) -> bool:
    """Delete one random key (or list item) somewhere in the document."""
    containers = []
    stack = [document]
    while stack:
        node = stack.pop()
        if isinstance(node, dict) and node:
            containers.append(node)
            stack.extend(node.values())
        elif isinstance(node, list) and node and len(node) < 50:
            containers.append(node)
            stack.extend(node)
    if not containers:
        return False
    node = rng.choice(containers)
    if isinstance(node, dict):
        del node[rng.choice(list(node))]
    else:
        del node[rng.randrange(len(node))]
    return True


def retype(document: Any, rng: random.Random) -> None:
    """Replace one random value by a value of another JSON type."""
    node = document
    for _ in range(rng.randint(1, 5)):
        if isinstance(node, dict) and node:
            key = rng.choice(list(node))
            if rng.random() < 0.4 or not isinstance(node[key], dict | list):
                node[key] = rng.choice([None, 7, -1, "x", [], {}, [1, "a"], 2.5, True])
                return
            node = node[key]
        elif isinstance(node, list) and node:
            position = rng.randrange(len(node))
            node[position] = rng.choice([None, "..", 3, {}, [], "e"])
            return


def assert_only_frames_or_data_errors(read: Callable[[Path], pd.DataFrame], path: Path) -> int:
    try:
        read(path)
    except DataError:
        return 1
    return 0


@pytest.mark.parametrize("mutation", ["truncate", "flip"])
def test_jsonstat_byte_mutations(tmp_path: Path, mutation: str) -> None:
    rng = random.Random(f"jsonstat-{mutation}")
    original = DEMO.read_bytes()
    path = tmp_path / "m.json"
    errors = 0
    for _ in range(ROUNDS):
        path.write_bytes((truncate if mutation == "truncate" else flip)(original, rng))
        errors += assert_only_frames_or_data_errors(read_jsonstat, path)
    assert errors > 0, "the mutations never broke the file: the fuzz test is not testing"


@pytest.mark.parametrize("source", ["demo", "galicia"])
def test_jsonstat_structure_mutations(source: str) -> None:
    path = DEMO if source == "demo" else GALICIA
    if not path.exists():
        pytest.skip(f"{path} not available")
    rng = random.Random(f"structure-{source}")
    original = json.loads(path.read_text(encoding="utf-8"))
    errors = 0
    for round_ in range(ROUNDS):
        document = json.loads(json.dumps(original))
        if round_ % 2:
            delete_key(document, rng)
        else:
            retype(document, rng)
        try:
            read_jsonstat(document, naming="both")
        except DataError:
            errors += 1
    assert errors > ROUNDS // 10


@pytest.mark.parametrize("mutation", ["truncate", "flip"])
def test_px_mutations(tmp_path: Path, mutation: str) -> None:
    rng = random.Random(f"px-{mutation}")
    original = PX.encode("latin-1")
    path = tmp_path / "m.px"
    errors = 0
    for _ in range(ROUNDS):
        path.write_bytes((truncate if mutation == "truncate" else flip)(original, rng))
        errors += assert_only_frames_or_data_errors(read_px, path)
    assert errors > 0


@pytest.mark.parametrize("mutation", ["truncate", "flip"])
def test_csv_mutations(tmp_path: Path, mutation: str) -> None:
    rng = random.Random(f"csv-{mutation}")
    original = CSV.encode("utf-8")
    path = tmp_path / "m.csv"
    errors = 0
    for _ in range(ROUNDS):
        path.write_bytes((truncate if mutation == "truncate" else flip)(original, rng))
        errors += assert_only_frames_or_data_errors(read_table, path)
    assert errors > 0
