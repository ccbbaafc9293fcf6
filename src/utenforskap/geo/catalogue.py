"""Norway's regions built in: codes, names and validity years; names → codes aware of the year.

The catalogue is bundled package data (``geo/data/regions.csv``, built by
:mod:`utenforskap.geo._build_catalogue` from SSB's classifications 104, 131
and 103 as stored by the R packages norgeo and regtools, MIT; the
classifications themselves are SSB's, NLOD/CC BY 4.0). It is read on first
use, so importing the package stays fast.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources

import numpy as np
import numpy.typing as npt
import pandas as pd

from utenforskap.errors import DataError, check_choice

__all__ = [
    "CATALOGUE_LEVELS",
    "RegionCatalogue",
    "catalogue",
    "kommune_neighbours",
    "region_codes",
    "region_name",
    "region_names",
]

#: Levels the catalogue holds.
CATALOGUE_LEVELS: tuple[str, ...] = ("land", "fylke", "kommune", "bydel")

# "0301 Oslo", "K-3203 Asker", "F-31", "K.4001 Porsgrunn", "B-030101 Gamle Oslo", "3203".
_CODE = re.compile(r"^(?:[KFB][-.])?(\d{1,10})(?:\s+(\S.*))?$")
# A statbank validity suffix: "Østfold (-2019)", "Asker (2020-2023)", "Ski (1931-2019)".
_YEARS = re.compile(r"^(.*?)\s*\((\d{4})?\s*-\s*(\d{4})?\)$")
# A disambiguating parenthesis: "Våler (Østfold)", "Bø (Telemark)".
_PAREN = re.compile(r"^(.*?)\s*\(([^()]+)\)$")
_FULL, _BASE, _PART = 0, 1, 2


def _key(text: str) -> str:
    text = unicodedata.normalize("NFC", text).replace("\u00a0", " ")
    return re.sub(r"\s+", " ", text).strip().casefold()


@dataclass(frozen=True)
class _Match:
    row: int
    rank: int


@dataclass(frozen=True)
class RegionCatalogue:
    """Every land, fylke, kommune and bydel code with names and validity years.

    Attributes
    ----------
    table
        Columns ``code``, ``level``, ``name`` (Norwegian, as Klass gives it,
        Sámi forms included: ``Trondheim - Tråante``), ``name_en`` (only where
        English differs: ``0`` "Norway"), ``name_official`` (fylker: SSB's full
        name), ``parent`` (fylke of a kommune, kommune of a bydel),
        ``valid_from`` and ``valid_to`` (first and last year in force,
        inclusive; ``<NA>`` when not known to start after 2010 / still in
        force), ``successor`` (the 2024 kommune of an older code; blank when
        split) and ``aliases`` (other spellings, ``|``-separated: statbank
        labels, older names).
    """

    table: pd.DataFrame

    @functools.cached_property
    def _index(self) -> dict[str, list[_Match]]:
        index: dict[str, list[_Match]] = {}

        def add(text: str, row: int, rank: int) -> None:
            key = _key(text)
            if not key:
                return
            found = index.setdefault(key, [])
            for i, m in enumerate(found):
                if m.row == row:
                    if rank < m.rank:
                        found[i] = _Match(row, rank)
                    return
            found.append(_Match(row, rank))

        names = self.table["name"].to_numpy(dtype=object)
        official = self.table["name_official"].to_numpy(dtype=object)
        aliases = self.table["aliases"].to_numpy(dtype=object)
        for row in range(len(self.table)):
            spellings = [names[row], official[row], *str(aliases[row]).split("|")]
            for text in filter(None, spellings):
                add(text, row, _FULL)
                paren = _PAREN.match(text)
                if paren:
                    add(paren.group(1), row, _BASE)
                for part in text.split(" - ") if " - " in text else ():
                    add(part, row, _PART)
        return index

    @functools.cached_property
    def _position(self) -> pd.Index:
        return pd.Index(self.table["code"].to_numpy(dtype=object))

    def valid(self, year: int | None) -> np.ndarray:
        """Whether each row's code is in force in ``year`` (all True when None)."""
        if year is None:
            return np.ones(len(self.table), dtype=bool)
        start = self.table["valid_from"].fillna(-(10**6)).to_numpy(dtype=np.int64)
        end = self.table["valid_to"].fillna(10**6).to_numpy(dtype=np.int64)
        return (start <= year) & (year <= end)

    def codes(self, *, year: int | None = None, level: str | None = None) -> tuple[str, ...]:
        """Codes in force in ``year`` (all years when None), of ``level`` (all when None)."""
        mask = self.valid(year)
        if level is not None:
            check_choice("level", level, CATALOGUE_LEVELS)
            mask &= (self.table["level"] == level).to_numpy()
        return tuple(self.table["code"].to_numpy(dtype=object)[mask])

    def name_of(self, codes: npt.ArrayLike, *, lang: str = "nb") -> np.ndarray:
        """Names of ``codes`` for people; ``""`` for codes the catalogue does not hold.

        Parameters
        ----------
        codes
            Region codes as text (``"0"``, ``"03"``, ``"0301"``, ``"030101"``).
        lang
            ``"nb"`` or ``"en"`` (only the land differs: "Hele landet" / "Norway").

        Returns
        -------
        numpy.ndarray
            Object array of names.
        """
        check_choice("lang", lang, ("nb", "en"))
        values = np.asarray(codes, dtype=object).ravel()
        position = self._position.get_indexer(pd.Index(values))
        column = self.table["name"].to_numpy(dtype=object)
        if lang == "en":
            english = self.table["name_en"].to_numpy(dtype=object)
            column = np.where(english != "", english, column)
        found = position >= 0
        return np.where(found, column[np.where(found, position, 0)], "").astype(object)

    def parent_of(self, codes: npt.ArrayLike) -> np.ndarray:
        """Parents of ``codes`` (``""`` for the land and unknown codes)."""
        values = np.asarray(codes, dtype=object).ravel()
        position = self._position.get_indexer(pd.Index(values))
        column = self.table["parent"].to_numpy(dtype=object)
        found = position >= 0
        return np.where(found, column[np.where(found, position, 0)], "").astype(object)

    def codes_of(
        self,
        names: npt.ArrayLike | pd.Series,
        *,
        year: int | None,
        level: str | None = None,
        within: str | npt.ArrayLike | None = None,
        source: object | None = None,
        column: str | None = None,
    ) -> np.ndarray:
        """Region codes of names as files write them, for the regions in force in ``year``.

        Accepts codes with or without a name (``"0301 Oslo"``, ``"K-3203 Asker"``,
        ``"F-31"``, ``"K.4001"``), Klass names with Sámi forms and any of
        their parts (``"Trondheim"``, ``"Tråante"``), statbank labels with
        their validity (``"Østfold (-2019)"``, ``"Asker (2020-2023)"``: the
        years choose the code, whatever ``year`` says) or their fylke
        (``"Bø (Telemark)"``), and "Hele landet"/"Norge"/"Norway" for ``0``.
        Letter case and repeated spaces do not matter.

        Parameters
        ----------
        names
            Names (or codes) as text, one per row. With a Series, errors name
            its index labels as rows.
        year
            The year whose regions are meant (a name such as "Asker" means
            ``3025`` in 2020–2023 and ``3203`` from 2024). None considers all
            years: a name used by two codes over time is then ambiguous.
        level
            Only regions of this level (``"kommune"``; "Oslo" is then ``0301``,
            with ``"fylke"`` it is ``03``). By default any level; a kommune
            and its own fylke with one name (Oslo) give the kommune.
        within
            The fylke (code or name) the regions lie in — for bydeler their
            kommune — one for all rows or one per row. Needed for names two
            regions share in ``year`` (Våler, Herøy; before 2020 also Os, Bø,
            Sande, Nes). Regions at the scope's level or above (the country,
            fylker for a fylke) are found wherever they are.
        source, column
            File and column to name in errors.

        Returns
        -------
        numpy.ndarray
            Object array of codes as text.

        Raises
        ------
        DataError
            A name that matches no region in force in ``year`` (the message
            says when it was in force, or suggests close names), or that
            matches several (the message names the candidates).

        Examples
        --------
        >>> cat = catalogue()
        >>> cat.codes_of(["Hele landet", "Skien", "Østfold (-2019)", "K-3203 Asker"],
        ...              year=2024).tolist()
        ['0', '4003', '01', '3203']
        >>> cat.codes_of(["Asker"], year=2022).tolist()
        ['3025']
        >>> cat.codes_of(["Hele landet", "Innlandet", "Våler"], year=2024, within="34").tolist()
        ['0', '34', '3419']
        """
        if level is not None:
            check_choice("level", level, CATALOGUE_LEVELS)
        series = (
            names
            if isinstance(names, pd.Series)
            else pd.Series(np.asarray(names, dtype=object).ravel(), dtype=object)
        )
        labels = series.index
        texts = series.to_numpy(dtype=object)
        if within is None or isinstance(within, str):
            scope = np.full(len(texts), within or "", dtype=object)
        else:
            scope = np.asarray(within, dtype=object).ravel()
            if len(scope) != len(texts):
                raise DataError(
                    f"'within' has {len(scope)} values for {len(texts)} names",
                    file=source,
                    column=column,
                )
        pairs = pd.DataFrame({"name": texts, "within": scope})
        codes, uniques = pd.factorize(
            pd.Series(list(zip(pairs["name"], pairs["within"], strict=True)), dtype=object),
            use_na_sentinel=False,
        )
        resolved = np.empty(len(uniques), dtype=object)
        for i, (text, inside) in enumerate(uniques):
            where = int(np.flatnonzero(codes == i)[0])
            resolved[i] = self._one(
                text,
                inside,
                year=year,
                level=level,
                source=source,
                column=column,
                row=labels[where],
            )
        return resolved[codes] if len(texts) else np.empty(0, dtype=object)

    def _one(
        self,
        text: object,
        within: object,
        *,
        year: int | None,
        level: str | None,
        source: object | None,
        column: str | None,
        row: object,
    ) -> str:
        def fail(problem: str, hint: str | None = None) -> DataError:
            return DataError(problem, file=source, column=column, row=row, value=text, hint=hint)

        if not isinstance(text, str) or not text.strip():
            raise fail("no region name or code")
        clean = unicodedata.normalize("NFC", text).replace("\u00a0", " ").strip()
        code = _CODE.match(clean)
        if code is not None:
            return code.group(1)
        start = end = None
        name = clean
        years = _YEARS.match(clean)
        if years is not None:
            name = years.group(1)
            start = int(years.group(2)) if years.group(2) else None
            end = int(years.group(3)) if years.group(3) else None
        matches = list(self._index.get(_key(name), []))
        hinted_fylke: str | None = None
        paren = _PAREN.match(name)
        if not matches and paren is not None:
            matches = list(self._index.get(_key(paren.group(1)), []))
            hinted_fylke = paren.group(2)
        if not matches:
            close = self._close(name)
            raise fail(
                "no region with this name",
                f"close names: {', '.join(close)}" if close else "check the spelling",
            )
        rows = np.asarray([m.row for m in matches], dtype=np.int64)
        ranks = np.asarray([m.rank for m in matches], dtype=np.int64)
        table = self.table
        keep = np.ones(len(rows), dtype=bool)
        if level is not None:
            keep &= table["level"].to_numpy(dtype=object)[rows] == level
        if start is not None or end is not None:
            when = end if end is not None else start
            keep &= self.valid(when)[rows]
        elif year is not None:
            keep &= self.valid(year)[rows]
        parents = table["parent"].to_numpy(dtype=object)
        for hint in (within, hinted_fylke):
            if hint:
                inside = self._scope(str(hint), year=end or year, fail=fail)
                region_codes = table["code"].to_numpy(dtype=object)[rows]
                # The scope narrows the regions below it; a file of a fylke's
                # kommuner also has the country's and the fylke's own rows
                # (FHI's downloads always do), which it leaves as they are.
                above = np.asarray([len(c) <= len(inside) for c in region_codes], dtype=bool)
                keep &= (
                    (parents[rows] == inside)
                    | (np.asarray([c[:2] for c in region_codes], dtype=object) == inside)
                    | above
                )
        rows, ranks = rows[keep], ranks[keep]
        if len(rows) > 1 and (ranks < _PART).any():
            rows, ranks = rows[ranks < _PART], ranks[ranks < _PART]
        district = table["level"].to_numpy(dtype=object)[rows] == "bydel"
        if level is None and district.any() and not district.all():
            # Bydeler share names with the kommuner they once were (Finnøy):
            # without level="bydel", a name means the larger region.
            rows = rows[~district]
        codes = table["code"].to_numpy(dtype=object)[rows]
        if len(codes) == 2 and level is None:
            a, b = sorted(codes, key=len)
            if len(a) == 2 and len(b) == 4 and b[:2] == a:
                return str(b)  # Oslo: the kommune and its own fylke share a name
        if len(codes) == 1:
            return str(codes[0])
        if len(codes) == 0:
            used = self._when(np.asarray([m.row for m in matches], dtype=np.int64))
            scope = f" in {within}" if within else ""
            raise fail(
                f"no region with this name in force in {end or start or year}{scope}",
                f"the name was in use for {used}" if used else None,
            )
        shown = ", ".join(
            f"{c} {self.table['name'].iloc[r]}" for c, r in zip(codes, rows, strict=True)
        )
        when = end or start or year
        raise fail(
            f"ambiguous region name: {len(codes)} regions in force"
            f"{f' in {when}' if when else ''} have it ({shown})",
            "give the fylke (within=) or write the code",
        )

    def _scope(self, hint: str, *, year: int | None, fail: object) -> str:
        clean = hint.strip()
        code = _CODE.match(clean)
        if code is not None:
            return code.group(1)
        for level in ("fylke", "kommune"):
            found = [
                m.row
                for m in self._index.get(_key(clean), [])
                if self.table["level"].iloc[m.row] == level
                and (year is None or self.valid(year)[m.row])
            ]
            if len(found) == 1:
                return str(self.table["code"].iloc[found[0]])
        found = [
            m.row
            for m in self._index.get(_key(clean), [])
            if self.table["level"].iloc[m.row] == "fylke"
        ]
        if found:
            return str(self.table["code"].iloc[found[-1]])
        raise DataError("not a fylke or kommune (within=)", value=hint)

    def _when(self, rows: np.ndarray) -> str:
        parts = []
        for r in rows:
            start = self.table["valid_from"].iloc[r]
            end = self.table["valid_to"].iloc[r]
            span = f"{'' if pd.isna(start) else int(start)}-{'' if pd.isna(end) else int(end)}"
            parts.append(f"{self.table['code'].iloc[r]} {self.table['name'].iloc[r]} ({span})")
        return "; ".join(dict.fromkeys(parts))

    def _close(self, name: str) -> list[str]:
        import difflib

        keys = difflib.get_close_matches(_key(name), list(self._index), n=3, cutoff=0.8)
        return [str(self.table["name"].iloc[self._index[k][0].row]) for k in keys]

    def neighbours(self, kommune: str) -> tuple[str, ...]:
        """The 2024 kommuner bordering ``kommune`` (a 2024 code), sorted.

        Derived once, offline, from generalised 2024 boundaries (see
        :mod:`utenforskap.geo._build_catalogue`): kommuner within about 0.5 km
        of each other. Islands without such neighbours give ``()``.
        """
        table = _neighbours()
        return tuple(table.loc[table["code"] == kommune, "neighbour"])


