"""The [indicators], [statistics], [geography] and [figures] tables of a run configuration."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from utenforskap.geo.harmonise import ON_SPLIT
from utenforskap.job.config_reader import ConfigReader
from utenforskap.registry import INDICATORS
from utenforskap.texts import LANGS

__all__ = [
    "FiguresConfig",
    "GeographyConfig",
    "IndicatorConfig",
    "StatisticsConfig",
    "parse_figures",
    "parse_geography",
    "parse_indicators",
    "parse_statistics",
]


@dataclass(frozen=True)
class IndicatorConfig:
    """Per-indicator choices.

    Attributes
    ----------
    id
        Registry id.
    ages
        Age bands to compute.
    pool
        Years pooled per figure (1: single years).
    """

    id: str
    ages: tuple[str, ...]
    pool: int = 1


@dataclass(frozen=True)
class StatisticsConfig:
    """Interval and comparison settings.

    Attributes
    ----------
    method
        Interval method for proportions.
    level
        Confidence level for intervals and comparisons.
    multiplier
        Scale of values (100: percent).
    reference
        Reference rule (``default``: districts against their kommune, kommuner
        against the whole country; ``parent``), one region code for all, or a
        table region → reference.
    holm
        Holm's correction over the comparisons of each indicator × period × age ×
        sex.
    """

    method: str = "wilson"
    level: float = 0.95
    multiplier: float = 100.0
    reference: str | Mapping[str, str] = "default"
    holm: bool = False


@dataclass(frozen=True)
class GeographyConfig:
    """Regions of the run.

    Attributes
    ----------
    kommune
        The kommune whose districts are reported (``""`` for a fylke's run).
    fylke
        For a run over all kommuner of a fylke (a fylkeskommune's analyst):
        the fylke code; maps draw the whole fylke. ``""`` for a kommune's run.
    regions
        CSV of known regions (``code,name,parent``); codes not in it are errors.
    crosswalk
        CSV mapping old kommune codes to ``to_year``'s (see
        :func:`utenforskap.geo.read_crosswalk`); None: no harmonisation.
    to_year
        Year whose kommune codes all periods are harmonised to.
    split_weights
        CSV ``from_code,to_code,weight`` allocating split kommuner.
    on_split
        ``report`` (warn and leave the rows out, listed in the manifest) or
        ``raise``.
    levekarssone_map
        CSV mapping grunnkretser to levekårssoner.
    boundaries
        GeoJSON file of district polygons for maps.
    boundary_code_property
        Property of each GeoJSON feature holding its region code.
    """

    kommune: str
    fylke: str = ""
    regions: Path | None = None
    crosswalk: Path | None = None
    to_year: int = 2024
    split_weights: Path | None = None
    on_split: str = "report"
    levekarssone_map: Path | None = None
    boundaries: Path | None = None
    boundary_code_property: str = "code"


@dataclass(frozen=True)
class FiguresConfig:
    """Figure settings.

    Attributes
    ----------
    lang
        ``nb`` or ``en``.
    formats
        File formats written for every figure.
    trend_regions
        Districts drawn beside the kommune in trend charts.
    synthetic
        Mark every figure "Syntetiske data".
    report
        Also write ``report.pdf`` (all figures, one per page; needs ``png``).
    size
        ``a4`` (report width) or ``slide`` (16:9).
    district_trends
        Also draw one trend chart per district and indicator.
    """

    lang: str = "nb"
    formats: tuple[str, ...] = ("png", "svg")
    trend_regions: tuple[str, ...] = ()
    synthetic: bool = False
    report: bool = True
    size: str = "a4"
    district_trends: bool = False


def parse_indicators(r: ConfigReader, raw: Any) -> tuple[IndicatorConfig, ...]:
    """Validate the ``[indicators]`` table of a run configuration.

    Parameters
    ----------
    r
        The reader (file, base folder, key paths for errors).
    raw
        The ``[indicators]`` table as parsed from TOML.

    Returns
    -------
    tuple[IndicatorConfig, ...]
        One per indicator; ages in the package's one form, the registry's defaults when not given.

    Raises
    ------
    ConfigError
        Unknown key, wrong type or value; the message names the key path.
    """
    t = r.table(raw, "indicators", tuple(INDICATORS))
    out = []
    for ind_id, item in t.items():
        key = f"indicators.{ind_id}"
        spec = r.table(item, key, ("ages", "pool"))
        given = r.strings(spec, "ages", key)
        # The one age parser: "16 til 25" is "16-25" here as in every file.
        ages = [r.age(label, f"{key}.ages[{j}]") for j, label in enumerate(given)]
        ages = ages or list(INDICATORS[ind_id].default_ages)
        twice = [a for j, a in enumerate(ages) if a in ages[:j]]
        if twice:
            raise r.fail("the same age band twice", f"{key}.ages", twice[0])
        pool = spec.get("pool", 1)
        if not isinstance(pool, int) or isinstance(pool, bool) or pool < 1:
            raise r.fail("expected a whole number of years ≥ 1", f"{key}.pool", pool)
        out.append(IndicatorConfig(id=ind_id, ages=tuple(ages), pool=pool))
    return tuple(out)


def parse_statistics(r: ConfigReader, raw: Any) -> StatisticsConfig:
    """Validate the ``[statistics]`` table of a run configuration.

    Parameters
    ----------
    r
        The reader (file, base folder, key paths for errors).
    raw
        The ``[statistics]`` table as parsed from TOML.

    Returns
    -------
    StatisticsConfig
        The validated settings.

    Raises
    ------
    ConfigError
        Unknown key, wrong type or value; the message names the key path.
    """
    from utenforskap.indicators import REFERENCE_RULES
    from utenforskap.stats import PROPORTION_METHODS

    t = r.table(raw, "statistics", ("method", "level", "multiplier", "reference", "holm"))
    method = r.choice(t.get("method", "wilson"), "statistics.method", PROPORTION_METHODS)
    level = t.get("level", 0.95)
    if not isinstance(level, float) or not 0.0 < level < 1.0:
        raise r.fail(
            "expected a confidence level strictly between 0 and 1, e.g. 0.95",
            "statistics.level",
            level,
        )
    multiplier = t.get("multiplier", 100.0)
    if not isinstance(multiplier, int | float) or isinstance(multiplier, bool) or multiplier <= 0:
        raise r.fail("expected a positive number", "statistics.multiplier", multiplier)
    reference = t.get("reference", "default")
    if isinstance(reference, dict):
        for code, ref in reference.items():
            if not (isinstance(ref, str) and ref.isdigit()):
                raise r.fail("expected a region code as text", f"statistics.reference.{code}", ref)
    elif not (isinstance(reference, str) and (reference in REFERENCE_RULES or reference.isdigit())):
        raise r.fail(
            f"expected one of {list(REFERENCE_RULES)}, a region code as text, or a table",
            "statistics.reference",
            reference,
        )
    holm = t.get("holm", False)
    if not isinstance(holm, bool):
        raise r.fail("expected true or false", "statistics.holm", holm)
    return StatisticsConfig(
        method=method, level=level, multiplier=float(multiplier), reference=reference, holm=holm
    )


def parse_figures(r: ConfigReader, raw: Any) -> FiguresConfig:
    """Validate the ``[figures]`` table of a run configuration.

    Parameters
    ----------
    r
        The reader (file, base folder, key paths for errors).
    raw
        The ``[figures]`` table as parsed from TOML.

    Returns
    -------
    FiguresConfig
        The validated settings.

    Raises
    ------
    ConfigError
        Unknown key, wrong type or value; the message names the key path.
    """
    t = r.table(
        raw,
        "figures",
        ("lang", "formats", "trend_regions", "synthetic", "report", "size", "district_trends"),
    )
    from utenforskap.plot.style import SIZES
    from utenforskap.publish.pack import FIGURE_FORMATS

    lang = r.choice(t.get("lang", "nb"), "figures.lang", LANGS)
    formats = r.strings(t, "formats", "figures") or ("png", "svg")
    for i, fmt in enumerate(formats):
        r.choice(fmt, f"figures.formats[{i}]", FIGURE_FORMATS)
    synthetic = t.get("synthetic", False)
    if not isinstance(synthetic, bool):
        raise r.fail("expected true or false", "figures.synthetic", synthetic)
    report = t.get("report", "png" in formats)
    if not isinstance(report, bool):
        raise r.fail("expected true or false", "figures.report", report)
    if report and "png" not in formats:
        raise r.fail(
            "report.pdf is made from the PNG files; add 'png' to figures.formats",
            "figures.report",
            report,
        )
    trend = r.strings(t, "trend_regions", "figures")
    for i, code in enumerate(trend):
        if not code.isdigit():
            raise r.fail(
                'expected a region code as text, e.g. "030101"', f"figures.trend_regions[{i}]", code
            )
    size = r.choice(t.get("size", "a4"), "figures.size", sorted(SIZES))
    district_trends = t.get("district_trends", False)
    if not isinstance(district_trends, bool):
        raise r.fail("expected true or false", "figures.district_trends", district_trends)
    return FiguresConfig(
        lang=lang,
        formats=formats,
        trend_regions=trend,
        synthetic=synthetic,
        report=report,
        size=size,
        district_trends=district_trends,
    )


_GEOGRAPHY = (
    "kommune",
    "fylke",
    "regions",
    "crosswalk",
    "to_year",
    "split_weights",
    "on_split",
    "levekarssone_map",
    "boundaries",
    "boundary_code_property",
)


def parse_geography(r: ConfigReader, raw: Any) -> GeographyConfig:
    """Validate the ``[geography]`` table of a run configuration.

    Parameters
    ----------
    r
        The reader (file, base folder, key paths for errors).
    raw
        The ``[geography]`` table as parsed from TOML.

    Returns
    -------
    GeographyConfig
        The validated settings; paths resolved against the reader's base.

    Raises
    ------
    ConfigError
        Unknown key, wrong type or value; the message names the key path.
    """
    geo = r.table(raw, "geography", _GEOGRAPHY)
    fylke = ""
    if "fylke" in geo:
        fylke = r.string(geo, "fylke", "geography")
        if not (fylke.isdigit() and len(fylke) == 2):
            raise r.fail(
                'expected a 2-digit fylke code as text, e.g. "40"', "geography.fylke", fylke
            )
    kommune = r.string(geo, "kommune", "geography") if "kommune" in geo or not fylke else ""
    if kommune and not (kommune.isdigit() and len(kommune) == 4):
        raise r.fail(
            'expected a 4-digit kommune code as text, e.g. "0301"', "geography.kommune", kommune
        )
    if kommune and fylke and kommune[:2] != fylke:
        raise r.fail(
            f"kommune {kommune} is not in fylke {fylke}: give one of them", "geography.fylke", fylke
        )
    to_year = geo.get("to_year", 2024)
    if not isinstance(to_year, int) or isinstance(to_year, bool) or not 1838 <= to_year <= 2100:
        raise r.fail("expected a year, e.g. 2024", "geography.to_year", to_year)
    on_split = r.choice(geo.get("on_split", "report"), "geography.on_split", ON_SPLIT)

    def optional_path(name: str) -> Path | None:
        return r.path(geo, name, "geography") if name in geo else None

    return GeographyConfig(
        kommune=kommune,
        fylke=fylke,
        regions=optional_path("regions"),
        crosswalk=optional_path("crosswalk"),
        to_year=to_year,
        split_weights=optional_path("split_weights"),
        on_split=on_split,
        levekarssone_map=optional_path("levekarssone_map"),
        boundaries=optional_path("boundaries"),
        boundary_code_property=r.string(geo, "boundary_code_property", "geography", "code"),
    )
