"""Read PC-Axis (.px) files into tidy observation frames."""

from __future__ import annotations

import os
import re
import warnings
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from utenforskap import frames as F
from utenforskap.counts import MISSING, STATUS_SYMBOLS, ZERO
from utenforskap.errors import DataError, ParameterError
from utenforskap.io.cube import (
    Dimension,
    Naming,
    SymbolWarning,
    check_naming,
    check_status,
    cube_to_frame,
    translate_symbols,
)
from utenforskap.io.source import decode_bytes, normalise_encoding, read_bytes

__all__ = ["read_px"]

_STRING = r'"(?:[^"\\]|\\.)*"'
# Header pieces: a closed string, an entry's end, other text, or an unclosed quote.
_PIECE = re.compile(rf'{_STRING}|;|[^";]+|"', re.DOTALL)
_KEY = re.compile(
    rf"\s*([A-Za-z][A-Za-z0-9_-]*)\s*(?:\[\s*([A-Za-z_-]+)\s*\])?\s*"
    rf"(?:\(\s*((?:{_STRING}\s*+,?+\s*+)*+)\))?\s*=",
    re.DOTALL,
)
_TOKEN = re.compile(rf'{_STRING}|,|[^\s,"]+', re.DOTALL)
_CODEPAGE = re.compile(rb'CODEPAGE\s*=\s*"([^"]*)"')
_DATA = re.compile(r"(?:^|;)\s*DATA\s*=", re.MULTILINE)
_ESCAPE = re.compile(r"\\(.)", re.DOTALL)
#: Data symbols the PX format defines: one to six dots (DATASYMBOL1–6), nil and SSB's ':'.
_DOTS = (".", "..", "...", "....", ".....", "......")
_SYMBOLS = (*_DOTS, "-", ":")


@dataclass(frozen=True)
class _Entry:
    keyword: str
    lang: str | None
    subkeys: tuple[str, ...]
    values: tuple[str, ...]
    line: int


