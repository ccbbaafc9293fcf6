"""SSB's PxWebApi v2 and FHI's open statistikkbank API, answered on 127.0.0.1 in their shapes.

Both agencies' answers are JSON-stat 2.0 built from the tables' real variable
and value codes (``../shared/data/sources/ssb_fhi_tables.md``): SSB 13563
(``Region`` through ``agg_KommSummer`` as ``K-xxxx``, ``HovArbStyrkStatus``
``TOT3``/``NEET2``, ``Alder``, ``Kjonn``, ``InnvandrKat``) and 08764
(``EUskala60`` …), with ``/metadata`` answered with an empty ``value`` as
PxWebApi does; FHI's Kommunehelsa tables (POST ``/nokkel/Table/<id>/data``,
``GEO`` on 2024 borders, ``AAR`` as ``2021_2023``, the publisher's ``:`` on
hidden cells). Region labels are the names SSB and FHI print ("Hele landet",
fylke and kommune names). Values are made up, but fixed: each cell's number
comes from a hash of its codes, so every run sees the same answers.

Errors are answered as the agencies do: an unknown SSB table is a 404
problem document, an unknown FHI dimension a 400 with FHI's message, and
the first ``busy`` requests get 429 with ``Retry-After: 0``.

Used by the end-to-end tests of a real kommune and of a whole fylke, and by
the notebook test (the kernel finds the server through
``UTENFORSKAP_SSB_URL``/``UTENFORSKAP_FHI_URL``).
"""

from __future__ import annotations

import hashlib
import json
import threading
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from utenforskap.geo.catalogue import catalogue

YEARS = [str(y) for y in range(2016, 2025)]
SPANS = [f"{y - 2}_{y}" for y in range(2016, 2024)]


def _names() -> dict[str, str]:
    cat = catalogue()
    codes = [*cat.codes(year=2024, level="fylke"), *cat.codes(year=2024, level="kommune")]
    names = dict(zip(codes, (str(n) for n in cat.name_of(codes)), strict=True))
    names["0"] = "Hele landet"
    return names


