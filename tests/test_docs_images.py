"""Every picture the README and the docs show is in the repository (not only on a laptop)."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_the_pictures_a_page_shows_exist(page):
    for target in re.findall(r"!\[[^\]]*\]\(([^)\s]+)", page.read_text()):
        if "://" in target:
            continue
        path = (page.parent / target).resolve()
        assert path.is_file(), f"{page.relative_to(ROOT)} shows {target}, which is missing"
        assert path.stat().st_size > 1000, f"{target} is nearly empty"
