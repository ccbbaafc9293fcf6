"""Klass client against a local server on 127.0.0.1: cache, offline, retries, errors, crosswalk.

The served change list is written in Klass's documented JSON layout (fields of
``CodeChangeItem``: oldCode, oldName, oldShortName, newCode, newName,
newShortName, changeOccurred; SSB, *API guide … (Klass)*, section "changes"),
with real changes of classification 131 in the 2020 and 2024 reforms.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pandas as pd
import pytest

from utenforskap.errors import DataError, FetchError
from utenforskap.geo import (
    RegionRegistry,
    crosswalk_from_klass_changes,
    fetch_klass_changes,
    fetch_klass_codes,
    read_crosswalk,
)
from utenforskap.io.http import HttpClient, RetryPolicy


def _change(old: str, old_name: str, new: str, new_name: str, date: str) -> dict[str, object]:
    return {
        "oldCode": old,
        "oldName": old_name,
        "oldShortName": None,
        "newCode": new,
        "newName": new_name,
        "newShortName": None,
        "changeOccurred": date,
    }


CHANGES = {
    "codeChanges": [
        _change("0220", "Asker", "3025", "Asker", "2020-01-01"),
        _change("0627", "Røyken", "3025", "Asker", "2020-01-01"),
        _change("0628", "Hurum", "3025", "Asker", "2020-01-01"),
        _change("1201", "Bergen", "4601", "Bergen", "2020-01-01"),
        _change("0602", "Drammen", "3005", "Drammen", "2020-01-01"),
        _change("0625", "Nedre Eiker", "3005", "Drammen", "2020-01-01"),
        _change("0711", "Svelvik", "3005", "Drammen", "2020-01-01"),
        _change("1571", "Halsa", "5055", "Heim", "2020-01-01"),
        _change("1571", "Halsa", "1566", "Surnadal", "2020-01-01"),
        _change("3025", "Asker", "3203", "Asker", "2024-01-01"),
        _change("3005", "Drammen", "3301", "Drammen", "2024-01-01"),
    ]
}

CODES = {
    "codes": [
        {
            "code": "3203",
            "parentCode": None,
            "level": "1",
            "name": "Asker",
            "validFrom": "2024-01-01",
        },
        {
            "code": "4601",
            "parentCode": None,
            "level": "1",
            "name": "Bergen",
            "validFrom": "2020-01-01",
        },
    ]
}


class _Server:
    """Serves scripted responses per path; records every request."""

    def __init__(self) -> None:
        self.script: dict[str, list[tuple[int, dict[str, str], bytes]]] = {}
        self.requests: list[tuple[str, dict[str, str]]] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                server.requests.append((self.path, dict(self.headers)))
                path = self.path.split("?")[0]
                queue = server.script.get(path, [])
                status, headers, body = queue.pop(0) if len(queue) > 1 else queue[0]
                self.send_response(status)
                for key, value in headers.items():
                    self.send_header(key, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/api/klass/v1"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def serve(self, path: str, *responses: tuple[int, dict[str, str], bytes]) -> None:
        self.script[f"/api/klass/v1{path}"] = list(responses)


def _json(payload: object, status: int = 200) -> tuple[int, dict[str, str], bytes]:
    return status, {"Content-Type": "application/json"}, json.dumps(payload).encode("utf-8")


@pytest.fixture
def server() -> Iterator[_Server]:
    srv = _Server()
    srv.thread.start()
    try:
        yield srv
    finally:
        srv.httpd.shutdown()
        srv.httpd.server_close()


@pytest.fixture
def client() -> tuple[HttpClient, list[float]]:
    waits: list[float] = []
    return HttpClient(retry=RetryPolicy(max_retries=3, backoff=0.01), sleep=waits.append), waits


def test_changes_are_fetched_cached_and_parsed(server, client, tmp_path):
    http, _ = client
    server.serve("/classifications/131/changes", _json(CHANGES))
    frame = fetch_klass_changes(
        "2019-01-01", "2024-01-01", base_url=server.url, cache_dir=tmp_path, client=http
    )
    assert len(frame) == len(CHANGES["codeChanges"])
    assert list(frame.columns) == [
        "old_code",
        "old_name",
        "new_code",
        "new_name",
        "change_occurred",
    ]
    path, headers = server.requests[0]
    assert path == "/api/klass/v1/classifications/131/changes?from=2019-01-01&to=2024-01-01"
    assert headers["Accept"] == "application/json"
    sidecars = list(tmp_path.glob("*.meta.json"))
    assert len(sidecars) == 1
    meta = json.loads(sidecars[0].read_text(encoding="utf-8"))
    assert meta["url"] == frame.attrs["url"]
    assert meta["fetched_at"].endswith("+00:00")
    # Asked again: served from the cache, and offline works too.
    again = fetch_klass_changes(
        "2019-01-01", "2024-01-01", base_url=server.url, cache_dir=tmp_path, client=http
    )
    offline = fetch_klass_changes(
        "2019-01-01", "2024-01-01", base_url=server.url, cache_dir=tmp_path, offline=True
    )
    assert len(server.requests) == 1
    pd.testing.assert_frame_equal(again, frame)
    pd.testing.assert_frame_equal(offline, frame)


def test_offline_says_what_is_missing(tmp_path):
    with pytest.raises(FetchError, match="not in the cache") as info:
        fetch_klass_changes(
            "2019-01-01",
            "2024-01-01",
            base_url="http://127.0.0.1:9/x",
            cache_dir=tmp_path,
            offline=True,
        )
    assert "changes?from=2019-01-01&to=2024-01-01" in str(info.value)
    assert str(tmp_path) in str(info.value)


def test_retries_on_429_and_503_with_backoff(server, client, tmp_path):
    http, waits = client
    server.serve(
        "/classifications/131/changes",
        (429, {"Retry-After": "3"}, b"slow down"),
        (503, {}, b"busy"),
        _json(CHANGES),
    )
    frame = fetch_klass_changes(
        "2019-01-01", "2024-01-01", base_url=server.url, cache_dir=tmp_path, client=http
    )
    assert len(frame) == len(CHANGES["codeChanges"])
    assert len(server.requests) == 3
    assert waits == [3.0, 0.02]


def test_other_4xx_is_a_fetch_error_without_retry(server, client, tmp_path):
    http, waits = client
    server.serve(
        "/classifications/131/changes",
        _json({"error": "Classification not found"}, status=404),
    )
    with pytest.raises(FetchError, match="Classification not found") as info:
        fetch_klass_changes(
            "2019-01-01", "2024-01-01", base_url=server.url, cache_dir=tmp_path, client=http
        )
    assert info.value.status == 404
    assert len(server.requests) == 1
    assert waits == []
    assert not list(tmp_path.glob("*.json"))


def test_answer_that_is_not_klass_json_is_not_cached(server, client, tmp_path):
    http, _ = client
    server.serve("/classifications/131/changes", (200, {}, b"<xml/>"))
    with pytest.raises(FetchError, match="not JSON"):
        fetch_klass_changes(
            "2019-01-01", "2024-01-01", base_url=server.url, cache_dir=tmp_path, client=http
        )
    assert not list(tmp_path.glob("*.json"))


def test_bad_date_is_refused_before_asking():
    with pytest.raises(DataError, match="YYYY-MM-DD"):
        fetch_klass_changes("2019-13-01", "2024-01-01", offline=True)


def test_codes_at_a_date_make_a_registry(server, client, tmp_path):
    http, _ = client
    server.serve("/classifications/131/codesAt", _json(CODES))
    codes = fetch_klass_codes("2024-01-01", base_url=server.url, cache_dir=tmp_path, client=http)
    assert server.requests[0][0].endswith("/codesAt?date=2024-01-01")
    registry = RegionRegistry.from_frame(codes)
    assert registry.name_of(["3203"]).tolist() == ["Asker"]


def test_crosswalk_from_klass_agrees_with_the_shared_crosswalk(geo_dir):
    """The chain 0220 → 3025 → 3203 etc. built from Klass changes ends where the
    independently derived regtools table (kommune_codes_to_2024.csv) says."""
    changes = pd.DataFrame(
        {
            "old_code": [c["oldCode"] for c in CHANGES["codeChanges"]],
            "old_name": [c["oldName"] for c in CHANGES["codeChanges"]],
            "new_code": [c["newCode"] for c in CHANGES["codeChanges"]],
            "new_name": [c["newName"] for c in CHANGES["codeChanges"]],
            "change_occurred": [c["changeOccurred"] for c in CHANGES["codeChanges"]],
        }
    )
    ours = crosswalk_from_klass_changes(changes, to_year=2024).table.set_index("from_code")
    reference = read_crosswalk(geo_dir / "kommune_codes_to_2024.csv").table.set_index("from_code")
    for code in ("0220", "0627", "0628", "1201", "0602", "0625", "0711", "3025", "3005", "1571"):
        assert ours.loc[code, "to_code"] == reference.loc[code, "to_code"], code
    assert ours.loc["1571", "successors"] == "1566, 5055"


def test_reused_code_is_refused():
    changes = pd.DataFrame(
        {
            "old_code": ["1000", "2000"],
            "old_name": ["A", "C"],
            "new_code": ["2000", "1000"],
            "new_name": ["B", "A2"],
            "change_occurred": ["2020-01-01", "2022-01-01"],
        }
    )
    with pytest.raises(DataError, match="retired and later given"):
        crosswalk_from_klass_changes(changes, to_year=2024)


def test_cache_dir_default_is_data_raw_klass():
    from utenforskap.geo.klass import DEFAULT_KLASS_CACHE_DIR

    assert Path("data") / "raw" / "klass" == DEFAULT_KLASS_CACHE_DIR
