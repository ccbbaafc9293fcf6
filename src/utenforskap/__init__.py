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
    "run": "utenforskap.pipeline",
    "compute": "utenforskap.pipeline",
    "load_config": "utenforskap.config",
    "compute_indicators": "utenforskap.indicators",
    "aggregate": "utenforskap.aggregate",
    "read_microdata": "utenforskap.aggregate",
    "suppress": "utenforskap.disclosure",
    "get_indicator": "utenforskap.registry",
    "indicator_table": "utenforskap.registry",
    "validate_counts": "utenforskap.frames",
    "validate_indicators": "utenforskap.frames",
    "write_demo_data": "utenforskap.datasets",
    "district_bars": "utenforskap.plot",
    "trend_lines": "utenforskap.plot",
}
_SUBMODULES = ("plot", "stats", "geo", "io", "frames", "datasets", "disclosure", "registry")

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