def _unit(*key: str) -> float:
    """A number in [0, 1) fixed by the key."""
    digest = hashlib.sha256("|".join(key).encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def _population(region: str) -> float:
    """People aged 15-29 in a region: the country and fylker the sums of their kommuner."""
    if region == "0":
        return sum(_population(k) for k in _KOMMUNER)
    if len(region) == 2:
        return sum(_population(k) for k in _KOMMUNER if k.startswith(region))
    return float(round(150 + 9000 * _unit("pop", region) ** 3))


_NAMES: dict[str, str] = {}
_KOMMUNER: list[str] = []


def _setup() -> None:
    if not _NAMES:
        _NAMES.update(_names())
        _KOMMUNER.extend(c for c in _NAMES if len(c) == 4 and c != "9999")


@dataclass(frozen=True)
class Variable:
    code: str
    label: str
    values: list[str]
    labels: dict[str, str] = field(default_factory=dict)


def _ssb_tables() -> dict[str, tuple[str, list[Variable]]]:
    _setup()
    regions = ["0", *(c for c in _NAMES if c != "0")]
    region_labels = {c: _NAMES[c] for c in regions}
    return {
        "13563": (
            "13563: Personer 15-61 år, etter hovedstatus på arbeidsmarkedet, alder, kjønn og "
            "innvandringskategori",
            [
                Variable("Region", "region", regions, region_labels),
                Variable(
                    "HovArbStyrkStatus",
                    "hovedstatus",
                    ["TOT3", "NEET2"],
                    {"TOT3": "I alt", "NEET2": "Utenfor arbeid, utdanning og opplæring (NEET)"},
                ),
                Variable("Alder", "alder", ["15-29", "30-61"], {"15-29": "15-29 år"}),
                Variable("Kjonn", "kjønn", ["0", "1", "2"], {"0": "Begge kjønn", "1": "Menn"}),
                Variable(
                    "InnvandrKat",
                    "innvandringskategori",
                    ["A-G", "B", "C"],
                    {"A-G": "I alt", "B": "Innvandrere"},
                ),
                Variable("ContentsCode", "statistikkvariabel", ["Personer1"], {}),
                Variable("Tid", "år", YEARS[-6:], {}),
            ],
        ),
        "08764": (
            "08764: Personer under 18 år i husholdninger med lavinntekt (EU- og OECD-skala)",
            [
                Variable("Region", "region", regions, region_labels),
                Variable(
                    "ContentsCode",
                    "statistikkvariabel",
                    ["Personer", "EUskala50", "EUskala60", "OECDskala50", "OECDskala60"],
                    {"EUskala60": "Under 60 prosent av medianinntekt, EU-skala (prosent)"},
                ),
                Variable("Tid", "år", YEARS, {}),
            ],
        ),
    }


#: FHI's tables: dimensions beyond GEO/AAR/MEASURE_TYPE, with their value codes.
FHI_TABLES: dict[str, dict[str, list[str]]] = {
    "403": {"ALDER": ["0_17", "0_120"], "INNVKAT": ["0", "2", "3", "20"], "MAAL": ["ant_eu60"]},
    "337": {"KJONN": ["0", "1", "2"], "ALDER": ["0_17"]},
    "795": {"ALDER": ["0_17", "0_120"], "INNVKAT": ["0", "2", "3", "20"], "BODD": ["trangt"]},
    "805": {"KJONN": ["0", "1", "2"], "SPM_ID": ["trives"], "TRINN": ["10"]},
    "806": {"KJONN": ["0", "1", "2"], "SPM_ID": ["mobbet"], "TRINN": ["7"]},
    "370": {"KJONN": ["0", "1", "2"], "ALDER": ["15_24"], "KODEGRUPPE": ["P01_P29ogP70_P99"]},
}
FHI_LABELS = {
    "GEO": "Geografi",
    "AAR": "År",
    "KJONN": "Kjønn",
    "ALDER": "Alder",
    "MEASURE_TYPE": "Måltall",
}
#: FHI's Måltall labels of each measure type, as TM's converted answers show them.
MEASURES = {
    "RATE": "andel (prosent)",
    "MEIS": "andel (prosent, standardisert)",
}


def _dataset(
    label: str, dims: list[Variable], values: list[float | None], status: dict[str, str]
) -> dict[str, Any]:
    document: dict[str, Any] = {
        "version": "2.0",
        "class": "dataset",
        "label": label,
        "source": "Statistisk sentralbyrå",
        "updated": "2025-03-01T08:00:00Z",
        "id": [d.code for d in dims],
        "size": [len(d.values) for d in dims],
        "dimension": {
            d.code: {
                "label": d.label,
                "category": {
                    "index": {c: i for i, c in enumerate(d.values)},
                    "label": {c: d.labels.get(c, c) for c in d.values},
                },
            }
            for d in dims
        },
        "value": values,
    }
    if status:
        document["status"] = status
    return document


def _cells(dims: list[Variable]) -> Iterator[tuple[str, ...]]:
    def walk(i: int, prefix: tuple[str, ...]) -> Iterator[tuple[str, ...]]:
        if i == len(dims):
            yield prefix
            return
        for code in dims[i].values:
            yield from walk(i + 1, (*prefix, code))

    return walk(0, ())


def _resolve(values: list[str], spec: str) -> list[str]:
    """A PxWebApi v2 selection expression (``*``, ``top(n)``, codes) over the table's codes."""
    out: list[str] = []
    for item in spec.split(","):
        if item == "*":
            out += values
        elif item.startswith("top(") and item.endswith(")"):
            out += values[-int(item[4:-1]) :]
        else:
            out.append(item)
    return out


def _neet_value(cell: dict[str, str]) -> tuple[float | None, str]:
    """NEET2 and TOT3 counts, consistent with each other; small groups are smaller."""
    region = cell["Region"].removeprefix("K-").removeprefix("F-")
    total = _population(region) * (1.0 if cell["Alder"] == "15-29" else 2.4)
    total *= {"0": 1.0, "1": 0.51, "2": 0.49}[cell["Kjonn"]]
    total *= {"A-G": 1.0, "B": 0.17, "C": 0.04}[cell["InnvandrKat"]]
    total *= 1 + 0.05 * (YEARS.index(cell["Tid"]) - 4) / 4
    total = round(total)
    if cell["HovArbStyrkStatus"] == "TOT3":
        return float(total), ""
    share = 0.06 + 0.08 * _unit("neet", region, cell["InnvandrKat"], cell["Tid"])
    return float(round(total * share)), ""


def _tiny(region: str) -> bool:
    """The smallest kommuner: the publisher hides or leaves out their figures."""
    return len(region) == 4 and _population(region) < 400


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        return None

    def _reply(self, code: int, body: dict[str, Any], headers: dict[str, str] | None = None):
        data = json.dumps(body, ensure_ascii=False).encode("utf-8")
        self.send_response(code)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _busy(self) -> bool:
        with self.server.guard:
            if self.server.busy > 0:
                self.server.busy -= 1
                self._reply(429, {"message": "Too many requests"}, {"Retry-After": "0"})
                return True
        return False

    def do_GET(self) -> None:
        self.server.calls.append(("GET", self.path))
        if self._busy():
            return
        url = urllib.parse.urlsplit(self.path)
        parts = url.path.strip("/").split("/")
        tables = _ssb_tables()
        if len(parts) < 3 or parts[-3] != "tables" or parts[-2] not in tables:
            self._reply(
                404, {"title": "Not Found", "status": 404, "detail": "Tabellen finnes ikke"}
            )
            return
        label, variables = tables[parts[-2]]
        if parts[-1] == "metadata":
            self._reply(200, _dataset(label, variables, [], {}))
            return
        query = urllib.parse.parse_qs(url.query)
        chosen = []
        for var in variables:
            spec = query.get(f"valueCodes[{var.code}]", ["*"])[0]
            codelist = query.get(f"codelist[{var.code}]", [""])[0]
            values = var.values
            if codelist == "agg_KommSummer":
                values = [f"K-{c}" for c in var.values if len(c) == 4 and c != "9999"]
            elif codelist == "agg_KommFylker":
                values = [f"F-{c}" for c in var.values if len(c) == 2]
            elif codelist == "vs_Landet":
                values = ["0"]
            picked = _resolve(values, spec)
            labels = {c: var.labels.get(c[2:] if c[1:2] == "-" else c, c) for c in picked}
            chosen.append(Variable(var.code, var.label, picked, labels))
        values: list[float | None] = []
        status: dict[str, str] = {}
        for i, cell in enumerate(_cells(chosen)):
            named = dict(zip([v.code for v in chosen], cell, strict=True))
            if parts[-2] == "13563":
                value, symbol = _neet_value(named)
            else:
                region = named["Region"]
                value = 8 + 10 * _unit("lavinntekt", region, named["Tid"])
                value = round(value, 1) if named["ContentsCode"] != "Personer" else 1000.0
                symbol = ""
                if region == "9999":
                    value, symbol = None, "."
            values.append(value)
            if symbol:
                status[str(i)] = symbol
        self._reply(200, _dataset(label, chosen, values, status))

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        self.server.calls.append(("POST", self.path))
        if self._busy():
            return
        parts = self.path.strip("/").split("/")
        table = parts[-2]
        known = FHI_TABLES.get(table)
        if known is None or parts[-1] != "data":
            self._reply(404, {"message": f"Tabell {table} finnes ikke"})
            return
        _setup()
        chosen = []
        for dim in body["dimensions"]:
            code, kind, given = dim["code"], dim["filter"], dim["values"]
            if code == "GEO":
                # Primary-care figures are not published for the smallest kommuner:
                # the answer leaves them out (a map shows them without data).
                values = [g for g in given if table != "370" or not _tiny(g)]
                labels = {c: _NAMES.get(c, c) for c in values}
            elif code == "AAR":
                spans = (
                    SPANS if table in ("403", "795", "805", "806") else [f"{y}_{y}" for y in YEARS]
                )
                values = spans[-int(given[0]) :] if kind == "bottom" else given
                labels = {c: c.replace("_", "-") for c in values}
            elif code == "MEASURE_TYPE":
                per_1000 = table == "370"
                values = given
                labels = {
                    c: "per 1000, standardisert" if per_1000 and c == "MEIS" else MEASURES[c]
                    for c in given
                }
            elif code in known:
                values = known[code] if kind == "all" else given
                labels = {}
            else:
                self._reply(400, {"message": f"Dimension '{code}' finnes ikke i tabellen"})
                return
            chosen.append(Variable(code, FHI_LABELS.get(code, code.lower()), values, labels))
        values_out: list[float | None] = []
        status: dict[str, str] = {}
        codes = [v.code for v in chosen]
        for i, cell in enumerate(_cells(chosen)):
            named = dict(zip(codes, cell, strict=True))
            region = named.get("GEO", "0")
            if _tiny(region) and (named.get("INNVKAT", "0") not in ("0", "20")):
                values_out.append(None)
                status[str(i)] = ":"
                continue
            values_out.append(round(5 + 15 * _unit("fhi", table, *cell), 1))
        self._reply(200, _dataset(f"Tabell {table}", chosen, values_out, status))


class _Server(ThreadingHTTPServer):
    calls: list[tuple[str, str]]
    busy: int
    guard: threading.Lock


@dataclass
class AgencyServer:
    """A running server: its root URL, the requests it got, and how to make it busy."""

    url: str
    server: _Server

    @property
    def calls(self) -> list[tuple[str, str]]:
        return self.server.calls

    def make_busy(self, times: int) -> None:
        """Answer the next ``times`` requests with 429 (``Retry-After: 0``)."""
        self.server.busy = times


@contextmanager
def serve_agencies(*, busy: int = 1) -> Iterator[AgencyServer]:
    """Serve SSB and FHI on 127.0.0.1 (one port for both), stopping when the block ends."""
    _setup()
    httpd = _Server(("127.0.0.1", 0), _Handler)
    httpd.calls = []
    httpd.busy = busy
    httpd.guard = threading.Lock()
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield AgencyServer(f"http://127.0.0.1:{httpd.server_address[1]}", httpd)
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=10)
