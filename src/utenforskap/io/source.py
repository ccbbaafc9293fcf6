"""Load raw bytes from a path or in-memory source and decode them with precise errors."""

from __future__ import annotations

import codecs
import os
from pathlib import Path

from utenforskap.errors import DataError

__all__ = ["decode_bytes", "normalise_encoding", "read_bytes"]

Source = str | os.PathLike[str] | bytes

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def read_bytes(path: str | os.PathLike[str]) -> bytes:
    """Return the bytes of a file, as a DataError when it cannot be read.

    Parameters
    ----------
    path
        The file to read.

    Returns
    -------
    bytes
        The file's content.
    """
    try:
        return Path(path).read_bytes()
    except FileNotFoundError:
        raise DataError("file not found", file=path) from None
    except OSError as exc:
        raise DataError(f"cannot read file: {exc.strerror or exc}", file=path) from None


def normalise_encoding(name: str, *, file: object | None = None) -> str:
    """Return Python's codec name for an encoding name, or raise DataError.

    Parameters
    ----------
    name
        An encoding as files spell it (``"iso-8859-1"``, ``"windows-1252"``, ``"UTF-8"``).
    file
        The file to name in the error.

    Returns
    -------
    str
        The codec's canonical name.
    """
    try:
        return codecs.lookup(name.strip()).name
    except LookupError:
        raise DataError(
            "unknown character encoding",
            file=file,
            value=name,
            hint="expected e.g. 'utf-8', 'iso-8859-1' or 'windows-1252'",
        ) from None


def decode_bytes(data: bytes, *, encoding: str | None = None, file: object | None = None) -> str:
    """Decode bytes as text, detecting UTF-8 (with or without BOM) or Latin-1.

    Without ``encoding`` the text is read as UTF-8 when it has a byte-order mark
    or decodes cleanly, else as Windows-1252 and, failing that, ISO-8859-1 (which
    accepts every byte). Exports from SSB and FHI come in exactly these three.

    Parameters
    ----------
    data
        The raw bytes.
    encoding
        Force this encoding; a byte that it cannot decode is a DataError.
    file
        The file to name in errors.

    Returns
    -------
    str
        The decoded text without a byte-order mark.
    """
    if encoding is not None:
        codec = normalise_encoding(encoding, file=file)
        if codec == "utf-8" and data.startswith(codecs.BOM_UTF8):
            codec = "utf-8-sig"
        return _strict_decode(data, codec, file)
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return _strict_decode(data, codec, file)
    for codec in ("utf-8", "cp1252"):
        try:
            return data.decode(codec)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")


def _strict_decode(data: bytes, codec: str, file: object | None) -> str:
    try:
        return data.decode(codec)
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise DataError(
            f"byte 0x{data[exc.start]:02x} at byte offset {exc.start} (line {line}) "
            f"cannot be decoded as {codec}",
            file=file,
            row=line,
            hint="check the file's encoding (CODEPAGE, or the encoding= argument)",
        ) from None