def read_px(
    path: str | os.PathLike[str],
    *,
    naming: Naming = "code",
    lang: str | None = None,
    symbols: Mapping[str, str] | None = None,
    status_symbols: Collection[str] | None = F.STATUS_SYMBOLS,
) -> pd.DataFrame:
    """Read a PC-Axis file into a tidy frame, one row per cell.

    Parameters
    ----------
    path
        The ``.px`` file.
    naming
        ``"code"`` (``CODES``, else ``VALUES``), ``"label"`` (``VALUES``) or
        ``"both"`` (codes in ``<variable>``, labels in ``<variable>_label``).
    lang
        One of the file's ``LANGUAGES``; by default its ``LANGUAGE``.
    symbols
        The file's data symbols → the package's (``"."``, ``".."``, ``"..."``,
        ``":"``, ``"-"``; see :mod:`utenforskap.counts`). By default ``.``,
        ``..``, ``...``, ``:`` and ``-`` keep their SSB meaning; a symbol the
        file declares with ``DATASYMBOL1``–``6`` as one of the package's
        symbols takes that meaning (PxWebApi's demo tables show ``...`` as
        ``..``); ``....`` to ``......`` are read as ``..`` (value unknown).
        Symbols read by such a default that the file declares otherwise
        (``DATASYMBOL4="secret"``) give a :class:`~utenforskap.io.cube.SymbolWarning`.
    status_symbols
        Allowed symbols after the mapping; another one is a DataError.

    Returns
    -------
    pandas.DataFrame
        One text column per variable (``STUB`` then ``HEADING``, named by
        ``VARIABLECODE`` when given, else the variable's name in the chosen
        language), ``value`` (float) and ``status``: ``""`` for a number, else
        the symbol (``.``, ``..``, ``...``, ``:``, ``-``) with value NaN; ``-``
        is a true zero (value 0.0) when the file declares ``DATASYMBOLNIL``.
        DATA may end without ``;`` and may have ``;`` after each row (INE);
        the cell count is checked. The text is decoded by ``CODEPAGE``, except
        that non-ASCII text that is valid UTF-8 is read as UTF-8 whatever the
        file declares; without ``CODEPAGE`` as UTF-8 when valid, else ISO-8859-1.
        ``attrs``: ``encoding``, ``symbols`` (the file's ``DATASYMBOL``
        declarations), ``cellnotes`` (``CELLNOTE``/``CELLNOTEX``: ``cells``
        variable → value or ``*``, ``note``, ``mandatory``), ``label`` (``TITLE``), ``contents``,
        ``source``, ``updated`` (``LAST-UPDATED``), ``note``, ``unit``
        (``UNITS``), ``decimals``, ``language``, ``role`` and ``time``/``geo``/
        ``metric`` (from ``TIMEVAL``, ``MAP``, ``CONTVARIABLE``), ``file``.

    Raises
    ------
    DataError
        Undecodable byte, unterminated string or keyword, missing ``STUB``/
        ``HEADING``/``VALUES``/``DATA``, a DATA count that does not match the
        variables, a DATA cell that is neither a number nor a PX data symbol,
        an unknown language.
    ParameterError
        ``symbols`` maps onto something that is not a package symbol.

    References
    ----------
    Statistics Sweden, *PX file format specification* (PC-Axis 2013).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> text = ('CHARSET="ANSI";\\nSTUB="region";\\nHEADING="år";\\n'
    ...         'VALUES("region")="0301 Oslo";\\nVALUES("år")="2023","2024";\\n'
    ...         'DATA=\\n12 "..";\\n')
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "x.px"
    >>> _ = p.write_bytes(text.encode("latin-1"))
    >>> read_px(p)[["år", "value", "status"]].to_dict("list")
    {'år': ['2023', '2024'], 'value': [12.0, nan], 'status': ['', '..']}
    """
    check_naming(naming)
    name = str(path)
    raw = read_bytes(Path(path))
    match = _CODEPAGE.search(raw[: raw.find(b"DATA=") if b"DATA=" in raw else len(raw)])
    if match:
        declared = match.group(1).decode("ascii", "replace")
        codepage = normalise_encoding(declared, file=name)
        encoding_note = codepage
        if codepage != "utf-8" and not raw.isascii() and _is_utf8(raw):
            # PxWebApi's demo tables declare iso-8859-1 but are written as UTF-8;
            # non-ASCII text that is valid UTF-8 is almost never meant as Latin-1.
            codepage = "utf-8"
            encoding_note = f"utf-8 (the file declares {declared})"
    else:
        # The format's default is ISO-8859-1, but files written without CODEPAGE
        # by newer tools are often UTF-8; valid UTF-8 is almost never Latin-1 text.
        codepage = "utf-8" if _is_utf8(raw) else "iso-8859-1"
        encoding_note = codepage
    text = decode_bytes(raw, encoding=codepage, file=name)
    data_match = _DATA.search(text)
    if data_match is None:
        raise DataError("no DATA= keyword found", file=name, hint="the file may be truncated")
    header_end = data_match.start() + (1 if text[data_match.start()] == ";" else 0)
    entries = _entries(text[:header_end], name)
    keywords = _Keywords(entries, name)
    language = keywords.language(lang)
    dims, roles = _dimensions(keywords, language, name)
    n = int(np.prod([d.size for d in dims], dtype=np.int64))
    data_line = text.count("\n", 0, data_match.end()) + 1
    nil_declared = (
        keywords.first("DATASYMBOLNIL", language) or keywords.first("DATASYMBOLNIL", None)
    ) is not None
    values, raw_status = _data(text[data_match.end() :], n, name, data_line)
    mapping = _symbol_map(keywords, language, symbols, name)
    status = translate_symbols(
        raw_status, {k: v for k, v in mapping.items() if not k.startswith("__")}, file=name
    )
    if nil_declared:
        # DATASYMBOLNIL declares '-' cells as "nil": a true zero.
        values[status == ZERO] = 0.0
    _warn_symbols(raw_status, mapping, name)
    check_status(status, symbols=status_symbols, file=name)
    attrs = _attrs(keywords, language, roles, name)
    attrs["encoding"] = encoding_note
    attrs["symbols"] = {
        k.removeprefix("__declared__"): v
        for k, v in mapping.items()
        if k.startswith("__declared__")
    }
    attrs["cellnotes"] = _cellnotes(keywords, language, dims)
    return cube_to_frame(dims, values, status, naming=naming, attrs=attrs)


