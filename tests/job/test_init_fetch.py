"""init_config and fetch_all against a server on 127.0.0.1 answering in SSB's and FHI's shapes.

Answers are JSON-stat 2.0 as PxWebApi v2 (``/metadata`` with an empty
``value``, ``/data``) and FHI's open API (POST ``/<source>/Table/<id>/data``)
serve them; FHI's period codes ``2021_2023`` [seen in stored queries].
"""

from __future__ import annotations

import json
import threading
import tomllib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import pytest

from utenforskap.errors import ConfigError, FetchError
from utenforskap.io.http import HttpClient, RateLimiter, RetryPolicy
from utenforskap.job.fetch import fetch_all
from utenforskap.job.init import init_config


def dataset(dims: dict[str, list[str]], values: list, status: dict | None = None) -> dict:
    return {
        "version": "2.0",
        "class": "dataset",
        "label": "test",
        "updated": "2025-03-01T08:00:00Z",
        "id": list(dims),
        "size": [len(v) for v in dims.values()],
        "dimension": {
            d: {"label": d, "category": {"index": codes, "label": {c: c for c in codes}}}
            for d, codes in dims.items()
        },
        "value": values,
        **({"status": status} if status else {}),
    }


class Agencies(BaseHTTPRequestHandler):
    calls: ClassVar[list[tuple[str, str, bytes]]] = []
    fhi_busy = 1  # answer 429 this many times first

    def log_message(self, *args: object) -> None:
        pass

    def send(self, code: int, body: dict, headers: dict | None = None) -> None:
        data = json.dumps(body).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self) -> None:
        type(self).calls.append(("GET", self.path, b""))
        if "/tables/13563/metadata" in self.path:
            meta = dataset({"Region": ["K-4003", "K-4001"], "Tid": ["2023", "2024"]}, [])
            self.send(200, meta)
        elif "/tables/13563/data" in self.path:
            self.send(200, dataset({"Region": ["K-4003"], "Tid": ["2024"]}, [11.5]))
        else:
            self.send(404, {"title": "Not Found", "detail": "no such table"})

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        type(self).calls.append(("POST", self.path, body))
        query = json.loads(body)
        if self.path.endswith("/Table/999/data"):
            self.send(400, {"message": "Dimension 'GEOX' finnes ikke i tabellen"})
            return
        if type(self).fhi_busy > 0:
            type(self).fhi_busy -= 1
            self.send(429, {"message": "Too many requests"}, {"Retry-After": "0"})
            return
        geo = next(d["values"] for d in query["dimensions"] if d["code"] == "GEO")
        answer = dataset(
            {"GEO": geo, "AAR": ["2021_2023"], "MEASURE_TYPE": ["RATE"]},
            [9.0] * (len(geo) - 1) + [None],
            {str(len(geo) - 1): ":"},
        )
        self.send(200, answer)


@pytest.fixture
def server():
    Agencies.calls = []
    Agencies.fhi_busy = 1
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Agencies)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def client() -> HttpClient:
    waits: list[float] = []
    return HttpClient(
        limiter=RateLimiter(max_calls=100, sleep=waits.append),
        retry=RetryPolicy(max_retries=2),
        sleep=waits.append,
        timeout=10,
    )


def test_init_config_for_a_real_kommune():
    config = tomllib.loads(init_config("3203", year=2024))
    assert config["geography"] == {"kommune": "3203", "to_year": 2024}
    tables = [(i["format"], i["table"]) for i in config["inputs"]]
    assert ("ssb", "13563") in tables and ("ssb", "08764") in tables
    # No indicator reads a population table yet: 07459 is named in a comment only.
    assert ("ssb", "07459") not in tables
    assert {t for f, t in tables if f == "fhi"} >= {"403", "337", "795", "805", "806"}
    fhi = next(i for i in config["inputs"] if i["table"] == "403")
    # Kommune, its fylke, the country, and the neighbours (Asker: Bærum, Lier).
    assert fhi["dimensions"]["GEO"][:3] == ["3203", "32", "0"]
    assert {"3201", "3312"} <= set(fhi["dimensions"]["GEO"])
    assert fhi["dimensions"]["MAAL"] == ["ant_eu60"]
    neet = config["inputs"][0]
    assert neet["selection"]["Region"][0] == "K-3203"
    assert neet["mapping"]["group"] == "InnvandrKat"
    with pytest.raises(ConfigError, match="not a kommune in force in 2024"):
        init_config("3025", year=2024)


