"""Statistical methods: intervals, comparisons, standardisation, funnel limits, smoothing."""

from utenforskap.stats.compare import classify, two_proportion_test
from utenforskap.stats.intervals import PROPORTION_METHODS, proportion_ci

__all__ = ["PROPORTION_METHODS", "classify", "proportion_ci", "two_proportion_test"]
