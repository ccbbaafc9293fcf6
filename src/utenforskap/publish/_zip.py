"""Office files (XLSX, PPTX) rewritten with fixed dates: the same bytes on every run."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

__all__ = ["FIXED_TIME", "fixed_zip"]

#: The fixed time stamp stored in workbooks, decks and their zip entries (the
#: zip format's earliest date) when no date is given.
FIXED_TIME = (1980, 1, 1, 0, 0, 0)


def fixed_zip(raw: bytes, target: Path, *, stamp: tuple[int, ...] = FIXED_TIME) -> Path:
    """Rewrite an Office file with fixed zip dates and ``stamp`` as its created/modified time.

    Parameters
    ----------
    raw
        The file as its library saved it.
    target
        Where to write it.
    stamp
        ``(year, month, day, hour, minute, second)`` for the document
        properties (``docProps/core.xml``) and every zip entry.

    Returns
    -------
    pathlib.Path
        ``target``.
    """
    text = "{:04d}-{:02d}-{:02d}T{:02d}:{:02d}:{:02d}Z".format(*stamp).encode()
    source = zipfile.ZipFile(io.BytesIO(raw))
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as out:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "docProps/core.xml":
                data = re.sub(
                    rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:)",
                    rb"\g<1>" + text + rb"\g<2>",
                    data,
                )
            info = zipfile.ZipInfo(item.filename, date_time=stamp[:6])  # type: ignore[arg-type]
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o600 << 16
            out.writestr(info, data)
    return target