def test_fetch_all_fills_the_cache_then_works_offline(server, tmp_path: Path):
    config = {
        "inputs": [
            {
                "id": "neet",
                "format": "ssb",
                "table": "13563",
                "selection": {"Region": ["K-4003"], "Tid": ["2024"]},
            },
            {
                "id": "fhi",
                "format": "fhi",
                "table": "403",
                "source_api": "nokkel",
                "dimensions": {
                    "GEO": ["4003", "40", "0"],
                    "AAR": "bottom(1)",
                    "MEASURE_TYPE": ["RATE"],
                },
            },
            {"id": "file", "format": "table", "path": "x.csv"},
        ]
    }
    records = fetch_all(config, base=tmp_path, client=client(), ssb_url=server, fhi_url=server)
    assert [(r.input, r.agency, r.rows) for r in records] == [("neet", "ssb", 1), ("fhi", "fhi", 3)]
    assert all(f.is_file() for r in records for f in r.files)
    assert records[1].files[0].parent == tmp_path / "data" / "raw" / "fhi"
    posts = [c for c in Agencies.calls if c[0] == "POST"]
    assert len(posts) == 2  # 429 once, then the answer
    body = json.loads(posts[-1][2])
    assert body["response"] == {"format": "json-stat2"}
    assert {"code": "AAR", "filter": "bottom", "values": ["1"]} in body["dimensions"]
    # Offline: every answer comes from the cache, no request is made.
    before = len(Agencies.calls)
    again = fetch_all(config, base=tmp_path, offline=True, ssb_url=server, fhi_url=server)
    assert [r.rows for r in again] == [1, 3]
    assert len(Agencies.calls) == before


def test_fhi_answer_periods_codes_and_status(server, tmp_path: Path):
    from utenforskap.io import fetch_fhi

    frame = fetch_fhi(
        "403",
        {"GEO": ["4003", "0"], "MEASURE_TYPE": ["RATE"]},
        cache_dir=tmp_path,
        base_url=server,
        client=client(),
    )
    assert frame["AAR"].unique().tolist() == ["2021-2023"]
    assert frame["GEO"].tolist() == ["4003", "0"]
    assert frame["status"].tolist() == ["", ":"]


def test_agency_errors_carry_their_message(server, tmp_path: Path):
    from utenforskap.io import fetch_fhi

    with pytest.raises(FetchError, match="HTTP 400: Dimension 'GEOX' finnes ikke"):
        fetch_fhi("999", {"GEOX": ["0"]}, cache_dir=tmp_path, base_url=server, client=client())
    with pytest.raises(FetchError, match="not in the cache"):
        fetch_fhi("403", {"GEO": ["0"]}, cache_dir=tmp_path, base_url=server, offline=True)
    with pytest.raises(FetchError, match="HTTP 404"):
        fetch_all(
            {
                "inputs": [
                    {"id": "x", "format": "ssb", "table": "99999", "selection": {"Tid": ["2024"]}}
                ]
            },
            base=tmp_path,
            client=client(),
            ssb_url=server,
        )


