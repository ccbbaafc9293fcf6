"""Read official statistics (JSON-stat, PX, CSV, XLSX, SSB and FHI APIs) into counts or rates."""

from utenforskap.io.cache import DEFAULT_CACHE_DIR, ResponseCache
from utenforskap.io.fhi import FHI_BASE_URL, FhiTable, fetch_fhi, fetch_fhi_table
from utenforskap.io.http import HttpClient, RateLimiter, RetryPolicy
from utenforskap.io.jsonstat import read_jsonstat, read_jsonstat_metadata
from utenforskap.io.labelled import LABELLED_SUFFIXES, Labelled, read_labelled
from utenforskap.io.mapping import ObservationMapping, observations_to_counts
from utenforskap.io.official import OFFICIAL_FORMATS, read_official_counts
from utenforskap.io.px import read_px
from utenforskap.io.rates import RateMapping, observations_to_rates
from utenforskap.io.selection import MAX_CELLS, MAX_URL_LENGTH, VariableSelection
from utenforskap.io.ssb import DEFAULT_BASE_URL, SsbTable, fetch_ssb, fetch_ssb_table
from utenforskap.io.tables import DIALECTS, TableDialect, read_table
from utenforskap.io.xlsx import read_xlsx

__all__ = [
    "DEFAULT_BASE_URL",
    "DEFAULT_CACHE_DIR",
    "DIALECTS",
    "FHI_BASE_URL",
    "LABELLED_SUFFIXES",
    "MAX_CELLS",
    "MAX_URL_LENGTH",
    "OFFICIAL_FORMATS",
    "FhiTable",
    "HttpClient",
    "Labelled",
    "ObservationMapping",
    "RateLimiter",
    "RateMapping",
    "ResponseCache",
    "RetryPolicy",
    "SsbTable",
    "TableDialect",
    "VariableSelection",
    "fetch_fhi",
    "fetch_fhi_table",
    "fetch_ssb",
    "fetch_ssb_table",
    "observations_to_counts",
    "observations_to_rates",
    "read_jsonstat",
    "read_jsonstat_metadata",
    "read_labelled",
    "read_official_counts",
    "read_px",
    "read_table",
    "read_xlsx",
]
