"""Fetch tables from FHI's open statistikkbank API (Kommunehelsa key figures) through a cache."""

from __future__ import annotations

import json
import logging
import os
import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from utenforskap import frames as F
from utenforskap.errors import ConfigError, FetchError, check_choice
from utenforskap.io.cache import ResponseCache
from utenforskap.io.cube import Naming, check_naming
from utenforskap.io.http import HttpClient
from utenforskap.io.jsonstat import read_jsonstat
from utenforskap.io.rates import normalise_periods

__all__ = [
    "DEFAULT_FHI_CACHE_DIR",
    "FHI_BASE_URL",
    "FHI_SOURCES",
    "FhiTable",
    "fetch_fhi",
    "fetch_fhi_table",
    "fhi_query",
]

logger = logging.getLogger(__name__)

#: FHI's open API (statistikk-data.fhi.no).
FHI_BASE_URL = "https://statistikk-data.fhi.no/api/open/v1"
#: Raw FHI responses, kept like SSB's (immutable raw data).
DEFAULT_FHI_CACHE_DIR = Path("data") / "raw" / "fhi"
#: Sources seen in queries: ``nokkel`` (Kommunehelsa key figures), ``daar`` (causes of death).
FHI_SOURCES: tuple[str, ...] = ("nokkel", "daar")

_FILTER = re.compile(r"^(top|bottom)\((\d+)\)$", re.IGNORECASE)
_TABLE = re.compile(r"^\d{1,6}$")


def fhi_query(dimensions: Mapping[str, str | Sequence[str]]) -> dict[str, Any]:
    """The JSON body FHI's ``/data`` endpoint takes for a selection.

    Parameters
    ----------
    dimensions
        Dimension code → a list of value codes (filter ``item``), ``"*"``
        (filter ``all`` [inferred]) or ``"bottom(n)"``/``"top(n)"`` (the last
        or first *n* values; ``bottom`` [seen], ``top`` [inferred]).

    Returns
    -------
    dict
        ``{"dimensions": [{"code", "filter", "values"}, ...], "response": {...}}``.

    Examples
    --------
    >>> fhi_query({"GEO": ["0", "4003"], "AAR": "bottom(3)"})["dimensions"][1]
    {'code': 'AAR', 'filter': 'bottom', 'values': ['3']}
    """
    if not isinstance(dimensions, Mapping) or not dimensions:
        raise ConfigError(
            "a selection must be a non-empty table of dimension → codes",
            key="dimensions",
            value=dimensions,
        )
    out = []
    for code, spec in dimensions.items():
        if isinstance(spec, str):
            text = spec.strip()
            match = _FILTER.match(text)
            if text == "*":
                out.append({"code": code, "filter": "all", "values": ["*"]})
            elif match:
                out.append(
                    {"code": code, "filter": match.group(1).lower(), "values": [match.group(2)]}
                )
            else:
                out.append(
                    {"code": code, "filter": "item", "values": [c.strip() for c in text.split(",")]}
                )
        elif isinstance(spec, Sequence) and spec and all(isinstance(c, str) and c for c in spec):
            out.append({"code": code, "filter": "item", "values": list(spec)})
        else:
            raise ConfigError(
                "expected a list of value codes, '*' or 'bottom(n)'",
                key=f"dimensions.{code}",
                value=spec,
            )
    return {"dimensions": out, "response": {"format": "json-stat2"}}


@dataclass(frozen=True)
class FhiTable:
    """A table fetched from FHI, with the request that gave it and its cache file.

    Attributes
    ----------
    frame
        The tidy frame, as :func:`fetch_fhi` returns it.
    table
        FHI's table number.
    url, body
        The POST request: its URL and JSON body.
    file
        The cache file holding the answer.
    from_cache
        Whether the answer came from the cache.
    """

    frame: pd.DataFrame
    table: str
    url: str
    body: bytes
    file: Path
    from_cache: bool


def fetch_fhi(
    table_id: str,
    dimensions: Mapping[str, str | Sequence[str]],
    **options: Any,
) -> pd.DataFrame:
    """Fetch a table from FHI's open statistikkbank API as a tidy frame.

    Parameters
    ----------
    table_id, dimensions
        As :func:`fetch_fhi_table`.
    **options
        The keyword options of :func:`fetch_fhi_table` (``source``, ``naming``,
        ``cache_dir``, ``offline``, ``refresh``, ``show_url``, ``base_url``,
        ``client``, ``symbols``, ``status_symbols``).

    Returns
    -------
    pandas.DataFrame
        One column per dimension (``AAR`` normalised), ``value``, ``status``.

    Examples
    --------
    >>> frame = fetch_fhi("403", {"GEO": ["0", "4003"], "AAR": "bottom(1)",
    ...     "ALDER": ["0_17"], "MEASURE_TYPE": ["RATE"]}, offline=True)  # doctest: +SKIP
    """
    return fetch_fhi_table(table_id, dimensions, **options).frame


