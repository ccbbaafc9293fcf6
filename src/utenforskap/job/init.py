"""Write a ready run configuration for a real kommune or a whole fylke: SSB and FHI tables.

Table ids, variable codes and value codes come from
``../shared/data/sources/ssb_fhi_tables.md``; each is tagged in the written
file as there: ``[seen]`` in stored queries or outputs, ``[reported]`` by
others, ``[inferred]`` by us. ``utenforskap fetch`` checks every SSB code
against the table's metadata before asking, so an inferred code that is
wrong fails with the list of real codes.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from utenforskap.errors import ConfigError
from utenforskap.geo.catalogue import catalogue, kommune_neighbours

__all__ = ["init_config"]


def _q(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def _list(items: Sequence[str]) -> str:
    return "[" + ", ".join(_q(i) for i in items) + "]"


def _fhi_credit(table: str) -> str:
    """The credit of an FHI table; the Pupil Survey's tables name Udir, who runs the survey."""
    credit = f"FHI, Kommunehelsa statistikkbank, tabell {table}"
    return f"Udir, Elevundersøkelsen; {credit}" if table in ("805", "806") else credit


def _neet_input(suffix: str, regions: Sequence[str], codelist: str, what: str) -> list[str]:
    """SSB 13563's NEET counts for one region level (the code list decides the level)."""
    return [
        f"# SSB 13563 for {what}: main labour-market status by age [seen]; sex [inferred],",
        "# immigrant category InnvandrKat [seen in a v0 query]. NEET = NEET2 of TOT3 [seen].",
        "[[inputs]]",
        f'id = "ssb_13563_neet{suffix}"',
        'format = "ssb"',
        'table = "13563"',
        'source = "SSB, tabell 13563"',
        'path = "data/raw/ssb"',
        "[inputs.selection]",
        f"Region = {_list(regions)}",
        'HovArbStyrkStatus = ["TOT3", "NEET2"]',
        'Alder = ["15-29", "30-61"]',
        'Kjonn = ["0", "1", "2"]  # [inferred]',
        'InnvandrKat = "*"',
        'ContentsCode = "*"',
        'Tid = "top(5)"',
        "[inputs.codelist]",
        f"Region = {_q(codelist)}",
        'HovArbStyrkStatus = "vs_ArbStatus2018niva4a"',
        "[inputs.mapping]",
        'indicator = "neet"',
        'region = "Region"',
        'region_name = "Region_label"',
        'period = "Tid"',
        'content = "HovArbStyrkStatus"',
        'numerator = "NEET2"',
        'denominator = "TOT3"',
        'age = "Alder"',
        'sex = "Kjonn"',
        'group = "InnvandrKat"',
        "# A-G (all) [seen]; B immigrants, C Norwegian-born to immigrant parents [inferred].",
        'group_map = "ssb_statbank_immigrant_category"',
        "[inputs.mapping.age_map]",
        '"15-29" = "15-29"',
        "[inputs.mapping.sex_map]",
        '"0" = "total"',
        '"1" = "male"',
        '"2" = "female"',
        "",
    ]


