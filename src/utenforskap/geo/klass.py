"""Client for SSB's classification service Klass (kommuner: 131), through a raw-response cache."""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from utenforskap.errors import DataError, FetchError
from utenforskap.geo.crosswalk import Crosswalk, crosswalk_from_frame
from utenforskap.io.cache import ResponseCache
from utenforskap.io.http import HttpClient, problem_message

__all__ = [
    "DEFAULT_KLASS_CACHE_DIR",
    "DEFAULT_KLASS_URL",
    "KOMMUNE_CLASSIFICATION",
    "crosswalk_from_klass_changes",
    "fetch_klass_changes",
    "fetch_klass_codes",
]

logger = logging.getLogger(__name__)

#: Klass's REST API root.
DEFAULT_KLASS_URL = "https://data.ssb.no/api/klass/v1"
#: Raw Klass responses, kept like the statistics bank's (immutable raw data).
DEFAULT_KLASS_CACHE_DIR = Path("data") / "raw" / "klass"
#: Standard for kommuneinndeling.
KOMMUNE_CLASSIFICATION = 131

_CHANGE_COLUMNS = ("old_code", "old_name", "new_code", "new_name", "change_occurred")
_CODE_COLUMNS = ("code", "name", "parent_code", "level", "valid_from", "valid_to")


def _iso_date(value: str | dt.date, name: str) -> str:
    if isinstance(value, dt.date):
        return value.isoformat()
    try:
        return dt.date.fromisoformat(str(value)).isoformat()
    except ValueError:
        raise DataError(f"{name} must be a date YYYY-MM-DD; not {value!r}", value=value) from None


def _get_json(url: str, client: HttpClient) -> bytes:
    """GET asking for JSON (Klass answers XML otherwise), with ``client``'s limits and retries."""
    attempt = 0
    while True:
        client.limiter.acquire()
        client.requests += 1
        request = urllib.request.Request(
            url, headers={"User-Agent": client.user_agent, "Accept": "application/json"}
        )
        try:
            with urllib.request.urlopen(request, timeout=client.timeout) as response:
                body: bytes = response.read()
                return body
        except urllib.error.HTTPError as exc:
            status = exc.code
            error_body = exc.read() if exc.fp is not None else b""
            if status in client.retry.statuses and attempt < client.retry.max_retries:
                client.sleep(client.retry.wait(attempt, exc.headers.get("Retry-After")))
                attempt += 1
                continue
            raise FetchError(problem_message(error_body), url=url, status=status) from None
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            raise FetchError(f"could not connect: {reason}", url=url) from None


def _fetch(
    url: str,
    key: str,
    *,
    cache_dir: str | os.PathLike[str],
    offline: bool,
    refresh: bool,
    show_url: bool,
    client: HttpClient | None,
) -> Any:
    """Cached JSON of ``url``; a response is stored only once it parsed."""
    if show_url:
        print(url)
    cache = ResponseCache(Path(cache_dir))
    body = None if refresh and not offline else cache.get(url)
    fresh = body is None
    if body is None:
        if offline:
            raise FetchError(
                f"not in the cache ({cache.path(url)}); run once with offline=False to fetch it",
                url=url,
            )
        body = _get_json(url, client or HttpClient())
    try:
        parsed = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise FetchError(
            f"Klass answered with something that is not JSON: {exc}", url=url
        ) from None
    if not isinstance(parsed, dict) or not isinstance(parsed.get(key), list):
        raise FetchError(f"Klass answer has no {key!r} list", url=url)
    if fresh:
        cache.put(url, body)
    logger.info("Klass %s: %d items%s", url, len(parsed[key]), "" if fresh else " (cache)")
    return parsed[key]


def _items_frame(
    items: list[Any], columns: tuple[str, ...], keys: tuple[str, ...], url: str
) -> pd.DataFrame:
    """Klass's JSON items as a text frame: ``keys`` of each item into ``columns``."""
    frame = pd.DataFrame(
        {
            column: [str(item.get(key) or "") if isinstance(item, dict) else "" for item in items]
            for column, key in zip(columns, keys, strict=True)
        },
        columns=list(columns),
    ).astype(object)
    frame.attrs = {"url": url}
    return frame


