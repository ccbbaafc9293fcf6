"""Read official statistics (JSON-stat, PC-Axis, CSV, SSB's API) and map them to counts."""

from utenforskap.io.cache import DEFAULT_CACHE_DIR, ResponseCache
from utenforskap.io.http import HttpClient, RateLimiter, RetryPolicy
from utenforskap.io.jsonstat import read_jsonstat
from utenforskap.io.labelled import LABELLED_SUFFIXES, Labelled, read_labelled
from utenforskap.io.mapping import ObservationMapping, observations_to_counts
from utenforskap.io.official import OFFICIAL_FORMATS, read_official_counts
from utenforskap.io.px import read_px
from utenforskap.io.selection import MAX_CELLS, MAX_URL_LENGTH, VariableSelection
from utenforskap.io.ssb import DEFAULT_BASE_URL, fetch_ssb
from utenforskap.io.tables import DIALECTS, TableDialect, read_table

__all__ = [
    "DEFAULT_BASE_URL",
    "DEFAULT_CACHE_DIR",
    "DIALECTS",
    "LABELLED_SUFFIXES",
    "MAX_CELLS",
    "MAX_URL_LENGTH",
    "OFFICIAL_FORMATS",
    "HttpClient",
    "Labelled",
    "ObservationMapping",
    "RateLimiter",
    "ResponseCache",
    "RetryPolicy",
    "TableDialect",
    "VariableSelection",
    "fetch_ssb",
    "observations_to_counts",
    "read_jsonstat",
    "read_labelled",
    "read_official_counts",
    "read_px",
    "read_table",
]
