"""Age bands: parse labels and SSB age codes, check overlaps, re-band counts, map school grades."""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping, Sequence

import numpy as np
import pandas as pd

from utenforskap import frames as F
from utenforskap.counts import sum_into
from utenforskap.errors import DataError

__all__ = [
    "OLDEST",
    "TOTAL_LABELS",
    "AgeBand",
    "age_label",
    "band_label",
    "band_table",
    "check_age_labels",
    "check_bands",
    "grade_ages",
    "is_total",
    "parse_band",
    "reband",
]

AgeBand = tuple[int, int]

#: Upper end of an open band such as "25+" or "105 år eller eldre".
OLDEST = 120

#: Labels and SSB codes that mean "all ages" (compared case-insensitively).
#: SSB's statistics bank uses the code ``999`` (population tables) or ``999D``
#: (wage tables) with the label "Alle aldre"; "I alt" and "Total" head many tables.
TOTAL_LABELS: frozenset[str] = frozenset(
    {"999", "999d", "alle aldre", "alle", "i alt", "total", "totalt", "all ages", "sum"}
)

_YEARS = r"(?:\s*(?:år|years?|aar))?"
_BAND = re.compile(
    rf"^\s*(\d{{1,3}})\s*(?:[-–—]|\btil\b|\bto\b)\s*(\d{{1,3}}){_YEARS}\s*$", re.IGNORECASE
)
_SINGLE = re.compile(rf"^\s*(\d{{1,3}}){_YEARS}\s*$", re.IGNORECASE)
_OPEN = re.compile(
    rf"^\s*(\d{{1,3}})\s*(?:\+{_YEARS}|{_YEARS}\s*\+|{_YEARS}\s*(?:eller|og)\s*(?:eldre|over))\s*$",
    re.IGNORECASE,
)
_UNDER = re.compile(rf"^\s*under\s*(\d{{1,3}}){_YEARS}\s*$", re.IGNORECASE)


def is_total(label: object) -> bool:
    """Whether a label means "all ages" (``"999"``, ``"999D"``, ``"Alle aldre"``, ``"I alt"``).

    Parameters
    ----------
    label
        An age label or SSB age code.

    Returns
    -------
    bool

    Examples
    --------
    >>> is_total("Alle aldre"), is_total("16-25")
    (True, False)
    """
    return str(label).strip().lower() in TOTAL_LABELS


def parse_band(label: str) -> AgeBand:
    """Parse an age band label or SSB age code into inclusive ``(lowest, highest)`` ages.

    Understood: ``"16-25"``, ``"16–25"`` (en dash), ``"16 - 25 år"``, ``"16 til 25"``,
    ``"25+"``, ``"25 år +"``, ``"105 år eller eldre"``, ``"67 år og over"``,
    ``"under 16 år"``, single years ``"21"``, ``"21 år"``, and SSB's
    zero-padded codes ``"016-025"``, ``"005"``.

    Parameters
    ----------
    label
        The label.

    Returns
    -------
    tuple of int
        Inclusive bounds; an open band ends at :data:`OLDEST`.

    Raises
    ------
    DataError
        Not an age band (a total such as ``"999"`` / ``"Alle aldre"`` is
        named as such), or a band that ends before it starts.

    Examples
    --------
    >>> parse_band("16–25"), parse_band("016-025"), parse_band("105 år eller eldre")
    ((16, 25), (16, 25), (105, 120))
    """
    text = str(label)
    if is_total(text):
        raise DataError(
            "an all-ages total, not an age band",
            column=F.AGE,
            value=label,
            hint="declare it with total= where a total is allowed",
        )
    match = _BAND.match(text)
    if match:
        low, high = int(match.group(1)), int(match.group(2))
        if high < low:
            raise DataError("age band ends before it starts", column=F.AGE, value=label)
        return low, high
    match = _SINGLE.match(text)
    if match:
        return int(match.group(1)), int(match.group(1))
    match = _OPEN.match(text)
    if match:
        return int(match.group(1)), OLDEST
    match = _UNDER.match(text)
    if match and int(match.group(1)) > 0:
        return 0, int(match.group(1)) - 1
    raise DataError(
        "not an age band; expected e.g. '16-25', '25+', '21' or SSB's '016-025'",
        column=F.AGE,
        value=label,
    )


def band_label(band: AgeBand) -> str:
    """The canonical label of a band: ``"16-25"``, ``"21"`` or ``"25+"``.

    Examples
    --------
    >>> band_label((16, 25)), band_label((21, 21)), band_label((25, 120))
    ('16-25', '21', '25+')
    """
    low, high = band
    if high >= OLDEST:
        return f"{low}+"
    return str(low) if low == high else f"{low}-{high}"