def fetch_klass_changes(
    from_date: str | dt.date,
    to_date: str | dt.date,
    *,
    classification: int = KOMMUNE_CLASSIFICATION,
    base_url: str = DEFAULT_KLASS_URL,
    cache_dir: str | os.PathLike[str] = DEFAULT_KLASS_CACHE_DIR,
    offline: bool = False,
    refresh: bool = False,
    show_url: bool = False,
    client: HttpClient | None = None,
) -> pd.DataFrame:
    """Fetch the code changes of a Klass classification between two dates.

    The raw response is cached under ``cache_dir`` keyed by the SHA-256 of the
    URL, with a sidecar JSON recording URL and time of fetch; a cached
    response is used instead of asking again.

    Parameters
    ----------
    from_date, to_date
        The period, ``YYYY-MM-DD``.
    classification
        Klass id; 131 is Standard for kommuneinndeling.
    base_url
        The API root; tests point it at a local server.
    cache_dir
        Where raw responses are kept; ``data/raw/klass`` by default.
    offline
        Serve only from the cache; a request not cached is a FetchError naming
        the URL and the cache file it expected.
    refresh
        Ask again even when cached (and overwrite the cache).
    show_url
        Print the exact URL.
    client
        HTTP client: rate limit, retries with backoff on 429/503, timeout.

    Returns
    -------
    pandas.DataFrame
        Columns ``old_code``, ``old_name``, ``new_code``, ``new_name``
        (``""`` where Klass gives none: a code that started or ceased to
        exist) and ``change_occurred`` (``YYYY-MM-DD``); sorted by date and codes.

    Raises
    ------
    FetchError
        Klass answered with a 4xx (its message included), 429/503 after all
        retries, the network failed, the answer is not Klass JSON, or
        (offline) the response is not cached.

    References
    ----------
    SSB, *API guide to Statistical Classifications and Codelists (Klass)*,
    section "changes".

    Examples
    --------
    >>> changes = fetch_klass_changes("2019-01-01", "2024-01-01",
    ...                               offline=True)  # doctest: +SKIP
    """
    start = _iso_date(from_date, "from_date")
    end = _iso_date(to_date, "to_date")
    query = urllib.parse.urlencode({"from": start, "to": end})
    url = f"{base_url.rstrip('/')}/classifications/{int(classification)}/changes?{query}"
    items = _fetch(
        url,
        "codeChanges",
        cache_dir=cache_dir,
        offline=offline,
        refresh=refresh,
        show_url=show_url,
        client=client,
    )
    frame = _items_frame(
        items, _CHANGE_COLUMNS, ("oldCode", "oldName", "newCode", "newName", "changeOccurred"), url
    )
    return frame.sort_values(
        ["change_occurred", "old_code", "new_code"], kind="mergesort"
    ).reset_index(drop=True)


def fetch_klass_codes(
    date: str | dt.date,
    *,
    classification: int = KOMMUNE_CLASSIFICATION,
    base_url: str = DEFAULT_KLASS_URL,
    cache_dir: str | os.PathLike[str] = DEFAULT_KLASS_CACHE_DIR,
    offline: bool = False,
    refresh: bool = False,
    show_url: bool = False,
    client: HttpClient | None = None,
) -> pd.DataFrame:
    """Fetch the codes of a Klass classification valid at a date.

    Parameters
    ----------
    date
        ``YYYY-MM-DD``.
    classification, base_url, cache_dir, offline, refresh, show_url, client
        As :func:`fetch_klass_changes`.

    Returns
    -------
    pandas.DataFrame
        Columns ``code``, ``name``, ``parent_code``, ``level``,
        ``valid_from``, ``valid_to`` (text, ``""`` when absent), sorted by
        code. ``RegionRegistry.from_frame(frame)`` turns kommuner into a registry.

    Raises
    ------
    FetchError
        As :func:`fetch_klass_changes`.
    """
    query = urllib.parse.urlencode({"date": _iso_date(date, "date")})
    url = f"{base_url.rstrip('/')}/classifications/{int(classification)}/codesAt?{query}"
    items = _fetch(
        url,
        "codes",
        cache_dir=cache_dir,
        offline=offline,
        refresh=refresh,
        show_url=show_url,
        client=client,
    )
    frame = _items_frame(
        items, _CODE_COLUMNS, ("code", "name", "parentCode", "level", "validFrom", "validTo"), url
    )
    return frame.sort_values("code", kind="mergesort").reset_index(drop=True)