def fetch_fhi_table(
    table_id: str,
    dimensions: Mapping[str, str | Sequence[str]],
    *,
    source: str = "nokkel",
    naming: Naming = "code",
    cache_dir: str | os.PathLike[str] = DEFAULT_FHI_CACHE_DIR,
    offline: bool = False,
    refresh: bool = False,
    show_url: bool = False,
    base_url: str = FHI_BASE_URL,
    client: HttpClient | None = None,
    symbols: Mapping[str, str] | None = None,
    status_symbols: Collection[str] | None = F.STATUS_SYMBOLS,
) -> FhiTable:
    """Fetch a table from FHI's open statistikkbank API, and say which request and file gave it.

    POSTs ``{"dimensions": [...], "response": {"format": "json-stat2"}}`` to
    ``<base_url>/<source>/Table/<table_id>/data`` [seen in Telemark
    fylkeskommune's stored queries] and reads the JSON-stat 2.0 answer. Every
    raw answer is cached under ``cache_dir`` keyed by the SHA-256 of the URL
    and the request body, with the same discipline as
    :func:`~utenforskap.io.fetch_ssb`: the cache first, ``offline`` serves
    only from it, ``refresh`` asks again, answers are stored only once they
    parsed, and the client rate-limits and retries on 429/503.

    FHI's region codes are on the current (2024) borders and its period
    codes spell spans ``2021_2023`` and single years ``2023_2023`` [seen];
    the ``AAR`` column is rewritten as ``2021-2023`` and ``2023`` (see
    :func:`~utenforskap.io.rates.normalise_periods`), ``GEO`` is kept
    (``0`` land, 2-digit fylker, 4-digit kommuner — the package's codes).
    Which status symbols FHI's answers use is not documented in the sources
    read [inferred: SSB's]; pass ``symbols=`` to map others.

    Parameters
    ----------
    table_id
        FHI's table number, e.g. ``"403"`` (persistent low income).
    dimensions
        Dimension code (``GEO``, ``AAR``, ``KJONN``, ``ALDER``, ``INNVKAT``,
        ``MEASURE_TYPE`` …) → value codes, ``"*"`` or ``"bottom(n)"``.
    source
        ``"nokkel"`` (Kommunehelsa key figures) or ``"daar"``.
    naming
        As :func:`~utenforskap.io.read_jsonstat`.
    cache_dir, offline, refresh, show_url, base_url, client
        As :func:`~utenforskap.io.fetch_ssb`.
    symbols, status_symbols
        As :func:`~utenforskap.io.read_jsonstat`.

    Returns
    -------
    FhiTable
        ``frame`` (one column per dimension, ``AAR`` normalised, ``value``,
        ``status``), ``table``, ``url``, ``body`` (the JSON query sent),
        ``file`` (the cached answer) and ``from_cache``.

    Raises
    ------
    ConfigError
        A malformed selection or table id.
    FetchError
        FHI answered with an error (its message included), the network
        failed, or (offline) the answer is not cached.

    Examples
    --------
    >>> got = fetch_fhi_table("403", {"GEO": ["0", "4003"], "AAR": "bottom(1)",
    ...     "ALDER": ["0_17"], "INNVKAT": ["0"], "MAAL": ["ant_eu60"],
    ...     "MEASURE_TYPE": ["RATE"]}, offline=True)  # doctest: +SKIP
    """
    check_naming(naming)
    if not _TABLE.match(str(table_id)):
        raise ConfigError("expected an FHI table number as text, e.g. '403'", value=table_id)
    check_choice("source", source, FHI_SOURCES)
    url = f"{base_url.rstrip('/')}/{source}/Table/{table_id}/data"
    body = json.dumps(fhi_query(dimensions), ensure_ascii=False, sort_keys=True).encode("utf-8")
    key = cache_key(url, body)
    cache = ResponseCache(Path(cache_dir))
    if show_url:
        print(f"POST {url} {body.decode('utf-8')}")
    answer = None if refresh and not offline else cache.get(key)
    fresh = answer is None
    if answer is None:
        if offline:
            raise FetchError(
                f"not in the cache ({cache.path(key)}); run once with offline=False to fetch it",
                url=url,
            )
        answer = (client or HttpClient()).post(url, body)
    frame = read_jsonstat(answer, naming=naming, symbols=symbols, status_symbols=status_symbols)
    if fresh:
        cache.put(key, answer, updated=frame.attrs.get("updated"))
    if "AAR" in frame.columns:
        frame["AAR"] = normalise_periods(frame["AAR"])
    frame.attrs.update({"file": url, "table": str(table_id)})
    logger.info("FHI table %s: %d rows%s", table_id, len(frame), "" if fresh else " (cache)")
    return FhiTable(frame, str(table_id), url, body, cache.path(key), from_cache=not fresh)


def cache_key(url: str, body: bytes) -> str:
    """The text a POST's answer is cached under: the URL and its canonical JSON body.

    Parameters
    ----------
    url
        The request URL.
    body
        The JSON body as sent.

    Returns
    -------
    str
        ``"POST <url> <body>"``.
    """
    return f"POST {url} {body.decode('utf-8')}"
