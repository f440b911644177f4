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


def test_the_default_test_extra_leaves_ray_and_pygame_out_and_ci_installs_them():
    extras = PYPROJECT["project"]["optional-dependencies"]
    test = " ".join(extras["test"])
    assert "ray" not in test and "pygame" not in test
    assert "tensorboard" in test and "pandas" in test
    everything = " ".join(extras["test-all"])
    assert "ray" in everything and "pygame" in everything and "test" in everything
    assert '".[test-all]"' in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def test_ci_builds_an_abi3_manylinux2014_wheel_and_tests_it_in_a_clean_venv():
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "--zig --compatibility manylinux2014" in ci and "maturin sdist" in ci
    assert "cp310-abi3-manylinux2014_x86_64" in ci
    assert 'python3 -m venv "$CLEAN"' in ci and '"$WHEEL[test]"' in ci
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    rust_version = CARGO["workspace"]["package"]["rust-version"]
    assert f"Rust\n≥ {rust_version}" in readme or f"Rust ≥ {rust_version}" in readme
    assert "--compatibility manylinux2014" in readme