def _is_utf8(raw: bytes) -> bool:
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _entries(header: str, name: str) -> list[_Entry]:
    entries = []
    parts: list[str] = []
    line = start = 1
    for piece in _PIECE.findall(header):
        if piece == '"':
            raise DataError(
                f"line {line}: string not closed", file=name, row=line, value="".join(parts)[:40]
            )
        if piece != ";":
            if not parts and not piece.strip():
                line += piece.count("\n")
                continue
            if not parts:
                start = line + piece[: len(piece) - len(piece.lstrip())].count("\n")
            parts.append(piece)
            line += piece.count("\n")
            continue
        entries.append(_entry("".join(parts), name, start))
        parts = []
    if "".join(parts).strip():
        raise DataError(
            f"line {start}: keyword not terminated by ';'",
            file=name,
            row=start,
            value="".join(parts).strip()[:40],
        )
    return entries


def _entry(chunk: str, name: str, line: int) -> _Entry:
    key = _KEY.match(chunk)
    if key is None:
        raise DataError(
            f'line {line}: expected KEYWORD[lang]("subkey")=value;',
            file=name,
            row=line,
            value=chunk.strip()[:40],
        )
    subkeys = tuple(_strings(key.group(3) or "", name, line))
    values = tuple(_strings(chunk[key.end() :], name, line))
    return _Entry(key.group(1).upper(), key.group(2), subkeys, values, line)


def _strings(text: str, name: str, line: int) -> list[str]:
    """Split a value list: commas separate items, adjacent strings are concatenated."""
    items: list[str] = []
    current: list[str] | None = None
    for token in _TOKEN.findall(text):
        if token == ",":
            items.append("".join(current or []))
            current = None
            continue
        piece = _ESCAPE.sub(r"\1", token[1:-1]) if token.startswith('"') else token
        current = [*(current or []), piece]
    if current is not None:
        items.append("".join(current))
    return items


class _Keywords:
    """Keyword entries of one file, looked up by keyword, language and subkey."""

    def __init__(self, entries: list[_Entry], name: str) -> None:
        self.name = name
        self.table: dict[tuple[str, str | None, tuple[str, ...]], _Entry] = {}
        for entry in entries:
            self.table.setdefault((entry.keyword, entry.lang, entry.subkeys), entry)

    def get(
        self, keyword: str, lang: str | None, subkeys: tuple[str, ...] = ()
    ) -> tuple[str, ...] | None:
        entry = self.table.get((keyword, lang, subkeys))
        return None if entry is None else entry.values

    def first(self, keyword: str, lang: str | None) -> str | None:
        values = self.get(keyword, lang)
        return values[0] if values else None

    def language(self, lang: str | None) -> str | None:
        default = self.first("LANGUAGE", None)
        available = list(self.get("LANGUAGES", None) or ([default] if default else []))
        if lang is None or lang == default:
            return None
        if lang not in available:
            raise DataError(
                f"language {lang!r} is not in the file; it has {available or [default]}",
                file=self.name,
                column="LANGUAGES",
                value=lang,
            )
        return lang

    def required(
        self, keyword: str, lang: str | None, subkeys: tuple[str, ...] = ()
    ) -> tuple[str, ...]:
        values = self.get(keyword, lang, subkeys)
        if values is None and lang is not None:
            values = self.get(keyword, None, subkeys)
        if values is None:
            where = f"{keyword}({', '.join(map(repr, subkeys))})" if subkeys else keyword
            raise DataError(f"missing keyword {where}", file=self.name, column=keyword)
        return values


