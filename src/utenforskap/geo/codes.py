"""Region codes: their level from their length, their parent, and repair of lost leading zeros."""

from __future__ import annotations

import warnings
from collections.abc import Collection

import numpy as np
import numpy.typing as npt
import pandas as pd

from utenforskap.errors import DataError, UtenforskapWarning, check_choice

__all__ = [
    "LEVELS",
    "GeoWarning",
    "code_hint",
    "is_unknown_district",
    "level_of",
    "levels_of",
    "normalise_codes",
    "parent_code",
    "unknown_district_code",
]

#: Code length → level, as SSB and FHI use them.
LEVELS: dict[int, str] = {
    1: "land",
    2: "fylke",
    4: "kommune",
    6: "bydel",
    8: "grunnkrets",
    10: "levekarssone",
}


class GeoWarning(UtenforskapWarning):
    """Something in the geography was repaired or left out, and the user should know."""

    kind = "geo"


def code_hint(value: object) -> str | None:
    """What a spreadsheet may have done to a region code, for an error message.

    Parameters
    ----------
    value
        A code as the file wrote it.

    Returns
    -------
    str or None
        A hint for a code that lost its leading zero (``301``, ``30101``) or
        became a decimal number (``301.0``); None otherwise.

    Examples
    --------
    >>> code_hint("30101")
    "a spreadsheet may have dropped the leading zero: write '030101' (format the column as text)"
    >>> code_hint("3203.0")
    "the code looks like a number from a spreadsheet: write '3203' (format the column as text)"
    >>> code_hint("3203") is None
    True
    """
    text = str(value).strip()
    whole = text[:-2] if text.endswith(".0") else text
    if whole != text and whole.isdigit():
        return (
            f"the code looks like a number from a spreadsheet: write {whole!r} "
            "(format the column as text)"
        )
    if text.isdigit() and len(text) in (3, 5, 7, 9):
        return (
            f"a spreadsheet may have dropped the leading zero: write {'0' + text!r} "
            "(format the column as text)"
        )
    return None


def level_of(code: str) -> str:
    """Return the level of a region code from its length.

    Parameters
    ----------
    code
        A region code as a string, leading zeros kept (``"0301"``).

    Returns
    -------
    str
        One of ``land``, ``fylke``, ``kommune``, ``bydel``, ``grunnkrets``,
        ``levekarssone``.

    Examples
    --------
    >>> level_of("030101")
    'bydel'
    """
    if (
        not isinstance(code, str)
        or not code.isdigit()
        or len(code) not in LEVELS
        or (len(code) == 1 and code != "0")
    ):
        raise DataError(
            "not a region code: expected 1, 2, 4, 6, 8 or 10 digits as text",
            column="region",
            value=code,
        )
    return LEVELS[len(code)]


def isin(values: npt.ArrayLike, collection: object) -> np.ndarray:
    """Hash-based membership of each value (``np.isin`` sorts object arrays, far slower)."""
    items = (
        collection
        if isinstance(collection, (set, frozenset))
        else set(np.asarray(collection, dtype=object).ravel())
    )
    return (
        pd.Series(np.asarray(values, dtype=object).ravel(), dtype=object)
        .isin(items)
        .to_numpy(dtype=bool)
    )


def _as_text(codes: npt.ArrayLike) -> pd.Series:
    return pd.Series(np.asarray(codes, dtype=object), dtype=object)


def levels_of(codes: npt.ArrayLike) -> np.ndarray:
    """Return the level of each code; ``""`` where the code is not a region code.

    Parameters
    ----------
    codes
        Region codes as strings.

    Returns
    -------
    numpy.ndarray
        Object array of level names (see :data:`LEVELS`).

    Examples
    --------
    >>> levels_of(["0", "03", "0301", "030101"]).tolist()
    ['land', 'fylke', 'kommune', 'bydel']
    """
    all_values = np.asarray(codes, dtype=object).ravel()
    # Work on the distinct codes (a few hundred) and spread back to the rows.
    positions, uniques = pd.factorize(pd.Series(all_values, dtype=object), use_na_sentinel=False)
    values = np.asarray(uniques, dtype=object)
    text = pd.Series(_integer_text(values)[0], dtype=object)
    is_text = np.fromiter((isinstance(v, str) for v in values), dtype=bool, count=len(values))
    text = text.where(is_text, "")
    digits = text.str.fullmatch(r"\d+").fillna(False).to_numpy(dtype=bool)
    lengths = text.str.len().to_numpy()
    level = pd.Series(lengths).map(LEVELS).fillna("").to_numpy(dtype=object)
    # The land has one code, "0"; "3" is fylke 03 without its zero.
    land_ok = (lengths != 1) | (text.to_numpy(dtype=object) == "0")
    distinct = np.where(digits & land_ok, level, "").astype(object)
    return distinct[positions] if len(all_values) else distinct


