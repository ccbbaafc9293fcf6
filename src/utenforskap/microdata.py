"""Microdata (one row per person or respondent) → CountFrame, vectorised; counts files."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from utenforskap import frames as F
from utenforskap.ages import age_label, parse_band
from utenforskap.errors import DataError, check_choice
from utenforskap.registry import Rule

__all__ = ["aggregate", "read_counts", "read_microdata"]

_DEFAULT_SEX_CODES: dict[str, str] = {"male": "male", "female": "female"}


def read_microdata(path: str | Path, *, required: Sequence[str] = ()) -> pd.DataFrame:
    """Read a person- or respondent-level CSV with every column as text.

    Codes keep their leading zeros and blanks stay blank (``""``), so nothing
    is silently turned into a number or NaN.

    Parameters
    ----------
    path
        CSV file, comma-separated, UTF-8 (with or without BOM), header on line 1.
    required
        Columns that must be present.

    Returns
    -------
    pandas.DataFrame
        All columns as Python ``str`` objects; the index is the 1-based data row.

    Raises
    ------
    DataError
        Unreadable or undecodable file, a ragged row, or a missing column.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> path = Path(tempfile.mkdtemp()) / "m.csv"
    >>> _ = path.write_text("district,year,neet\\n030101,2024,1\\n030102,2024,\\n")
    >>> read_microdata(path, required=["district"]).to_dict("list")
    {'district': ['030101', '030102'], 'year': ['2024', '2024'], 'neet': ['1', '']}
    """
    file = Path(path)
    try:
        frame = pd.read_csv(
            file,
            dtype=str,
            keep_default_na=False,
            na_filter=False,
            encoding="utf-8-sig",
            engine="c",
        )
    except FileNotFoundError:
        raise DataError("file not found", file=file) from None
    except UnicodeDecodeError as exc:
        raise DataError(
            f"not UTF-8 text at byte {exc.start}", file=file, hint="save the file as UTF-8"
        ) from None
    except pd.errors.ParserError as exc:
        raise DataError(f"not a well-formed CSV file: {exc}", file=file) from None
    except (OSError, pd.errors.EmptyDataError) as exc:
        raise DataError(f"cannot read the file: {exc}", file=file) from None
    frame = frame.astype(object)
    frame.index = pd.RangeIndex(1, len(frame) + 1)
    for column in required:
        if column not in frame.columns:
            raise DataError(
                f"missing column; the file has {list(frame.columns)}", file=file, column=column
            )
    return frame


def _first(mask: np.ndarray) -> int:
    return int(np.flatnonzero(mask)[0])


def _integers(
    frame: pd.DataFrame, column: str, source: object, *, allowed: Sequence[int] | None = None
) -> np.ndarray:
    """Parse a text column of integers; blank → NaN. Anything else is a DataError."""
    if column not in frame.columns:
        raise DataError(
            f"missing column; the file has {list(frame.columns)}", file=source, column=column
        )
    text = frame[column]
    blank = (text == "").to_numpy()
    numbers = pd.to_numeric(text.where(~blank, None), errors="coerce").to_numpy(dtype=float)
    bad = np.isnan(numbers) & ~blank
    bad |= ~np.isnan(numbers) & (numbers != np.round(numbers))
    if allowed is not None:
        bad |= ~np.isnan(numbers) & ~np.isin(numbers, np.asarray(allowed, dtype=float))
    if bad.any():
        i = _first(bad)
        expected = f"one of {list(allowed)} or blank" if allowed is not None else "a whole number"
        raise DataError(
            f"expected {expected}",
            file=source,
            column=column,
            row=frame.index[i],
            value=text.iloc[i],
        )
    return numbers


def _trait(frame: pd.DataFrame, rule: Rule, source: object) -> tuple[np.ndarray, np.ndarray]:
    """Per-row numerator and denominator contributions (0/1) of a rule."""
    if rule.kind == "flag":
        flag = _integers(frame, rule.items[0], source, allowed=(0, 1))
        in_population = ~np.isnan(flag)
        return np.where(in_population, flag, 0.0), in_population.astype(float)
    if rule.kind == "any_of":
        answer = _integers(frame, rule.items[0], source, allowed=range(1, 10))
        answered = ~np.isnan(answer)
        hit = answered & np.isin(answer, np.asarray(rule.values, dtype=float))
        return hit.astype(float), answered.astype(float)
    if rule.kind == "mean_at_least":
        answers = np.column_stack(
            [_integers(frame, item, source, allowed=range(1, 10)) for item in rule.items]
        )
        answered = (~np.isnan(answers)).sum(axis=1)
        enough = answered >= rule.min_answered
        with np.errstate(invalid="ignore", divide="ignore"):
            mean = np.nansum(answers, axis=1) / answered
        hit = enough & (mean >= rule.threshold)
        return hit.astype(float), enough.astype(float)
    check_choice("rule.kind", rule.kind, ("flag", "any_of", "mean_at_least"))
    raise AssertionError("unreachable")


def _band_masks(
    frame: pd.DataFrame,
    column: str,
    bands: Sequence[str],
    groups: Mapping[str, Sequence[str]] | None,
    source: object,
) -> dict[str, np.ndarray]:
    """Boolean row mask per band: declared groups of codes, or numeric age ranges."""
    masks: dict[str, np.ndarray] = {}
    ages: np.ndarray | None = None
    for band in bands:
        if groups is not None and band in groups:
            masks[band] = frame[column].isin(list(groups[band])).to_numpy()
            continue
        if ages is None:
            ages = _integers(frame, column, source)
            negative = ages < 0
            if negative.any():
                i = _first(negative)
                raise DataError(
                    "negative age",
                    file=source,
                    column=column,
                    row=frame.index[i],
                    value=frame[column].iloc[i],
                )
        low, high = parse_band(band)
        masks[band] = (ages >= low) & (ages <= high)
    return masks


def aggregate(
    micro: pd.DataFrame,
    *,
    indicator: str,
    rule: Rule,
    bands: Sequence[str],
    region: str = "district",
    period: str = "year",
    age: str = "age",
    sex: str = "sex",
    sex_codes: Mapping[str, str] | None = None,
    age_groups: Mapping[str, Sequence[str]] | None = None,
    source: object | None = None,
) -> pd.DataFrame:
    """Count persons with and without a trait per region, period, age band and sex.

    Parameters
    ----------
    micro
        One row per person-year or respondent, columns as text
        (:func:`read_microdata`).
    indicator
        Registry id written to the ``indicator`` column.
    rule
        How a row counts (:class:`utenforskap.registry.Rule`).
    bands
        Age band labels. A label found in ``age_groups`` selects rows whose
        ``age`` column is one of the listed codes (e.g. school levels);
        otherwise it is parsed as an age range (``"16-25"``) over numeric ages.
    region, period, age, sex
        Source column names.
    sex_codes
        Source value → ``"male"`` / ``"female"``; other values count only in
        ``"total"``. Default: ``male`` and ``female`` as they are.
    age_groups
        Band label → list of codes in the ``age`` column.
    source
        File name for error messages.

    Returns
    -------
    pandas.DataFrame
        CountFrame: one row per region × period × band × sex (``total``, ``male``,
        ``female``) with at least one person in the population. ``numerator``
        counts rows with the trait, ``denominator`` rows in the population;
        ``region_name`` is empty and ``status`` is ``""``.

    Examples
    --------
    >>> import pandas as pd
    >>> from utenforskap.registry import get_indicator
    >>> micro = pd.DataFrame({"district": ["990101"] * 3, "year": ["2024"] * 3,
    ...     "age": ["17", "18", "30"], "sex": ["male", "female", "male"],
    ...     "neet": ["1", "0", ""]})
    >>> cf = aggregate(micro, indicator="neet", rule=get_indicator("neet").rule,
    ...     bands=["16-19"])
    >>> cf["sex"].tolist(), cf["numerator"].tolist(), cf["denominator"].tolist()
    (['female', 'male', 'total'], [0.0, 1.0, 1.0], [1.0, 1.0, 2.0])
    """
    for column in (region, period, sex):
        if column not in micro.columns:
            raise DataError(
                f"missing column; the file has {list(micro.columns)}", file=source, column=column
            )
    codes = micro[region].astype(str)
    bad_code = ~codes.str.fullmatch(r"\d+").to_numpy(dtype=bool)
    if bad_code.any():
        i = _first(bad_code)
        raise DataError(
            "region code must be digits",
            file=source,
            column=region,
            row=micro.index[i],
            value=micro[region].iloc[i],
        )
    numerator, denominator = _trait(micro, rule, source)
    sex_map = dict(_DEFAULT_SEX_CODES if sex_codes is None else sex_codes)
    sexes = micro[sex].map(sex_map).fillna("").to_numpy(dtype=object)
    base = pd.DataFrame(
        {
            F.REGION: codes.to_numpy(dtype=object),
            F.PERIOD: micro[period].astype(str).to_numpy(dtype=object),
            F.SEX: sexes,
        }
    )
    pieces = []
    for band, mask in _band_masks(micro, age, bands, age_groups, source).items():
        work = base.assign(**{F.NUMERATOR: numerator * mask, F.DENOMINATOR: denominator * mask})
        by_sex = work.groupby([F.REGION, F.PERIOD, F.SEX], sort=False).sum().reset_index()
        total = (
            by_sex.groupby([F.REGION, F.PERIOD], sort=False)[[F.NUMERATOR, F.DENOMINATOR]]
            .sum()
            .reset_index()
            .assign(**{F.SEX: "total"})
        )
        cells = pd.concat([by_sex[by_sex[F.SEX] != ""], total], ignore_index=True)
        pieces.append(cells.assign(**{F.AGE: band}))
    counts = pd.concat(pieces, ignore_index=True)
    counts = counts[counts[F.DENOMINATOR] > 0]
    counts = counts.assign(
        **{F.INDICATOR: indicator, F.REGION_NAME: "", F.GROUP: F.GROUP_TOTAL, F.STATUS: ""}
    )
    return F.sort_frame(counts[list(F.COUNT_COLUMNS)].astype({F.REGION_NAME: object}))


def read_counts(path: str | Path) -> pd.DataFrame:
    """Read a CSV already in the CountFrame layout and validate it.

    Parameters
    ----------
    path
        CSV with the columns of :data:`utenforskap.frames.COUNT_COLUMNS`
        (``region_name``, ``group`` and ``status`` may be omitted: no group
        reads as ``"total"``); counts may be blank only
        where ``status`` holds an SSB symbol.

    Returns
    -------
    pandas.DataFrame
        A valid CountFrame; the index is the 1-based data row of the file.

    Raises
    ------
    DataError
        Naming the file, column, row and value of the first problem.
    """
    frame = read_microdata(path)
    for column in (F.REGION_NAME, F.STATUS):
        if column not in frame.columns:
            frame[column] = ""
    if F.GROUP not in frame.columns:
        frame[F.GROUP] = F.GROUP_TOTAL
    # Age labels are read in any form the one parser knows ("16 til 25",
    # "16-25 år") and written in its canonical form.
    labels = pd.unique(frame[F.AGE].astype(str))
    try:
        canonical = {label: age_label(label) for label in labels}
    except DataError as exc:
        rows = (frame[F.AGE].astype(str) == str(exc.value)).to_numpy()
        raise DataError(
            exc.problem, file=path, column=F.AGE, row=frame.index[_first(rows)], value=exc.value
        ) from None
    frame[F.AGE] = frame[F.AGE].astype(str).map(canonical).astype(object)
    missing = [c for c in F.COUNT_COLUMNS if c not in frame.columns]
    if missing:
        raise DataError(
            f"missing column; expected {list(F.COUNT_COLUMNS)}", file=path, column=missing[0]
        )
    for column in (F.NUMERATOR, F.DENOMINATOR):
        text = frame[column]
        blank = (text == "").to_numpy()
        numbers = pd.to_numeric(text.where(~blank, None), errors="coerce").to_numpy(dtype=float)
        bad = np.isnan(numbers) & ~blank
        if bad.any():
            i = _first(bad)
            raise DataError(
                "not a number", file=path, column=column, row=frame.index[i], value=text.iloc[i]
            )
        frame[column] = numbers
    return F.validate_counts(frame[list(F.COUNT_COLUMNS)], source=path)
