"""What a wheel of the package carries: every data file the code reads at run time (models,
resource tables, the page's assets), so that an installed copy works as the checkout does."""

from __future__ import annotations

import fnmatch
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "src" / "reportqa"


def _not_packaged(files: list[str]) -> list[str]:
    """Those of ``files`` (paths under the package) no ``package-data`` pattern covers."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = config["tool"]["setuptools"]["package-data"]["reportqa"]
    return [f for f in files if not any(fnmatch.fnmatch(f, p) for p in patterns)]


def test_every_model_and_table_of_the_package_is_package_data() -> None:
    """A JSON file left out of ``package-data`` is in the checkout but not in a wheel: the
    fact-checker's verdict model was, and `pip install .` gave a checker that could not load."""
    files = [p.relative_to(PACKAGE).as_posix() for p in PACKAGE.rglob("*.json")]
    assert files, "the package ships JSON models and tables"
    missing = _not_packaged(files)
    assert not missing, f"not in [tool.setuptools.package-data] of pyproject.toml: {missing}"


def test_the_page_assets_are_package_data() -> None:
    files = [p.relative_to(PACKAGE).as_posix() for p in (PACKAGE / "web/static").rglob("*")]
    files = [f for f in files if (PACKAGE / f).is_file() and "__pycache__" not in f]
    assert files, "the widget's script and the page's styles"
    missing = _not_packaged(files)
    assert not missing, missing
