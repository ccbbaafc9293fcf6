"""Fill the response cache of every SSB and FHI input of a configuration, so runs work offline."""

from __future__ import annotations

import logging
import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from utenforskap.errors import ConfigError
from utenforskap.io.fhi import DEFAULT_FHI_CACHE_DIR, FHI_BASE_URL, fetch_fhi_table
from utenforskap.io.http import HttpClient, api_root
from utenforskap.io.ssb import DEFAULT_BASE_URL, fetch_ssb_table

__all__ = ["FetchRecord", "fetch_all"]

log = logging.getLogger(__name__)

_SSB_CACHE = Path("data") / "raw" / "ssb"


@dataclass(frozen=True)
class FetchRecord:
    """What one input's fetch did.

    Attributes
    ----------
    input
        The input's ``id``.
    agency
        ``"ssb"`` or ``"fhi"``.
    table
        The table id.
    rows
        Rows of the answer.
    files
        The cached answers, one per request.
    """

    input: str
    agency: str
    table: str
    rows: int
    files: tuple[Path, ...]


def fetch_all(
    config: str | os.PathLike[str] | Mapping[str, Any],
    *,
    base: str | os.PathLike[str] | None = None,
    refresh: bool = False,
    offline: bool = False,
    client: HttpClient | None = None,
    ssb_url: str | None = None,
    fhi_url: str | None = None,
) -> list[FetchRecord]:
    """Fetch every ``format = "ssb"`` and ``format = "fhi"`` input into its cache.

    After this, ``run`` reads the same answers offline. Inputs of other
    formats are left alone. Both agencies are asked through one client, so
    one rate limit and one retry policy govern all requests.

    Parameters
    ----------
    config
        A TOML file, or its parsed content. Inputs read: ``id``, ``format``,
        ``table``, ``path`` (the cache folder; ``data/raw/ssb`` or
        ``data/raw/fhi`` by default, relative to the configuration's folder);
        for ``ssb``: ``selection``, ``lang``, ``codelist``, ``output_values``;
        for ``fhi``: ``source_api`` (``nokkel``) and ``dimensions``.
    base
        Folder relative paths are resolved against (default: the
        configuration file's folder, or the working directory for a mapping).
    refresh
        Ask again even when cached.
    offline
        Only check that every answer is cached (a missing one is a FetchError).
    client
        The HTTP client (default: 30 requests per minute, retries on 429/503).
    ssb_url, fhi_url
        API roots (default: ``UTENFORSKAP_SSB_URL`` / ``UTENFORSKAP_FHI_URL`` when
        set, else the agencies' public APIs; see :func:`~utenforskap.io.http.api_root`).

    Returns
    -------
    list of FetchRecord
        One per fetched input, in configuration order.

    Raises
    ------
    ConfigError
        A malformed input (no table, no selection/dimensions) or TOML.
    FetchError
        An agency answered with an error, or (offline) an answer is missing.

    Examples
    --------
    >>> fetch_all({"inputs": [{"id": "x", "format": "counts", "path": "x.csv"}]})
    []
    """
    raw, folder = _load(config, base)
    inputs = raw.get("inputs", [])
    if not isinstance(inputs, list):
        raise ConfigError("expected [[inputs]] tables", key="inputs", value=inputs)
    http = client or HttpClient()
    ssb_root = ssb_url or api_root("ssb", DEFAULT_BASE_URL)
    fhi_root = fhi_url or api_root("fhi", FHI_BASE_URL)
    records = []
    for i, item in enumerate(inputs):
        if not isinstance(item, Mapping) or item.get("format") not in ("ssb", "fhi"):
            continue
        key = f"inputs[{i}]"
        ident = str(item.get("id", key))
        table = item.get("table")
        if not isinstance(table, str) or not table:
            raise ConfigError("expected a table id as text", key=f"{key}.table", value=table)
        default = _SSB_CACHE if item["format"] == "ssb" else DEFAULT_FHI_CACHE_DIR
        cache_dir = folder / Path(str(item.get("path", default)))
        if item["format"] == "ssb":
            selection = item.get("selection")
            if not isinstance(selection, Mapping):
                raise ConfigError("expected a [selection] table", key=f"{key}.selection")
            got = fetch_ssb_table(
                table,
                selection,
                lang=str(item.get("lang", "no")),
                codelist=item.get("codelist") or None,
                output_values=item.get("output_values") or None,
                naming="both",
                cache_dir=cache_dir,
                offline=offline,
                refresh=refresh,
                base_url=ssb_root,
                client=http,
            )
            frame, files = got.frame, got.files
        else:
            dimensions = item.get("dimensions")
            if not isinstance(dimensions, Mapping):
                raise ConfigError("expected a [dimensions] table", key=f"{key}.dimensions")
            answer = fetch_fhi_table(
                table,
                dimensions,
                source=str(item.get("source_api", "nokkel")),
                naming="both",
                cache_dir=cache_dir,
                offline=offline,
                refresh=refresh,
                base_url=fhi_root,
                client=http,
            )
            frame, files = answer.frame, (answer.file,)
        log.info("%s: %s table %s, %d rows", ident, item["format"], table, len(frame))
        records.append(FetchRecord(ident, str(item["format"]), table, len(frame), files))
    return records


def _load(
    config: str | os.PathLike[str] | Mapping[str, Any], base: str | os.PathLike[str] | None
) -> tuple[Mapping[str, Any], Path]:
    if isinstance(config, Mapping):
        return config, Path(base) if base is not None else Path.cwd()
    path = Path(config)
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError("configuration file not found", file=path) from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"not valid TOML: {exc}", file=path) from None
    return raw, Path(base) if base is not None else path.parent
