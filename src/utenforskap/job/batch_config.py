"""The ``[batch]`` section: which kommuner, and the run of each derived from one configuration."""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from utenforskap.errors import ConfigError, DataError

if TYPE_CHECKING:
    from utenforskap.job.config import RunConfig

__all__ = [
    "PLACEHOLDERS",
    "BatchConfig",
    "Kommune",
    "batch_from_config",
    "check_placeholders",
    "in_scope",
    "kommune_config",
    "kommune_configs",
    "kommune_slug",
    "resolve_kommuner",
]

#: Placeholders a path may hold in a batch configuration: the kommune's code
#: and its fylke's code, so that each kommune's run reads its own files.
PLACEHOLDERS: tuple[str, ...] = ("{kommune}", "{fylke}")
_BATCH_KEYS = ("kommuner", "year")
_FYLKE = re.compile(r"^fylke:(.*)$")
_PLACEHOLDER = re.compile(r"\{[^{}]*\}")
# The code SSB uses for "kommune not stated"; never a kommune of its own.
_UNSTATED = "9999"


@dataclass(frozen=True)
class Kommune:
    """One kommune of a batch.

    Attributes
    ----------
    code
        Its code in the batch's year, e.g. ``"3203"``.
    name
        Its name in the region catalogue, e.g. ``"Asker"``.
    fylke
        Its fylke's code, e.g. ``"32"``.
    """

    code: str
    name: str
    fylke: str

    @property
    def folder(self) -> str:
        """The name of its output folder: ``<code>-<slug>``, e.g. ``3203-asker``."""
        return f"{self.code}-{kommune_slug(self.name)}"


@dataclass(frozen=True)
class BatchConfig:
    """A ``[batch]`` section, resolved.

    Attributes
    ----------
    kommuner
        The kommuner, in the order given (``"fylke:40"`` and ``"all"`` in code order).
    year
        The year whose kommune codes are meant (default: ``geography.to_year``).
    given
        The ``kommuner`` value as written, for the plan and the manifest.
    """

    kommuner: tuple[Kommune, ...]
    year: int
    given: tuple[str, ...]


def kommune_slug(name: str) -> str:
    """A kommune's name as a folder name: lower case ASCII words joined by ``-``.

    Parameters
    ----------
    name
        The name, e.g. ``"Bø"``, ``"Kárášjohka - Karasjok"``.

    Returns
    -------
    str
        E.g. ``"bo"``, ``"karasjohka-karasjok"``.

    Examples
    --------
    >>> kommune_slug("Ålesund"), kommune_slug("Nord-Aurdal"), kommune_slug("Kárášjohka - Karasjok")
    ('alesund', 'nord-aurdal', 'karasjohka-karasjok')
    >>> kommune_slug("Bærum"), kommune_slug("Tromsø")
    ('baerum', 'tromso')
    """
    text = name.lower().replace("æ", "ae").replace("ø", "o").replace("đ", "d").replace("ŧ", "t")
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    return "-".join(re.findall(r"[a-z0-9]+", text)) or "kommune"


def _fail(problem: str, key: str, value: object, file: Path | None, hint: str = "") -> ConfigError:
    return ConfigError(problem + (f"; {hint}" if hint else ""), file=file, key=key, value=value)


