"""Atomic output folders: swap on success only, legacy folders, recovery after a kill."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from utenforskap.job.atomic import atomic_folder, current_version, recover, versions_dir


def _write(folder: Path, text: str) -> None:
    (folder / "a.txt").write_text(text, encoding="utf-8")
    (folder / "sub").mkdir()
    (folder / "sub" / "b.txt").write_text(text * 2, encoding="utf-8")


def _read(target: Path) -> tuple[str, str]:
    return (
        (target / "a.txt").read_text(encoding="utf-8"),
        (target / "sub" / "b.txt").read_text(encoding="utf-8"),
    )


def test_success_swaps_in_a_symlinked_version(tmp_path: Path) -> None:
    target = tmp_path / "processed"
    with atomic_folder(target) as work:
        assert work.parent == versions_dir(target) and work.name.startswith(".tmp-")
        _write(work, "one")
        assert not target.exists()  # nothing visible before the block ends
    assert target.is_symlink() and not os.path.isabs(os.readlink(target))
    assert _read(target) == ("one", "oneone")
    assert current_version(target) == versions_dir(target) / os.readlink(target).split("/")[-1]


def test_failure_leaves_the_previous_version(tmp_path: Path) -> None:
    target = tmp_path / "processed"
    with atomic_folder(target) as work:
        _write(work, "one")
    link = os.readlink(target)

    def full_disk() -> None:
        with atomic_folder(target) as work:
            _write(work, "two")
            raise OSError(28, "No space left on device")

    with pytest.raises(OSError, match="No space"):
        full_disk()
    assert os.readlink(target) == link and _read(target) == ("one", "oneone")
    assert [p.name for p in versions_dir(target).iterdir()] == [link.split("/")[-1]]


def test_keeps_the_replaced_version_and_drops_older(tmp_path: Path) -> None:
    target = tmp_path / "processed"
    names = []
    for text in ("one", "two", "three"):
        with atomic_folder(target) as work:
            _write(work, text)
        names.append(os.readlink(target).split("/")[-1])
    assert sorted(p.name for p in versions_dir(target).iterdir()) == names[1:]
    assert _read(target)[0] == "three"


def test_plain_folder_of_an_older_release_is_moved_aside(tmp_path: Path) -> None:
    target = tmp_path / "processed"
    target.mkdir()
    _write(target, "legacy")
    with atomic_folder(target) as work:
        _write(work, "new")
    assert target.is_symlink() and _read(target)[0] == "new"
    kept = [p for p in versions_dir(target).iterdir() if p.name.startswith("0-legacy-")]
    assert len(kept) == 1 and _read(kept[0])[0] == "legacy"


def test_recover_relinks_after_a_kill_between_move_and_swap(tmp_path: Path) -> None:
    # State of a run killed right after moving a legacy folder aside, before
    # linking the new version: no target, two complete versions.
    target = tmp_path / "processed"
    runs = versions_dir(target)
    (runs / "0-legacy-20260101T000000.000000Z-1").mkdir(parents=True)
    _write(runs / "0-legacy-20260101T000000.000000Z-1", "old")
    (runs / "20260101T000000.000000Z-1").mkdir()
    _write(runs / "20260101T000000.000000Z-1", "new")
    (runs / ".tmp-20260102T000000.000000Z-2").mkdir()
    (runs / ".link-2").symlink_to("nowhere")
    recover(target)
    assert _read(target)[0] == "new"
    assert sorted(p.name for p in runs.iterdir()) == [
        "0-legacy-20260101T000000.000000Z-1",
        "20260101T000000.000000Z-1",
    ]


def test_recover_leaves_a_healthy_folder_alone(tmp_path: Path) -> None:
    target = tmp_path / "processed"
    with atomic_folder(target) as work:
        _write(work, "one")
    before = (os.readlink(target), sorted(p.name for p in versions_dir(target).iterdir()))
    recover(target)
    assert (os.readlink(target), sorted(p.name for p in versions_dir(target).iterdir())) == before


@settings(max_examples=25, deadline=None)
@given(outcomes=st.lists(st.booleans(), min_size=1, max_size=6))
def test_any_sequence_of_runs_shows_the_last_success(
    tmp_path_factory: pytest.TempPathFactory, outcomes: list[bool]
) -> None:
    target = tmp_path_factory.mktemp("seq") / "processed"
    last = None
    for i, ok in enumerate(outcomes):
        try:
            with atomic_folder(target) as work:
                _write(work, str(i))
                if not ok:
                    raise RuntimeError("fail")
            last = str(i)
        except RuntimeError:
            pass
        if last is None:
            assert not target.exists()
        else:
            assert _read(target) == (last, last * 2)
        assert not [p for p in versions_dir(target).iterdir() if p.name.startswith(".")]
