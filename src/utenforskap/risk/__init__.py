"""Risk factors that accumulate: a composite index, criteria classification, rank uncertainty."""

from utenforskap.risk.components import Component
from utenforskap.risk.criteria import (
    AreaClassification,
    Criterion,
    RiskWarning,
    classify_areas,
)
from utenforskap.risk.index import RiskIndex, risk_index
from utenforskap.risk.scores import METHODS

__all__ = [
    "METHODS",
    "AreaClassification",
    "Component",
    "Criterion",
    "RiskIndex",
    "RiskWarning",
    "classify_areas",
    "risk_index",
]
