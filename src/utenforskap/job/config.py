"""TOML run configuration → frozen dataclasses, with errors that name the key path."""

from __future__ import annotations

import dataclasses
import difflib
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from utenforskap import frames as F
from utenforskap.errors import ConfigError, choice_problem
from utenforskap.geo.harmonise import ON_SPLIT
from utenforskap.io.ssb import SSB_LANGS
from utenforskap.registry import INDICATORS
from utenforskap.texts import LANGS

__all__ = [
    "FiguresConfig",
    "GeographyConfig",
    "IndicatorConfig",
    "InputConfig",
    "RunConfig",
    "StatisticsConfig",
    "load_config",
    "missing_files",
    "parse_config",
]

INPUT_FORMATS = ("microdata", "counts", "jsonstat", "px", "table", "ssb")
#: Formats whose observations are mapped to counts by an ``[inputs.mapping]`` table.
MAPPED_FORMATS = ("jsonstat", "px", "table", "ssb")
#: Where SSB responses are cached, relative to the configuration's folder.
SSB_CACHE = Path("data") / "raw" / "ssb"


@dataclass(frozen=True)
class InputConfig:
    """One input file and how to read it.

    Attributes
    ----------
    id
        Name used in logs and the manifest.
    format
        ``microdata`` (one row per person or respondent), ``counts`` (a CSV in
        the CountFrame layout), an official-statistics file: ``jsonstat``,
        ``px``, ``table``, or ``ssb`` (a table fetched from SSB's API).
    path
        The file, resolved against the configuration's folder; for ``ssb``
        the response cache folder (default ``data/raw/ssb``).
    indicators
        Registry ids this input gives (microdata).
    region, period, age, sex
        Source column names (microdata).
    sex_codes
        Source value → ``male`` / ``female`` (microdata).
    age_groups
        Band label → codes of the age column, e.g. school levels (microdata).
    mapping
        Observation → count mapping for official statistics (see :mod:`utenforskap.io`).
    table, selection, lang, offline, refresh, codelist, output_values
        The SSB request (``ssb``), as the arguments of
        :func:`~utenforskap.io.fetch_ssb`.
    """

    id: str
    format: str
    path: Path
    indicators: tuple[str, ...] = ()
    region: str = "district"
    period: str = "year"
    age: str = "age"
    sex: str = "sex"
    sex_codes: Mapping[str, str] | None = None
    age_groups: Mapping[str, tuple[str, ...]] | None = None
    mapping: Mapping[str, Any] = field(default_factory=dict)
    table: str = ""
    selection: Mapping[str, Any] = field(default_factory=dict)
    lang: str = "no"
    offline: bool = False
    refresh: bool = False
    codelist: Mapping[str, str] = field(default_factory=dict)
    output_values: Mapping[str, str] = field(default_factory=dict)


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
        The kommune whose districts are reported.
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


@dataclass(frozen=True)
class RunConfig:
    """A whole run: inputs, geography, indicators, statistics, disclosure, figures, output.

    Attributes
    ----------
    title
        Name of the area, shown on the index page.
    output
        Output folder.
    inputs, geography, indicators, statistics, figures
        The sections above.
    disclosure
        The ``[disclosure]`` table as given (read by :mod:`utenforskap.disclosure`).
    source
        The configuration file, or None for an in-memory configuration.
    base
        The folder relative paths were resolved against (None: unknown).
    """

    title: str
    output: Path
    inputs: tuple[InputConfig, ...]
    geography: GeographyConfig
    indicators: tuple[IndicatorConfig, ...]
    statistics: StatisticsConfig = StatisticsConfig()
    figures: FiguresConfig = FiguresConfig()
    disclosure: Mapping[str, Any] = field(default_factory=dict)
    source: Path | None = None
    base: Path | None = None