def band_table(
    labels: Sequence[object] | pd.Series,
    *,
    total: Collection[str] = (),
    source: object | None = None,
    column: str = F.AGE,
) -> pd.DataFrame:
    """Parse the distinct labels of an age column.

    Parameters
    ----------
    labels
        Age labels (repeats allowed).
    total
        Labels declared as totals, besides :data:`TOTAL_LABELS`.
    source, column
        Named in errors.

    Returns
    -------
    pandas.DataFrame
        One row per distinct label, in order of first appearance: ``label``,
        ``low``, ``high`` (inclusive; -1 for totals) and ``is_total``.

    Raises
    ------
    DataError
        A label that is not an age band, naming file, column and label.
    """
    distinct = pd.unique(pd.Series(np.asarray(labels, dtype=object)).astype(str))
    declared = {str(t) for t in total}
    lows, highs, totals = [], [], []
    # One parse per distinct label (a handful), not per row.
    for label in distinct:
        if label in declared or is_total(label):
            lows.append(-1)
            highs.append(-1)
            totals.append(True)
            continue
        try:
            low, high = parse_band(label)
        except DataError as exc:
            raise DataError(
                exc.problem, file=source, column=column, value=label, hint=exc.hint
            ) from None
        lows.append(low)
        highs.append(high)
        totals.append(False)
    return pd.DataFrame(
        {
            "label": pd.Series(distinct, dtype=object),
            "low": np.asarray(lows, dtype=int),
            "high": np.asarray(highs, dtype=int),
            "is_total": np.asarray(totals, dtype=bool),
        }
    )


def _overlaps(table: pd.DataFrame) -> tuple[str, str] | None:
    bands = table[~table["is_total"]].sort_values(["low", "high"], kind="mergesort")
    if len(bands) < 2:
        return None
    highs = bands["high"].to_numpy()
    lows = bands["low"].to_numpy()
    # After sorting by start, a band overlaps an earlier one exactly when it
    # starts at or before the largest end seen so far.
    running = np.maximum.accumulate(highs)[:-1]
    clash = lows[1:] <= running
    if not clash.any():
        return None
    i = int(np.flatnonzero(clash)[0]) + 1
    earlier = int(np.flatnonzero(highs[:i] >= lows[i])[0])
    labels = bands["label"].to_numpy(dtype=object)
    return str(labels[earlier]), str(labels[i])


def check_bands(
    labels: Sequence[object] | pd.Series,
    *,
    total: Collection[str] = (),
    source: object | None = None,
    column: str = F.AGE,
) -> pd.DataFrame:
    """Check that the age bands of one table do not overlap.

    Parameters
    ----------
    labels
        The table's age labels.
    total
        Labels declared as totals (they may overlap everything), besides
        :data:`TOTAL_LABELS`. A band such as ``"0-120"`` that is really a
        total must be declared here.
    source, column
        Named in errors.

    Returns
    -------
    pandas.DataFrame
        :func:`band_table` of the labels.

    Raises
    ------
    DataError
        Two bands overlap (both named), or a label is not a band.

    Examples
    --------
    >>> check_bands(["16-19", "20-25", "Alle aldre"])["is_total"].tolist()
    [False, False, True]
    """
    table = band_table(labels, total=total, source=source, column=column)
    pair = _overlaps(table)
    if pair is not None:
        raise DataError(
            f"age bands {pair[0]!r} and {pair[1]!r} overlap",
            file=source,
            column=column,
            value=pair[1],
            hint="declare one of them a total (total=...) or drop it",
        )
    return table


