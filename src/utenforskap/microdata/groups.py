"""Standard code maps for population groups (``group=``): SSB's immigrant categories.

SSB's register variable *innvandringskategori* (microdata.no ``BEFOLKNING_INVKAT``;
statbank variable ``InnvandrKat``) has six codes:

====  ==============================================  =====================================
code  SSB's category                                  group (this package)
====  ==============================================  =====================================
A     Født i Norge med to norskfødte foreldre          ``rest_of_population``
B     Innvandrere                                     ``immigrants``
C     Norskfødte med innvandrerforeldre               ``norwegian_born_to_immigrant_parents``
E     Utenlandsfødte med én norskfødt forelder         ``rest_of_population``
F     Norskfødte med én utenlandsfødt forelder         ``rest_of_population``
G     Utenlandsfødte med to norskfødte foreldre        ``rest_of_population``
====  ==============================================  =====================================

SSB publishes three groups: *innvandrere*, *norskfødte med innvandrerforeldre*
and *befolkningen ellers* (everybody else apart from persons with an unknown
category, in practice persons without a Norwegian national identity number).
Municipal plans often merge the first two ("innvandrere og norskfødte med
innvandrerforeldre"): :data:`SSB_IMMIGRANT_BACKGROUND`.

Figure texts for these labels are in :mod:`utenforskap.texts` as
``group.<label>`` (e.g. ``text("group.immigrants")`` → "innvandrere").

A blank or unknown category is not in these maps on purpose: declare it
(e.g. ``{**SSB_IMMIGRANT_CATEGORY, "": "unknown"}``) so that the cells of
unknown category are counted, and protected, as their own group.

Published tables carry their own total as a code, so their maps
(:data:`TABLE_GROUP_MAPS`, for ``group_map`` of an observation or rate
mapping) map that code to ``"total"``:

- SSB's statbank variable ``InnvandrKat``: ``A-G`` (all categories) [seen as a
  selection value in Telemark fylkeskommune's stored queries; its meaning
  "all" inferred], ``B`` innvandrere and ``C`` norskfødte med
  innvandrerforeldre [inferred: the register's letters].
- FHI's ``INNVKAT`` (Kommunehelsa): ``0`` all [seen], ``2`` innvandrere
  [inferred from Telemark's labels], ``3`` norskfødte med innvandrerforeldre
  [inferred], ``20`` the population except immigrants [inferred from
  Telemark's labels "innvandrere" vs the rest; whether ``20`` includes the
  Norwegian-born to immigrant parents is not documented in the sources read,
  so it gets a label of its own, ``population_except_immigrants``, not
  SSB's ``rest_of_population``].

Check inferred codes against the table's metadata before relying on them: a
code not in a given map is left out of the counts (never guessed).
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from utenforskap.errors import ParameterError, choice_problem

__all__ = [
    "FHI_INNVKAT",
    "GROUP_MAPS",
    "SSB_IMMIGRANT_BACKGROUND",
    "SSB_IMMIGRANT_CATEGORY",
    "SSB_STATBANK_IMMIGRANT_CATEGORY",
    "TABLE_GROUP_MAPS",
    "UNKNOWN_GROUP",
    "group_map",
    "table_group_map",
]

#: The group label for codes a user maps to "not known" on purpose.
UNKNOWN_GROUP = "unknown"

_REST = "rest_of_population"

#: SSB's immigrant category codes → SSB's three published groups.
SSB_IMMIGRANT_CATEGORY: Mapping[str, str] = MappingProxyType(
    {
        "A": _REST,
        "B": "immigrants",
        "C": "norwegian_born_to_immigrant_parents",
        "E": _REST,
        "F": _REST,
        "G": _REST,
    }
)

#: The common merge: immigrants and Norwegian-born to immigrant parents together.
SSB_IMMIGRANT_BACKGROUND: Mapping[str, str] = MappingProxyType(
    {
        "A": _REST,
        "B": "immigrants_and_descendants",
        "C": "immigrants_and_descendants",
        "E": _REST,
        "F": _REST,
        "G": _REST,
    }
)

#: Standard maps by name, as a configuration names them (``group_codes = "…"``).
GROUP_MAPS: Mapping[str, Mapping[str, str]] = MappingProxyType(
    {
        "ssb_immigrant_category": SSB_IMMIGRANT_CATEGORY,
        "ssb_immigrant_background": SSB_IMMIGRANT_BACKGROUND,
    }
)


#: SSB statbank ``InnvandrKat`` codes (total ``A-G``) → group labels.
SSB_STATBANK_IMMIGRANT_CATEGORY: Mapping[str, str] = MappingProxyType(
    {"A-G": "total", "B": "immigrants", "C": "norwegian_born_to_immigrant_parents"}
)

#: FHI Kommunehelsa ``INNVKAT`` codes (total ``0``) → group labels; see the module notes.
FHI_INNVKAT: Mapping[str, str] = MappingProxyType(
    {
        "0": "total",
        "2": "immigrants",
        "3": "norwegian_born_to_immigrant_parents",
        "20": "population_except_immigrants",
    }
)

#: Standard maps for published tables (their total is a code), by name, as a
#: configuration's ``group_map = "…"`` names them; the microdata maps are valid there too.
TABLE_GROUP_MAPS: Mapping[str, Mapping[str, str]] = MappingProxyType(
    {
        "ssb_statbank_immigrant_category": SSB_STATBANK_IMMIGRANT_CATEGORY,
        "fhi_innvkat": FHI_INNVKAT,
        **GROUP_MAPS,
    }
)


def table_group_map(codes: str | Mapping[str, str]) -> dict[str, str]:
    """Resolve ``group_map`` of an observation or rate mapping: a standard map by name, or a table.

    Parameters
    ----------
    codes
        A key of :data:`TABLE_GROUP_MAPS`, or a mapping from codes to group labels
        (``"total"`` allowed: a published table's total is a cell of its own).

    Returns
    -------
    dict
        Code → group label.

    Raises
    ------
    ParameterError
        An unknown map name or a blank label.

    Examples
    --------
    >>> table_group_map("fhi_innvkat")["0"]
    'total'
    """
    if isinstance(codes, str):
        if codes not in TABLE_GROUP_MAPS:
            raise ParameterError(
                f"group_map {choice_problem(codes, TABLE_GROUP_MAPS)}",
                parameter="group_map",
                value=codes,
            )
        return dict(TABLE_GROUP_MAPS[codes])
    resolved = {str(code): label for code, label in codes.items()}
    for code, label in resolved.items():
        if not isinstance(label, str) or not label:
            raise ParameterError(
                f"group_map[{code!r}] must be a non-empty label; not {label!r}",
                parameter="group_map",
                value=label,
            )
    return resolved


def group_map(codes: str | Mapping[str, str]) -> dict[str, str]:
    """Resolve ``group_codes``: a standard map by name, or a code → label mapping.

    Parameters
    ----------
    codes
        A key of :data:`GROUP_MAPS`, or a mapping from codes to group labels.

    Returns
    -------
    dict
        Code → group label.

    Raises
    ------
    ParameterError
        An unknown map name, a label that is blank, or the reserved label ``"total"``.

    Examples
    --------
    >>> group_map("ssb_immigrant_background")["C"]
    'immigrants_and_descendants'
    >>> group_map({"1": "low", "2": "high", "": "unknown"})[""]
    'unknown'
    """
    if isinstance(codes, str):
        if codes not in GROUP_MAPS:
            raise ParameterError(
                f"group_codes {choice_problem(codes, GROUP_MAPS)}",
                parameter="group_codes",
                value=codes,
            )
        return dict(GROUP_MAPS[codes])
    resolved = {str(code): label for code, label in codes.items()}
    for code, label in resolved.items():
        if not isinstance(label, str) or not label or label == "total":
            raise ParameterError(
                f"group_codes[{code!r}] must be a non-empty label other than 'total' "
                f"(the whole population is added as group 'total'); not {label!r}",
                parameter="group_codes",
                value=label,
            )
    return resolved
