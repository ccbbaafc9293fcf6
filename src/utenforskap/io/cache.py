"""On-disk cache of raw API responses, keyed by a hash of the request, with a sidecar record."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = ["DEFAULT_CACHE_DIR", "ResponseCache"]

#: Where raw SSB responses are kept (relative to the working directory), as
#: cookiecutter-data-science keeps raw data: immutable, never edited by hand.
DEFAULT_CACHE_DIR = Path("data") / "raw" / "ssb"


@dataclass(frozen=True)
class ResponseCache:
    """Raw responses under ``directory``: ``<sha256>.json`` plus ``<sha256>.meta.json``.

    The sidecar records the URL, the UTC time of the fetch and the dataset's
    ``updated`` so that a reader can tell how fresh a cached table is.
    """

    directory: Path

    @staticmethod
    def key(url: str) -> str:
        """Return the cache key of a request: the SHA-256 of its URL."""
        return hashlib.sha256(url.encode("utf-8")).hexdigest()

    def path(self, url: str) -> Path:
        """Return the path where the response to ``url`` is (or would be) kept."""
        return self.directory / f"{self.key(url)}.json"

    def get(self, url: str) -> bytes | None:
        """Return the cached response to ``url``, or None."""
        path = self.path(url)
        try:
            return path.read_bytes()
        except FileNotFoundError:
            return None

    def record(self, url: str) -> dict[str, Any] | None:
        """Return the sidecar record of ``url``, or None."""
        try:
            text = self.path(url).with_suffix(".meta.json").read_text(encoding="utf-8")
            record: dict[str, Any] = json.loads(text)
            return record
        except (FileNotFoundError, ValueError):
            return None

    def put(self, url: str, body: bytes, *, updated: str | None = None) -> Path:
        """Store ``body`` as the response to ``url``, atomically, with its sidecar.

        Parameters
        ----------
        url
            The request.
        body
            The raw response.
        updated
            The dataset's own ``updated`` stamp, when it has one.

        Returns
        -------
        pathlib.Path
            The response file.
        """
        self.directory.mkdir(parents=True, exist_ok=True)
        path = self.path(url)
        meta = {
            "url": url,
            "fetched_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "updated": updated,
            "sha256": hashlib.sha256(body).hexdigest(),
            "bytes": len(body),
        }
        text = json.dumps(meta, ensure_ascii=False, indent=2, sort_keys=True).encode("utf-8")
        _atomic_write(path.with_suffix(".meta.json"), text)
        _atomic_write(path, body)
        return path


def _atomic_write(path: Path, data: bytes) -> None:
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=path.suffix)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