def _dimensions(
    keywords: _Keywords, lang: str | None, name: str
) -> tuple[list[Dimension], dict[str, list[str]]]:
    stub = keywords.get("STUB", lang) or ()
    heading = keywords.get("HEADING", lang) or ()
    if lang is not None and not (stub or heading):
        stub = keywords.get("STUB", None) or ()
        heading = keywords.get("HEADING", None) or ()
    variables = [*stub, *heading]
    if not variables:
        raise DataError("missing STUB and HEADING", file=name, column="STUB")
    if len(set(variables)) != len(variables):
        raise DataError("a variable appears twice in STUB/HEADING", file=name, value=variables)
    dims = []
    roles: dict[str, list[str]] = {}
    for variable in variables:
        labels = keywords.required("VALUES", lang, (variable,))
        codes = keywords.get("CODES", lang, (variable,)) or keywords.get("CODES", None, (variable,))
        if codes is None:
            codes = labels
        if len(codes) != len(labels):
            raise DataError(
                f"CODES has {len(codes)} items but VALUES has {len(labels)}",
                file=name,
                column=f"CODES({variable!r})",
            )
        if len(set(codes)) != len(codes):
            raise DataError("codes must be unique", file=name, column=f"CODES({variable!r})")
        code = keywords.get("VARIABLECODE", lang, (variable,)) or keywords.get(
            "VARIABLECODE", None, (variable,)
        )
        dim_id = code[0] if code else variable
        if dim_id in ("value", "status"):
            raise DataError("a variable may not be named 'value' or 'status'", file=name)
        dims.append(Dimension(dim_id, variable, tuple(codes), tuple(labels)))
        if keywords.get("TIMEVAL", lang, (variable,)) or keywords.get("TIMEVAL", None, (variable,)):
            roles.setdefault("time", []).append(dim_id)
        if keywords.get("MAP", lang, (variable,)) or keywords.get("MAP", None, (variable,)):
            roles.setdefault("geo", []).append(dim_id)
    contvariable = keywords.first("CONTVARIABLE", lang) or keywords.first("CONTVARIABLE", None)
    for dim in dims:
        if contvariable in (dim.label, dim.id):
            roles["metric"] = [dim.id]
    return dims, roles


def _data(text: str, n: int, name: str, line: int) -> tuple[np.ndarray, np.ndarray]:
    # Semicolons inside DATA are separators too: INE ends every row with ';', and
    # several SCB files leave out the final one. The cell count is the check.
    end = text.rfind(";")
    terminated = end >= 0
    body = text.replace(";", " ").replace('"', " ").replace(",", " ").replace("\t", " ")
    tokens = np.asarray(body.split(), dtype=object)
    if tokens.size != n:
        raise DataError(
            f"DATA has {tokens.size} values but the variables give {n} cells "
            "(product of the VALUES counts)",
            file=name,
            column="DATA",
            row=line,
            hint=None if terminated or tokens.size > n else "the file may be truncated",
        )
    values = pd.to_numeric(pd.Series(tokens, dtype=object), errors="coerce").to_numpy(
        dtype=float, copy=True
    )
    not_number = np.isnan(values)
    status = np.full(n, "", dtype=object)
    status[not_number] = tokens[not_number]
    # Only data symbols stand for a missing value; "NaN" or "x" in DATA is an error.
    symbolic = np.isin(status, _SYMBOLS)
    unknown = not_number & ~symbolic
    if unknown.any():
        position = int(np.flatnonzero(unknown)[0])
        raise DataError(
            f"DATA cell {position} is neither a number nor a PX data symbol "
            "('.' to '......', '-', ':')",
            file=name,
            column="DATA",
            row=position,
            value=tokens[position],
        )
    return values, status