class _Reader:
    """Walks a parsed TOML table, tracking the key path for error messages."""

    def __init__(self, file: Path | None, base: Path) -> None:
        self.file = file
        self.base = base

    def fail(self, problem: str, key: str, value: Any = None) -> ConfigError:
        return ConfigError(problem, file=self.file, key=key, value=value)

    def table(self, raw: Any, key: str, allowed: tuple[str, ...]) -> dict[str, Any]:
        if not isinstance(raw, dict):
            raise self.fail("expected a table", key, raw)
        for name in raw:
            if name not in allowed:
                close = difflib.get_close_matches(name, allowed, n=1)
                hint = (
                    f"; did you mean {close[0]!r}?" if close else f"; allowed keys: {list(allowed)}"
                )
                raise self.fail(f"unknown key{hint}", f"{key}.{name}" if key else name)
        return raw

    def string(
        self, raw: Mapping[str, Any], name: str, key: str, default: str | None = None
    ) -> str:
        value = raw.get(name, default)
        if not isinstance(value, str) or not value:
            raise self.fail("expected a non-empty string", f"{key}.{name}".lstrip("."), value)
        return value

    def strings(self, raw: Mapping[str, Any], name: str, key: str) -> tuple[str, ...]:
        value = raw.get(name, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise self.fail("expected a list of strings", f"{key}.{name}".lstrip("."), value)
        return tuple(value)

    def choice(self, value: Any, key: str, choices: Any) -> Any:
        """Return ``value`` if it is one of ``choices`` (owned by the module that uses them)."""
        allowed = tuple(choices)
        try:
            ok = value in allowed
        except TypeError:
            ok = False
        if not ok:
            raise self.fail(choice_problem(value, allowed), key, value)
        return value

    def path(self, raw: Mapping[str, Any], name: str, key: str) -> Path:
        text = self.string(raw, name, key)
        path = Path(text)
        return path if path.is_absolute() else self.base / path


_TOP = (
    "title",
    "output",
    "inputs",
    "geography",
    "indicators",
    "statistics",
    "figures",
    "disclosure",
)
_INPUT_COMMON = ("id", "format", "path")
_INPUT_MICRODATA = ("indicators", "region", "period", "age", "sex", "sex_codes", "age_groups")
_INPUT_SSB = ("table", "selection", "lang", "offline", "refresh", "codelist", "output_values")
_INPUT = (*_INPUT_COMMON, *_INPUT_MICRODATA, "mapping", *_INPUT_SSB)
#: Keys each input format uses, beyond ``id``, ``format`` and ``path``.
_INPUT_KEYS: dict[str, tuple[str, ...]] = {
    "microdata": _INPUT_MICRODATA,
    "counts": (),
    "jsonstat": ("mapping",),
    "px": ("mapping",),
    "table": ("mapping",),
    "ssb": ("mapping", *_INPUT_SSB),
}
_TABLE_ID = re.compile(r"^[A-Za-z0-9_-]{1,40}$")


def _check_format_keys(r: _Reader, t: Mapping[str, Any], fmt: str, key: str) -> None:
    for name in t:
        if name in _INPUT_COMMON or name in _INPUT_KEYS[fmt]:
            continue
        users = [f for f, keys in _INPUT_KEYS.items() if name in keys]
        raise r.fail(
            f"key not used by format {fmt!r} (only by {', '.join(map(repr, users))})",
            f"{key}.{name}",
        )


def _mapping(r: _Reader, raw: Any, key: str) -> dict[str, Any]:
    from utenforskap.io import ObservationMapping

    if not isinstance(raw, dict) or not raw:
        raise r.fail("expected an [inputs.mapping] table for this format", key, raw or None)
    try:
        spec = ObservationMapping.from_dict(raw, key=key)
    except ConfigError as exc:
        problem = exc.problem
        if problem.startswith("unknown key") and exc.key:
            known = [f.name for f in dataclasses.fields(ObservationMapping)]
            close = difflib.get_close_matches(exc.key.rsplit(".", 1)[-1], known, n=1)
            if close:
                problem = f"unknown key; did you mean {close[0]!r}?"
        raise r.fail(problem, exc.key or key, exc.value) from None
    if spec.indicator not in INDICATORS:
        raise r.fail(
            f"unknown indicator; known: {sorted(INDICATORS)}", f"{key}.indicator", spec.indicator
        )
    return raw


def _text_table(r: _Reader, raw: Any, key: str) -> dict[str, str]:
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise r.fail("expected a table of texts", key, raw)
    for name, value in raw.items():
        if not isinstance(value, str) or not value:
            raise r.fail("expected a non-empty text", f"{key}.{name}", value)
    return dict(raw)


def _ssb(r: _Reader, t: Mapping[str, Any], key: str) -> dict[str, Any]:
    table = t.get("table")
    if not isinstance(table, str) or not _TABLE_ID.match(table):
        raise r.fail('expected an SSB table number as text, e.g. "13563"', f"{key}.table", table)
    selection = t.get("selection")
    if not isinstance(selection, dict) or not selection:
        raise r.fail(
            'expected a table variable → codes, e.g. Region = ["0301"], Tid = "top(5)"',
            f"{key}.selection",
            selection,
        )
    for name, value in selection.items():
        ok = (isinstance(value, str) and value) or (
            isinstance(value, list) and value and all(isinstance(v, str) and v for v in value)
        )
        if not ok:
            raise r.fail(
                'expected a list of code texts or an expression such as "*", "top(3)", '
                '"from(2015)"',
                f"{key}.selection.{name}",
                value,
            )
    lang = r.choice(t.get("lang", "no"), f"{key}.lang", SSB_LANGS)
    flags = {}
    for name in ("offline", "refresh"):
        flags[name] = t.get(name, False)
        if not isinstance(flags[name], bool):
            raise r.fail("expected true or false", f"{key}.{name}", flags[name])
    return {
        "table": table,
        "selection": selection,
        "lang": lang,
        **flags,
        "codelist": _text_table(r, t.get("codelist"), f"{key}.codelist"),
        "output_values": _text_table(r, t.get("output_values"), f"{key}.output_values"),
    }


def _inputs(r: _Reader, raw: Any) -> tuple[InputConfig, ...]:
    if not isinstance(raw, list) or not raw:
        raise r.fail("expected at least one [[inputs]] table", "inputs", raw)
    out = []
    for i, item in enumerate(raw):
        key = f"inputs[{i}]"
        t = r.table(item, key, _INPUT)
        fmt = r.string(t, "format", key)
        r.choice(fmt, f"{key}.format", INPUT_FORMATS)
        _check_format_keys(r, t, fmt, key)
        if fmt == "microdata" and not t.get("indicators"):
            raise r.fail("expected the registry ids this microdata gives", f"{key}.indicators")
        indicators = r.strings(t, "indicators", key)
        for j, ind in enumerate(indicators):
            if ind not in INDICATORS:
                raise r.fail(
                    f"unknown indicator; known: {sorted(INDICATORS)}", f"{key}.indicators[{j}]", ind
                )
        groups = t.get("age_groups")
        if groups is not None:
            groups = r.table(
                groups, f"{key}.age_groups", tuple(groups) if isinstance(groups, dict) else ()
            )
            groups = {k: r.strings(groups, k, f"{key}.age_groups") for k in groups}
        sex_codes = t.get("sex_codes")
        if sex_codes is not None:
            sex_codes = r.table(
                sex_codes,
                f"{key}.sex_codes",
                tuple(sex_codes) if isinstance(sex_codes, dict) else (),
            )
            for code, sex in sex_codes.items():
                r.choice(sex, f"{key}.sex_codes.{code}", [s for s in F.SEXES if s != "total"])
        mapping = _mapping(r, t.get("mapping"), f"{key}.mapping") if fmt in MAPPED_FORMATS else {}
        ssb = _ssb(r, t, key) if fmt == "ssb" else {}
        if fmt == "ssb":
            path = r.path(t, "path", key) if "path" in t else r.base / SSB_CACHE
        else:
            path = r.path(t, "path", key)
        out.append(
            InputConfig(
                id=r.string(t, "id", key),
                format=fmt,
                path=path,
                indicators=indicators,
                region=r.string(t, "region", key, "district"),
                period=r.string(t, "period", key, "year"),
                age=r.string(t, "age", key, "age"),
                sex=r.string(t, "sex", key, "sex"),
                sex_codes=sex_codes,
                age_groups=groups,
                mapping=mapping,
                **ssb,
            )
        )
    ids = [x.id for x in out]
    for i, name in enumerate(ids):
        if name in ids[:i]:
            raise r.fail("duplicate input id", f"inputs[{i}].id", name)
    return tuple(out)


def _indicators(r: _Reader, raw: Any) -> tuple[IndicatorConfig, ...]:
    t = r.table(raw, "indicators", tuple(INDICATORS))
    out = []
    for ind_id, item in t.items():
        key = f"indicators.{ind_id}"
        spec = r.table(item, key, ("ages", "pool"))
        ages = r.strings(spec, "ages", key) or INDICATORS[ind_id].default_ages
        pool = spec.get("pool", 1)
        if not isinstance(pool, int) or isinstance(pool, bool) or pool < 1:
            raise r.fail("expected a whole number of years ≥ 1", f"{key}.pool", pool)
        out.append(IndicatorConfig(id=ind_id, ages=tuple(ages), pool=pool))
    return tuple(out)


def _statistics(r: _Reader, raw: Any) -> StatisticsConfig:
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


def _figures(r: _Reader, raw: Any) -> FiguresConfig:
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
    "regions",
    "crosswalk",
    "to_year",
    "split_weights",
    "on_split",
    "levekarssone_map",
    "boundaries",
    "boundary_code_property",
)


