"""The demo's immigrant categories and sources: SSB's codes, plausible shares, the same bytes."""

from __future__ import annotations

import hashlib
import tomllib
from pathlib import Path

import pandas as pd

from utenforskap.datasets import demo_config_path, write_demo_data
from utenforskap.microdata import SSB_IMMIGRANT_CATEGORY


def _digest(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def test_register_holds_ssb_immigrant_categories_with_plausible_shares(tmp_path: Path) -> None:
    write_demo_data(tmp_path)
    register = pd.read_csv(tmp_path / "register.csv", dtype=str, keep_default_na=False)
    assert list(register.columns[:6]) == ["year", "person_id", "district", "age", "sex", "innvkat"]
    assert set(register["innvkat"]) <= set(SSB_IMMIGRANT_CATEGORY)
    # Each person keeps one category through the years.
    assert register.groupby("person_id")["innvkat"].nunique().max() == 1
    young = register[(register["year"] == "2024") & register["age"].astype(int).between(16, 25)]
    share = young["innvkat"].value_counts(normalize=True)
    assert 0.13 <= share["B"] <= 0.20  # immigrants
    assert 0.04 <= share["C"] <= 0.09  # Norwegian-born to immigrant parents
    children = register[(register["year"] == "2024") & (register["age"].astype(int) <= 17)]
    assert children["innvkat"].eq("C").mean() > share["C"]  # more descendants among children
    neet = young[young["neet"] != ""].groupby("innvkat")["neet"].apply(lambda s: s.eq("1").mean())
    assert neet["B"] > neet["A"]
    national = pd.read_csv(tmp_path / "land_referanse.csv", dtype=str, keep_default_na=False)
    grouped = national[national["group"] != "total"]
    assert set(grouped["indicator"]) == {"neet", "low_income_children"}
    assert set(grouped["group"]) == {
        "immigrants",
        "norwegian_born_to_immigrant_parents",
        "rest_of_population",
    }


def test_demo_data_are_the_same_bytes_each_time(tmp_path: Path) -> None:
    write_demo_data(tmp_path / "a")
    write_demo_data(tmp_path / "b")
    assert _digest(tmp_path / "a") == _digest(tmp_path / "b")


def test_demo_inputs_name_synthetic_sources_and_declare_groups() -> None:
    config = tomllib.loads(demo_config_path().read_text(encoding="utf-8"))
    for item in config["inputs"]:
        assert "syntetisk" in item["source"].lower(), item["id"]
    register = next(i for i in config["inputs"] if i["id"] == "register")
    assert (register["group"], register["group_codes"]) == ("innvkat", "ssb_immigrant_category")