def reband(
    data: pd.DataFrame,
    bands: Sequence[str] | Mapping[str, AgeBand],
    *,
    total: Collection[str] = (),
    source: object | None = None,
) -> pd.DataFrame:
    """Sum single years or fine bands into coarser bands.

    Every source band must lie wholly inside one target band (a band is never
    split), and every target band must be covered by source bands without
    gaps. Source bands outside all target bands are left out; total rows are
    kept as they are. Counts are summed with
    :func:`utenforskap.counts.sum_into` (a missing part makes the sum
    missing).

    Parameters
    ----------
    data
        A CountFrame.
    bands
        Target labels (``["16-19", "20-25"]``) or label → ``(low, high)``.
    total
        Labels declared as totals, besides :data:`TOTAL_LABELS`.
    source
        Named in errors.

    Returns
    -------
    pandas.DataFrame
        A CountFrame with ``age`` the target labels (and totals), sorted by key.

    Raises
    ------
    DataError
        Overlapping source or target bands; a source band that straddles a
        target band's edge (it would have to be split); a target band with
        ages no source band covers.

    Examples
    --------
    >>> import pandas as pd
    >>> cf = pd.DataFrame({"indicator": ["neet"] * 3, "region": ["0301"] * 3,
    ...     "region_name": [""] * 3, "period": ["2023"] * 3, "age": ["16", "17", "18-19"],
    ...     "sex": ["total"] * 3, "numerator": [1.0, 2.0, 3.0],
    ...     "denominator": [10.0, 20.0, 30.0], "status": [""] * 3})
    >>> reband(cf, ["16-19"])[["age", "numerator", "denominator"]].values.tolist()
    [['16-19', 6.0, 60.0]]
    """
    if isinstance(bands, Mapping):
        targets = pd.DataFrame(
            {
                "label": list(bands),
                "low": [int(b[0]) for b in bands.values()],
                "high": [int(b[1]) for b in bands.values()],
                "is_total": False,
            }
        )
    else:
        targets = band_table(list(bands), column="bands")
        if targets["is_total"].any():
            raise DataError("a target band cannot be a total", column="bands", value=list(bands))
    bad = targets["high"] < targets["low"]
    if bad.any():
        raise DataError(
            "age band ends before it starts", column="bands", value=targets["label"][bad].iloc[0]
        )
    pair = _overlaps(targets)
    if pair is not None:
        raise DataError(
            f"target bands {pair[0]!r} and {pair[1]!r} overlap", column="bands", value=pair[1]
        )
    data = F.with_group(data)
    if data.empty:
        return F.empty_counts()
    table = check_bands(data[F.AGE], total=total, source=source)
    parts = table[~table["is_total"]]
    src_low = parts["low"].to_numpy()[:, None]
    src_high = parts["high"].to_numpy()[:, None]
    tgt_low = targets["low"].to_numpy()[None, :]
    tgt_high = targets["high"].to_numpy()[None, :]
    inside = (src_low >= tgt_low) & (src_high <= tgt_high)
    touches = (src_low <= tgt_high) & (src_high >= tgt_low)
    straddle = touches & ~inside
    if straddle.any():
        i, j = np.argwhere(straddle)[0]
        raise DataError(
            f"age band {parts['label'].iloc[i]!r} would have to be split to fit "
            f"band {targets['label'].iloc[j]!r}; a band is never split",
            file=source,
            column=F.AGE,
            value=parts["label"].iloc[i],
            hint="choose target bands whose edges fall between the source bands",
        )
    # Ages each target needs, against ages its source bands cover.
    covered = (inside * (src_high - src_low + 1)).sum(axis=0)
    needed = (targets["high"] - targets["low"] + 1).to_numpy()
    short = covered < needed
    if short.any():
        j = int(np.flatnonzero(short)[0])
        raise DataError(
            f"band {targets['label'].iloc[j]!r} is not fully covered by the data's bands "
            f"({int(needed[j] - covered[j])} of {int(needed[j])} ages missing)",
            file=source,
            column=F.AGE,
            value=targets["label"].iloc[j],
        )
    target_of = dict(
        zip(
            parts["label"].to_numpy()[inside.any(axis=1)],
            targets["label"].to_numpy()[inside.argmax(axis=1)[inside.any(axis=1)]],
            strict=True,
        )
    )
    for label in table.loc[table["is_total"], "label"]:
        target_of[label] = label
    ages = data[F.AGE].astype(str).map(target_of)
    keep = ages.notna().to_numpy()
    kept = data.loc[keep]
    return sum_into(kept, F.AGE, ages[keep].to_numpy(dtype=object))


_GRADE = re.compile(r"^\s*(\d{1,2})\s*\.?\s*(?:trinn|klasse|kl\.?)?\s*$", re.IGNORECASE)
_GRADES = re.compile(
    r"^\s*(\d{1,2})\s*\.?\s*(?:trinn|klasse)?\s*[-–]\s*(\d{1,2})\s*\.?\s*(?:trinn|klasse)?\s*$",
    re.IGNORECASE,
)
_VG = re.compile(r"^\s*vg\s*(\d)\s*$", re.IGNORECASE)
_VG_RANGE = re.compile(r"^\s*vg\s*(\d)\s*[-–]\s*(?:vg)?\s*(\d)\s*$", re.IGNORECASE)
# Children start school in the calendar year they turn six (opplæringslova
# § 2-1): in 1. trinn they turn 6, so in trinn n they turn n + 5, and in
# Vg k (the (10 + k)th year) they turn 15 + k.
_FIRST_GRADE_AGE = 6