def _code_hint(code: str, year: int) -> str:
    """Why ``code`` is no kommune in ``year``, and what the user may have meant."""
    from utenforskap.geo.catalogue import catalogue

    cat = catalogue()
    table = cat.table
    current = set(cat.codes(year=year, level="kommune")) - {_UNSTATED}
    if code.isdigit() and len(code) == 3 and "0" + code in current:
        return (
            f'a leading zero may have been lost: did you mean "0{code}" ({_name(cat, "0" + code)})?'
        )
    if code == _UNSTATED:
        return f'"{_UNSTATED}" means "kommune not stated", not a kommune'
    if code.isdigit() and len(code) == 2:
        return f'"{code}" is a fylke code; write "fylke:{code}" for its kommuner'
    rows = table[(table["code"] == code) & (table["level"] == "kommune")]
    if len(rows):
        row = rows.iloc[0]
        start = (
            "" if row["valid_from"] is None or _na(row["valid_from"]) else int(row["valid_from"])
        )
        end = "" if _na(row["valid_to"]) else int(row["valid_to"])
        was = f"{code} {row['name']} was a kommune code in {start}-{end}"
        successor = str(row["successor"] or "")
        if successor in current:
            return f'{was}; in {year} it is "{successor}" ({_name(cat, successor)})'
        return f"{was}; it was split: give the kommuner of {year} instead"
    if not code.isdigit():
        try:
            found = str(cat.codes_of([code], year=year, level="kommune")[0])
        except DataError:
            found = ""
        if found in current:
            return f'write the code: "{found}" ({_name(cat, found)})'
        return 'expected a 4-digit kommune code as text (e.g. "3203"), "fylke:NN" or "all"'
    same_fylke = sorted(c for c in current if c[:2] == code[:2])
    if same_fylke:
        shown = ", ".join(f"{c} {_name(cat, c)}" for c in same_fylke[:8])
        more = ", …" if len(same_fylke) > 8 else ""
        return f"kommuner of fylke {code[:2]} in {year}: {shown}{more}"
    return f"no fylke {code[:2]} in {year}; fylker: {', '.join(_fylker(year))}"


def _na(value: object) -> bool:
    try:
        return bool(value is None or value != value)  # NaN and pandas' NA compare unequal
    except TypeError:
        return True


def _name(cat: Any, code: str) -> str:
    return str(cat.name_of([code])[0])


def _fylker(year: int) -> list[str]:
    from utenforskap.geo.catalogue import catalogue

    cat = catalogue()
    return [f"{c} {_name(cat, c)}" for c in cat.codes(year=year, level="fylke") if c != "99"]


def resolve_kommuner(
    kommuner: str | Sequence[str],
    *,
    year: int,
    file: Path | None = None,
    key: str = "batch.kommuner",
) -> tuple[Kommune, ...]:
    """Resolve a batch's kommuner with the region catalogue: codes in force in ``year``.

    Parameters
    ----------
    kommuner
        ``"all"`` (every kommune of ``year``), ``"fylke:40"`` (the kommuner of a
        fylke), a kommune code, or a list of codes and ``"fylke:NN"`` items.
    year
        The year whose codes are meant.
    file, key
        The configuration file and key, for errors.

    Returns
    -------
    tuple of Kommune
        In the order given, each once; a fylke's kommuner in code order.

    Raises
    ------
    ConfigError
        An item that is no kommune in ``year``, naming the item (``batch.kommuner[2]``)
        with a hint: the kommune's code in ``year`` when it changed, a lost leading
        zero, the code of a name, the fylke's kommuner.

    Examples
    --------
    >>> [k.folder for k in resolve_kommuner(["3203", "0301"], year=2024)]
    ['3203-asker', '0301-oslo']
    >>> len(resolve_kommuner("fylke:40", year=2024)), len(resolve_kommuner("all", year=2024))
    (17, 357)
    >>> try:
    ...     resolve_kommuner(["3025"], year=2024)
    ... except ConfigError as exc:
    ...     print(exc)  # doctest: +ELLIPSIS
    key batch.kommuner[0], value '3025': no kommune with this code in 2024; ... "3203" (Asker)
    """
    from utenforskap.geo.catalogue import catalogue

    cat = catalogue()
    current = [c for c in cat.codes(year=year, level="kommune") if c != _UNSTATED]
    known = set(current)
    if isinstance(kommuner, str):
        items: list[tuple[str, str]] = [(key, kommuner)]
    elif isinstance(kommuner, list | tuple) and kommuner:
        items = [(f"{key}[{i}]", v) for i, v in enumerate(kommuner)]
    else:
        raise _fail(
            'expected "all", "fylke:NN" or a list of kommune codes as text', key, kommuner, file
        )
    codes: list[str] = []
    for where, item in items:
        if not isinstance(item, str):
            raise _fail('expected a kommune code as text, e.g. "3203"', where, item, file)
        text = item.strip()
        fylke = _FYLKE.match(text)
        if text == "all" and isinstance(kommuner, str):
            codes += sorted(current)
        elif fylke is not None:
            code = fylke.group(1).strip()
            inside = sorted(c for c in current if str(cat.parent_of([c])[0]) == code)
            if not inside:
                raise _fail(
                    f"no fylke with this code in {year}",
                    where,
                    item,
                    file,
                    f"fylker: {', '.join(_fylker(year))}",
                )
            codes += inside
        elif text in known:
            codes.append(text)
        else:
            hint = _code_hint(text, year)
            if text == "all":
                hint = 'write kommuner = "all" (not in a list)'
            raise _fail(f"no kommune with this code in {year}", where, item, file, hint)
    unique = list(dict.fromkeys(codes))
    names = cat.name_of(unique)
    parents = cat.parent_of(unique)
    return tuple(
        Kommune(code, str(name), str(parent))
        for code, name, parent in zip(unique, names, parents, strict=True)
    )


