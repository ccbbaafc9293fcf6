"""Row selection for charts and captions: matches, errors listing what exists, references."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from utenforskap import frames as F
from utenforskap.datasets import demo_indicators
from utenforskap.errors import DataError
from utenforskap.select import (
    barometer_cells,
    display_names,
    district_rows,
    is_high_bad,
    latest_period,
    reference_of,
    select_rows,
    single_value,
    sort_periods,
    widest_ages,
)


@pytest.fixture(scope="module")
def demo():
    return demo_indicators()


def _cells(frame, indicator="neet", period="2024", age="16-25"):
    return frame[
        (frame[F.INDICATOR] == indicator)
        & (frame[F.PERIOD] == period)
        & (frame[F.AGE] == age)
        & (frame[F.SEX] == "total")
    ]


def test_select_rows_keeps_order_and_skips_none(demo) -> None:
    rows = select_rows(demo, indicator="neet", period=None, sex="female")
    expected = demo[(demo[F.INDICATOR] == "neet") & (demo[F.SEX] == "female")]
    pd.testing.assert_frame_equal(rows, expected)


def test_select_rows_lists_what_the_earlier_criteria_leave(demo) -> None:
    # Loneliness has pooled spans only: the error lists those, not neet's years.
    with pytest.raises(DataError, match=r"available: \['2021-2023', '2022-2024'\]"):
        select_rows(demo, indicator="ungdata_loneliness", period="2024")
    with pytest.raises(DataError, match="missing column"):
        select_rows(demo, district="990101")


def test_single_value_names_the_column_and_values(demo) -> None:
    assert single_value(_cells(demo), F.PERIOD) == "2024"
    with pytest.raises(DataError, match=r"needs one age; the data have \['16-19', '16-25'"):
        single_value(demo[demo[F.INDICATOR] == "neet"], F.AGE)


def test_reference_uses_its_own_value_and_name(demo) -> None:
    cells = _cells(demo)
    kommune = cells[cells[F.REGION] == "9901"].iloc[0]
    ref = reference_of(cells)
    assert ref == ("9901", kommune[F.VALUE], "Eksempelkommune")
    # Without the kommune's own row the value comes from reference_value.
    districts = cells[cells[F.REGION] != "9901"]
    ref = reference_of(districts)
    assert ref.code == "9901" and ref.value == pytest.approx(kommune[F.VALUE])
    assert ref.name == "9901"
    empty = reference_of(cells.assign(**{F.REFERENCE: ""}))
    assert empty.code == "" and np.isnan(empty.value)


def test_district_rows_leave_out_reference_unknown_and_others(demo) -> None:
    cells = _cells(demo)
    codes = district_rows(cells, reference="9901")[F.REGION].tolist()
    assert codes == [f"9901{i:02d}" for i in range(1, 11)]
    # With no reference: every row but unknown districts (the country and kommune stay).
    assert "990199" not in set(district_rows(cells, reference="")[F.REGION])
    assert {"0", "9901"} <= set(district_rows(cells, reference="")[F.REGION])


def test_display_names_fall_back_to_codes() -> None:
    rows = pd.DataFrame({F.REGION: ["0301", "3203"], F.REGION_NAME: [None, "Asker"]})
    assert display_names(rows) == ["0301", "Asker"]


@given(
    st.lists(
        st.builds(
            lambda first, length: str(first) if length == 0 else f"{first}-{first + length}",
            st.integers(1990, 2030),
            st.integers(0, 4),
        ),
        min_size=1,
        max_size=12,
    )
)
def test_sort_periods_orders_by_last_then_first_year(labels: list[str]) -> None:
    ordered = sort_periods(labels)
    assert sorted(ordered) == sorted(set(labels))
    keys = [(int(p[-4:]), int(p[:4])) for p in ordered]
    assert keys == sorted(keys)
    assert latest_period(labels) == ordered[-1]


def test_widest_ages_and_direction(demo) -> None:
    assert widest_ages(demo, ["ungdata_loneliness", "neet"]) == {
        "ungdata_loneliness": "8-10 trinn",
        "neet": "16-25",
    }
    with pytest.raises(DataError, match="'dropout' has no rows"):
        widest_ages(demo, ["dropout"])
    assert is_high_bad("ungdata_school_wellbeing") is False
    assert is_high_bad("my_own") is True


def test_barometer_judgement_follows_each_indicators_direction(demo) -> None:
    # Turn neet into "high is good" by renaming it to an indicator of that direction.
    good = demo.assign(
        **{F.INDICATOR: demo[F.INDICATOR].replace({"neet": "ungdata_school_wellbeing"})}
    )
    good.attrs = demo.attrs
    cells = barometer_cells(good, ages={"ungdata_school_wellbeing": "16-25"})
    bad = barometer_cells(demo, ages={"neet": "16-25"})
    assert cells["row"].tolist() == bad["row"].tolist()
    flip = {"worse": "better", "better": "worse"}
    assert cells["judgement"].tolist() == [flip.get(j, j) for j in bad["judgement"]]
    assert (bad.loc[bad[F.SUPPRESSED], "judgement"] == "suppressed").all()
    assert bad.loc[bad["row"] == 0, F.REGION].tolist() == ["9901"]
    assert "990199" not in set(bad[F.REGION])
