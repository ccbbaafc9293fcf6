"""Parameter descriptions written once and filled into every chart's docstring (after seaborn)."""

from __future__ import annotations

import re
import textwrap
from collections.abc import Callable, Mapping
from typing import TypeVar

__all__ = ["PARAMS", "DocstringComponents", "fill_docstring"]

_F = TypeVar("_F", bound=Callable[..., object])
# A line that holds nothing but a placeholder such as ``{core.data}``.
_PLACEHOLDER = re.compile(r"^(?P<indent>[ \t]*)\{(?P<key>[A-Za-z_][\w.]*)\}[ \t]*$", re.MULTILINE)


class DocstringComponents:
    """Named docstring pieces, reached as attributes (``PARAMS.core.data``) or dotted keys.

    The idea is seaborn's ``_docstrings.DocstringComponents``: a parameter
    shared by many functions is described once, so the descriptions cannot
    drift apart. Each piece is a numpydoc parameter entry, written without
    indentation (the name on the first line, the description indented by
    four spaces).

    Parameters
    ----------
    entries
        Name → text (surrounding blank lines are stripped) or a nested group.
    """

    def __init__(self, entries: Mapping[str, str | DocstringComponents]) -> None:
        self._entries: dict[str, str | DocstringComponents] = {
            key: value if isinstance(value, DocstringComponents) else textwrap.dedent(value).strip()
            for key, value in entries.items()
        }

    def __getattr__(self, name: str) -> str | DocstringComponents:
        try:
            return self._entries[name]
        except KeyError:
            raise AttributeError(f"no docstring component {name!r}") from None

    def lookup(self, key: str) -> str:
        """The text of a dotted key such as ``"core.data"``; KeyError when there is none."""
        node: str | DocstringComponents = self
        for part in key.split("."):
            if not isinstance(node, DocstringComponents) or part not in node._entries:
                raise KeyError(f"no docstring component {key!r}")
            node = node._entries[part]
        if not isinstance(node, str):
            raise KeyError(f"{key!r} is a group of docstring components, not one")
        return node


PARAMS = DocstringComponents(
    {
        "core": DocstringComponents(
            {
                "data": """
                    data
                        An IndicatorFrame that has been through disclosure control
                        (:func:`utenforskap.disclosure.suppress`); hidden cells are
                        drawn as "prikket", never as a value.
                """,
                "lang": """
                    lang
                        ``"nb"`` (bokmål) or ``"en"``: the language of every label and
                        the number format (decimal comma in ``nb``).
                """,
                "ax": """
                    ax
                        Axes to draw on; default a new figure's.
                """,
                "indicator": """
                    indicator
                        Indicator id (see :data:`utenforskap.registry.INDICATORS`); may
                        be omitted when ``data`` holds only one.
                """,
                "period": """
                    period
                        Period label, a year (``"2024"``) or a pooled span
                        (``"2022-2024"``); may be omitted when ``data`` holds only one.
                """,
                "age": """
                    age
                        Age band label (``"16-25"``, ``"8-10 trinn"``); may be omitted
                        when ``data`` holds only one.
                """,
                "sex": """
                    sex
                        ``"total"``, ``"male"`` or ``"female"``.
                """,
                "group": """
                    group
                        Population group drawn (``"total"``, the whole population, by
                        default; e.g. ``"immigrants"``): a frame with group breakdowns
                        draws as one without them. A frame without a ``group`` column
                        is the whole population.
                """,
            }
        ),
        "figure": DocstringComponents(
            {
                "size": """
                    size
                        ``"a4"`` (report width), ``"slide"`` (16:9) or
                        ``(width, height)`` in inches.
                """,
                "synthetic": """
                    synthetic
                        Mark the figure "Syntetiske data" (only then: real data never
                        carry the mark).
                """,
                "sources": """
                    sources
                        A source table (:func:`utenforskap.sources.source_table`, one
                        row per indicator × region × source): the figure credits exactly
                        the sources of the rows it shows ("Kilde: SSB, tabell 13563;
                        beregninger: utenforskap"). None: only the computation is
                        credited.
                """,
                "measure": """
                    measure
                        The publisher's measure label (e.g. ``"andel (prosent,
                        standardisert)"``); a standardised measure makes the subtitle
                        say "standardisert". None: read from a ``measure`` column when
                        the frame has one.
                """,
                "ages": """
                    ages
                        Indicator id → age band; default each indicator's widest band
                        (:func:`utenforskap.select.widest_ages`).
                """,
            }
        ),
    }
)


def fill_docstring(components: DocstringComponents = PARAMS) -> Callable[[_F], _F]:
    """Replace each line holding only ``{group.name}`` with that component, at its indentation.

    Other braces in the docstring are left alone, so examples may hold dicts
    and format strings. An unknown key fails at import time.

    Parameters
    ----------
    components
        Where the keys are looked up.

    Returns
    -------
    callable
        A decorator that rewrites ``func.__doc__`` and returns ``func``.

    Examples
    --------
    >>> @fill_docstring()
    ... def chart(data, *, lang="nb"):
    ...     '''Draw a chart.
    ...
    ...     Parameters
    ...     ----------
    ...     {core.lang}
    ...     '''
    >>> print(chart.__doc__.splitlines()[4])
        lang
    """

    def fill(match: re.Match[str]) -> str:
        indent = match.group("indent")
        text = components.lookup(match.group("key"))
        return "\n".join(indent + line if line else line for line in text.splitlines())

    def decorate(func: _F) -> _F:
        if func.__doc__:
            func.__doc__ = _PLACEHOLDER.sub(fill, func.__doc__)
        return func

    return decorate