def crosswalk_from_klass_changes(
    changes: pd.DataFrame, *, to_year: int, codes: pd.DataFrame | None = None
) -> Crosswalk:
    """Build a crosswalk to ``to_year`` from Klass code changes.

    Each change ``old_code → new_code`` is an edge; chains are followed to
    the end. An old code with several new codes (a split), or that ceased
    with none, gets no successor: harmonisation reports its rows instead of
    guessing (give weights to allocate them).

    Parameters
    ----------
    changes
        From :func:`fetch_klass_changes`, covering the years of the data up
        to 1 January of ``to_year``.
    to_year
        The target year.
    codes
        Optional, from :func:`fetch_klass_codes` at ``to_year``-01-01: the
        target kommuner, kept as themselves, with their names.

    Returns
    -------
    Crosswalk

    Raises
    ------
    DataError
        Missing column; a code that is reused (retired, then given to
        another kommune later), whose rows could not be told apart without
        their year; a cycle.

    Examples
    --------
    >>> import pandas as pd
    >>> changes = pd.DataFrame({"old_code": ["0220", "3025"], "old_name": ["Asker", "Asker"],
    ...     "new_code": ["3025", "3203"], "new_name": ["Asker", "Asker"],
    ...     "change_occurred": ["2020-01-01", "2024-01-01"]})
    >>> cw = crosswalk_from_klass_changes(changes, to_year=2024)
    >>> cw.table.set_index("from_code").loc["0220", "to_code"]
    '3203'
    """
    for column in _CHANGE_COLUMNS:
        if column not in changes.columns:
            raise DataError(f"missing column {column!r}", file="Klass changes", column=column)
    cut = f"{int(to_year):04d}-01-01"
    work = changes[changes["change_occurred"].astype(str) <= cut]
    old = work["old_code"].astype(str).to_numpy(dtype=object)
    new = work["new_code"].astype(str).to_numpy(dtype=object)
    date = work["change_occurred"].astype(str).to_numpy(dtype=object)
    moved = (old != "") & (old != new)
    retired_at = pd.Series(date[moved], index=old[moved]).groupby(level=0).min()
    created = pd.Series(date[(new != "") & (new != old)], index=new[(new != "") & (new != old)])
    reused = created[created.index.isin(retired_at.index)]
    reused = reused[reused.to_numpy() > retired_at.reindex(reused.index).to_numpy()]
    if not reused.empty:
        code = str(reused.index[0])
        raise DataError(
            f"kommune code {code} was retired and later given to another kommune; "
            "rows with it cannot be mapped without their year",
            file="Klass changes",
            column="new_code",
            value=code,
            hint="build crosswalks for the periods before and after the reuse",
        )
    has_old = old != ""
    edges = pd.DataFrame(
        {
            "from_code": old[has_old],
            "from_name": work["old_name"].astype(str).to_numpy(dtype=object)[has_old],
            "to_code": new[has_old],
            "to_name": work["new_name"].astype(str).to_numpy(dtype=object)[has_old],
        }
    ).drop_duplicates(["from_code", "to_code"])
    n_new = edges.groupby("from_code")["to_code"].transform("size").to_numpy()
    listed = (
        edges[edges["to_code"] != ""]
        .sort_values("to_code")
        .groupby("from_code")["to_code"]
        .agg(", ".join)
    )
    split = (n_new > 1) | (edges["to_code"].to_numpy(dtype=object) == "")
    edges["successors"] = np.where(split, edges["from_code"].map(listed).fillna(""), "")
    edges.loc[split, ["to_code", "to_name"]] = ""
    edges = edges.drop_duplicates(["from_code", "to_code"])
    finals = pd.DataFrame(
        {
            "from_code": new[(new != "")],
            "from_name": work["new_name"].astype(str).to_numpy(dtype=object)[new != ""],
        }
    ).drop_duplicates("from_code", keep="last")
    finals = finals[~finals["from_code"].isin(set(edges["from_code"]))]
    if codes is not None:
        given = pd.DataFrame(
            {
                "from_code": codes["code"].astype(str).to_numpy(dtype=object),
                "from_name": codes["name"].astype(str).to_numpy(dtype=object),
            }
        )
        finals = pd.concat([given, finals], ignore_index=True).drop_duplicates("from_code")
        finals = finals[~finals["from_code"].isin(set(edges["from_code"]))]
    finals = finals.assign(to_code=finals["from_code"], to_name=finals["from_name"], successors="")
    frame = pd.concat([edges, finals], ignore_index=True)
    return crosswalk_from_frame(frame, to_year=int(to_year), source=None)