def is_unknown_district(codes: npt.ArrayLike) -> np.ndarray:
    """Mark sub-municipal codes that stand for "district not known".

    SSB and FHI write the kommune followed by nines: ``030199`` (bydel),
    ``03019999`` (grunnkrets), ``0301999999`` (levekårssone).

    Parameters
    ----------
    codes
        Region codes as strings.

    Returns
    -------
    numpy.ndarray
        Boolean array.

    Examples
    --------
    >>> is_unknown_district(["030199", "030101", "0399", "11039999"]).tolist()
    [True, False, False, True]
    """
    series = _as_text(codes).astype(str)
    level = levels_of(series)
    sub_municipal = isin(level, {"bydel", "grunnkrets", "levekarssone"})
    nines = series.str[4:].str.fullmatch(r"9+").fillna(False).to_numpy(dtype=bool)
    return (sub_municipal & nines).astype(bool)


def unknown_district_code(kommune: npt.ArrayLike, level: str) -> np.ndarray:
    """The "district not known" code of each kommune at a sub-municipal level.

    Parameters
    ----------
    kommune
        Kommune codes.
    level
        ``bydel``, ``grunnkrets`` or ``levekarssone``.

    Returns
    -------
    numpy.ndarray
        Object array, e.g. ``0301`` → ``030199`` for bydel.

    Examples
    --------
    >>> unknown_district_code(["0301"], "levekarssone").tolist()
    ['0301999999']
    """
    lengths = {name: length for length, name in LEVELS.items()}
    check_choice("level", level, ("bydel", "grunnkrets", "levekarssone"))
    suffix = "9" * (lengths[level] - 4)
    return (_as_text(kommune).astype(str).str[:4] + suffix).to_numpy(dtype=object)


def parent_code(codes: npt.ArrayLike) -> np.ndarray:
    """Return the parent code of each code implied by its digits.

    Bydel, grunnkrets and levekårssone → kommune (the first four digits),
    kommune → fylke (the first two), fylke → land (``"0"``). A grunnkrets's
    levekårssone is not implied by its digits: use a
    :class:`~utenforskap.geo.registry.RegionRegistry` built from a mapping.

    Parameters
    ----------
    codes
        Region codes as strings.

    Returns
    -------
    numpy.ndarray
        Object array of parent codes; ``""`` for land.

    Examples
    --------
    >>> parent_code(["030101", "0301", "03", "0"]).tolist()
    ['0301', '03', '0', '']
    """
    series = _as_text(codes).astype(str)
    lengths = series.str.len().to_numpy()
    out = np.select(
        [lengths >= 6, lengths == 4, lengths == 2],
        [series.str[:4].to_numpy(dtype=object), series.str[:2].to_numpy(dtype=object), "0"],
        default="",
    )
    return out.astype(object)


