"""Dense data cubes (dimensions × values × status) turned into tidy observation frames."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd

from utenforskap import frames as F
from utenforskap.errors import DataError, UtenforskapWarning, check_choice

__all__ = [
    "LABEL_SUFFIX",
    "NAMINGS",
    "STATUS",
    "VALUE",
    "Dimension",
    "SymbolWarning",
    "check_naming",
    "check_status",
    "cube_to_frame",
    "translate_symbols",
]

Naming = Literal["code", "label", "both"]
NAMINGS: tuple[str, ...] = ("code", "label", "both")
#: Name of the value column of an observation frame.
VALUE = F.VALUE
#: Name of the status column of an observation frame.
STATUS = F.STATUS
#: Suffix of the label column when ``naming="both"``.
LABEL_SUFFIX = "_label"


@dataclass(frozen=True)
class Dimension:
    """One dimension of a cube: its id, label, and categories in storage order."""

    id: str
    label: str
    codes: tuple[str, ...]
    labels: tuple[str, ...]
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def size(self) -> int:
        """Number of categories."""
        return len(self.codes)


class SymbolWarning(UtenforskapWarning):
    """A publisher's data symbol was read by a default rather than a declaration."""

    kind = "symbols"


def translate_symbols(
    status: np.ndarray, mapping: Mapping[str, str] | None, *, file: object | None = None
) -> np.ndarray:
    """Replace publisher symbols by the package's (see :mod:`utenforskap.counts`).

    Parameters
    ----------
    status
        Object array of the publisher's symbols (``""`` where a value is present).
    mapping
        Publisher symbol → package symbol; symbols not in it are kept (and
        then checked by :func:`check_status`).
    file
        Unused except for messages by callers; kept for a uniform signature.

    Returns
    -------
    numpy.ndarray
        A new object array.

    Examples
    --------
    >>> import numpy as np
    >>> translate_symbols(np.array(["", "....", "x"], dtype=object), {"....": ".."}).tolist()
    ['', '..', 'x']
    """
    out = np.asarray(status, dtype=object).copy()
    if not mapping:
        return out
    series = pd.Series(out, dtype=object)
    mapped = series.map(dict(mapping))
    return mapped.where(mapped.notna(), series).to_numpy(dtype=object)


def check_naming(naming: str) -> None:
    """Raise :class:`~utenforskap.errors.ParameterError` unless ``naming`` is in :data:`NAMINGS`."""
    check_choice("naming", naming, NAMINGS)


def check_status(
    status: np.ndarray,
    *,
    symbols: Collection[str] | None,
    file: object | None,
    column: str = STATUS,
) -> None:
    """Raise DataError at the first status that is not text or not an allowed symbol.

    Parameters
    ----------
    status
        Object array of status strings ("" where a value is present).
    symbols
        Allowed symbols; None allows any text.
    file, column
        Where the status came from, for the error.
    """
    try:
        uniques = pd.unique(pd.Series(status, dtype=object, copy=False))
        clean = all(isinstance(u, str) and (symbols is None or u in symbols) for u in uniques)
    except TypeError:  # an unhashable entry: a list or an object where a symbol belongs
        clean = False
    if clean:
        return
    # Only on the error path: find the first offending cell.
    bad = np.fromiter(
        (not isinstance(s, str) or (symbols is not None and s not in symbols) for s in status),
        dtype=bool,
        count=len(status),
    )
    position = int(np.flatnonzero(bad)[0])
    allowed = "any text" if symbols is None else f"one of {sorted(symbols)}"
    raise DataError(
        f"unknown status symbol at cell {position}; expected {allowed}",
        file=file,
        column=column,
        row=position,
        value=status[position],
        hint="pass status_symbols=None to keep other agencies' symbols",
    )


def cube_to_frame(
    dimensions: Sequence[Dimension],
    values: np.ndarray,
    status: np.ndarray,
    *,
    naming: Naming = "code",
    attrs: dict[str, Any] | None = None,
) -> pd.DataFrame:
    """Expand a row-major cube into a tidy frame, one row per cell.

    The last dimension varies fastest (JSON-stat and PC-Axis store cells so).
    Each dimension column is built from the cube's strides with numpy.

    Parameters
    ----------
    dimensions
        The dimensions in storage order.
    values
        Float array with one value per cell.
    status
        Object array with one status string per cell.
    naming
        ``"code"``: dimension columns hold category codes; ``"label"``: labels;
        ``"both"``: codes in ``<dim>`` and labels in ``<dim>_label``.
    attrs
        Metadata to attach as ``DataFrame.attrs``.

    Returns
    -------
    pandas.DataFrame
        One column per dimension (object dtype, text), then ``value`` (float)
        and ``status`` (``""`` or a symbol).
    """
    check_naming(naming)
    sizes = [d.size for d in dimensions]
    n = int(np.prod(sizes, dtype=np.int64)) if sizes else 1
    columns: dict[str, pd.Series] = {}
    stride = n
    for dim in dimensions:
        size = dim.size
        stride = stride // size if size else 0
        if n == 0:
            index = np.zeros(0, dtype=np.intp)
        else:
            # Category k repeats `stride` times, and that block repeats for every
            # combination of the slower dimensions before it.
            block = np.repeat(np.arange(size, dtype=np.intp), stride)
            index = np.tile(block, n // (size * stride))
        wanted = []
        if naming in ("code", "both"):
            wanted.append((dim.id, dim.codes))
        if naming == "label":
            wanted.append((dim.id, dim.labels))
        if naming == "both":
            wanted.append((dim.id + LABEL_SUFFIX, dim.labels))
        for name, categories in wanted:
            lookup = np.empty(size, dtype=object)
            lookup[:] = list(categories)
            columns[name] = pd.Series(lookup[index], dtype=object, copy=False)
    if (
        VALUE in columns
        or STATUS in columns
        or len(columns) != len(dimensions) * (2 if naming == "both" else 1)
    ):
        raise DataError(
            "dimension columns would collide (a dimension named 'value', 'status', "
            f"or '<dim>{LABEL_SUFFIX}' next to <dim>)",
            value=[d.id for d in dimensions],
        )
    columns[VALUE] = pd.Series(np.asarray(values, dtype=float), copy=False)
    columns[STATUS] = pd.Series(status, dtype=object, copy=False)
    frame = pd.DataFrame(columns, copy=False)
    frame.attrs.update(attrs or {})
    return frame