def _geography(r: _Reader, raw: Any) -> GeographyConfig:
    geo = r.table(raw, "geography", _GEOGRAPHY)
    kommune = r.string(geo, "kommune", "geography")
    if not (kommune.isdigit() and len(kommune) == 4):
        raise r.fail(
            'expected a 4-digit kommune code as text, e.g. "0301"', "geography.kommune", kommune
        )
    to_year = geo.get("to_year", 2024)
    if not isinstance(to_year, int) or isinstance(to_year, bool) or not 1838 <= to_year <= 2100:
        raise r.fail("expected a year, e.g. 2024", "geography.to_year", to_year)
    on_split = r.choice(geo.get("on_split", "report"), "geography.on_split", ON_SPLIT)

    def optional_path(name: str) -> Path | None:
        return r.path(geo, name, "geography") if name in geo else None

    return GeographyConfig(
        kommune=kommune,
        regions=optional_path("regions"),
        crosswalk=optional_path("crosswalk"),
        to_year=to_year,
        split_weights=optional_path("split_weights"),
        on_split=on_split,
        levekarssone_map=optional_path("levekarssone_map"),
        boundaries=optional_path("boundaries"),
        boundary_code_property=r.string(geo, "boundary_code_property", "geography", "code"),
    )


def parse_config(raw: Mapping[str, Any], *, base: Path, file: Path | None = None) -> RunConfig:
    """Build a :class:`RunConfig` from a parsed TOML document.

    Parameters
    ----------
    raw
        The document as a dict.
    base
        Folder that relative paths are resolved against.
    file
        The configuration file, for error messages.

    Returns
    -------
    RunConfig
        The validated configuration.

    Raises
    ------
    ConfigError
        Unknown key (with a "did you mean" suggestion), wrong type or value;
        the message names the key path, e.g. ``inputs[1].format``.
    """
    r = _Reader(file, base)
    t = r.table(dict(raw), "", _TOP)
    geography = _geography(r, t.get("geography", {}))
    disclosure = t.get("disclosure", {})
    if not isinstance(disclosure, dict):
        raise r.fail("expected a table", "disclosure", disclosure)
    from utenforskap.disclosure import rules_from_config

    rules_from_config(disclosure, file=file)
    indicators = _indicators(r, t.get("indicators", {}))
    if not indicators:
        raise r.fail("expected at least one indicator under [indicators]", "indicators")
    return RunConfig(
        title=r.string(t, "title", "", "utenforskap"),
        output=r.path(t, "output", "") if "output" in t else base / "data" / "processed",
        inputs=_inputs(r, t.get("inputs")),
        geography=geography,
        indicators=indicators,
        statistics=_statistics(r, t.get("statistics", {})),
        figures=_figures(r, t.get("figures", {})),
        disclosure=disclosure,
        source=file,
        base=base,
    )


