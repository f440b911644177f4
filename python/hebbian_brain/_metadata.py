"""The JSON metadata of agent and population files, read against a schema in one place.

The metadata sits behind the container's checksum, but a checksum only proves the bytes are the
ones written, not that a writer (or someone fixing up the CRC) wrote sensible ones. Every key
and type is checked here so a damaged file raises ``FileFormatError`` naming the key, never a
raw ``KeyError``, ``JSONDecodeError`` or ``TypeError`` from deep inside the loader.
"""

from __future__ import annotations

import json
from typing import Any

from hebbian_brain._core import FileFormatError

#: Integers in metadata are stored from Rust ``i64``/``u64`` values.
_INT_RANGE = (-(2**63), 2**64 - 1)


class Metadata:
    """A parsed metadata object whose fields are read with their expected types."""

    def __init__(self, origin: str, what: str, data: dict[str, Any]) -> None:
        self.origin = origin
        self.what = what
        self.data = data

    @classmethod
    def parse(cls, origin: str, what: str, text: Any) -> Metadata:
        """``text`` as a JSON object, or ``FileFormatError``."""
        if isinstance(text, dict):
            return cls(origin, what, text)
        try:
            data = json.loads(text)
        except (ValueError, TypeError, RecursionError) as e:  # JSONDecodeError is a ValueError
            raise FileFormatError(f"{origin}: {what} metadata is not valid JSON ({e})") from None
        if not isinstance(data, dict):
            raise FileFormatError(
                f"{origin}: {what} metadata must be a JSON object, got {type(data).__name__}"
            )
        return cls(origin, what, data)

    def bad(self, key: str, why: str) -> FileFormatError:
        """The error for a bad ``key``."""
        return FileFormatError(f"{self.origin}: {self.what} metadata key {key!r} {why}")

    def get(self, key: str) -> Any:
        """The value of ``key`` (any type)."""
        if key not in self.data:
            raise self.bad(key, "is missing")
        return self.data[key]

    def integer(
        self, key: str, *, low: int = _INT_RANGE[0], high: int = _INT_RANGE[1], none: bool = False
    ) -> Any:
        """An integer in ``[low, high]`` (or None when ``none``); a bool is not an integer."""
        v = self.get(key)
        if v is None and none:
            return None
        if isinstance(v, bool) or not isinstance(v, int):
            raise self.bad(key, f"must be an integer, got {type(v).__name__}")
        if not low <= v <= high:
            raise self.bad(key, f"must lie in [{low}, {high}], got {v}")
        return v

    def string(self, key: str, *, equal: str | None = None) -> str:
        """A string (equal to ``equal`` when given)."""
        v = self.get(key)
        if not isinstance(v, str):
            raise self.bad(key, f"must be a string, got {type(v).__name__}")
        if equal is not None and v != equal:
            raise self.bad(key, f"must be {equal!r}, got {v[:80]!r}")
        return v

    def items(self, key: str, *, length: int | None = None) -> list[Any]:
        """A list (of ``length`` items when given)."""
        v = self.get(key)
        if not isinstance(v, list):
            raise self.bad(key, f"must be a list, got {type(v).__name__}")
        if length is not None and len(v) != length:
            raise self.bad(key, f"must have {length} entries, got {len(v)}")
        return v

    def mapping(self, key: str, *, none: bool = False) -> Any:
        """A JSON object (or None when ``none``)."""
        v = self.get(key)
        if v is None and none:
            return None
        if not isinstance(v, dict):
            raise self.bad(key, f"must be an object, got {type(v).__name__}")
        return v
