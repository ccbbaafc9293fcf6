"""Risk factors that accumulate: a composite index, criteria classification, rank uncertainty."""

from utenforskap.risk.components import Component
from utenforskap.risk.config import RiskSettings, risk_from_config
from utenforskap.risk.criteria import (
    AreaClassification,
    Criterion,
    RiskWarning,
    classify_areas,
)
from utenforskap.risk.gate import require_risk_disclosed, risk_tables
from utenforskap.risk.index import RiskIndex, risk_index
from utenforskap.risk.scores import METHODS
from utenforskap.risk.sensitivity import Sensitivity, risk_sensitivity

__all__ = [
    "METHODS",
    "AreaClassification",
    "Component",
    "Criterion",
    "RiskIndex",
    "RiskSettings",
    "RiskWarning",
    "Sensitivity",
    "classify_areas",
    "require_risk_disclosed",
    "risk_from_config",
    "risk_index",
    "risk_sensitivity",
    "risk_tables",
]