def _integer_text(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Turn integers (a code read as a number) into digit strings; mark what is neither."""
    is_str = np.fromiter((isinstance(v, str) for v in values), dtype=bool, count=len(values))
    is_int = np.fromiter(
        (isinstance(v, (int, np.integer)) and not isinstance(v, bool) for v in values),
        dtype=bool,
        count=len(values),
    )
    text = np.where(is_str | is_int, values.astype(str), "").astype(object)
    return text, ~(is_str | is_int)


def normalise_codes(
    codes: npt.ArrayLike | pd.Series,
    *,
    known: Collection[str] | None = None,
    source: object | None = None,
    column: str = "region",
) -> np.ndarray:
    """Return region codes as text with leading zeros restored where that is unambiguous.

    A code that lost its leading zero (``301`` for Oslo ``0301``, e.g. after a
    spreadsheet stored it as a number) has an odd number of digits, and gets
    one zero back, with a :class:`GeoWarning` listing what was repaired. The
    repair is refused (:class:`~utenforskap.errors.DataError` naming the row)
    when it is not unambiguous: the repaired code is not among ``known``, the
    code is already a known code as it stands, or the repaired code also
    occurs as it is in the same column (two spellings of one region).

    Parameters
    ----------
    codes
        Codes as strings or integers. With a Series, errors name its index labels.
    known
        Codes that exist; when given, a repaired code must be one of them.
    source
        File or description to name in messages.
    column
        Column name to name in messages.

    Returns
    -------
    numpy.ndarray
        Object array of codes as strings.

    Raises
    ------
    DataError
        A code that is not digits (floats such as ``301.0`` included), is too
        long, or cannot be repaired unambiguously.

    Examples
    --------
    >>> import warnings
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore", GeoWarning)
    ...     normalise_codes(["301", "030101"]).tolist()
    ['0301', '030101']
    """
    series = codes.copy() if isinstance(codes, pd.Series) else _as_text(codes)
    labels = series.index
    positions, distinct = pd.factorize(
        pd.Series(series.to_numpy(dtype=object), dtype=object), use_na_sentinel=False
    )
    # The checks run once per distinct code and are spread back to the rows.
    text_u, not_code_u = _integer_text(np.asarray(distinct, dtype=object))
    digits_u = pd.Series(text_u, dtype=object).str.fullmatch(r"\d+").fillna(False)
    text_str = pd.Series(text_u[positions] if len(series) else text_u, dtype=object)
    bad = (not_code_u | ~digits_u.to_numpy(dtype=bool))[positions] if len(series) else not_code_u
    if bad.any():
        position = int(np.flatnonzero(bad)[0])
        raise DataError(
            "not a region code: expected digits as text (leading zeros kept)",
            file=source,
            column=column,
            row=labels[position],
            value=series.iloc[position],
        )
    lengths = text_str.str.len().to_numpy()
    too_long = lengths > max(LEVELS)
    if too_long.any():
        position = int(np.flatnonzero(too_long)[0])
        raise DataError(
            "not a region code: more than 10 digits",
            file=source,
            column=column,
            row=labels[position],
            value=series.iloc[position],
        )
    valid_length = isin(lengths, set(LEVELS)) & ((lengths != 1) | (text_str == "0").to_numpy())
    # The land code "0" is one digit; every other odd length lost exactly one zero.
    needs_zero = ~valid_length
    padded = ("0" + text_str).to_numpy(dtype=object)
    fixed = np.where(needs_zero, padded, text_str.to_numpy(dtype=object)).astype(object)
    if needs_zero.any():
        as_given = set(text_str[~needs_zero])
        clash = needs_zero & isin(fixed, as_given)
        problem = "lost its leading zero, but the repaired code also occurs as it is in this column"
        if known is not None:
            known_set = set(known)
            raw_known = needs_zero & isin(text_str.to_numpy(dtype=object), known_set)
            not_known = needs_zero & ~isin(fixed, known_set)
            if raw_known.any():
                clash, problem = (
                    raw_known,
                    "is a known code as it stands; adding a zero is ambiguous",
                )
            elif not_known.any():
                clash = not_known
                problem = (
                    "has an odd number of digits and is not a known code with a leading zero either"
                )
        if clash.any():
            position = int(np.flatnonzero(clash)[0])
            raise DataError(
                problem,
                file=source,
                column=column,
                row=labels[position],
                value=series.iloc[position],
                hint="write codes as text with leading zeros, e.g. '0301'",
            )
        pairs = sorted(set(zip(text_str[needs_zero], fixed[needs_zero], strict=True)))
        shown = ", ".join(f"{a}→{b}" for a, b in pairs[:10])
        more = f" and {len(pairs) - 10} more" if len(pairs) > 10 else ""
        where = f"{source}: " if source is not None else ""
        warnings.warn(
            GeoWarning(
                f"{where}column {column!r}: restored a lost leading zero in "
                f"{int(needs_zero.sum())} rows ({shown}{more})",
                "codes.leading_zero",
            ),
            stacklevel=2,
        )
    return fixed
