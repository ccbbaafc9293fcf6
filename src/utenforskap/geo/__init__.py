"""Geography: region codes and levels, roll-up of districts to kommune, fylke and land."""

from utenforskap.geo.codes import LEVELS, level_of, parent_code
from utenforskap.geo.rollup import rollup

__all__ = ["LEVELS", "level_of", "parent_code", "rollup"]