def init_config(
    kommune: str | None = None,
    *,
    fylke: str | None = None,
    year: int = 2024,
    neighbours: bool = True,
    boundaries: str | None = None,
) -> str:
    """Return a ready TOML configuration for a real kommune, or for every kommune of a fylke.

    With ``kommune``, the kommune is compared with its fylke and the whole
    country, and its neighbour kommuner are fetched for context (derived
    once from 2024 boundaries, see
    :func:`~utenforskap.geo.catalogue.kommune_neighbours`). With ``fylke``
    (how a fylkeskommune's analyst works), every kommune of the fylke is
    fetched and compared with the country, the fylke drawn beside them, and
    the maps cover the whole fylke (``geography.fylke``). Inputs:

    - SSB 13563, NEET (``HovArbStyrkStatus`` ``NEET2`` of ``TOT3``) by age,
      sex and immigrant category, kommuner through ``agg_KommSummer``
      (``K-xxxx``; the prefix is stripped when mapped) [seen, sex inferred];
    - SSB 08764, children under 18 in low-income households (EU60), a
      published share [reported];
    - SSB 07459, population by sex and one-year age, is named in a comment
      only: no indicator reads a population table yet;
    - FHI Kommunehelsa (``nokkel``): 403 persistent low income 0–17
      (``MAAL=ant_eu60``), 337 child welfare 0–17, 795 crowded housing,
      805 school wellbeing (10th grade), 806 bullying (7th grade), 370
      psychological symptoms 15–24 in primary care (Ungdata's own tables were
      not found in FHI's API in the sources read) — published rates [seen;
      codes of ``SPM_ID``/``TRINN``/``BODD`` values beyond those listed inferred].

    Parameters
    ----------
    kommune
        A kommune code in force in ``year``.
    fylke
        Instead of ``kommune``: a fylke code in force in ``year``.
    year
        The year whose kommune codes are used (FHI's API uses the current
        borders, 2024).
    neighbours
        Include the neighbour kommuner (``kommune`` only).
    boundaries
        A GeoJSON file of kommune boundaries (e.g. the 2024 kommuner) written
        as ``geography.boundaries``, so the maps are choropleths; None: tile maps.

    Returns
    -------
    str
        The TOML text, a configuration ``utenforskap validate`` accepts:
        ``source`` credits each input, FHI's tables are ``format = "fhi"``
        inputs read as published rates (``[inputs.rate]``), and
        ``[indicators]`` lists every indicator the inputs give.

    Raises
    ------
    ConfigError
        A code that is not a kommune (fylke) in force in ``year``, or both or
        neither of ``kommune`` and ``fylke``.

    Examples
    --------
    >>> import tomllib
    >>> text = init_config("4003")
    >>> config = tomllib.loads(text)
    >>> config["geography"]["kommune"], config["inputs"][0]["table"]
    ('4003', '13563')
    >>> config["inputs"][5]["dimensions"]["GEO"][:3]
    ['4003', '40', '0']
    >>> whole = tomllib.loads(init_config(fylke="40"))
    >>> whole["geography"]["fylke"], len(whole["inputs"][5]["dimensions"]["GEO"])
    ('40', 19)
    """
    cat = catalogue()
    if (kommune is None) == (fylke is None):
        raise ConfigError("give either a kommune or a fylke", key="kommune", value=kommune)
    if fylke is not None:
        if fylke not in cat.codes(year=year, level="fylke") or fylke == "99":
            raise ConfigError(f"not a fylke in force in {year}", key="fylke", value=fylke)
        kommuner = [
            k for k in cat.codes(year=year, level="kommune") if k.startswith(fylke) and k != "9999"
        ]
        fylke_name = str(cat.name_of([fylke])[0])
        regions = [*kommuner, fylke, "0"]
        name, where = fylke_name, f"fylke = {_q(fylke)}"
        about = [
            f"# utenforskap: every kommune of {fylke_name} ({fylke}, {len(kommuner)} kommuner),",
            f"# each compared with Hele landet, with {fylke_name} beside them.",
        ]
    else:
        if kommune not in cat.codes(year=year, level="kommune") or kommune == "9999":
            raise ConfigError(f"not a kommune in force in {year}", key="kommune", value=kommune)
        name = str(cat.name_of([kommune])[0])
        fylke = kommune[:2]
        fylke_name = str(cat.name_of([fylke])[0])
        near = list(kommune_neighbours(kommune)) if neighbours and year >= 2024 else []
        regions = [kommune, fylke, "0", *near]
        kommuner = [kommune, *near]
        where = f"kommune = {_q(kommune)}"
        about = [
            f"# utenforskap: {name} ({kommune}), compared with {fylke_name} and Hele landet.",
            f"# Neighbour kommuner for context: {', '.join(cat.name_of(near)) or 'none'}.",
        ]
    lines = [
        *about,
        "# Written by `utenforskap init`; fetch the data with `utenforskap fetch --config FILE`,",
        "# then `utenforskap run --config FILE` works offline from data/raw/.",
        "# Tags: [seen] in stored queries/outputs, [reported] by others, [inferred] by us.",
        f"title = {_q(name)}",
        'output = "data/processed"',
        "",
        "[geography]",
        where,
        f"to_year = {year}",
    ]
    if boundaries is not None:
        lines.append(f"boundaries = {_q(str(boundaries))}")
    lines.append("")
    # One input per region level: a code list gives one level's codes (K-xxxx, F-xx, 0).
    levels = [
        ("", [f"K-{k}" for k in kommuner], "agg_KommSummer", "kommuner [seen]"),
        ("_fylke", [f"F-{fylke}"], "agg_KommFylker", "the fylke [seen]"),
        ("_land", ["0"], "vs_Landet", "the country [seen in 13556, inferred here]"),
    ]
    for suffix, ssb_regions, codelist, what in levels:
        lines += _neet_input(suffix, ssb_regions, codelist, what)
    lines += [
        "# SSB 08764: persons under 18 in low-income households, EU scale 60 % [reported].",
        "[[inputs]]",
        'id = "ssb_08764_low_income"',
        'format = "ssb"',
        'table = "08764"',
        'source = "SSB, tabell 08764"',
        'path = "data/raw/ssb"',
        "[inputs.selection]",
        f"Region = {_list(regions)}",
        'ContentsCode = ["EUskala60"]',
        'Tid = "top(5)"',
        "[inputs.rate]",
        'indicator = "low_income_children"',
        'region = "Region"',
        'region_name = "Region_label"',
        'period = "Tid"',
        'content = "ContentsCode"',
        'value = "EUskala60"',
        'default_age = "0-17"',
        "",
        "# SSB 07459 (population by sex and one-year age, 1 January) [seen] is not",
        "# fetched: no indicator of the run reads a population table yet.",
        "",
    ]
    fhi: list[tuple[str, str, str, dict[str, str | list[str]], str, str]] = [
        (
            "403",
            "persistent_low_income_children",
            "vedvarende lavinntekt",
            {
                "ALDER": ["0_17"],
                "INNVKAT": ["0", "2", "3", "20"],
                "MAAL": ["ant_eu60"],
                "MEASURE_TYPE": ["RATE"],
            },
            "0-17",
            "[seen; INNVKAT meanings inferred]",
        ),
        (
            "337",
            "child_welfare",
            "barnevern",
            {"KJONN": ["0"], "ALDER": ["0_17"], "MEASURE_TYPE": ["RATE"]},
            "0-17",
            "[seen]",
        ),
        (
            "795",
            "crowded_housing_children",
            "bor trangt",
            {
                "ALDER": ["0_17"],
                "INNVKAT": ["0", "2", "3", "20"],
                "BODD": ["trangt"],
                "MEASURE_TYPE": ["RATE"],
            },
            "0-17",
            "[seen; ALDER 0_17 inferred]",
        ),
        (
            "805",
            "school_wellbeing",
            "trivsel 10. trinn",
            {"KJONN": ["0"], "SPM_ID": "*", "TRINN": "*", "MEASURE_TYPE": ["MEIS"]},
            "10 trinn",
            "[seen; SPM_ID/TRINN codes not seen]",
        ),
        (
            "806",
            "bullied",
            "mobbing 7. trinn",
            {"KJONN": ["0"], "SPM_ID": "*", "TRINN": "*", "MEASURE_TYPE": ["MEIS"]},
            "7 trinn",
            "[seen; SPM_ID/TRINN codes not seen]",
        ),
        (
            "370",
            "mental_health_primary_care",
            "psykiske symptomer og lidelser 15-24",
            {"KJONN": ["0"], "ALDER": ["15_24"], "KODEGRUPPE": "*", "MEASURE_TYPE": ["MEIS"]},
            "15-24",
            "[seen]",
        ),
    ]
    for table, indicator, topic, dims, age, tag in fhi:
        by_group = dims.get("INNVKAT") not in (None, ["0"])
        lines += [
            f"# FHI Kommunehelsa {table}: {topic} {tag}; a published rate, FHI's 2024 borders.",
            "[[inputs]]",
            f'id = "fhi_{table}"',
            'format = "fhi"',
            f"table = {_q(table)}",
            'source_api = "nokkel"',
            f"source = {_q(_fhi_credit(table))}",
            'path = "data/raw/fhi"',
            "[inputs.dimensions]",
            f"GEO = {_list(regions)}",
            'AAR = "bottom(5)"',
        ]
        for code, values in dims.items():
            text = _q(values) if isinstance(values, str) else _list(values)
            lines.append(f"{code} = {text}")
        lines += [
            "[inputs.rate]",
            f"indicator = {_q(indicator)}",
            'region = "GEO"',
            'region_name = "GEO_label"',
            'period = "AAR"',
            "# FHI's Måltall: MEASURE_TYPE's label, e.g. 'andel (prosent, standardisert)' [seen].",
            'measure = "MEASURE_TYPE_label"',
            f"default_age = {_q(age)}",
        ]
        if by_group:
            lines += [
                "# INNVKAT 0 all [seen]; 2, 3, 20 [inferred], see utenforskap.microdata.groups.",
                'group = "INNVKAT"',
                'group_map = "fhi_innvkat"',
            ]
        lines.append("")
    lines += [
        "# Indicators and age bands; every published rate keeps the publisher's periods.",
        "[indicators.neet]",
        'ages = ["15-29"]',
        "[indicators.low_income_children]",
        'ages = ["0-17"]',
    ]
    for _table, indicator, _topic, _dims, age, _tag in fhi:
        lines += [f"[indicators.{indicator}]", f"ages = [{_q(age)}]"]
    lines.append("")
    return "\n".join(lines)
