"""Tests of fetch_ssb against a PxWebApi v2 look-alike served on 127.0.0.1 by the test."""

from __future__ import annotations

import json
import re
import socket
import threading
import urllib.parse
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from utenforskap.errors import ConfigError, FetchError
from utenforskap.io import (
    HttpClient,
    RateLimiter,
    RetryPolicy,
    fetch_ssb,
    fetch_ssb_table,
    read_jsonstat,
)
from utenforskap.io.cache import ResponseCache

REGIONS = ["0", "0301", *[f"{3200 + i:04d}" for i in range(1, 39)]]
DIMS: dict[str, list[str]] = {
    "Region": REGIONS,
    "Alder": ["016-019", "020-025"],
    "Kjonn": ["0", "1", "2"],
    "ContentsCode": ["NEETPers", "Personer"],
    "Tid": [str(y) for y in range(2015, 2025)],
}
SIZES = [len(v) for v in DIMS.values()]
CUBE = np.arange(int(np.prod(SIZES)), dtype=float).reshape(SIZES)
# SSB's symbols on a few cells (flat positions in the full cube).
STATUS = {7: "..", 130: ":", 2000: "-"}
PROBLEM_403 = {
    "type": "https://tools.ietf.org/html/rfc7231#section-6.5.3",
    "title": "Forbidden",
    "status": 403,
    "detail": "Tabellen 00403 er ikke tilgjengelig",
}


def dataset(selected: dict[str, list[str]], *, with_values: bool = True) -> dict[str, Any]:
    """A JSON-stat 2.0 answer in SSB's layout for the selected codes."""
    positions = [
        [DIMS[d].index(c) for c in selected[d]] for d in DIMS
    ]  # table order kept by the server
    document: dict[str, Any] = {
        "version": "2.0",
        "class": "dataset",
        "label": "99999: Testtabell",
        "source": "Statistisk sentralbyrå",
        "updated": "2025-03-01T07:00:00Z",
        "role": {"time": ["Tid"], "metric": ["ContentsCode"], "geo": ["Region"]},
        "id": list(DIMS),
        "size": [len(p) for p in positions],
        "dimension": {
            d: {
                "label": d.lower(),
                "category": {
                    "index": {c: i for i, c in enumerate(selected[d])},
                    "label": {c: f"{c} navn" for c in selected[d]},
                },
                "extension": {"elimination": d in ("Region", "Kjonn")},
            }
            for d in DIMS
        },
        "extension": {"px": {"tableid": "99999", "decimals": 0}},
    }
    if with_values:
        grid = np.ix_(*positions)
        flat = np.ravel_multi_index(grid, SIZES).ravel()
        values = CUBE[grid].ravel()
        status = {str(i): STATUS[f] for i, f in enumerate(flat) if f in STATUS}
        document["value"] = [None if str(i) in status else v for i, v in enumerate(values)]
        document["status"] = status
    return document


def resolve(dim: str, text: str) -> list[str]:
    codes = DIMS[dim]
    out: list[str] = []
    for item in text.split(","):
        top = re.fullmatch(r"top\((\d+)\)", item)
        start = re.fullmatch(r"from\((.+)\)", item)
        if item == "*":
            out += codes
        elif top:
            out += codes[-int(top.group(1)) :]
        elif start:
            out += codes[codes.index(start.group(1)) :]
        else:
            out.append(item)
    return [c for c in codes if c in out]


class Server(ThreadingHTTPServer):
    log: list[str]
    throttle: int
    unavailable: int


class Handler(BaseHTTPRequestHandler):
    server: Server

    def log_message(self, format: str, *args: Any) -> None:
        return None

    def reply(self, status: int, body: dict[str, Any], headers: dict[str, str] | None = None):
        data = json.dumps(body).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self) -> None:
        self.server.log.append(self.path)
        url = urllib.parse.urlsplit(self.path)
        query = urllib.parse.parse_qs(url.query)
        if "/tables/00403/" in url.path:
            return self.reply(403, PROBLEM_403)
        if url.path.endswith("/tables/99999/metadata"):
            return self.reply(200, dataset(DIMS, with_values=False))
        if not url.path.endswith("/tables/99999/data"):
            return self.reply(404, {"title": "Not found", "status": 404})
        if self.server.throttle > 0:
            self.server.throttle -= 1
            return self.reply(429, {"title": "Too many requests"}, {"Retry-After": "3"})
        if self.server.unavailable > 0:
            self.server.unavailable -= 1
            return self.reply(503, {"title": "Service unavailable"})
        assert query["outputFormat"] == ["json-stat2"]
        selected = {}
        for dim in DIMS:
            given = query.get(f"valueCodes[{dim}]")
            selected[dim] = resolve(dim, given[0]) if given else DIMS[dim][:1]
        return self.reply(200, dataset(selected))


