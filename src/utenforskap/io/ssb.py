"""Fetch tables from SSB's PxWebApi v2 as tidy frames, through a raw-response cache."""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Collection, Hashable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from utenforskap import frames as F
from utenforskap.errors import FetchError
from utenforskap.io.cache import DEFAULT_CACHE_DIR, ResponseCache
from utenforskap.io.cube import Naming, check_naming
from utenforskap.io.http import HttpClient
from utenforskap.io.jsonstat import parse_json, parse_jsonstat_dimensions, read_jsonstat
from utenforskap.io.selection import (
    MAX_CELLS,
    MAX_URL_LENGTH,
    Selection,
    VariableSelection,
    check_selection,
    parse_selection,
    query_string,
    split_selection,
)
from utenforskap.io.source import decode_bytes

#: Languages of SSB's PxWebApi v2 answers.
SSB_LANGS: tuple[str, ...] = ("no", "en")

__all__ = [
    "DEFAULT_BASE_URL",
    "SSB_LANGS",
    "SsbTable",
    "fetch_ssb",
    "fetch_ssb_table",
]

logger = logging.getLogger(__name__)

#: SSB's PxWebApi v2.
DEFAULT_BASE_URL = "https://data.ssb.no/api/pxwebapi/v2"

_UPDATED = re.compile(rb'"updated"\s*:\s*"([^"]{1,64})"')
_TABLE_ID = re.compile(r"^[A-Za-z0-9_-]{1,40}$")


def fetch_ssb(
    table_id: str,
    selection: Selection,
    *,
    lang: str = "no",
    codelist: Mapping[str, str] | None = None,
    output_values: Mapping[str, str] | None = None,
    naming: Naming = "code",
    cache_dir: str | os.PathLike[str] = DEFAULT_CACHE_DIR,
    offline: bool = False,
    refresh: bool = False,
    show_url: bool = False,
    base_url: str = DEFAULT_BASE_URL,
    client: HttpClient | None = None,
    max_cells: int = MAX_CELLS,
    max_url_length: int = MAX_URL_LENGTH,
    status_symbols: Collection[str] | None = F.STATUS_SYMBOLS,
) -> pd.DataFrame:
    """Fetch a table from SSB's statistics bank (PxWebApi v2) as a tidy frame.

    The table's ``/metadata`` is read first (from the cache when there) to
    check every variable and value code; a request over SSB's limits (800,000
    cells, about 2,000 URL characters) is split and the parts concatenated.
    Every raw response is cached under ``cache_dir`` keyed by the SHA-256 of
    its URL, with a sidecar recording URL, time of fetch and the dataset's
    ``updated``; a cached response is used instead of asking again.

    Parameters
    ----------
    table_id
        SSB's table number, e.g. ``"13563"``.
    selection
        Variable → list of codes or a text: ``"*"``, ``"top(3)"``,
        ``"from(2015)"``, ``"0301,3203"``, ``"2020*"``.
    lang
        ``"no"`` or ``"en"``.
    codelist, output_values
        Variable → codelist id (e.g. ``"agg_KommSummer"``), and variable →
        ``"aggregated"`` or ``"single"``.
    naming
        As :func:`~utenforskap.io.read_jsonstat`.
    cache_dir
        Where raw responses are kept; ``data/raw/ssb`` by default.
    offline
        Serve only from the cache; a request not cached is a FetchError that
        names it.
    refresh
        Ask SSB again even when cached (and overwrite the cache).
    show_url
        Print each exact URL asked for (or served from the cache).
    base_url
        The API root; tests point it at a local server.
    client
        The HTTP client (rate limit: 30 requests per 60 s; retries on 429/503).
    max_cells, max_url_length
        Limits per request.
    status_symbols
        As :func:`~utenforskap.io.read_jsonstat`.

    Returns
    -------
    pandas.DataFrame
        As :func:`~utenforskap.io.read_jsonstat` (one column per variable,
        ``value``, ``status``), the parts of a split request concatenated in
        request order. ``attrs`` as there, plus ``table``. The requests and
        their cache files: :func:`fetch_ssb_table`.

    Raises
    ------
    ConfigError
        An unknown variable or value code, or a selection that cannot be split.
    FetchError
        SSB answered with an error (its message included), the network
        failed, or (offline) the response is not cached.
    DataError
        The response is not a valid JSON-stat dataset.

    References
    ----------
    SSB, *API mot Statistikkbanken – brukerveiledning* (PxWebApi 2.0);
    Statistics Sweden, PxApiSpecs ``specs.md``.

    Examples
    --------
    >>> frame = fetch_ssb("07459", {"Region": ["0301"], "Tid": "top(2)"},
    ...                   offline=True)  # doctest: +SKIP
    """
    return fetch_ssb_table(
        table_id,
        selection,
        lang=lang,
        codelist=codelist,
        output_values=output_values,
        naming=naming,
        cache_dir=cache_dir,
        offline=offline,
        refresh=refresh,
        show_url=show_url,
        base_url=base_url,
        client=client,
        max_cells=max_cells,
        max_url_length=max_url_length,
        status_symbols=status_symbols,
    ).frame


