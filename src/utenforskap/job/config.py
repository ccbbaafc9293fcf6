"""TOML run configuration → frozen dataclasses, with errors that name the key path."""

from __future__ import annotations

import dataclasses
import difflib
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from utenforskap import frames as F
from utenforskap.ages import age_label
from utenforskap.errors import ConfigError, DataError, ParameterError, choice_problem
from utenforskap.geo.harmonise import ON_SPLIT
from utenforskap.io.fhi import FHI_SOURCES, fhi_query
from utenforskap.io.ssb import SSB_LANGS
from utenforskap.io.tables import DIALECTS
from utenforskap.registry import INDICATORS
from utenforskap.texts import LANGS

if TYPE_CHECKING:
    from utenforskap.job.batch_config import BatchConfig
    from utenforskap.risk.config import RiskSettings

__all__ = [
    "FETCHED_FORMATS",
    "INPUT_FORMATS",
    "MAPPED_FORMATS",
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

INPUT_FORMATS = ("microdata", "counts", "jsonstat", "px", "table", "xlsx", "ssb", "fhi")
#: Formats whose observations are mapped by an ``[inputs.mapping]`` table (to
#: counts) or an ``[inputs.rate]`` table (to published rates).
MAPPED_FORMATS = ("jsonstat", "px", "table", "xlsx", "ssb", "fhi")
#: Formats fetched from an agency's API through a response cache.
FETCHED_FORMATS = ("ssb", "fhi")
#: Where SSB responses are cached, relative to the configuration's folder.
SSB_CACHE = Path("data") / "raw" / "ssb"
#: Where FHI responses are cached, relative to the configuration's folder.
FHI_CACHE = Path("data") / "raw" / "fhi"


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
        ``px``, ``table`` (CSV/semicolon export), ``xlsx``, or a table fetched
        from an agency's API: ``ssb`` (PxWebApi v2), ``fhi`` (FHI's statistikkbank).
    path
        The file, resolved against the configuration's folder; for ``ssb``
        and ``fhi`` the response cache folder (default ``data/raw/ssb``,
        ``data/raw/fhi``).
    source
        The credit for the numbers this input gives, e.g. ``"SSB, tabell 13563"``
        (see :mod:`utenforskap.sources`); ``""`` when not given (``ssb`` and
        ``fhi`` inputs get their agency and table by default).
    indicators
        Registry ids this input gives (microdata).
    region, period, age, sex
        Source column names (microdata).
    sex_codes
        Source value → ``male`` / ``female`` / ``unknown`` (microdata).
    age_groups
        Band label → codes of the age column, e.g. school levels (microdata).
    engine, spark_master, memory_limit, person_id, group, group_codes, items, answers
        How microdata are counted: the arguments ``engine``, ``spark``,
        ``memory_limit``, ``id``, ``group``, ``group_codes``, ``items`` and
        ``answers`` of :func:`utenforskap.microdata.aggregate`.
    mapping
        Observation → count mapping for official statistics (see
        :class:`~utenforskap.io.ObservationMapping`); empty for a rate input.
    rate
        Observation → published rate mapping (see :class:`~utenforskap.io.RateMapping`);
        empty for a counts input.
    table, selection, lang, offline, refresh, codelist, output_values
        The SSB request (``ssb``), as the arguments of
        :func:`~utenforskap.io.fetch_ssb`; ``table``, ``offline`` and
        ``refresh`` also for ``fhi``.
    source_api, dimensions
        The FHI request (``fhi``): the API's source (``nokkel``) and the
        dimension selection, as :func:`~utenforskap.io.fetch_fhi_table`.
    dialect, names_year, within, ignore_columns
        How a ``table`` file is read (:func:`~utenforskap.io.read_table`);
        ``names_year``, ``within`` and ``ignore_columns`` also for ``xlsx``.
    sheet, header_row
        Which sheet and header row of an ``xlsx`` file (:func:`~utenforskap.io.read_xlsx`).
    """

    id: str
    format: str
    path: Path
    source: str = ""
    indicators: tuple[str, ...] = ()
    region: str = "district"
    period: str = "year"
    age: str = "age"
    sex: str = "sex"
    sex_codes: Mapping[str, str] | None = None
    age_groups: Mapping[str, tuple[str, ...]] | None = None
    engine: str = "auto"
    spark_master: str | None = None
    memory_limit: str | None = None
    person_id: str | None = None
    group: str | None = None
    group_codes: str | Mapping[str, str] | None = None
    items: Mapping[str, str] = field(default_factory=dict)
    answers: str = "code"
    mapping: Mapping[str, Any] = field(default_factory=dict)
    rate: Mapping[str, Any] = field(default_factory=dict)
    table: str = ""
    selection: Mapping[str, Any] = field(default_factory=dict)
    lang: str = "no"
    offline: bool = False
    refresh: bool = False
    codelist: Mapping[str, str] = field(default_factory=dict)
    output_values: Mapping[str, str] = field(default_factory=dict)
    source_api: str = "nokkel"
    dimensions: Mapping[str, Any] = field(default_factory=dict)
    dialect: str = "auto"
    names_year: int | None = None
    within: str | None = None
    ignore_columns: tuple[str, ...] = ()
    sheet: str | int | None = None
    header_row: int | None = None

    @property
    def fetched(self) -> bool:
        """Whether the input is fetched from an agency's API (``ssb``, ``fhi``)."""
        return self.format in FETCHED_FORMATS

    @property
    def publishes_rates(self) -> bool:
        """Whether the input gives published rates (an ``[inputs.rate]`` table)."""
        return bool(self.rate)


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
    risk
        The ``[risk]`` settings (:func:`~utenforskap.risk.config.risk_from_config`),
        or None when the configuration has no ``[risk]`` table.
    source
        The configuration file, or None for an in-memory configuration.
    base
        The folder relative paths were resolved against (None: unknown).
    batch
        The ``[batch]`` section (one run per kommune, see
        :mod:`utenforskap.job.batch`), or None for a single run.
    scope
        Set on each kommune's run of a batch: the kommune whose pack this
        is; only its own regions, its fylke, the whole country and its
        neighbour kommuner are kept from the inputs
        (:func:`~utenforskap.job.batch_config.in_scope`). None keeps every region.
    """

    title: str
    output: Path
    inputs: tuple[InputConfig, ...]
    geography: GeographyConfig
    indicators: tuple[IndicatorConfig, ...]
    statistics: StatisticsConfig = StatisticsConfig()
    figures: FiguresConfig = FiguresConfig()
    disclosure: Mapping[str, Any] = field(default_factory=dict)
    risk: RiskSettings | None = None
    source: Path | None = None
    base: Path | None = None
    batch: BatchConfig | None = None
    scope: str | None = None


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
    "risk",
    "batch",
)
_INPUT_COMMON = ("id", "format", "path", "source")
_INPUT_MICRODATA = (
    "indicators",
    "region",
    "period",
    "age",
    "sex",
    "sex_codes",
    "age_groups",
    "engine",
    "spark_master",
    "memory_limit",
    "person_id",
    "group",
    "group_codes",
    "items",
    "answers",
)
_INPUT_SSB = ("table", "selection", "lang", "offline", "refresh", "codelist", "output_values")
_INPUT_FHI = ("table", "source_api", "dimensions", "offline", "refresh")
_INPUT_NAMES = ("names_year", "within", "ignore_columns")
_MAPPED = ("mapping", "rate")
#: Keys each input format uses, beyond ``id``, ``format``, ``path`` and ``source``.
_INPUT_KEYS: dict[str, tuple[str, ...]] = {
    "microdata": _INPUT_MICRODATA,
    "counts": (),
    "jsonstat": _MAPPED,
    "px": _MAPPED,
    "table": (*_MAPPED, "dialect", *_INPUT_NAMES),
    "xlsx": (*_MAPPED, "sheet", "header_row", *_INPUT_NAMES),
    "ssb": (*_MAPPED, *_INPUT_SSB),
    "fhi": (*_MAPPED, *_INPUT_FHI),
}
_INPUT = tuple(dict.fromkeys([*_INPUT_COMMON, *(k for keys in _INPUT_KEYS.values() for k in keys)]))
_TABLE_ID = re.compile(r"^[A-Za-z0-9_-]{1,40}$")
_FHI_TABLE = re.compile(r"^\d{1,6}$")
# DuckDB's memory sizes: a number and a unit ("2GB", "512MiB", "1.5 GB").
_MEMORY = re.compile(r"^\d+(\.\d+)?\s*([KMGT]i?B)$", re.IGNORECASE)


def _check_format_keys(r: _Reader, t: Mapping[str, Any], fmt: str, key: str) -> None:
    for name in t:
        if name in _INPUT_COMMON or name in _INPUT_KEYS[fmt]:
            continue
        users = [f for f, keys in _INPUT_KEYS.items() if name in keys]
        raise r.fail(
            f"key not used by format {fmt!r} (only by {', '.join(map(repr, users))})",
            f"{key}.{name}",
        )


def _canonical_ages(r: _Reader, spec: dict[str, Any], key: str) -> dict[str, Any]:
    """Age labels of a mapping in the package's one form (``"16 til 25"`` → ``"16-25"``)."""
    out = dict(spec)
    if isinstance(spec.get("default_age"), str):
        out["default_age"] = _age(r, spec["default_age"], f"{key}.default_age")
    if isinstance(spec.get("age_map"), dict):
        out["age_map"] = {
            code: _age(r, label, f"{key}.age_map.{code}") if isinstance(label, str) else label
            for code, label in spec["age_map"].items()
        }
    return out


