"""The disclosure record in ``frame.attrs``: shared by pandas' copies, never changed, picklable."""

from __future__ import annotations

import copy
import pickle

import pytest

from utenforskap.datasets import demo_indicators
from utenforskap.disclosure import recorded_rules, require_disclosed
from utenforskap.disclosure.gate import MARK, Record


def test_filtered_frames_share_the_record_and_still_pass_the_gate() -> None:
    data = demo_indicators()
    record = data.attrs[MARK]
    assert isinstance(record, Record)
    part = data[data["indicator"] == "neet"].sort_values("region")
    assert part.attrs[MARK] is record  # pandas' deep copy of attrs returns it
    assert require_disclosed(part) is part
    assert recorded_rules(part) == recorded_rules(data)


def test_the_record_is_not_changed_in_place() -> None:
    record = demo_indicators().attrs[MARK]
    assert copy.deepcopy(record) is record
    with pytest.raises(TypeError, match="not changed"):
        record["rules"] = {}
    with pytest.raises(TypeError, match="not changed"):
        record.update(rules={})


def test_the_record_survives_pickling_to_worker_processes() -> None:
    data = demo_indicators()
    again = pickle.loads(pickle.dumps(data))
    assert isinstance(again.attrs[MARK], Record)
    assert again.attrs == data.attrs
    assert recorded_rules(again) == recorded_rules(data)