def batch_from_config(raw: Any, *, year: int, file: Path | None = None) -> BatchConfig:
    """Validate a ``[batch]`` table.

    Parameters
    ----------
    raw
        The table as parsed: ``kommuner`` (required) and ``year`` (optional).
    year
        The default year: the configuration's ``geography.to_year``.
    file
        The configuration file, for errors.

    Returns
    -------
    BatchConfig
        The kommuner resolved.

    Raises
    ------
    ConfigError
        An unknown key, a bad year, or a kommune not in force in the year.

    Examples
    --------
    >>> cfg = batch_from_config({"kommuner": "fylke:40"}, year=2024)
    >>> cfg.kommuner[0].folder, len(cfg.kommuner)
    ('4001-porsgrunn', 17)
    """
    import difflib

    if not isinstance(raw, dict):
        raise _fail("expected a table", "batch", raw, file)
    for name in raw:
        if name not in _BATCH_KEYS:
            close = difflib.get_close_matches(name, _BATCH_KEYS, n=1)
            hint = f"did you mean {close[0]!r}?" if close else f"allowed keys: {list(_BATCH_KEYS)}"
            raise _fail("unknown key", f"batch.{name}", None, file, hint)
    if "kommuner" not in raw:
        raise _fail(
            'expected kommuner = ["3203", …], "fylke:NN" or "all"', "batch.kommuner", None, file
        )
    when = raw.get("year", year)
    if not isinstance(when, int) or isinstance(when, bool) or not 1838 <= when <= 2100:
        raise _fail("expected a year, e.g. 2024", "batch.year", when, file)
    given = raw["kommuner"]
    kommuner = resolve_kommuner(given, year=when, file=file)
    as_given = (given,) if isinstance(given, str) else tuple(str(v) for v in given)
    return BatchConfig(kommuner=kommuner, year=when, given=as_given)


def _paths(config: RunConfig) -> list[tuple[str, Path]]:
    found = [(f"inputs[{i}].path", inp.path) for i, inp in enumerate(config.inputs)]
    geo = config.geography
    for f in dataclasses.fields(geo):
        value = getattr(geo, f.name)
        if isinstance(value, Path):
            found.append((f"geography.{f.name}", value))
    return found


def check_placeholders(config: RunConfig) -> None:
    """Check the ``{…}`` placeholders of a configuration's paths.

    Parameters
    ----------
    config
        The configuration.

    Raises
    ------
    ConfigError
        A placeholder other than :data:`PLACEHOLDERS`, or one in a
        configuration without ``[batch]`` (there is no kommune to fill in).
    """
    for key, path in _paths(config):
        for found in _PLACEHOLDER.findall(str(path)):
            if found not in PLACEHOLDERS:
                raise ConfigError(
                    f"unknown placeholder {found} in a path; known: {', '.join(PLACEHOLDERS)}",
                    file=config.source,
                    key=key,
                    value=str(path),
                )
            if config.batch is None:
                raise ConfigError(
                    f"the placeholder {found} is filled in per kommune by a [batch] section, "
                    "and this configuration has none",
                    file=config.source,
                    key=key,
                    value=str(path),
                )


