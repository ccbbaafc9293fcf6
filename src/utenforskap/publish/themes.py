"""Figures grouped by theme, in the order the index page and the report list them."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, NamedTuple

from utenforskap.registry import INDICATORS, THEMES
from utenforskap.texts import text

if TYPE_CHECKING:
    from utenforskap.publish.render import FigureFile

__all__ = [
    "DISTRICTS",
    "OTHER",
    "OVERVIEW",
    "RISK",
    "ThemeGroup",
    "group_by_theme",
    "theme_name",
]

#: Theme of figures over all indicators (the barometer).
OVERVIEW = "overview"
#: Theme of the risk charts (risk factors that accumulate).
RISK = "risk"
#: Theme of indicators outside the registry.
OTHER = "other"
#: Theme of the district profile pages, last.
DISTRICTS = "districts"


class ThemeGroup(NamedTuple):
    """The figures of one theme.

    Attributes
    ----------
    key
        :data:`OVERVIEW`, a key of :data:`utenforskap.registry.THEMES`, or
        :data:`OTHER`.
    figures
        The theme's figures, in pack order.
    """

    key: str
    figures: list[FigureFile]


def theme_name(key: str, *, lang: str = "nb") -> str:
    """The heading of a theme.

    Parameters
    ----------
    key
        :data:`OVERVIEW`, a key of :data:`utenforskap.registry.THEMES`, or
        :data:`OTHER`.
    lang
        ``"nb"`` or ``"en"``.

    Returns
    -------
    str
        The heading.

    Examples
    --------
    >>> theme_name("overview"), theme_name("mental_health", lang="en")
    ('Oversikt', 'Mental health and wellbeing')
    """
    return text(f"theme.{key}", lang)


def group_by_theme(figures: Sequence[FigureFile]) -> list[ThemeGroup]:
    """Figures grouped by theme: overview, risk, the registry's themes, others, district profiles.

    Parameters
    ----------
    figures
        Figures of a pack (their ``indicator`` decides the theme).

    Returns
    -------
    list of ThemeGroup
        Non-empty groups, each keeping the figures' order.

    Examples
    --------
    >>> from utenforskap.publish.render import FigureFile
    >>> figs = [FigureFile("a", (), "ungdata_loneliness", "", ""),
    ...         FigureFile("b", (), "", "", ""), FigureFile("c", (), "", "", "", "district"),
    ...         FigureFile("d", (), "", "", "", "risk")]
    >>> [(g.key, [f.stem for f in g.figures]) for g in group_by_theme(figs)]
    [('overview', ['b']), ('risk', ['d']), ('mental_health', ['a']), ('districts', ['c'])]
    """
    groups: dict[str, list[FigureFile]] = {}
    for fig in figures:
        if fig.kind == "risk":
            theme = RISK
        elif fig.kind == "district":
            theme = DISTRICTS
        elif not fig.indicator:
            theme = OVERVIEW
        elif fig.indicator in INDICATORS:
            theme = INDICATORS[fig.indicator].theme
        else:
            theme = OTHER
        groups.setdefault(theme, []).append(fig)
    return [
        ThemeGroup(key, groups[key])
        for key in (OVERVIEW, RISK, *THEMES, OTHER, DISTRICTS)
        if key in groups
    ]
