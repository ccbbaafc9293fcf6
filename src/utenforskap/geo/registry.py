"""Region registry: codes with names, levels and parents, from files or frames."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from os import PathLike
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pandas as pd

from utenforskap.errors import DataError, check_choice
from utenforskap.geo.codes import code_hint, isin, levels_of, parent_code

__all__ = ["FYLKER_2024", "RegionRegistry", "read_levekarssone_map"]

#: Fylker from 1 January 2024 (SSB classification 104), and the land.
FYLKER_2024: dict[str, str] = {
    "0": "Hele landet",
    "03": "Oslo",
    "11": "Rogaland",
    "15": "Møre og Romsdal",
    "18": "Nordland",
    "31": "Østfold",
    "32": "Akershus",
    "33": "Buskerud",
    "34": "Innlandet",
    "39": "Vestfold",
    "40": "Telemark",
    "42": "Agder",
    "46": "Vestland",
    "50": "Trøndelag",
    "55": "Troms",
    "56": "Finnmark",
}

_COLUMNS = ("code", "name", "parent", "level")


def _read_text_csv(path: str | PathLike[str]) -> pd.DataFrame:
    # The one reader of small CSV files: every column as text, UTF-8 or a
    # message saying how to save it so, the file's own line numbers as index.
    from utenforskap.microdata.files import read_microdata

    return read_microdata(Path(path))


def _require(frame: pd.DataFrame, columns: Iterable[str], source: object | None) -> None:
    for column in columns:
        if column not in frame.columns:
            raise DataError(
                f"missing column {column!r}; found {list(frame.columns)}",
                file=source,
                column=column,
            )


def _row_label(frame: pd.DataFrame, position: int, source: object | None) -> object:
    # Files read by read_microdata carry their own line numbers as index; frames
    # are named by their index label.
    return frame.index[position]


def _check_codes(
    frame: pd.DataFrame, column: str, source: object | None, *, empty_ok: bool
) -> None:
    values = frame[column].to_numpy(dtype=object)
    level = levels_of(values)
    bad = level == ""
    if empty_ok:
        bad &= values != ""
    if bad.any():
        position = int(np.flatnonzero(bad)[0])
        raise DataError(
            "not a region code: expected 1, 2, 4, 6, 8 or 10 digits as text",
            file=source,
            column=column,
            row=_row_label(frame, position, source),
            value=values[position],
            hint=code_hint(values[position]) or "keep leading zeros (read the file with dtype=str)",
        )


@dataclass(frozen=True)
class RegionRegistry:
    """Region codes with names, levels and parents.

    Build one with :meth:`from_frame`, :meth:`from_csv`,
    :meth:`from_crosswalk` or :meth:`from_levekarssone_csv`, and combine
    several with :meth:`combine`.

    Attributes
    ----------
    table
        Columns ``code``, ``name``, ``parent`` (``""`` for land) and
        ``level``, one row per code, sorted by code.
    """

    table: pd.DataFrame

    @classmethod
    def from_frame(cls, frame: pd.DataFrame, *, source: object | None = None) -> RegionRegistry:
        """Build a registry from a frame with columns ``code``, ``name`` and optionally ``parent``.

        Parameters
        ----------
        frame
            Codes as text. A missing or empty ``parent`` is implied by the
            code's length (:func:`~utenforskap.geo.codes.parent_code`).
        source
            File or description to name in messages.

        Returns
        -------
        RegionRegistry

        Raises
        ------
        DataError
            A missing column, a code that is not a region code, a code listed
            twice with different names or parents, a parent that is not a
            coarser level than its child.

        Examples
        --------
        >>> import pandas as pd
        >>> reg = RegionRegistry.from_frame(pd.DataFrame(
        ...     {"code": ["9901", "990101"], "name": ["Eksempelkommune", "Sentrum"]}))
        >>> reg.parent_of(["990101"]).tolist()
        ['9901']
        """
        _require(frame, ("code", "name"), source)
        work = pd.DataFrame(
            {
                "code": frame["code"].to_numpy(dtype=object),
                "name": frame["name"].fillna("").astype(str).to_numpy(dtype=object),
            },
            index=frame.index,
        )
        _check_codes(work, "code", source, empty_ok=False)
        implied = parent_code(work["code"].to_numpy(dtype=object))
        if "parent" in frame.columns:
            given = frame["parent"].fillna("").astype(str).to_numpy(dtype=object)
            work["parent"] = np.where(given == "", implied, given).astype(object)
            _check_codes(work, "parent", source, empty_ok=True)
        else:
            work["parent"] = implied
        work["level"] = levels_of(work["code"].to_numpy(dtype=object))
        code_len = work["code"].str.len().to_numpy()
        parent_len = work["parent"].str.len().to_numpy()
        wrong = (work["parent"].to_numpy(dtype=object) != "") & ~(
            (parent_len < code_len) | ((code_len == 8) & (parent_len == 10))
        )
        if wrong.any():
            position = int(np.flatnonzero(wrong)[0])
            raise DataError(
                "parent is not a coarser region than its child",
                file=source,
                column="parent",
                row=_row_label(work, position, source),
                value=work["parent"].iloc[position],
            )
        return cls._from_table(work, source)

    @classmethod
    def _from_table(cls, work: pd.DataFrame, source: object | None) -> RegionRegistry:
        unique = work.drop_duplicates(list(_COLUMNS[:3]))
        clash = unique.duplicated("code", keep=False).to_numpy()
        if clash.any():
            rows = unique[clash]
            raise DataError(
                f"code listed with different names or parents: {rows.head(2).to_dict('records')}",
                file=source,
                column="code",
                row=_row_label(unique, int(np.flatnonzero(clash)[1]), source),
                value=rows["code"].iloc[0],
            )
        table = unique.sort_values("code", kind="mergesort").reset_index(drop=True)
        return cls(table[list(_COLUMNS)].astype(object))

    @classmethod
    def from_csv(cls, path: str | PathLike[str]) -> RegionRegistry:
        """Read a registry from a UTF-8 CSV with columns ``code``, ``name`` and optional ``parent``.

        Parameters
        ----------
        path
            The CSV file.

        Returns
        -------
        RegionRegistry
        """
        return cls.from_frame(_read_text_csv(path), source=path)

    @classmethod
    def from_crosswalk(
        cls, crosswalk: object, *, fylker: Mapping[str, str] | None = None
    ) -> RegionRegistry:
        """The target year's kommuner of a crosswalk, with fylke and land names.

        Parameters
        ----------
        crosswalk
            A :class:`~utenforskap.geo.crosswalk.Crosswalk`.
        fylker
            Fylke (and land) code → name; default :data:`FYLKER_2024`.

        Returns
        -------
        RegionRegistry
            Every target kommune (parent from its first two digits), each
            fylke of ``fylker`` that has a kommune, and the land ``"0"``.
        """
        from utenforskap.geo.crosswalk import Crosswalk

        if not isinstance(crosswalk, Crosswalk):
            raise TypeError("crosswalk must be a Crosswalk (see read_crosswalk)")
        targets = crosswalk.targets()
        fylke_names = dict(FYLKER_2024 if fylker is None else fylker)
        kommune_fylker = sorted(set(parent_code(targets["code"].to_numpy(dtype=object))))
        extra = pd.DataFrame(
            {
                "code": ["0", *[f for f in kommune_fylker if f in fylke_names]],
                "name": [
                    fylke_names.get("0", "Hele landet"),
                    *[fylke_names[f] for f in kommune_fylker if f in fylke_names],
                ],
            }
        )
        frame = pd.concat([extra, targets[["code", "name"]]], ignore_index=True)
        return cls.from_frame(frame, source=crosswalk.source)

    @classmethod
    def builtin(cls, year: int = 2024, *, lang: str = "nb") -> RegionRegistry:
        """Norway's land, fylker, kommuner and bydeler in force in ``year``, from the catalogue.

        Parameters
        ----------
        year
            The year whose regions are listed (codes and names change with
            the reforms of 2018, 2020 and 2024).
        lang
            ``"nb"`` or ``"en"`` (only the land's name differs).

        Returns
        -------
        RegionRegistry
            One row per code (kommune ``9999`` "Uoppgitt kommune" and fylke
            ``99`` included), parents from the catalogue.

        Examples
        --------
        >>> reg = RegionRegistry.builtin(2024)
        >>> reg.name_of(["0", "40", "4003", "030101"]).tolist()
        ['Hele landet', 'Telemark', 'Skien', 'Gamle Oslo']
        >>> reg.parent_of(["4003"]).tolist()
        ['40']
        """
        from utenforskap.geo.catalogue import catalogue

        cat = catalogue()
        table = cat.table.loc[cat.valid(year)]
        frame = pd.DataFrame(
            {
                "code": table["code"].to_numpy(dtype=object),
                "name": cat.name_of(table["code"].to_numpy(dtype=object), lang=lang),
                "parent": table["parent"].to_numpy(dtype=object),
            }
        )
        return cls.from_frame(frame, source=f"built-in regions {year}")

    def with_builtin(self, year: int = 2024) -> RegionRegistry:
        """This registry plus the built-in regions of ``year``; this registry's names win.

        Parameters
        ----------
        year
            The year of the built-in regions.

        Returns
        -------
        RegionRegistry
        """
        return self.combine(type(self).builtin(year), on_conflict="first")

    @classmethod
    def from_levekarssone_csv(cls, path: str | PathLike[str]) -> RegionRegistry:
        """Levekårssoner and their grunnkretser from a mapping CSV.

        Parameters
        ----------
        path
            A CSV such as FHI's ``lks_gk_2026.csv``: columns ``levekaar``
            (10 digits), ``lksnavn`` and ``grunnkrets`` (8 digits).

        Returns
        -------
        RegionRegistry
            Each levekårssone (parent: its kommune) and each grunnkrets
            (parent: its levekårssone; name: its code).
        """
        mapping = read_levekarssone_map(path)
        zones = mapping.drop_duplicates("levekarssone")
        frame = pd.concat(
            [
                pd.DataFrame(
                    {
                        "code": zones["levekarssone"].to_numpy(dtype=object),
                        "name": zones["name"].to_numpy(dtype=object),
                        "parent": parent_code(zones["levekarssone"].to_numpy(dtype=object)),
                    }
                ),
                pd.DataFrame(
                    {
                        "code": mapping["grunnkrets"].to_numpy(dtype=object),
                        "name": mapping["grunnkrets"].to_numpy(dtype=object),
                        "parent": mapping["levekarssone"].to_numpy(dtype=object),
                    }
                ),
            ],
            ignore_index=True,
        )
        return cls.from_frame(frame, source=path)

    def combine(self, *others: RegionRegistry, on_conflict: str = "raise") -> RegionRegistry:
        """Return one registry holding the codes of this and the other registries.

        Parameters
        ----------
        *others
            Registries to add.
        on_conflict
            ``"raise"``: a code they share must have the same name and parent.
            ``"first"``: the first registry that lists a code wins (e.g. the
            user's own region list over the built-in names).

        Returns
        -------
        RegionRegistry

        Raises
        ------
        DataError
            With ``on_conflict="raise"``, a code with different names or parents
            in two registries.
        """
        check_choice("on_conflict", on_conflict, ("raise", "first"))
        work = pd.concat([self.table, *[o.table for o in others]], ignore_index=True)
        if on_conflict == "first":
            work = work.drop_duplicates("code", keep="first")
        return type(self)._from_table(work, "combined registries")

    def __contains__(self, code: object) -> bool:
        return bool((self.table["code"] == code).any())

    def __len__(self) -> int:
        return len(self.table)

    @property
    def codes(self) -> tuple[str, ...]:
        """All codes, sorted."""
        return tuple(self.table["code"])

    def has_level(self, level: str) -> bool:
        """Whether the registry holds any code of ``level``."""
        return bool((self.table["level"] == level).any())

    def names(self) -> dict[str, str]:
        """Code → name for every code."""
        return dict(zip(self.table["code"], self.table["name"], strict=True))

    def parents(self) -> dict[str, str]:
        """Code → parent code for every code (``""`` for land)."""
        return dict(zip(self.table["code"], self.table["parent"], strict=True))

    def _lookup(self, codes: npt.ArrayLike, column: str) -> np.ndarray:
        index = pd.Index(self.table["code"].to_numpy(dtype=object))
        position = index.get_indexer(pd.Index(np.asarray(codes, dtype=object).ravel()))
        values = self.table[column].to_numpy(dtype=object)
        found = position >= 0
        return np.where(found, values[np.where(found, position, 0)], "").astype(object)

    def name_of(self, codes: npt.ArrayLike) -> np.ndarray:
        """Names of ``codes``; ``""`` for codes the registry does not hold."""
        return self._lookup(codes, "name")

    def parent_of(self, codes: npt.ArrayLike) -> np.ndarray:
        """Parents of ``codes``; ``""`` for land and for codes the registry does not hold."""
        return self._lookup(codes, "parent")

    def fill_names(self, counts: pd.DataFrame) -> pd.DataFrame:
        """Return a copy of a CountFrame with blank ``region_name`` filled from the registry.

        Parameters
        ----------
        counts
            A frame with ``region`` and ``region_name``.

        Returns
        -------
        pandas.DataFrame
            The same rows; names already given are kept. Codes the registry
            does not hold get their name from the built-in catalogue
            (:func:`~utenforskap.geo.catalogue.region_names`), so a kommune
            rolled up from its districts is named even when the registry
            lists only the districts.
        """
        from utenforskap.geo.catalogue import region_names

        out = counts.copy()
        codes = out["region"].to_numpy(dtype=object)
        found = self.name_of(codes)
        found = np.where(found == "", region_names(codes), found).astype(object)
        given = out["region_name"].fillna("").astype(str).to_numpy(dtype=object)
        out["region_name"] = np.where(given == "", found, given).astype(object)
        out["region_name"] = out["region_name"].astype(object)
        return out

    def check(
        self,
        codes: npt.ArrayLike | pd.Series,
        *,
        source: object | None = None,
        column: str = "region",
    ) -> None:
        """Raise if any code is not in the registry.

        Parameters
        ----------
        codes
            Codes to check; with a Series, the error names its index label.
        source
            File or description to name in messages.
        column
            Column name for messages.

        Raises
        ------
        DataError
            Naming the first unknown code's row and value, and how many are unknown.

        Examples
        --------
        >>> import pandas as pd
        >>> reg = RegionRegistry.from_frame(pd.DataFrame({"code": ["9901"], "name": ["X"]}))
        >>> reg.check(["9901"])
        """
        values = np.asarray(codes, dtype=object).ravel()
        labels = codes.index if isinstance(codes, pd.Series) else pd.RangeIndex(len(values))
        known = isin(values, set(self.table["code"]))
        if not known.all():
            position = int(np.flatnonzero(~known)[0])
            unknown = sorted({str(v) for v in values[~known]})
            shown = ", ".join(unknown[:5]) + (" …" if len(unknown) > 5 else "")
            raise DataError(
                f"unknown region code ({len(unknown)} unknown: {shown})",
                file=source,
                column=column,
                row=labels[position],
                value=values[position],
                hint=code_hint(values[position])
                or "add the region to the registry, or harmonise old kommune codes first",
            )


def read_levekarssone_map(path: str | PathLike[str]) -> pd.DataFrame:
    """Read a grunnkrets → levekårssone mapping CSV.

    Parameters
    ----------
    path
        CSV with columns ``levekaar`` (10-digit levekårssone), ``lksnavn``
        (its name) and ``grunnkrets`` (8 digits), as FHI's ``lks_gk_2026.csv``.

    Returns
    -------
    pandas.DataFrame
        Columns ``grunnkrets``, ``levekarssone``, ``name``; one row per
        grunnkrets, sorted by grunnkrets.

    Raises
    ------
    DataError
        Missing column, malformed code, a grunnkrets in two levekårssoner, or
        a grunnkrets in a levekårssone of another kommune.
    """
    raw = _read_text_csv(path)
    _require(raw, ("levekaar", "lksnavn", "grunnkrets"), path)
    frame = pd.DataFrame(
        {
            "grunnkrets": raw["grunnkrets"].str.strip().to_numpy(dtype=object),
            "levekarssone": raw["levekaar"].str.strip().to_numpy(dtype=object),
            "name": raw["lksnavn"].str.strip().to_numpy(dtype=object),
        }
    )
    for column, length in (("grunnkrets", 8), ("levekarssone", 10)):
        values = frame[column]
        bad = ~(values.str.fullmatch(r"\d+").fillna(False) & (values.str.len() == length))
        if bad.any():
            position = int(np.flatnonzero(bad.to_numpy())[0])
            raise DataError(
                f"expected a {length}-digit {column} code",
                file=path,
                column="levekaar" if column == "levekarssone" else column,
                row=position + 1,
                value=values.iloc[position],
            )
    distinct = frame.drop_duplicates()
    twice = distinct.duplicated("grunnkrets", keep="first").to_numpy()
    if twice.any():
        position = int(np.flatnonzero(twice)[0])
        raise DataError(
            "grunnkrets mapped to two levekårssoner",
            file=path,
            column="grunnkrets",
            row=int(distinct.index[position]) + 1,
            value=distinct["grunnkrets"].iloc[position],
        )
    other = (frame["grunnkrets"].str[:4] != frame["levekarssone"].str[:4]).to_numpy()
    if other.any():
        position = int(np.flatnonzero(other)[0])
        raise DataError(
            "grunnkrets lies in another kommune than its levekårssone",
            file=path,
            column="grunnkrets",
            row=position + 1,
            value=frame["grunnkrets"].iloc[position],
        )
    frame = frame.drop_duplicates()
    return frame.sort_values("grunnkrets", kind="mergesort").reset_index(drop=True)
