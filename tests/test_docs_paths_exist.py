"""Every docs page that code, tests, examples or the README point to exists (pages move)."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ["python", "rust", "examples", "bench", "tests", "README.md", "CONTRIBUTING.md"]
SUFFIXES = {".py", ".pyi", ".rs", ".md", ".toml"}
DOCS_PATH = re.compile(r"docs/[A-Za-z0-9_/.-]+\.md")


def mentions():
    for name in SOURCES:
        root = ROOT / name
        files = [root] if root.is_file() else sorted(root.rglob("*")) if root.is_dir() else []
        for path in files:
            if path.suffix not in SUFFIXES or "target" in path.parts:
                continue
            for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                for match in DOCS_PATH.findall(line):
                    yield f"{path.relative_to(ROOT)}:{lineno}", match


def test_the_tree_mentions_docs_pages():
    if not (ROOT / "docs").is_dir():
        pytest.skip("not a source checkout")
    assert any(True for _ in mentions())


def test_every_mentioned_docs_page_exists():
    if not (ROOT / "docs").is_dir():
        pytest.skip("not a source checkout")
    missing = [f"{where}: {page}" for where, page in mentions() if not (ROOT / page).is_file()]
    assert missing == []
