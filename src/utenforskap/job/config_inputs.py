"""The ``[[inputs]]`` tables of a run configuration: which files, in which format, read how."""

from __future__ import annotations

import dataclasses
import difflib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from utenforskap import frames as F
from utenforskap.errors import ConfigError, ParameterError
from utenforskap.io.fhi import FHI_SOURCES, fhi_query
from utenforskap.io.ssb import SSB_LANGS
from utenforskap.io.tables import DIALECTS
from utenforskap.job.config_reader import ConfigReader
from utenforskap.registry import INDICATORS

__all__ = [
    "FETCHED_FORMATS",
    "FHI_CACHE",
    "INPUT_FORMATS",
    "MAPPED_FORMATS",
    "SSB_CACHE",
    "InputConfig",
    "parse_inputs",
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


def _check_format_keys(r: ConfigReader, t: Mapping[str, Any], fmt: str, key: str) -> None:
    for name in t:
        if name in _INPUT_COMMON or name in _INPUT_KEYS[fmt]:
            continue
        users = [f for f, keys in _INPUT_KEYS.items() if name in keys]
        raise r.fail(
            f"key not used by format {fmt!r} (only by {', '.join(map(repr, users))})",
            f"{key}.{name}",
        )


def _canonical_ages(r: ConfigReader, spec: dict[str, Any], key: str) -> dict[str, Any]:
    """Age labels of a mapping in the package's one form (``"16 til 25"`` → ``"16-25"``)."""
    out = dict(spec)
    if isinstance(spec.get("default_age"), str):
        out["default_age"] = r.age(spec["default_age"], f"{key}.default_age")
    if isinstance(spec.get("age_map"), dict):
        out["age_map"] = {
            code: r.age(label, f"{key}.age_map.{code}") if isinstance(label, str) else label
            for code, label in spec["age_map"].items()
        }
    return out


def _observation_spec(r: ConfigReader, raw: Any, key: str, kind: str) -> dict[str, Any]:
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


def _mapped(r: ConfigReader, t: Mapping[str, Any], key: str) -> dict[str, Any]:
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


def _text_table(r: ConfigReader, raw: Any, key: str) -> dict[str, str]:
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise r.fail("expected a table of texts", key, raw)
    for name, value in raw.items():
        if not isinstance(value, str) or not value:
            raise r.fail("expected a non-empty text", f"{key}.{name}", value)
    return dict(raw)


def _flags(r: ConfigReader, t: Mapping[str, Any], key: str) -> dict[str, bool]:
    flags = {}
    for name in ("offline", "refresh"):
        flags[name] = t.get(name, False)
        if not isinstance(flags[name], bool):
            raise r.fail("expected true or false", f"{key}.{name}", flags[name])
    return flags


def _ssb(r: ConfigReader, t: Mapping[str, Any], key: str) -> dict[str, Any]:
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


def _fhi(r: ConfigReader, t: Mapping[str, Any], key: str) -> dict[str, Any]:
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


def _reading(r: ConfigReader, t: Mapping[str, Any], fmt: str, key: str) -> dict[str, Any]:
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
    r: ConfigReader, t: Mapping[str, Any], key: str, indicators: tuple[str, ...]
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
            r.age(band, f"{key}.age_groups.{band}"): r.strings(groups, band, f"{key}.age_groups")
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


def parse_inputs(r: ConfigReader, raw: Any) -> tuple[InputConfig, ...]:
    """Validate the ``[[inputs]]`` array of a run configuration.

    Parameters
    ----------
    r
        The reader (file, base folder, key paths for errors).
    raw
        The ``[[inputs]]`` array as parsed from TOML.

    Returns
    -------
    tuple[InputConfig, ...]
        One per input, in the file's order; ids unique.

    Raises
    ------
    ConfigError
        Unknown key, wrong type or value; the message names the key path.
    """
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