@pytest.fixture
def server() -> Iterator[Server]:
    httpd = Server(("127.0.0.1", 0), Handler)
    httpd.log = []
    httpd.throttle = 0
    httpd.unavailable = 0
    thread = threading.Thread(target=httpd.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    yield httpd
    httpd.shutdown()
    httpd.server_close()
    thread.join()


def base(server: Server) -> str:
    host, port = server.server_address[:2]
    return f"http://{host!s}:{port}/api/pxwebapi/v2"


class FakeTime:
    def __init__(self) -> None:
        self.now = 0.0
        self.slept: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def client(time: FakeTime, **retry: Any) -> HttpClient:
    return HttpClient(
        limiter=RateLimiter(clock=time.clock, sleep=time.sleep),
        retry=RetryPolicy(**retry),
        sleep=time.sleep,
        timeout=10,
    )


def expected(selected: dict[str, list[str]]) -> pd.DataFrame:
    return read_jsonstat(dataset(selected))


def sort(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.sort_values(list(DIMS)).reset_index(drop=True)


def test_fetch_small_request_and_cache(server: Server, tmp_path: Path, capsys) -> None:
    time = FakeTime()
    selection = {
        "Region": ["0301", "3203"],
        "Alder": "*",
        "Kjonn": "*",
        "ContentsCode": "*",
        "Tid": "top(3)",
    }
    got = fetch_ssb_table(
        "99999",
        selection,
        cache_dir=tmp_path,
        base_url=base(server),
        client=client(time),
        show_url=True,
    )
    frame = got.frame
    want = {**DIMS, "Region": ["0301", "3203"], "Tid": ["2022", "2023", "2024"]}
    pd.testing.assert_frame_equal(frame, expected(want), check_like=False)
    printed = capsys.readouterr().out.split()
    assert printed[0].endswith("/tables/99999/metadata?lang=no&outputFormat=json-stat2")
    assert "valueCodes[Region]=0301,3203" in printed[1]
    assert "valueCodes[Tid]=top(3)" in printed[1]
    # The requests and their cache files are named in the result, not in attrs.
    assert "urls" not in frame.attrs
    assert got.table == "99999" and list(got.urls) == printed[1:]
    assert got.metadata_url == printed[0] and got.from_cache == 0
    assert len(server.log) == 2
    # The raw response and its sidecar are in the cache, keyed by the URL's hash.
    cache = ResponseCache(tmp_path)
    assert got.files == (cache.path(printed[1]),) and got.files[0].is_file()
    assert got.metadata_file == cache.path(printed[0])
    record = cache.record(printed[1])
    assert record is not None
    assert record["url"] == printed[1]
    assert record["updated"] == "2025-03-01T07:00:00Z"
    assert re.match(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00", record["fetched_at"])
    # Offline: served from the cache, nothing asked.
    again = fetch_ssb("99999", selection, cache_dir=tmp_path, base_url=base(server), offline=True)
    pd.testing.assert_frame_equal(again, frame)
    cached = fetch_ssb_table(
        "99999", selection, cache_dir=tmp_path, base_url=base(server), offline=True
    )
    assert cached.from_cache == 2 and cached.files == got.files
    assert len(server.log) == 2


def test_offline_and_not_cached_says_so(server: Server, tmp_path: Path) -> None:
    with pytest.raises(FetchError, match="not in the cache") as info:
        fetch_ssb("99999", {"Tid": "*"}, cache_dir=tmp_path, base_url=base(server), offline=True)
    assert info.value.url is not None
    assert "/metadata" in info.value.url
    assert server.log == []


def test_large_request_is_split_and_concatenated(server: Server, tmp_path: Path) -> None:
    time = FakeTime()
    selection = {d: "*" for d in DIMS}
    frame = fetch_ssb(
        "99999",
        selection,
        cache_dir=tmp_path,
        base_url=base(server),
        client=client(time),
        max_cells=500,
    )
    data_requests = [p for p in server.log if "/data?" in p]
    assert len(data_requests) >= int(np.ceil(CUBE.size / 500))
    assert len(frame) == CUBE.size
    pd.testing.assert_frame_equal(sort(frame), sort(expected(DIMS)))
    assert not frame.duplicated(list(DIMS)).any()


def test_long_url_is_split(server: Server, tmp_path: Path) -> None:
    time = FakeTime()
    selection = {"Region": REGIONS, "Tid": ["2024"]}
    got = fetch_ssb_table(
        "99999",
        selection,
        cache_dir=tmp_path,
        base_url=base(server),
        client=client(time),
        max_url_length=250,
    )
    frame, urls = got.frame, got.urls
    assert len(urls) > 1 and len(got.files) == len(urls)
    assert all(len(u) <= 250 for u in urls)
    want = {d: DIMS[d][:1] for d in DIMS} | {"Region": REGIONS, "Tid": ["2024"]}
    pd.testing.assert_frame_equal(sort(frame), sort(expected(want)))


def test_429_then_success_waits_retry_after(server: Server, tmp_path: Path) -> None:
    server.throttle = 1
    time = FakeTime()
    frame = fetch_ssb(
        "99999",
        {"Tid": ["2024"]},
        cache_dir=tmp_path,
        base_url=base(server),
        client=client(time),
    )
    assert len(frame) == 1
    data_requests = [p for p in server.log if "/data?" in p]
    assert len(data_requests) == 2
    assert data_requests[0] == data_requests[1]
    assert time.slept == [3.0]


def test_503_exhausts_retries_with_backoff(server: Server, tmp_path: Path) -> None:
    server.unavailable = 10
    time = FakeTime()
    with pytest.raises(FetchError, match="HTTP 503: Service unavailable") as info:
        fetch_ssb(
            "99999",
            {"Tid": ["2024"]},
            cache_dir=tmp_path,
            base_url=base(server),
            client=client(time, max_retries=3, backoff=1.0),
        )
    assert info.value.status == 503
    assert time.slept == [1.0, 2.0, 4.0]
    cached = [p for p in tmp_path.glob("*.json") if not p.name.endswith(".meta.json")]
    assert len(cached) == 1, "only the metadata may be cached"


def test_403_carries_ssb_message(server: Server, tmp_path: Path) -> None:
    with pytest.raises(FetchError, match="Tabellen 00403 er ikke tilgjengelig") as info:
        fetch_ssb("00403", {"Tid": "*"}, cache_dir=tmp_path, base_url=base(server))
    assert info.value.status == 403
    assert not list(tmp_path.glob("*"))


def test_unknown_variable_and_code_are_caught_before_asking(server: Server, tmp_path) -> None:
    with pytest.raises(ConfigError, match="has no variable 'Regon'"):
        fetch_ssb("99999", {"Regon": "*"}, cache_dir=tmp_path, base_url=base(server))
    with pytest.raises(ConfigError, match="no value code '9999'"):
        fetch_ssb("99999", {"Region": ["9999"]}, cache_dir=tmp_path, base_url=base(server))
    assert not [p for p in server.log if "/data?" in p]


def test_rate_limiter_allows_30_per_minute() -> None:
    time = FakeTime()
    limiter = RateLimiter(max_calls=30, period=60.0, clock=time.clock, sleep=time.sleep)
    for _ in range(30):
        time.now += 0.5
        limiter.acquire()
    assert time.slept == []
    waited = limiter.acquire()
    # The first call was at t=0.5, now is 15.0: wait until 60.5.
    assert waited == pytest.approx(45.5)
    assert time.now == pytest.approx(60.5)


def test_connection_refused_is_a_fetch_error(tmp_path: Path) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(FetchError, match="could not connect"):
        fetch_ssb("99999", {"Tid": "*"}, cache_dir=tmp_path, base_url=f"http://127.0.0.1:{port}")


def test_codelist_and_output_values_reach_the_server(server: Server, tmp_path: Path) -> None:
    fetch_ssb(
        "99999",
        {"Region": ["0301"], "Tid": ["2024"]},
        codelist={"Region": "vs_Kommun"},
        output_values={"Region": "single"},
        cache_dir=tmp_path,
        base_url=base(server),
        client=client(FakeTime()),
    )
    data = urllib.parse.parse_qs(urllib.parse.urlsplit(server.log[-1]).query)
    assert data["codelist[Region]"] == ["vs_Kommun"]
    assert data["outputValues[Region]"] == ["single"]
    assert data["lang"] == ["no"]