def grade_ages(label: str) -> AgeBand:
    """Typical ages of a school grade or grade range.

    Convention: the age a pupil reaches during the calendar year in which the
    school year starts (children start 1. trinn the year they turn 6), so
    ``"8. trinn"`` → 13, ``"10. trinn"`` → 15, ``"VG1"`` → 16, ``"VG3"`` → 18.
    Pupils who started late, repeat a year or take longer over upper
    secondary fall outside; use this for labelling and matching, not for counts.

    Parameters
    ----------
    label
        ``"8. trinn"``, ``"8.trinn"``, ``"8. klasse"``, ``"8"``,
        ``"8.–10. trinn"``, ``"8-10 trinn"``, ``"VG1"``, ``"Vg 2"``, ``"VG1-VG3"``.

    Returns
    -------
    tuple of int
        Inclusive ages.

    Raises
    ------
    DataError
        Not a grade 1–10 or VG1–VG3.

    References
    ----------
    Opplæringslova (LOV-2023-06-09-30) § 2-1: school starts in the calendar
    year the child turns six; Ungdata reports 8.–10. trinn and VG1–VG3.

    Examples
    --------
    >>> grade_ages("8. trinn"), grade_ages("8.–10. trinn"), grade_ages("VG3")
    ((13, 13), (13, 15), (18, 18))
    """
    text = str(label)
    found: tuple[int, int] | None = None
    for pattern, first_year, last_year in (
        (_GRADES, 1, 10),
        (_GRADE, 1, 10),
        (_VG_RANGE, 11, 13),
        (_VG, 11, 13),
    ):
        match = pattern.match(text)
        if match is None:
            continue
        offset = first_year - 1
        low = int(match.group(1)) + offset
        high = int(match.group(2)) + offset if match.lastindex == 2 else low
        if first_year <= low <= high <= last_year:
            found = (low, high)
        break
    if found is None:
        raise DataError(
            "not a school grade; expected 1.–10. trinn or VG1–VG3, e.g. '8. trinn', "
            "'8.–10. trinn' or 'VG1'",
            column=F.AGE,
            value=label,
        )
    years_before_school = _FIRST_GRADE_AGE - 1
    return found[0] + years_before_school, found[1] + years_before_school


def _grade_label(label: str) -> str | None:
    """The canonical label of a school grade or grade range, or None if it is not one."""
    try:
        low, high = grade_ages(label)
    except DataError:
        return None
    first, last = (age - (_FIRST_GRADE_AGE - 1) for age in (low, high))
    if first > 10:
        return f"VG{first - 10}" if first == last else f"VG{first - 10}-VG{last - 10}"
    return f"{first} trinn" if first == last else f"{first}-{last} trinn"


def age_label(label: object) -> str:
    """The canonical label of an age band, school grade range or all-ages total.

    The one parser of age labels: configuration keys, files and frames all
    go through it, so a label accepted in one place is accepted everywhere
    and means the same. Ages become ``"16-25"``, ``"21"`` or ``"25+"``;
    school grades ``"8-10 trinn"``, ``"8 trinn"``, ``"VG1-VG3"``, ``"VG1"``;
    totals keep their label.

    Parameters
    ----------
    label
        E.g. ``"16 - 25 år"``, ``"16 til 25"``, ``"016-025"``, ``"8.–10. trinn"``.

    Returns
    -------
    str
        The canonical label.

    Raises
    ------
    DataError
        Not an age band, a school grade or a total.

    Examples
    --------
    >>> age_label("16 til 25 år"), age_label("8.–10. trinn"), age_label("Vg 1 - Vg 3")
    ('16-25', '8-10 trinn', 'VG1-VG3')
    """
    text = str(label)
    if is_total(text):
        return text
    try:
        return band_label(parse_band(text))
    except DataError as exc:
        grade = _grade_label(text)
        if grade is not None:
            return grade
        raise DataError(
            "not an age band or school grade; expected e.g. '16-25', '25+', '21', "
            "'8-10 trinn' or 'VG1-VG3'",
            column=F.AGE,
            value=label,
            hint=exc.hint,
        ) from None


def check_age_labels(
    labels: Sequence[object] | pd.Series, *, source: object | None = None, column: str = F.AGE
) -> None:
    """Check that every age label is a canonical band, grade range or total.

    Parameters
    ----------
    labels
        Age labels (repeats allowed; each distinct label is parsed once).
    source, column
        Named in errors.

    Raises
    ------
    DataError
        A label that is not an age band (naming file, column and label), or one
        written in another form than :func:`age_label`'s (e.g. ``"16 til 25"``),
        with the canonical form as a hint.

    Examples
    --------
    >>> check_age_labels(["16-25", "VG1-VG3", "Alle aldre"])
    """
    distinct = pd.unique(pd.Series(np.asarray(labels, dtype=object)).astype(str))
    for label in distinct:
        try:
            canonical = age_label(label)
        except DataError as exc:
            raise DataError(exc.problem, file=source, column=column, value=label) from None
        if canonical != label:
            raise DataError(
                "age label not in the package's form",
                file=source,
                column=column,
                value=label,
                hint=f"write {canonical!r}; readers convert labels when they read a file",
            )