def _age(r: _Reader, label: str, key: str) -> str:
    try:
        return age_label(label)
    except DataError as exc:
        raise r.fail(exc.problem, key, label) from None


def _observation_spec(r: _Reader, raw: Any, key: str, kind: str) -> dict[str, Any]:
    """Validate an ``[inputs.mapping]`` (``kind="mapping"``) or ``[inputs.rate]`` table."""
    from utenforskap.io import ObservationMapping, RateMapping

    cls: type[ObservationMapping] | type[RateMapping] = (
        ObservationMapping if kind == "mapping" else RateMapping
    )
    if not isinstance(raw, dict) or not raw:
        raise r.fail(f"expected an [inputs.{kind}] table", key, raw or None)
    known = [f.name for f in dataclasses.fields(cls)]
    for name in raw:
        if name not in known:
            close = difflib.get_close_matches(name, known, n=1)
            hint = f"; did you mean {close[0]!r}?" if close else f"; allowed keys: {known}"
            raise r.fail(f"unknown key{hint}", f"{key}.{name}")
    spec = _canonical_ages(r, raw, key)
    try:
        parsed = cls.from_dict(spec, key=key)
    except ConfigError as exc:
        raise r.fail(exc.problem, exc.key or key, exc.value) from None
    if parsed.indicator not in INDICATORS:
        raise r.fail(
            f"unknown indicator; known: {sorted(INDICATORS)}", f"{key}.indicator", parsed.indicator
        )
    if isinstance(spec.get("group_map"), str):
        # A standard map by name, kept resolved: the run reads the codes it names.
        spec = {**spec, "group_map": dict(parsed.group_map)}
    return spec


