"""utenforskap: youth exclusion indicators for Norwegian municipalities.

Import is cheap: matplotlib and the plotting layer load only when a chart is drawn.
"""

from __future__ import annotations

import importlib
from typing import Any

from utenforskap.errors import ConfigError, DataError, FetchError, UtenforskapError

__version__ = "0.1.0"

# Public names loaded on first use, so ``import utenforskap`` stays fast.
_LAZY: dict[str, str] = {
    # the run
    "run": "utenforskap.job.pipeline",
    "compute": "utenforskap.job.pipeline",
    "init_config": "utenforskap.job.init",
    "fetch_all": "utenforskap.job.fetch",
    "plan_run": "utenforskap.job.plan",
    "load_config": "utenforskap.job.config",
    # reading
    "read_microdata": "utenforskap.microdata",
    "read_labelled": "utenforskap.io",
    "read_jsonstat": "utenforskap.io",
    "read_px": "utenforskap.io",
    "read_table": "utenforskap.io",
    "fetch_ssb": "utenforskap.io",
    "ObservationMapping": "utenforskap.io",
    "observations_to_counts": "utenforskap.io",
    "read_official_counts": "utenforskap.io",
    # counting and geography
    "aggregate": "utenforskap.microdata",
    "harmonise": "utenforskap.geo",
    "read_crosswalk": "utenforskap.geo",
    "rollup_levels": "utenforskap.geo",
    "RegionRegistry": "utenforskap.geo",
    "read_boundaries": "utenforskap.geo",
    "reband": "utenforskap.ages",
    "pool_periods": "utenforskap.periods",
    # statistics
    "compute_indicators": "utenforskap.indicators",
    "compare_groups": "utenforskap.indicators",
    "holm_published": "utenforskap.adjust",
    "add_published_rates": "utenforskap.indicators",
    "proportion_ci": "utenforskap.stats",
    "count_ci": "utenforskap.stats",
    "rate_ci": "utenforskap.stats",
    "compute_dsr": "utenforskap.stats",
    "smooth_eb": "utenforskap.stats",
    "funnel_limits": "utenforskap.stats",
    # disclosure control
    "suppress": "utenforskap.disclosure",
    "rules_from_config": "utenforskap.disclosure",
    "require_disclosed": "utenforskap.disclosure",
    "audit_disclosure": "utenforskap.disclosure.audit",
    "audit_folder": "utenforskap.disclosure.audit",
    # risk accumulation
    "risk_index": "utenforskap.risk",
    "classify_areas": "utenforskap.risk",
    # registry and contracts
    "get_indicator": "utenforskap.registry",
    "indicator_table": "utenforskap.registry",
    "validate_counts": "utenforskap.frames",
    "validate_indicators": "utenforskap.frames",
    "write_demo_data": "utenforskap.datasets",
    # finished figures (title, subtitle, sources, notes): for reports and slides
    "chart_figure": "utenforskap.plot",
    "barometer_figure": "utenforskap.plot",
    "district_profile": "utenforskap.plot",
    "neighbour_figure": "utenforskap.plot",
    "group_figure": "utenforskap.plot",
    # charts on an Axes, for composing figures
    "district_bars": "utenforskap.plot",
    "neighbour_bars": "utenforskap.plot",
    "group_profile": "utenforskap.plot",
    "trend_lines": "utenforskap.plot",
    "funnel_plot": "utenforskap.plot",
    "barometer": "utenforskap.plot",
    "age_sex_profile": "utenforskap.plot",
    "choropleth": "utenforskap.plot",
    "tile_map": "utenforskap.plot",
}
_SUBMODULES = (
    "ages",
    "datasets",
    "disclosure",
    "frames",
    "geo",
    "io",
    "microdata",
    "periods",
    "plot",
    "registry",
    "risk",
    "stats",
)

__all__ = [
    "ConfigError",
    "DataError",
    "FetchError",
    "UtenforskapError",
    "__version__",
    *_LAZY,
    *_SUBMODULES,
]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    if name in _SUBMODULES:
        module = importlib.import_module(f"utenforskap.{name}")
        globals()[name] = module
        return module
    raise AttributeError(f"module 'utenforskap' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)
