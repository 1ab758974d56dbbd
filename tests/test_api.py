"""The public names are exactly the intended ones (httpx's discipline)."""

from __future__ import annotations

import importlib
import pkgutil

import pytest

import rca


def test_package_public_api():
    assert sorted(rca.__all__) == sorted(
        ["InputError", "MissingDependencyError", "ParameterError", "RcaError", "__version__"]
    )
    for name in rca.__all__:
        assert hasattr(rca, name)


def test_errors_share_one_base():
    assert all(
        issubclass(getattr(rca, n), rca.RcaError) for n in rca.__all__ if n.endswith("Error")
    )


MODULES = sorted(m.name for m in pkgutil.walk_packages(rca.__path__, "rca.") if m.name != "rca.cli")


@pytest.mark.parametrize("name", MODULES)
def test_every_module_declares_all(name):
    module = importlib.import_module(name)
    assert hasattr(module, "__all__"), f"{name} has no __all__"
    for public in module.__all__:
        assert hasattr(module, public), f"{name}.__all__ names missing {public}"
