"""PxWebApi v2 selections: parse, check against table metadata, and split large requests."""

from __future__ import annotations

import fnmatch
import math
import re
import urllib.parse
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace

from utenforskap.errors import ConfigError
from utenforskap.io.cube import Dimension

__all__ = [
    "MAX_CELLS",
    "MAX_URL_LENGTH",
    "VariableSelection",
    "check_selection",
    "parse_selection",
    "query_string",
    "split_selection",
]

#: SSB's limit on data cells per extract.
MAX_CELLS = 800_000
#: A safe URL length: SSB (and proxies before it) refuse much longer GET URLs.
MAX_URL_LENGTH = 2_000

_FUNCTION = re.compile(r"^(top|bottom|from|to|range)\((.*)\)$", re.IGNORECASE)
# Characters left readable in URLs; PxWebApi reads them literally.
_SAFE = "*?(),:-._~"

Selection = Mapping[str, str | Sequence[str]]


@dataclass(frozen=True)
class VariableSelection:
    """What to ask for one variable: explicit codes or one selection expression.

    Attributes
    ----------
    variable
        The variable code (``Region``, ``Tid`` …).
    codes
        Explicit value codes, or None when ``expression`` is used.
    expression
        ``*``, a mask such as ``2020*`` or ``03??``, ``top(n)``, ``bottom(n)``,
        ``from(x)``, ``to(x)`` or ``range(x,y)``.
    codelist
        A codelist (value set or grouping) id, e.g. ``agg_KommSummer``.
    output_values
        ``aggregated`` or ``single`` for a grouping codelist.
    """

    variable: str
    codes: tuple[str, ...] | None = None
    expression: str | None = None
    codelist: str | None = None
    output_values: str | None = None

    @property
    def text(self) -> str:
        """The value of ``valueCodes[variable]`` in the URL."""
        return ",".join(self.codes) if self.codes is not None else self.expression or ""


def parse_selection(
    selection: Selection,
    *,
    codelist: Mapping[str, str] | None = None,
    output_values: Mapping[str, str] | None = None,
) -> list[VariableSelection]:
    """Turn a user's selection into one :class:`VariableSelection` per variable.

    Parameters
    ----------
    selection
        Variable → a list of codes, or a text: ``"*"``, ``"top(3)"``,
        ``"from(2015)"``, ``"0301,3203"``, a mask ``"2020*"``.
    codelist, output_values
        Variable → codelist id, and variable → ``"aggregated"``/``"single"``.

    Returns
    -------
    list of VariableSelection
        In the order given.
    """
    if not isinstance(selection, Mapping) or not selection:
        raise ConfigError(
            "selection must be a non-empty mapping of variable → codes or expression",
            key="selection",
            value=selection,
        )
    codelist = dict(codelist or {})
    output_values = dict(output_values or {})
    for key, given in (("codelist", codelist), ("output_values", output_values)):
        unknown = [v for v in given if v not in selection]
        if unknown:
            raise ConfigError(
                f"{key} names variable {unknown[0]!r}, which is not in the selection",
                key=f"{key}.{unknown[0]}",
            )
    out = []
    for variable, spec in selection.items():
        if isinstance(spec, str):
            text = spec.strip()
            if _FUNCTION.match(text) or "*" in text or "?" in text:
                codes, expression = None, text
            else:
                codes, expression = tuple(c.strip() for c in text.split(",")), None
        elif isinstance(spec, Sequence) and all(isinstance(c, str) for c in spec):
            codes, expression = tuple(spec), None
        else:
            raise ConfigError(
                "a selection must be a text or a list of code texts",
                key=f"selection.{variable}",
                value=spec,
            )
        if codes is not None and (not codes or "" in codes):
            raise ConfigError("empty value code", key=f"selection.{variable}", value=spec)
        out.append(
            VariableSelection(
                variable,
                codes=codes,
                expression=expression,
                codelist=codelist.get(variable),
                output_values=output_values.get(variable),
            )
        )
    return out


def _resolve(sel: VariableSelection, dim: Dimension) -> tuple[str, ...] | None:
    """Codes the selection stands for, or None when only the server can tell."""
    if sel.codelist is not None:
        return sel.codes
    if sel.codes is not None:
        return sel.codes
    text = sel.expression or ""
    match = _FUNCTION.match(text)
    if match is None:
        return tuple(c for c in dim.codes if fnmatch.fnmatchcase(c, text))
    name, argument = match.group(1).lower(), match.group(2).strip()
    codes = dim.codes
    if name in ("from", "to", "range"):
        bounds = [a.strip() for a in argument.split(",")]
        expected = 2 if name == "range" else 1
        if len(bounds) != expected or any(b not in codes for b in bounds):
            raise ConfigError(
                f"{name}() needs {expected} code(s) of {dim.id}",
                key=f"selection.{dim.id}",
                value=text,
            )
        first, last = 0, len(codes) - 1
        if name == "from":
            first = codes.index(bounds[0])
        elif name == "to":
            last = codes.index(bounds[0])
        else:
            first, last = codes.index(bounds[0]), codes.index(bounds[1])
        return codes[first : last + 1]
    return None