def test_init_config_for_a_whole_fylke() -> None:
    from utenforskap.geo.catalogue import catalogue
    from utenforskap.job.config import parse_config

    text = init_config(fylke="40", boundaries="kommuner_2024.geojson")
    config = tomllib.loads(text)
    kommuner = [k for k in catalogue().codes(year=2024, level="kommune") if k.startswith("40")]
    assert len(kommuner) == 17  # Telemark's kommuner of 2024 (Klass)
    assert config["title"] == "Telemark"
    assert config["geography"] == {
        "fylke": "40",
        "to_year": 2024,
        "boundaries": "kommuner_2024.geojson",
    }
    by_id = {i["id"]: i for i in config["inputs"]}
    assert by_id["ssb_13563_neet"]["selection"]["Region"] == [f"K-{k}" for k in kommuner]
    assert by_id["ssb_13563_neet_fylke"]["selection"]["Region"] == ["F-40"]
    assert by_id["ssb_13563_neet_fylke"]["codelist"]["Region"] == "agg_KommFylker"
    assert by_id["ssb_13563_neet_land"]["selection"]["Region"] == ["0"]
    assert by_id["ssb_08764_low_income"]["selection"]["Region"] == [*kommuner, "40", "0"]
    assert by_id["fhi_403"]["dimensions"]["GEO"] == [*kommuner, "40", "0"]
    cfg = parse_config(config, base=Path("/srv/telemark"))
    assert (cfg.geography.fylke, cfg.geography.kommune) == ("40", "")
    for bad, match in (
        ({}, "either a kommune or a fylke"),
        ({"kommune": "4003", "fylke": "40"}, "either a kommune or a fylke"),
        ({"fylke": "08"}, "not a fylke in force in 2024"),  # Telemark before 2020
        ({"fylke": "4003"}, "not a fylke in force in 2024"),
    ):
        with pytest.raises(ConfigError, match=match):
            init_config(**bad)


@pytest.mark.parametrize(
    ("geography", "match"),
    [
        ({"fylke": "4"}, "2-digit fylke code"),
        ({"fylke": "40", "kommune": "3203"}, "kommune 3203 is not in fylke 40"),
        ({}, "kommune"),
    ],
)
def test_a_fylke_configuration_is_checked(geography: dict, match: str) -> None:
    from utenforskap.job.config import parse_config

    with pytest.raises(ConfigError, match=match):
        parse_config({"geography": geography, "inputs": []}, base=Path("/srv"))


def test_an_api_root_that_is_not_a_url_is_a_fetch_error(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("UTENFORSKAP_FHI_URL", "statistikk-data.fhi.no")  # no scheme
    config = {
        "inputs": [
            {
                "id": "fhi",
                "format": "fhi",
                "table": "403",
                "dimensions": {"GEO": ["0"], "MEASURE_TYPE": ["RATE"]},
            }
        ]
    }
    with pytest.raises(FetchError, match="not a URL") as info:
        fetch_all(config, base=tmp_path, client=client())
    assert "statistikk-data.fhi.no/nokkel/Table/403/data" in str(info.value)


def test_fetch_and_run_ask_the_roots_in_the_environment(
    server, tmp_path: Path, monkeypatch
) -> None:
    from utenforskap.io import fetch_fhi_table
    from utenforskap.io.http import api_root

    monkeypatch.setenv("UTENFORSKAP_FHI_URL", server + "/")
    monkeypatch.delenv("UTENFORSKAP_SSB_URL", raising=False)
    assert api_root("fhi", "https://example.invalid") == server
    assert api_root("ssb", "https://data.ssb.no/api/pxwebapi/v2").startswith("https://data.ssb")
    config = {
        "inputs": [
            {
                "id": "fhi",
                "format": "fhi",
                "table": "403",
                "dimensions": {"GEO": ["4003", "0"], "MEASURE_TYPE": ["RATE"]},
            }
        ]
    }
    [record] = fetch_all(config, base=tmp_path, client=client())
    # The answer is cached under the request to the root asked, where run looks.
    again = fetch_fhi_table(
        "403",
        {"GEO": ["4003", "0"], "MEASURE_TYPE": ["RATE"]},
        cache_dir=tmp_path / "data" / "raw" / "fhi",
        base_url=server,
        offline=True,
    )
    assert again.file == record.files[0] and again.from_cache