@dataclass(frozen=True)
class SsbTable:
    """A table fetched from SSB, with the requests that gave it and their cache files.

    Attributes
    ----------
    frame
        The tidy frame, as :func:`fetch_ssb` returns it.
    table
        SSB's table number.
    urls
        The data requests, in order (more than one when the selection was split).
    files
        The cache file holding the response of each data request, in the same order.
    metadata_url, metadata_file
        The table's ``/metadata`` request and its cache file.
    from_cache
        How many of the requests (metadata included) were answered from the cache.
    """

    frame: pd.DataFrame
    table: str
    urls: tuple[str, ...]
    files: tuple[Path, ...]
    metadata_url: str
    metadata_file: Path
    from_cache: int


def fetch_ssb_table(
    table_id: str,
    selection: Selection,
    *,
    lang: str = "no",
    codelist: Mapping[str, str] | None = None,
    output_values: Mapping[str, str] | None = None,
    naming: Naming = "code",
    cache_dir: str | os.PathLike[str] = DEFAULT_CACHE_DIR,
    offline: bool = False,
    refresh: bool = False,
    show_url: bool = False,
    base_url: str = DEFAULT_BASE_URL,
    client: HttpClient | None = None,
    max_cells: int = MAX_CELLS,
    max_url_length: int = MAX_URL_LENGTH,
    status_symbols: Collection[str] | None = F.STATUS_SYMBOLS,
) -> SsbTable:
    """Fetch a table from SSB like :func:`fetch_ssb`, and say which requests and files gave it.

    For a scheduled run, which must record (and hash) exactly the cached
    responses it read.

    Parameters
    ----------
    table_id, selection, lang, codelist, output_values, naming, cache_dir, offline, refresh
        As :func:`fetch_ssb`.
    show_url, base_url, client, max_cells, max_url_length, status_symbols
        As :func:`fetch_ssb`.

    Returns
    -------
    SsbTable
        ``frame`` (as :func:`fetch_ssb` returns it), ``table``, ``urls`` and
        ``files`` (one cache file per data request), ``metadata_url``,
        ``metadata_file`` and ``from_cache``.

    Raises
    ------
    ConfigError, FetchError, DataError
        As :func:`fetch_ssb`.

    Examples
    --------
    A response already in the cache is read from there (``offline=True``
    would refuse to ask SSB):

    >>> from utenforskap.io.cache import ResponseCache
    >>> meta = ('{"version": "2.0", "class": "dataset", "id": ["Tid"], "size": [1],'
    ...         ' "dimension": {"Tid": {"label": "år", "category": {"index": {"2024": 0}}}},'
    ...         ' "value": [null]}')
    >>> data = meta.replace("null", "7")
    >>> root = "https://ssb.example/api"
    >>> cache = ResponseCache(Path("ssb-cache"))
    >>> _ = cache.put(f"{root}/tables/1/metadata?lang=no&outputFormat=json-stat2", meta.encode())
    >>> url = f"{root}/tables/1/data?lang=no&outputFormat=json-stat2&valueCodes[Tid]=2024"
    >>> _ = cache.put(url, data.encode())
    >>> got = fetch_ssb_table("1", {"Tid": ["2024"]}, cache_dir="ssb-cache", offline=True,
    ...                       base_url=root)
    >>> got.frame["value"].tolist(), got.files == (cache.path(url),), got.from_cache
    ([7.0], True, 2)
    """
    check_naming(naming)
    if not _TABLE_ID.match(str(table_id)):
        raise FetchError(f"not a table id: {table_id!r}")
    root = base_url.rstrip("/")
    fetcher = _Fetcher(
        ResponseCache(Path(cache_dir)), client or HttpClient(), offline, refresh, show_url
    )
    meta_url = f"{root}/tables/{table_id}/metadata?lang={lang}&outputFormat=json-stat2"
    meta_body = fetcher.get(meta_url)
    meta = parse_json(decode_bytes(meta_body, encoding="utf-8", file=meta_url), meta_url)
    dimensions, _ = parse_jsonstat_dimensions(meta, file=meta_url)
    fetcher.store(meta_url, meta_body)

    def url_of(part: Sequence[VariableSelection]) -> str:
        return f"{root}/tables/{table_id}/data?{query_string(part, lang=lang)}"

    checked = check_selection(
        parse_selection(selection, codelist=codelist, output_values=output_values),
        dimensions,
        table=str(table_id),
    )
    parts = split_selection(
        checked, dimensions, url_of=url_of, max_cells=max_cells, max_url_length=max_url_length
    )
    frames = []
    urls = []
    for part in parts:
        url = url_of(part)
        body = fetcher.get(url)
        frame = read_jsonstat(body, naming=naming, status_symbols=status_symbols)
        fetcher.store(url, body)
        frames.append(frame)
        urls.append(url)
    attrs: dict[Hashable, Any] = dict(frames[0].attrs)
    out = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
    out.attrs = attrs | {"file": urls[0], "table": str(table_id)}
    logger.info(
        "SSB table %s: %d rows from %d request(s) (%d from cache)",
        table_id,
        len(out),
        len(parts),
        fetcher.cache_hits,
    )
    return SsbTable(
        frame=out,
        table=str(table_id),
        urls=tuple(urls),
        files=tuple(fetcher.cache.path(url) for url in urls),
        metadata_url=meta_url,
        metadata_file=fetcher.cache.path(meta_url),
        from_cache=fetcher.cache_hits,
    )


class _Fetcher:
    """Cache first, then the network; store only responses that parsed."""

    def __init__(
        self, cache: ResponseCache, client: HttpClient, offline: bool, refresh: bool, show: bool
    ) -> None:
        self.cache = cache
        self.client = client
        self.offline = offline
        self.refresh = refresh
        self.show = show
        self.fresh: set[str] = set()
        self.cache_hits = 0

    def get(self, url: str) -> bytes:
        if self.show:
            print(url)
        cached = None if self.refresh and not self.offline else self.cache.get(url)
        if cached is not None:
            self.cache_hits += 1
            return cached
        if self.offline:
            raise FetchError(
                f"not in the cache ({self.cache.path(url)}); run once with offline=False "
                "to fetch it",
                url=url,
            )
        body = self.client.get(url)
        self.fresh.add(url)
        return body

    def store(self, url: str, body: bytes) -> None:
        if url in self.fresh:
            match = _UPDATED.search(body[:4096]) or _UPDATED.search(body)
            updated = match.group(1).decode("utf-8", "replace") if match else None
            self.cache.put(url, body, updated=updated)