def _mapped(r: _Reader, t: Mapping[str, Any], key: str) -> dict[str, Any]:
    has = [name for name in _MAPPED if name in t]
    if len(has) != 1:
        raise r.fail(
            "expected either an [inputs.mapping] table (observations → counts) or an "
            "[inputs.rate] table (published rates without counts)"
            + (", not both" if len(has) == 2 else ""),
            f"{key}.{has[-1] if has else 'mapping'}",
        )
    kind = has[0]
    return {kind: _observation_spec(r, t[kind], f"{key}.{kind}", kind)}


def _text_table(r: _Reader, raw: Any, key: str) -> dict[str, str]:
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise r.fail("expected a table of texts", key, raw)
    for name, value in raw.items():
        if not isinstance(value, str) or not value:
            raise r.fail("expected a non-empty text", f"{key}.{name}", value)
    return dict(raw)


def _flags(r: _Reader, t: Mapping[str, Any], key: str) -> dict[str, bool]:
    flags = {}
    for name in ("offline", "refresh"):
        flags[name] = t.get(name, False)
        if not isinstance(flags[name], bool):
            raise r.fail("expected true or false", f"{key}.{name}", flags[name])
    return flags


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
    return {
        "table": table,
        "selection": selection,
        "lang": lang,
        **_flags(r, t, key),
        "codelist": _text_table(r, t.get("codelist"), f"{key}.codelist"),
        "output_values": _text_table(r, t.get("output_values"), f"{key}.output_values"),
    }


