"""Read SPSS (.sav, .zsav) and Stata (.dta) files with their value labels (pyreadstat)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from utenforskap.errors import DataError

__all__ = ["LABELLED_SUFFIXES", "Labelled", "code_text", "read_labelled"]

#: File name endings read by :func:`read_labelled`.
LABELLED_SUFFIXES: tuple[str, ...] = (".sav", ".zsav", ".dta")


def code_text(value: object) -> str:
    """The text of a code as the package compares it: ``1.0`` → ``"1"``, missing → ``""``.

    SPSS stores every number as a double, so a code ``1`` arrives as ``1.0``;
    written as text it is ``"1"``, the same as in a CSV file.

    Parameters
    ----------
    value
        A code from a file: text, integer, float, or missing.

    Returns
    -------
    str
        The code's text; ``"#"`` for a number that is not a whole number (never a
        valid code).

    Examples
    --------
    >>> code_text(2.0), code_text("03"), code_text(float("nan")), code_text(2.5)
    ('2', '03', '', '#')
    """
    if value is None or value is pd.NA:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool | np.bool_):
        return "1" if value else "0"
    if isinstance(value, int | np.integer):
        return str(int(value))
    number = float(value)  # type: ignore[arg-type]
    if np.isnan(number):
        return ""
    if number == np.floor(number) and abs(number) < 1e15:
        return str(int(number))
    return "#"


@dataclass(frozen=True)
class Labelled:
    """A respondent or person file with the value labels of its variables.

    Attributes
    ----------
    data
        One row per case, values as stored (codes, not labels); the index is
        the case number, 1-based.
    labels
        Column → {code text → label}, for every labelled variable (codes as
        :func:`code_text` writes them).
    column_labels
        Column → the variable's label (its question text), where it has one.
    file
        The file read.
    """

    data: pd.DataFrame
    labels: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    column_labels: Mapping[str, str] = field(default_factory=dict)
    file: Path | None = None

    def label(self, column: str, code: object) -> str | None:
        """The label of ``code`` in ``column``, or None when it has none."""
        return self.labels.get(column, {}).get(code_text(code))


def read_labelled(path: str | Path, *, columns: list[str] | None = None) -> Labelled:
    """Read an SPSS ``.sav``/``.zsav`` or Stata ``.dta`` file, keeping its value labels.

    Values are read as stored (codes); the labels are returned beside them so
    that definitions can be applied by code or by label and figures can show
    the labels. Values declared missing in the file (SPSS user-missing values)
    read as missing.

    Parameters
    ----------
    path
        The file. Ungdata delivers respondent files as SPSS ``.sav``.
    columns
        Read only these variables (all when None).

    Returns
    -------
    Labelled
        The data, value labels per variable, variable labels and the file.

    Raises
    ------
    DataError
        The file is missing, not an SPSS/Stata file, or a column is not in it.

    References
    ----------
    ReadStat / pyreadstat, https://github.com/Roche/pyreadstat (the reader used).

    Examples
    --------
    >>> import tempfile, pandas as pd, pyreadstat
    >>> from pathlib import Path
    >>> path = Path(tempfile.mkdtemp()) / "ungdata.sav"
    >>> frame = pd.DataFrame({"kjonn": [1.0, 2.0], "ensom": [3.0, 1.0]})
    >>> pyreadstat.write_sav(frame, str(path),
    ...     variable_value_labels={"kjonn": {1: "Gutt", 2: "Jente"}})
    >>> read = read_labelled(path)
    >>> read.labels["kjonn"], read.label("kjonn", 2.0)
    ({'1': 'Gutt', '2': 'Jente'}, 'Jente')
    """
    import pyreadstat

    file = Path(path)
    suffix = file.suffix.lower()
    if not file.is_file():
        raise DataError("file not found", file=file)
    readers = {".sav": pyreadstat.read_sav, ".zsav": pyreadstat.read_sav}
    readers[".dta"] = pyreadstat.read_dta
    if suffix not in readers:
        raise DataError(
            f"not an SPSS or Stata file; expected one of {list(LABELLED_SUFFIXES)}", file=file
        )
    try:
        frame, meta = readers[suffix](str(file), usecols=columns)
    except pyreadstat.ReadstatError as exc:
        raise DataError(f"cannot read the file: {exc}", file=file) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise DataError(f"cannot read the file: {exc}", file=file) from None
    if columns is not None:
        missing = [c for c in columns if c not in frame.columns]
        if missing:
            raise DataError(
                f"missing column; the file has {list(meta.column_names)}",
                file=file,
                column=missing[0],
            )
    frame.index = pd.RangeIndex(1, len(frame) + 1)
    labels = {
        column: {code_text(code): str(label) for code, label in value_labels.items()}
        for column, value_labels in (meta.variable_value_labels or {}).items()
        if column in frame.columns
    }
    column_labels = {
        c: str(lab)
        for c, lab in zip(meta.column_names, meta.column_labels or [], strict=False)
        if lab and c in frame.columns
    }
    return Labelled(data=frame, labels=labels, column_labels=column_labels, file=file)