@functools.cache
def _neighbours() -> pd.DataFrame:
    path = resources.files("utenforskap.geo") / "data" / "neighbours.csv"
    with path.open("r", encoding="utf-8") as stream:
        return pd.read_csv(stream, dtype=str, keep_default_na=False)


@functools.cache
def catalogue() -> RegionCatalogue:
    """The built-in region catalogue, read from package data on first use.

    Returns
    -------
    RegionCatalogue
        Land, fylker (34 codes since 2010 and ``99``), every kommune code used
        1994–2024 (357 in force in 2024, and ``9999`` "Uoppgitt kommune") and
        the bydeler of Oslo, Bergen, Stavanger, Trondheim and Tromsø.

    Examples
    --------
    >>> len(catalogue().codes(year=2024, level="kommune"))  # 357 and 9999
    358
    """
    path = resources.files("utenforskap.geo") / "data" / "regions.csv"
    with path.open("r", encoding="utf-8") as stream:
        table = pd.read_csv(stream, dtype=str, keep_default_na=False)
    for name in ("valid_from", "valid_to"):
        table[name] = pd.to_numeric(table[name].replace("", None)).astype("Int64")
    return RegionCatalogue(table)


def region_name(code: str, *, lang: str = "nb") -> str:
    """The name of one region code for people ("0" is "Hele landet", in English "Norway").

    Parameters
    ----------
    code
        A region code as text.
    lang
        ``"nb"`` or ``"en"``.

    Returns
    -------
    str
        The name; ``""`` when the catalogue does not hold the code.

    Examples
    --------
    >>> region_name("0"), region_name("0", lang="en"), region_name("3203")
    ('Hele landet', 'Norway', 'Asker')
    """
    return str(catalogue().name_of([code], lang=lang)[0])