def _symbol_map(
    keywords: _Keywords, lang: str | None, given: Mapping[str, str] | None, name: str
) -> dict[str, str]:
    """File symbol → package symbol: the file's DATASYMBOL declarations, then ``given``."""
    mapping = {s: s for s in (".", "..", "...", ":", "-")}
    declared: dict[str, str] = {}
    for n, dots in enumerate(_DOTS, start=1):
        shown = keywords.first(f"DATASYMBOL{n}", lang) or keywords.first(f"DATASYMBOL{n}", None)
        if shown is None:
            continue
        declared[dots] = shown
        if shown.strip() in STATUS_SYMBOLS and shown.strip():
            # The publisher shows these cells with one of SSB's symbols (PxWebApi's
            # demo tables show '...' as '..'): that symbol is their meaning.
            mapping[dots] = shown.strip()
    unmapped = [d for d in _DOTS[3:] if d not in (given or {})]
    for dots in unmapped:
        mapping.setdefault(dots, MISSING)
    mapping.update(given or {})
    mapping.update({f"__given__{k}": v for k, v in (given or {}).items()})
    bad = {k: v for k, v in mapping.items() if v not in STATUS_SYMBOLS and not k.startswith("__")}
    if bad:
        key = next(iter(bad))
        raise ParameterError(
            f"symbols must map onto the package's status symbols {list(STATUS_SYMBOLS)}; "
            f"{key!r} → {bad[key]!r}",
            parameter="symbols",
            value=bad[key],
        )
    return mapping | {f"__declared__{k}": v for k, v in declared.items()}


def _warn_symbols(raw: np.ndarray, mapping: Mapping[str, str], name: str) -> None:
    """Warn about symbols read by a default the publisher's declaration does not confirm."""
    present = set(pd.unique(pd.Series(raw, dtype=object))) - {""}
    doubtful = []
    for symbol in sorted(present, key=len):
        declared = mapping.get(f"__declared__{symbol}")
        target = mapping[symbol]
        by_user = mapping.get(f"__given__{symbol}") is not None
        if by_user:
            continue
        if symbol in _DOTS[3:] or (declared is not None and declared.strip() != target):
            label = f" (declared {declared!r})" if declared is not None else ""
            doubtful.append(f"{symbol!r}{label} → {target!r}")
    if doubtful:
        warnings.warn(
            SymbolWarning(
                f"{name}: data symbols read as the package's: {', '.join(doubtful)}; "
                "pass symbols={...} to read them otherwise",
                "symbols.default",
            ),
            stacklevel=3,
        )


def _cellnotes(
    keywords: _Keywords, lang: str | None, dims: list[Dimension]
) -> list[dict[str, Any]]:
    """CELLNOTE/CELLNOTEX entries: the selected value per variable (``*`` = all) and the note."""
    notes = []
    for (keyword, entry_lang, subkeys), entry in keywords.table.items():
        if keyword not in ("CELLNOTE", "CELLNOTEX") or entry_lang != lang:
            continue
        selection = dict(zip([d.id for d in dims], subkeys, strict=False))
        notes.append(
            {
                "cells": selection,
                "note": " ".join(entry.values),
                "mandatory": keyword == "CELLNOTEX",
            }
        )
    return notes


def _attrs(
    keywords: _Keywords, lang: str | None, roles: dict[str, list[str]], name: str
) -> dict[str, Any]:
    def pick(keyword: str) -> str | None:
        return keywords.first(keyword, lang) or keywords.first(keyword, None)

    attrs: dict[str, Any] = {
        "file": name,
        "label": pick("TITLE"),
        "contents": pick("CONTENTS"),
        "source": pick("SOURCE"),
        "updated": pick("LAST-UPDATED"),
        "note": pick("NOTE"),
        "unit": pick("UNITS"),
        "decimals": _int_or_none(pick("DECIMALS")),
        "language": lang or keywords.first("LANGUAGE", None),
        "role": roles,
    }
    for kind in ("time", "geo", "metric"):
        attrs[kind] = roles[kind][0] if roles.get(kind) else None
    return attrs


def _int_or_none(text: str | None) -> int | None:
    return int(text) if text is not None and text.strip().isdigit() else None