def load_config(path: str | Path, *, base: Path | None = None) -> RunConfig:
    """Read and validate a TOML run configuration.

    Parameters
    ----------
    path
        The TOML file.
    base
        Folder that relative paths in the file are resolved against; default:
        the file's own folder.

    Returns
    -------
    RunConfig
        The validated configuration.

    Raises
    ------
    ConfigError
        Missing or unreadable file, invalid TOML (with line and column), or an
        invalid key or value.

    Examples
    --------
    >>> from pathlib import Path
    >>> from utenforskap.datasets import demo_config_path
    >>> cfg = load_config(demo_config_path(), base=Path("/srv/kommune"))
    >>> cfg.geography.kommune, [i.format for i in cfg.inputs][:2]
    ('9901', ['microdata', 'microdata'])
    """
    file = Path(path)
    try:
        text = file.read_bytes().decode("utf-8")
    except FileNotFoundError:
        raise ConfigError("configuration file not found", file=file) from None
    except UnicodeDecodeError as exc:
        raise ConfigError(f"not UTF-8 text at byte {exc.start}", file=file) from None
    except OSError as exc:
        raise ConfigError(f"cannot read the configuration: {exc.strerror}", file=file) from None
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"invalid TOML: {exc}", file=file) from None
    return parse_config(raw, base=file.parent if base is None else base, file=file)


def missing_files(config: RunConfig) -> list[ConfigError]:
    """Check that every local file a configuration names exists.

    SSB inputs are checked only when ``offline`` (their cache folder must
    then exist); otherwise they are fetched at run time.

    Parameters
    ----------
    config
        The configuration.

    Returns
    -------
    list of ConfigError
        One error per missing file, naming its key path, e.g. ``inputs[1].path``.
    """
    keys: list[tuple[str, Path]] = [
        (f"inputs[{i}].path", inp.path)
        for i, inp in enumerate(config.inputs)
        if inp.format != "ssb" or inp.offline
    ]
    geo = config.geography
    for name in ("regions", "crosswalk", "split_weights", "levekarssone_map", "boundaries"):
        path = getattr(geo, name)
        if path is not None:
            keys.append((f"geography.{name}", path))
    return [
        ConfigError(f"file not found: {path}", file=config.source, key=key)
        for key, path in keys
        if not path.exists()
    ]
