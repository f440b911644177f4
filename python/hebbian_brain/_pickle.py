"""Reconstructors used by ``__reduce__`` of the compiled classes (importable by pickle)."""

from __future__ import annotations

from typing import Any


def _make(cls: type, kwargs: dict[str, Any]) -> Any:
    """Rebuilds a keyword-only class from its fields."""
    return cls(**kwargs)


def _brain_from_bytes(data: bytes) -> Any:
    """Rebuilds a Brain from ``Brain.to_bytes()``."""
    from hebbian_brain._core import Brain

    return Brain.from_bytes(data)
