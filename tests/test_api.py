"""The public names are exactly the intended ones (httpx's discipline)."""

from __future__ import annotations

import importlib
import pkgutil

import pytest

import rca


def test_package_public_api():
    assert sorted(rca.__all__) == sorted(
        [
            "InputError", "MissingDependencyError", "NotEnoughDataError", "ParameterError",
            "RcaError", "ThemeModel",
            "__version__", "analyze_month", "find_themes", "generate_sample", "run_batch",
            "validate_file",
        ]
    )  # fmt: skip
    for name in rca.__all__:
        assert hasattr(rca, name)


def test_verbs_are_the_layers_own_functions():
    from rca.analysis.month import analyze_month
    from rca.batch.monthly import run_batch
    from rca.themes.model import ThemeModel

    assert rca.analyze_month is analyze_month
    assert rca.run_batch is run_batch
    assert rca.ThemeModel is ThemeModel
    with pytest.raises(AttributeError):
        rca.no_such_verb  # noqa: B018


def test_importing_rca_does_not_import_the_layers():
    import subprocess
    import sys

    code = "import rca, sys; print(sorted(m for m in sys.modules if m.startswith('rca.')))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "['rca.core', 'rca.core.errors']"


def test_errors_share_one_base():
    assert all(
        issubclass(getattr(rca, n), rca.RcaError) for n in rca.__all__ if n.endswith("Error")
    )


MODULES = sorted(
    m.name for m in pkgutil.walk_packages(rca.__path__, "rca.") if not m.name.startswith("rca.cli")
)


@pytest.mark.parametrize("name", MODULES)
def test_every_module_declares_all(name):
    module = importlib.import_module(name)
    assert hasattr(module, "__all__"), f"{name} has no __all__"
    for public in module.__all__:
        assert hasattr(module, public), f"{name}.__all__ names missing {public}"