def region_names(codes: npt.ArrayLike, *, lang: str = "nb") -> np.ndarray:
    """Names of region codes for people; ``""`` for codes the catalogue does not hold.

    Parameters
    ----------
    codes
        Region codes as text.
    lang
        ``"nb"`` or ``"en"``.

    Returns
    -------
    numpy.ndarray
        Object array of names.

    Examples
    --------
    >>> region_names(["03", "40", "0301", "030101", "9901"]).tolist()
    ['Oslo', 'Telemark', 'Oslo', 'Gamle Oslo', '']
    """
    return catalogue().name_of(codes, lang=lang)


def region_codes(
    names: npt.ArrayLike | pd.Series,
    *,
    year: int | None,
    level: str | None = None,
    within: str | Sequence[str] | None = None,
    source: object | None = None,
    column: str | None = None,
) -> np.ndarray:
    """Region codes of names as files write them (see :meth:`RegionCatalogue.codes_of`).

    Parameters
    ----------
    names
        Names or codes as text.
    year
        The year whose regions are meant.
    level
        Only regions of this level.
    within
        The fylke (for bydeler the kommune) the regions lie in.
    source, column
        File and column to name in errors.

    Returns
    -------
    numpy.ndarray
        Object array of codes as text.

    Examples
    --------
    >>> region_codes(["Bø", "Bø (Telemark)"], year=2019, within=["Nordland", ""]).tolist()
    ['1867', '0821']
    """
    return catalogue().codes_of(
        names, year=year, level=level, within=within, source=source, column=column
    )


def kommune_neighbours(kommune: str) -> tuple[str, ...]:
    """The 2024 kommuner bordering a 2024 kommune (see :meth:`RegionCatalogue.neighbours`).

    Parameters
    ----------
    kommune
        A kommune code valid in 2024.

    Returns
    -------
    tuple of str
        Neighbour codes, sorted.

    Examples
    --------
    >>> kommune_neighbours("3203")
    ('3201', '3312')
    """
    return catalogue().neighbours(kommune)