def _fhi(r: _Reader, t: Mapping[str, Any], key: str) -> dict[str, Any]:
    table = t.get("table")
    if not isinstance(table, str) or not _FHI_TABLE.match(table):
        raise r.fail('expected an FHI table number as text, e.g. "403"', f"{key}.table", table)
    source_api = r.choice(t.get("source_api", "nokkel"), f"{key}.source_api", FHI_SOURCES)
    dimensions = t.get("dimensions")
    if not isinstance(dimensions, dict) or not dimensions:
        raise r.fail(
            'expected a table dimension → codes, e.g. GEO = ["3203", "0"], AAR = "bottom(5)"',
            f"{key}.dimensions",
            dimensions,
        )
    try:
        fhi_query(dimensions)
    except ConfigError as exc:
        raise r.fail(exc.problem, f"{key}.{exc.key or 'dimensions'}", exc.value) from None
    return {
        "table": table,
        "source_api": source_api,
        "dimensions": dimensions,
        **_flags(r, t, key),
    }


def _reading(r: _Reader, t: Mapping[str, Any], fmt: str, key: str) -> dict[str, Any]:
    """How a ``table`` or ``xlsx`` file is read."""
    out: dict[str, Any] = {}
    if fmt == "table":
        out["dialect"] = r.choice(t.get("dialect", "auto"), f"{key}.dialect", DIALECTS)
    if fmt == "xlsx":
        sheet = t.get("sheet")
        if sheet is not None and not (
            (isinstance(sheet, str) and sheet)
            or (isinstance(sheet, int) and not isinstance(sheet, bool) and sheet >= 0)
        ):
            raise r.fail(
                "expected a sheet name, or its position counted from 0", f"{key}.sheet", sheet
            )
        header = t.get("header_row")
        if header is not None and (
            not isinstance(header, int) or isinstance(header, bool) or header < 1
        ):
            raise r.fail(
                "expected the header's row number as Excel shows it (1 or more)",
                f"{key}.header_row",
                header,
            )
        out.update(sheet=sheet, header_row=header)
    year = t.get("names_year")
    if year is not None and (
        not isinstance(year, int) or isinstance(year, bool) or not 1838 <= year <= 2100
    ):
        raise r.fail("expected a year, e.g. 2024", f"{key}.names_year", year)
    within = t.get("within")
    if within is not None and (not isinstance(within, str) or not within):
        raise r.fail('expected a fylke code or name as text, e.g. "40"', f"{key}.within", within)
    out.update(
        names_year=year,
        within=within,
        ignore_columns=r.strings(t, "ignore_columns", key),
    )
    return out


