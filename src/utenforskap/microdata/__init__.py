"""Microdata (one row per person or respondent) → CountFrame, on pandas, DuckDB or Spark.

Modules: :mod:`.engine` (``aggregate``), :mod:`.spec` (options and the checks
every engine runs in the same order), :mod:`.sql` (the SQL compiler),
:mod:`.pandas_engine`, :mod:`.duckdb_engine`, :mod:`.spark_engine`,
:mod:`.sources` (files and frames), :mod:`.groups` (standard code maps for
population groups) and :mod:`.files` (CSV and counts files).
"""

from utenforskap.microdata.engine import ANSWERS, ENGINES, PANDAS_MAX_ROWS, aggregate
from utenforskap.microdata.files import read_counts, read_microdata
from utenforskap.microdata.groups import (
    FHI_INNVKAT,
    GROUP_MAPS,
    SSB_IMMIGRANT_BACKGROUND,
    SSB_IMMIGRANT_CATEGORY,
    SSB_STATBANK_IMMIGRANT_CATEGORY,
    TABLE_GROUP_MAPS,
    UNKNOWN_GROUP,
    group_map,
    table_group_map,
)

__all__ = [
    "ANSWERS",
    "ENGINES",
    "FHI_INNVKAT",
    "GROUP_MAPS",
    "PANDAS_MAX_ROWS",
    "SSB_IMMIGRANT_BACKGROUND",
    "SSB_IMMIGRANT_CATEGORY",
    "SSB_STATBANK_IMMIGRANT_CATEGORY",
    "TABLE_GROUP_MAPS",
    "UNKNOWN_GROUP",
    "aggregate",
    "group_map",
    "read_counts",
    "read_microdata",
    "table_group_map",
]