def _fill(path: Path, kommune: Kommune) -> Path:
    text = str(path)
    if "{" not in text:
        return path
    return Path(text.replace("{kommune}", kommune.code).replace("{fylke}", kommune.fylke))


def kommune_config(config: RunConfig, kommune: Kommune, *, output: Path | None = None) -> RunConfig:
    """The run of one kommune of a batch: the batch's configuration, for that kommune only.

    The kommune's run differs from the batch's configuration in: ``title``
    (the kommune's name), ``output`` (``<output>/<code>-<slug>``),
    ``geography.kommune``, the placeholders of paths filled in
    (``{kommune}``, ``{fylke}``), the trend regions (only the kommune's own),
    and ``scope``: only the kommune, its districts, its fylke, the whole
    country and its neighbour kommuner are kept from the inputs.

    Parameters
    ----------
    config
        A configuration with a ``[batch]`` section.
    kommune
        One of its kommuner.
    output
        The batch's output folder; default the configuration's.

    Returns
    -------
    RunConfig
        A configuration without ``[batch]``, as a single run takes it.
    """
    root = config.output if output is None else Path(output)
    inputs = tuple(dataclasses.replace(inp, path=_fill(inp.path, kommune)) for inp in config.inputs)
    geo = config.geography
    filled: dict[str, Any] = {
        f.name: _fill(getattr(geo, f.name), kommune)
        for f in dataclasses.fields(geo)
        if isinstance(getattr(geo, f.name), Path)
    }
    geography = dataclasses.replace(geo, kommune=kommune.code, **filled)
    trend = tuple(c for c in config.figures.trend_regions if c.startswith(kommune.code))
    return dataclasses.replace(
        config,
        title=kommune.name,
        output=root / kommune.folder,
        inputs=inputs,
        geography=geography,
        figures=dataclasses.replace(config.figures, trend_regions=trend),
        batch=None,
        scope=kommune.code,
    )


def kommune_configs(config: RunConfig, *, output: Path | None = None) -> list[RunConfig]:
    """Every kommune's run of a batch configuration (see :func:`kommune_config`).

    Parameters
    ----------
    config
        A configuration with a ``[batch]`` section.
    output
        The batch's output folder; default the configuration's.

    Returns
    -------
    list of RunConfig
        In the batch's order.
    """
    if config.batch is None:
        raise ConfigError("the configuration has no [batch] section", file=config.source)
    return [kommune_config(config, k, output=output) for k in config.batch.kommuner]


def in_scope(codes: npt.ArrayLike, kommune: str) -> np.ndarray:
    """Which region codes a kommune's pack keeps: its own, its fylke, the land, its neighbours.

    Its own regions are the kommune and every region whose code starts with
    the kommune's (bydeler, grunnkretser, levekårssoner, the unknown
    district). The fylke is the kommune's parent in the region catalogue;
    the neighbours are those of :func:`~utenforskap.geo.catalogue.kommune_neighbours`.

    Parameters
    ----------
    codes
        Region codes as text.
    kommune
        The kommune's code.

    Returns
    -------
    numpy.ndarray
        Boolean mask.

    Examples
    --------
    >>> in_scope(["0", "32", "3203", "320301", "3201", "3312", "4001", "3301"], "3203").tolist()
    [True, True, True, True, True, True, False, False]
    """
    from utenforskap.geo.catalogue import catalogue

    cat = catalogue()
    values = np.asarray(codes, dtype=object).ravel()
    fylke = str(cat.parent_of([kommune])[0]) or kommune[:2]
    keep = {"0", fylke, kommune, *cat.neighbours(kommune)}
    text = values.astype(str)
    own = np.char.startswith(text.astype("U"), kommune) if len(text) else np.zeros(0, dtype=bool)
    wanted = np.fromiter((v in keep for v in text), dtype=bool, count=len(text))
    return np.asarray(wanted | own, dtype=bool)