def _microdata(
    r: _Reader, t: Mapping[str, Any], key: str, indicators: tuple[str, ...]
) -> dict[str, Any]:
    from utenforskap.microdata import ANSWERS, ENGINES, GROUP_MAPS, group_map

    for j, ind in enumerate(indicators):
        if INDICATORS[ind].rule is None:
            raise r.fail(
                "a published-rate indicator has no microdata rule; read it with an "
                "[inputs.rate] table",
                f"{key}.indicators[{j}]",
                ind,
            )
    groups = t.get("age_groups")
    if groups is not None:
        groups = r.table(
            groups, f"{key}.age_groups", tuple(groups) if isinstance(groups, dict) else ()
        )
        groups = {
            _age(r, band, f"{key}.age_groups.{band}"): r.strings(groups, band, f"{key}.age_groups")
            for band in groups
        }
    sex_codes = t.get("sex_codes")
    if sex_codes is not None:
        sex_codes = r.table(
            sex_codes,
            f"{key}.sex_codes",
            tuple(sex_codes) if isinstance(sex_codes, dict) else (),
        )
        for code, sex in sex_codes.items():
            r.choice(sex, f"{key}.sex_codes.{code}", [s for s in F.SEXES if s != "total"])
    engine = r.choice(t.get("engine", "auto"), f"{key}.engine", ENGINES)
    spark_master = t.get("spark_master")
    if spark_master is not None:
        spark_master = r.string(t, "spark_master", key)
        if engine != "spark":
            raise r.fail('spark_master is used only with engine = "spark"', f"{key}.spark_master")
    memory_limit = t.get("memory_limit")
    if memory_limit is not None:
        if not isinstance(memory_limit, str) or not _MEMORY.match(memory_limit.strip()):
            raise r.fail(
                'expected a size with its unit, e.g. "2GB" or "512MB"',
                f"{key}.memory_limit",
                memory_limit,
            )
        if engine not in ("auto", "duckdb"):
            raise r.fail(
                'memory_limit is DuckDB\'s; it is used only with engine = "auto" or "duckdb"',
                f"{key}.memory_limit",
            )
    group = r.string(t, "group", key) if "group" in t else None
    codes = t.get("group_codes")
    if codes is not None:
        if group is None:
            raise r.fail("group_codes needs group (the column)", f"{key}.group_codes")
        if isinstance(codes, str):
            r.choice(codes, f"{key}.group_codes", GROUP_MAPS)
        elif isinstance(codes, dict):
            try:
                group_map(codes)
            except ParameterError as exc:
                raise r.fail(str(exc), f"{key}.group_codes", exc.value) from None
        else:
            raise r.fail(
                f"expected a standard map name ({', '.join(map(repr, GROUP_MAPS))}) or a table "
                "code → group label",
                f"{key}.group_codes",
                codes,
            )
    elif group is not None:
        raise r.fail(
            'group needs group_codes: a standard map such as "ssb_immigrant_category" or a '
            "table code → group label",
            f"{key}.group",
            group,
        )
    items = _text_table(r, t.get("items"), f"{key}.items")
    rule_items = {item for ind in indicators for item in INDICATORS[ind].rule.items}  # type: ignore[union-attr]
    for item in items:
        if item not in rule_items:
            raise r.fail(
                f"not an item of this input's indicators' rules; their items are "
                f"{sorted(rule_items)}",
                f"{key}.items.{item}",
            )
    answers = r.choice(t.get("answers", "code"), f"{key}.answers", ANSWERS)
    return {
        "region": r.string(t, "region", key, "district"),
        "period": r.string(t, "period", key, "year"),
        "age": r.string(t, "age", key, "age"),
        "sex": r.string(t, "sex", key, "sex"),
        "sex_codes": sex_codes,
        "age_groups": groups,
        "engine": engine,
        "spark_master": spark_master,
        "memory_limit": memory_limit,
        "person_id": r.string(t, "person_id", key) if "person_id" in t else None,
        "group": group,
        "group_codes": codes,
        "items": items,
        "answers": answers,
    }


