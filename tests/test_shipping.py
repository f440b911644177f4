"""The files and metadata the library ships: licence files, one licence, no placeholder URLs.

maturin copies the ``license-files`` into the wheel's ``.dist-info/licenses`` and into the sdist;
these tests pin the declarations the builds read.
"""

import re
from pathlib import Path

import pytest

tomllib = pytest.importorskip("tomllib")  # Python 3.11+

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
CARGO = tomllib.loads((ROOT / "Cargo.toml").read_text(encoding="utf-8"))


def test_both_licence_files_exist_and_are_shipped():
    project = PYPROJECT["project"]
    assert project["license"] == CARGO["workspace"]["package"]["license"] == "MIT OR Apache-2.0"
    assert sorted(project["license-files"]) == ["LICENSE-APACHE", "LICENSE-MIT"]
    mit = (ROOT / "LICENSE-MIT").read_text(encoding="utf-8")
    apache = (ROOT / "LICENSE-APACHE").read_text(encoding="utf-8")
    assert mit.startswith("MIT License") and "the hebbian_brain developers" in mit
    assert "Apache License" in apache and "Version 2.0, January 2004" in apache
    assert "END OF TERMS AND CONDITIONS" in apache


def test_the_crates_take_the_workspace_licence():
    for crate in ("core", "bindings"):
        manifest = tomllib.loads((ROOT / "rust" / crate / "Cargo.toml").read_text(encoding="utf-8"))
        assert manifest["package"]["license"] == {"workspace": True}, crate


def test_no_placeholder_project_urls():
    urls = list(PYPROJECT["project"].get("urls", {}).values())
    for table in (CARGO["workspace"]["package"],):
        urls += [table[key] for key in ("repository", "homepage", "documentation") if key in table]
    for url in urls:
        assert re.match(r"https://[^/]+\.[a-z]+/", url), url
        assert not re.search(r"example\.(invalid|com|org)|localhost", url), url
    manifests = ("pyproject.toml", "Cargo.toml", "rust/core/Cargo.toml", "rust/bindings/Cargo.toml")
    for name in manifests:
        assert "example.invalid" not in (ROOT / name).read_text(encoding="utf-8"), name
