"""Build hook: ship the top-level ``notebooks/`` and ``parameters/`` inside the wheel.

They stay the sources in the checkout; a built wheel carries a copy under ``rca/_bundled/`` so an
installed ``rca`` can run its own reports (`rca.core.paths` finds whichever is there). Everything
else about the package is declared in pyproject.toml.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

#: Top-level folders copied into the wheel, and where they land in the package.
BUNDLED = {"notebooks": "rca/_bundled/notebooks", "parameters": "rca/_bundled/parameters"}
HERE = Path(__file__).resolve().parent


class BuildWithResources(build_py):
    """``build_py`` that also copies `BUNDLED` into the build (not for editable installs)."""

    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):  # an editable install reads the checkout
            return
        for source, target in BUNDLED.items():
            dest = Path(self.build_lib) / target
            shutil.rmtree(dest, ignore_errors=True)
            shutil.copytree(
                HERE / source, dest, ignore=shutil.ignore_patterns("__pycache__", ".ipynb*")
            )


setup(cmdclass={"build_py": BuildWithResources})
