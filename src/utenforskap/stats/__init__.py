"""Statistical methods: intervals, comparisons, standardisation, funnel limits, smoothing."""

from utenforskap.stats.compare import (
    classify,
    compare_with_reference,
    holm,
    two_proportion_test,
)
from utenforskap.stats.funnel import (
    FUNNEL_KINDS,
    FUNNEL_LEVELS,
    FUNNEL_METHODS,
    dersimonian_laird_tau2,
    funnel_classify,
    funnel_limits,
)
from utenforskap.stats.intervals import (
    COUNT_METHODS,
    EXACT_BELOW,
    PROPORTION_METHODS,
    Interval,
    count_ci,
    proportion_ci,
    rate_ci,
)
from utenforskap.stats.smoothing import EB_METHODS, EB_MIN_DISTRICTS, smooth_eb
from utenforskap.stats.standardise import (
    DSR_MIN_COUNT,
    compute_dsr,
    european_standard_population,
    standard_from_counts,
)

__all__ = [
    "COUNT_METHODS",
    "DSR_MIN_COUNT",
    "EB_METHODS",
    "EB_MIN_DISTRICTS",
    "EXACT_BELOW",
    "FUNNEL_KINDS",
    "FUNNEL_LEVELS",
    "FUNNEL_METHODS",
    "PROPORTION_METHODS",
    "Interval",
    "classify",
    "compare_with_reference",
    "compute_dsr",
    "count_ci",
    "dersimonian_laird_tau2",
    "european_standard_population",
    "funnel_classify",
    "funnel_limits",
    "holm",
    "proportion_ci",
    "rate_ci",
    "smooth_eb",
    "standard_from_counts",
    "two_proportion_test",
]
