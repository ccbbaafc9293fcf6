"""Geography: region codes, registry, harmonisation across reforms, roll-up, Klass, boundaries."""

from utenforskap.geo.boundaries import Boundaries, read_boundaries
from utenforskap.geo.codes import (
    LEVELS,
    GeoWarning,
    is_unknown_district,
    level_of,
    levels_of,
    normalise_codes,
    parent_code,
    unknown_district_code,
)
from utenforskap.geo.crosswalk import Crosswalk, crosswalk_from_frame, read_crosswalk
from utenforskap.geo.harmonise import Harmonised, HarmoniseReport, harmonise
from utenforskap.geo.klass import (
    crosswalk_from_klass_changes,
    fetch_klass_changes,
    fetch_klass_codes,
)
from utenforskap.geo.registry import FYLKER_2024, RegionRegistry, read_levekarssone_map
from utenforskap.geo.rollup import (
    UNKNOWN_DENOMINATOR_SHARE,
    UNKNOWN_NUMERATOR_SHARE,
    RolledUp,
    district_coverage,
    rollup,
    rollup_levels,
)

__all__ = [
    "FYLKER_2024",
    "LEVELS",
    "UNKNOWN_DENOMINATOR_SHARE",
    "UNKNOWN_NUMERATOR_SHARE",
    "Boundaries",
    "Crosswalk",
    "GeoWarning",
    "HarmoniseReport",
    "Harmonised",
    "RegionRegistry",
    "RolledUp",
    "crosswalk_from_frame",
    "crosswalk_from_klass_changes",
    "district_coverage",
    "fetch_klass_changes",
    "fetch_klass_codes",
    "harmonise",
    "is_unknown_district",
    "level_of",
    "levels_of",
    "normalise_codes",
    "parent_code",
    "read_boundaries",
    "read_crosswalk",
    "read_levekarssone_map",
    "rollup",
    "rollup_levels",
    "unknown_district_code",
]
