"""A small project (three Oslo districts, the country) and the ways to break it, for the corpus."""

from __future__ import annotations

import hashlib
import json
import random
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

REGISTER_HEADER = "year,person_id,district,age,sex,neet"
DISTRICTS = ("030101", "030102", "030103", "030199")
LAND_HEADER = "indicator,region,period,age,sex,numerator,denominator,status"

CONFIG = """\
title = "Liten"
output = "out"

[geography]
kommune = "0301"

[[inputs]]
id = "register"
format = "microdata"
path = "register.csv"
source = "Syntetisk register"
indicators = ["neet"]
person_id = "person_id"

[[inputs]]
id = "land"
format = "counts"
path = "land.csv"
source = "Syntetiske landstall"

[indicators.neet]
ages = ["16-25"]

[disclosure]
min_count = 3
min_denominator = 10

[figures]
formats = ["png"]
report = false
trend_regions = ["030101"]
"""


def register_lines() -> list[str]:
    """One row per person: two years, three districts of 40 and the unknown district of 6."""
    rnd = random.Random(20261202)
    rows = [REGISTER_HEADER]
    person = 0
    for year in (2023, 2024):
        for district in DISTRICTS:
            for k in range(6 if district.endswith("99") else 40):
                person += 1
                sex = "male" if k % 2 else "female"
                neet = int(rnd.random() < 0.2)
                rows.append(f"{year},{person},{district},{16 + k % 10},{sex},{neet}")
    return rows


def land_lines() -> list[str]:
    rows = [LAND_HEADER]
    for year in (2023, 2024):
        for sex, x, n in (
            ("total", 60000, 600000),
            ("male", 31000, 300000),
            ("female", 29000, 300000),
        ):
            rows.append(f"neet,0,{year},16-25,{sex},{x},{n},")
    return rows


def square(code: str, x: float, prop: str = "code") -> dict[str, object]:
    ring = [[x, 59.9], [x + 0.05, 59.9], [x + 0.05, 59.95], [x, 59.95], [x, 59.9]]
    return {
        "type": "Feature",
        "properties": {prop: code},
        "geometry": {"type": "Polygon", "coordinates": [ring]},
    }


def geojson(codes: tuple[str, ...], prop: str = "code") -> str:
    features = [square(c, 10.7 + 0.05 * i, prop) for i, c in enumerate(codes)]
    return json.dumps({"type": "FeatureCollection", "features": features})


def write_project(folder: Path) -> Path:
    """Write the project's files; returns the configuration file."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "register.csv").write_text("\n".join(register_lines()) + "\n", encoding="utf-8")
    (folder / "land.csv").write_text("\n".join(land_lines()) + "\n", encoding="utf-8")
    (folder / "oslo.geojson").write_text(geojson(DISTRICTS[:3]), encoding="utf-8")
    config = folder / "kommune.toml"
    config.write_text(CONFIG, encoding="utf-8")
    return config


def snapshot(folder: Path) -> dict[str, str]:
    """SHA-256 of every file under ``folder`` (following the output symlink)."""
    if not folder.exists():
        return {}
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


# Mutations: each takes the project folder and breaks one thing.
Mutation = Callable[[Path], None]


def set_cell(file: str, line: int, column: str, value: str) -> Mutation:
    """Put ``value`` in ``column`` on the file's ``line`` (1-based; the header is line 1)."""

    def mutate(folder: Path) -> None:
        path = folder / file
        lines = path.read_text(encoding="utf-8").splitlines()
        header = lines[0].split(",")
        cells = lines[line - 1].split(",")
        cells[header.index(column)] = value
        lines[line - 1] = ",".join(cells)
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")

    return mutate


def write(file: str, content: str | bytes) -> Mutation:
    def mutate(folder: Path) -> None:
        path = folder / file
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")

    return mutate


def edit(file: str, transform: Callable[[list[str]], list[str]]) -> Mutation:
    def mutate(folder: Path) -> None:
        path = folder / file
        lines = transform(path.read_text(encoding="utf-8").splitlines())
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")

    return mutate


def config(old: str, new: str) -> Mutation:
    """Replace ``old`` (which must be there) by ``new`` in the configuration."""

    def mutate(folder: Path) -> None:
        path = folder / "kommune.toml"
        text = path.read_text(encoding="utf-8")
        assert old in text, old
        path.write_text(text.replace(old, new, 1), encoding="utf-8")

    return mutate


def add_config(section: str) -> Mutation:
    """Put a TOML section before ``[disclosure]``."""
    return config("[disclosure]", section.rstrip("\n") + "\n\n[disclosure]")


def both(*mutations: Mutation) -> Mutation:
    def mutate(folder: Path) -> None:
        for m in mutations:
            m(folder)

    return mutate


def land(*rows: str) -> Mutation:
    """The counts file with these data rows only."""
    return write("land.csv", LAND_HEADER + "\n" + "".join(r + "\n" for r in rows))


@dataclass(frozen=True)
class Case:
    """One bad input: how to make it, the exit code, and what the message or manifest says.

    ``expect`` are fragments of the one error line (file or key, column, line,
    value) for exit 2, or of the warning's message for exit 0; ``warning``
    is the named warning that must reach ``manifest.json`` (exit 0); ``slow``
    marks a case that draws the figures (a whole run) beyond the first such case.
    """

    mutate: Mutation
    code: int
    expect: tuple[str, ...] = ()
    warning: str | None = None
    slow: bool = False