def _count(sel: VariableSelection, dim: Dimension) -> int:
    resolved = _resolve(sel, dim)
    if resolved is not None:
        return len(resolved)
    match = _FUNCTION.match(sel.expression or "")
    if match and match.group(1).lower() in ("top", "bottom"):
        number = match.group(2).split(",")[0].strip()
        if not number.isdigit():
            raise ConfigError(
                f"{match.group(1)}() needs a count", key=f"selection.{dim.id}", value=sel.expression
            )
        return min(int(number), dim.size)
    # A codelist with an expression: the value set is the server's; the table's
    # own size is an upper bound good enough for splitting.
    return dim.size


def check_selection(
    selections: Sequence[VariableSelection], dimensions: Sequence[Dimension], *, table: str
) -> list[VariableSelection]:
    """Check variables and codes against the table's metadata.

    Parameters
    ----------
    selections
        From :func:`parse_selection`.
    dimensions
        The table's variables, from its ``/metadata``.
    table
        The table id, for messages.

    Returns
    -------
    list of VariableSelection
        The same selections, with ``*`` left as is.

    Raises
    ------
    ConfigError
        An unknown variable, an unknown code, or an expression that selects nothing.
    """
    by_id = {d.id: d for d in dimensions}
    for sel in selections:
        dim = by_id.get(sel.variable)
        if dim is None:
            raise ConfigError(
                f"table {table} has no variable {sel.variable!r}; it has {list(by_id)}",
                key=f"selection.{sel.variable}",
            )
        if sel.codes is not None and sel.codelist is None:
            known = set(dim.codes)
            unknown = [c for c in sel.codes if c not in known]
            if unknown:
                sample = ", ".join(dim.codes[:8]) + (" …" if dim.size > 8 else "")
                raise ConfigError(
                    f"table {table}, variable {sel.variable}: no value code {unknown[0]!r} "
                    f"(codes are e.g. {sample})",
                    key=f"selection.{sel.variable}",
                    value=unknown[0],
                )
        if _count(sel, dim) == 0:
            raise ConfigError(
                f"table {table}, variable {sel.variable}: the selection matches no value",
                key=f"selection.{sel.variable}",
                value=sel.text,
            )
    return list(selections)


def query_string(selections: Sequence[VariableSelection], *, lang: str) -> str:
    """Return the data request's query: ``lang``, ``outputFormat`` and per-variable parts.

    Parameters
    ----------
    selections
        One per variable.
    lang
        ``no`` or ``en``.

    Returns
    -------
    str
        E.g. ``lang=no&outputFormat=json-stat2&valueCodes[Tid]=2023,2024``.
    """
    parts = [f"lang={urllib.parse.quote(lang)}", "outputFormat=json-stat2"]
    for sel in selections:
        variable = urllib.parse.quote(sel.variable, safe="")
        parts.append(f"valueCodes[{variable}]={urllib.parse.quote(sel.text, safe=_SAFE)}")
        if sel.codelist is not None:
            parts.append(f"codelist[{variable}]={urllib.parse.quote(sel.codelist, safe=_SAFE)}")
        if sel.output_values is not None:
            value = urllib.parse.quote(sel.output_values, safe=_SAFE)
            parts.append(f"outputValues[{variable}]={value}")
    return "&".join(parts)


def split_selection(
    selections: Sequence[VariableSelection],
    dimensions: Sequence[Dimension],
    *,
    url_of: Callable[[Sequence[VariableSelection]], str],
    max_cells: int = MAX_CELLS,
    max_url_length: int = MAX_URL_LENGTH,
) -> list[list[VariableSelection]]:
    """Split a selection into requests that each stay under the cell and URL limits.

    The variable with the most selected values is halved until every part
    fits; ``*`` and ranges are resolved to explicit codes only when a split
    needs them. ``top()``/``bottom()`` selections are never split.

    Parameters
    ----------
    selections
        Checked selections.
    dimensions
        The table's variables.
    url_of
        Builds the URL of a request, to measure its length.
    max_cells, max_url_length
        The limits.

    Returns
    -------
    list of list of VariableSelection
        One selection per request, in a deterministic order; together they
        ask for exactly the cells of the original.
    """
    by_id = {d.id: d for d in dimensions}

    def fits(part: Sequence[VariableSelection]) -> bool:
        cells = math.prod(_count(s, by_id[s.variable]) for s in part)
        return cells <= max_cells and len(url_of(part)) <= max_url_length

    def split(part: list[VariableSelection]) -> list[list[VariableSelection]]:
        if fits(part):
            return [part]
        candidates = []
        for position, sel in enumerate(part):
            codes = _resolve(sel, by_id[sel.variable])
            if codes is not None and len(codes) > 1:
                candidates.append((len(codes), -position, position, codes))
        if not candidates:
            raise ConfigError(
                f"the request cannot be split under {max_cells} cells and "
                f"{max_url_length} URL characters; select fewer values",
                key="selection",
            )
        _, _, position, codes = max(candidates)
        middle = len(codes) // 2
        halves = []
        for chunk in (codes[:middle], codes[middle:]):
            piece = list(part)
            piece[position] = replace(part[position], codes=tuple(chunk), expression=None)
            halves.extend(split(piece))
        return halves

    return split(list(selections))
