"""The published view (no reasons) and the restricted file with the reasons."""

from __future__ import annotations

import pandas as pd
import pytest
from disclosure_tables import indicator_frame

from utenforskap import frames as F
from utenforskap.disclosure import DisclosureError, suppress
from utenforskap.disclosure.published import (
    PUBLISHED_COLUMNS,
    published_view,
    restricted_folder,
    with_reasons,
    write_disclosure_audit,
)


@pytest.fixture
def out() -> pd.DataFrame:
    return suppress(
        indicator_frame(
            [
                ("neet", "9901", "2023", "16-25", "total", 100, 1000),
                ("neet", "990101", "2023", "16-25", "total", 3, 40),
                ("neet", "990102", "2023", "16-25", "total", 40, 400),
                ("neet", "990103", "2023", "16-25", "total", 52, 540),
                ("neet", "990199", "2023", "16-25", "total", 5, 20),
            ]
        )
    )


def test_view_drops_only_the_reason(out: pd.DataFrame) -> None:
    view = published_view(out)
    assert list(view.columns) == list(PUBLISHED_COLUMNS)
    assert F.SUPPRESSION_REASON in out.columns  # the frame in memory keeps it
    assert view[F.SUPPRESSED].tolist() == [False, True, False, False, True]
    raw = out.copy()
    raw.attrs = {}
    with pytest.raises(DisclosureError):
        published_view(raw)


def test_restricted_file_beside_the_output(out: pd.DataFrame, tmp_path) -> None:
    output = tmp_path / "processed"
    output.mkdir()
    path = write_disclosure_audit(out, output)
    assert path == tmp_path / "processed.restricted" / "disclosure_audit.csv"
    assert restricted_folder(output).stat().st_mode & 0o777 == 0o700
    assert path.stat().st_mode & 0o777 == 0o600
    audit = pd.read_csv(path, dtype=str)
    assert audit[F.REGION].tolist() == ["990101", "990199"]
    assert audit[F.SUPPRESSION_REASON].tolist() == ["primary", "secondary"]
    assert list(output.iterdir()) == []
    # a table read back gets its reasons again
    back = with_reasons(published_view(out), output)
    assert back[F.SUPPRESSION_REASON].tolist() == ["", "primary", "", "", "secondary"]
    # without the restricted file it stays as written
    assert F.SUPPRESSION_REASON not in with_reasons(published_view(out), tmp_path / "x").columns