def _default_source(fmt: str, extra: Mapping[str, Any]) -> str:
    """The credit of an agency's table when the input names none."""
    if fmt == "ssb":
        return f"SSB, tabell {extra['table']}"
    if fmt == "fhi":
        return f"FHI, Kommunehelsa statistikkbank, tabell {extra['table']}"
    return ""


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
        extra: dict[str, Any] = {}
        if fmt == "microdata":
            extra.update(_microdata(r, t, key, indicators))
        if fmt in MAPPED_FORMATS:
            extra.update(_mapped(r, t, key))
        if fmt == "ssb":
            extra.update(_ssb(r, t, key))
        if fmt == "fhi":
            extra.update(_fhi(r, t, key))
        if fmt in ("table", "xlsx"):
            extra.update(_reading(r, t, fmt, key))
        if "path" in t or fmt not in FETCHED_FORMATS:
            path = r.path(t, "path", key)
        else:
            path = r.base / (SSB_CACHE if fmt == "ssb" else FHI_CACHE)
        source = r.string(t, "source", key) if "source" in t else _default_source(fmt, extra)
        out.append(
            InputConfig(
                id=r.string(t, "id", key),
                format=fmt,
                path=path,
                source=source,
                indicators=indicators,
                **extra,
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
        given = r.strings(spec, "ages", key)
        # The one age parser: "16 til 25" is "16-25" here as in every file.
        ages = [_age(r, label, f"{key}.ages[{j}]") for j, label in enumerate(given)]
        ages = ages or list(INDICATORS[ind_id].default_ages)
        twice = [a for j, a in enumerate(ages) if a in ages[:j]]
        if twice:
            raise r.fail("the same age band twice", f"{key}.ages", twice[0])
        pool = spec.get("pool", 1)
        if not isinstance(pool, int) or isinstance(pool, bool) or pool < 1:
            raise r.fail("expected a whole number of years ≥ 1", f"{key}.pool", pool)
        out.append(IndicatorConfig(id=ind_id, ages=tuple(ages), pool=pool))
    return tuple(out)


def _check_pools(
    r: _Reader, inputs: tuple[InputConfig, ...], indicators: tuple[IndicatorConfig, ...]
) -> None:
    """A published rate keeps the publisher's periods: it cannot be pooled (no counts to sum)."""
    pooled = {ic.id: ic.pool for ic in indicators if ic.pool > 1}
    for i, inp in enumerate(inputs):
        ind = inp.rate.get("indicator") if inp.rate else None
        if ind in pooled:
            raise r.fail(
                f"inputs[{i}] gives {ind!r} as published rates, which cannot be pooled (there "
                "are no counts to sum); remove pool, the publisher's periods are kept",
                f"indicators.{ind}.pool",
                pooled[ind],
            )


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


def _geography(r: _Reader, raw: Any) -> GeographyConfig:
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
    batch = None
    geo_raw = t.get("geography", {})
    if "batch" in t:
        from utenforskap.job.batch_config import batch_from_config

        to_year = geo_raw.get("to_year", 2024) if isinstance(geo_raw, dict) else 2024
        batch = batch_from_config(
            t["batch"], year=to_year if isinstance(to_year, int) else 2024, file=file
        )
        if isinstance(geo_raw, dict):
            if "kommune" in geo_raw:
                raise r.fail(
                    "set per kommune by [batch]; remove it from [geography]",
                    "geography.kommune",
                    geo_raw["kommune"],
                )
            geo_raw = {**geo_raw, "kommune": batch.kommuner[0].code}
    geography = _geography(r, geo_raw)
    disclosure = t.get("disclosure", {})
    if not isinstance(disclosure, dict):
        raise r.fail("expected a table", "disclosure", disclosure)
    from utenforskap.disclosure import rules_from_config
    from utenforskap.disclosure.audit import audit_setting

    rules_from_config(audit_setting(disclosure, file=file)[1], file=file)
    indicators = _indicators(r, t.get("indicators", {}))
    if not indicators:
        raise r.fail("expected at least one indicator under [indicators]", "indicators")
    inputs = _inputs(r, t.get("inputs"))
    _check_pools(r, inputs, indicators)
    risk = None
    if "risk" in t:
        from utenforskap.risk.config import risk_from_config

        risk = risk_from_config(t["risk"], file=file, known=[ic.id for ic in indicators])
    config = RunConfig(
        title=r.string(t, "title", "", "utenforskap"),
        output=r.path(t, "output", "") if "output" in t else base / "data" / "processed",
        inputs=inputs,
        geography=geography,
        indicators=indicators,
        statistics=_statistics(r, t.get("statistics", {})),
        figures=_figures(r, t.get("figures", {})),
        disclosure=disclosure,
        risk=risk,
        source=file,
        base=base,
        batch=batch,
    )
    from utenforskap.job.batch_config import check_placeholders

    check_placeholders(config)
    return config


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

    SSB and FHI inputs are checked only when ``offline`` (their cache folder
    must then exist); otherwise they are fetched at run time.

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
        if not inp.fetched or inp.offline
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
