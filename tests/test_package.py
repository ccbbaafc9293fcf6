"""The package's public surface: lazy exports resolve, import stays cheap."""

from __future__ import annotations

import subprocess
import sys

import pytest

import utenforskap


def test_every_public_name_resolves() -> None:
    for name in utenforskap.__all__:
        assert getattr(utenforskap, name) is not None, name


def test_import_does_not_load_matplotlib_or_pandas() -> None:
    code = (
        "import sys, time; t = time.perf_counter(); import utenforskap; "
        "print(time.perf_counter() - t, 'matplotlib' in sys.modules, 'pandas' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    seconds, mpl, pandas = out.stdout.split()
    assert (mpl, pandas) == ("False", "False")
    assert float(seconds) < 1.0


def test_computing_does_not_load_matplotlib() -> None:
    code = (
        "import sys, utenforskap as ut; ut.compute_indicators; ut.suppress; ut.read_jsonstat; "
        "print('matplotlib' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_unknown_attribute_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="no_such_thing"):
        _ = utenforskap.no_such_thing


def test_exports_are_not_shadowed_by_submodules() -> None:
    # Importing a submodule binds its name on the package: a public function
    # must not share its name with a module.
    import importlib
    import pkgutil
    import types

    for info in pkgutil.walk_packages(utenforskap.__path__, prefix="utenforskap."):
        if not info.name.endswith("__main__"):
            importlib.import_module(info.name)
    for name in utenforskap._LAZY:
        assert not isinstance(getattr(utenforskap, name), types.ModuleType), name
