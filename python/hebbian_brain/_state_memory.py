"""One representative observation per state, kept by an agent so pictures can name its states.

A graph brain keys nodes on a 64-bit state hash, which cannot be inverted. An agent therefore
remembers the first observation it saw of each state (up to ``capacity`` states, default
:data:`DEFAULT_CAPACITY`; the memory never grows past it). Integer (``Discrete``) observations
need no memory: they are enumerated when a picture asks. Observations are saved with the agent
(in its file's JSON metadata) and therefore in pickles too.

Keys are the state hash for hashed observations and the cell index for discretized ones (the
core hashes that index itself).
"""

from __future__ import annotations

import base64
import itertools
from typing import Any

import numpy as np

from hebbian_brain._core import FileFormatError

__all__ = ["DEFAULT_CAPACITY", "StateMemory", "from_json_value", "to_json_value"]

#: States an agent remembers an observation of, by default.
DEFAULT_CAPACITY = 100_000
#: Observations with more elements than this are remembered as a short description only.
MAX_ELEMENTS = 256
#: Longest string (or bytes) remembered whole.
MAX_TEXT = 256


class StateMemory:
    """Bounded map from a state key to the first observation seen of that state.

    Args:
        capacity: Most states remembered (0 turns the memory off).
    """

    __slots__ = ("capacity", "observations")

    def __init__(self, capacity: int = DEFAULT_CAPACITY) -> None:
        self.capacity = int(capacity)
        self.observations: dict[int, Any] = {}

    def remember(self, key: int, obs: Any) -> None:
        """Keeps ``obs`` for ``key`` unless the key is known or the memory is full."""
        mem = self.observations
        if key not in mem and len(mem) < self.capacity:
            mem[key] = _compact(obs)

    def __len__(self) -> int:
        return len(self.observations)

    def to_json(self) -> dict[str, Any]:
        """A JSON form (keys as decimal strings: JSON numbers lose 64-bit precision)."""
        return {
            "capacity": self.capacity,
            "items": [[str(k), to_json_value(v)] for k, v in self.observations.items()],
        }

    @classmethod
    def from_json(cls, data: Any, origin: str) -> StateMemory:
        """The memory from :meth:`to_json` output; damaged data raises ``FileFormatError``."""
        bad = f"{origin}: agent metadata key 'state_observations'"
        if not isinstance(data, dict):
            raise FileFormatError(f"{bad} must be an object, got {type(data).__name__}")
        capacity = data.get("capacity")
        items = data.get("items")
        if isinstance(capacity, bool) or not isinstance(capacity, int) or capacity < 0:
            raise FileFormatError(f"{bad}: 'capacity' must be an integer >= 0")
        if not isinstance(items, list) or len(items) > capacity:
            raise FileFormatError(f"{bad}: 'items' must be a list of at most 'capacity' pairs")
        memory = cls(capacity)
        for item in items:
            if not (isinstance(item, list) and len(item) == 2 and isinstance(item[0], str)):
                raise FileFormatError(f"{bad}: every item must be a [key, observation] pair")
            try:
                key = int(item[0])
                memory.observations[key] = from_json_value(item[1])
            except (ValueError, TypeError, KeyError, RecursionError) as err:
                raise FileFormatError(f"{bad}: a damaged item ({err!r})") from None
        return memory


def _compact(obs: Any) -> Any:
    """``obs`` made small and detached.

    Arrays are copied; big ones, and containers holding more than :data:`MAX_ELEMENTS` values
    in all, are summarised.
    """
    if isinstance(obs, np.ndarray):
        if obs.size > MAX_ELEMENTS:
            return f"<array shape={obs.shape} dtype={obs.dtype}>"
        return obs.copy()
    if isinstance(obs, (str, bytes)) and len(obs) > MAX_TEXT:
        return obs[:MAX_TEXT]
    if isinstance(obs, (tuple, list, dict)) and _elements(obs, MAX_ELEMENTS) > MAX_ELEMENTS:
        return f"<{type(obs).__name__} of {len(obs)} items, over {MAX_ELEMENTS} values in all>"
    return obs


def _elements(obs: Any, limit: int) -> int:
    """Values in ``obs``, counted through arrays, lists, tuples and dicts, stopping past ``limit``.

    Containers count no value themselves, but more than ``4 * limit`` of them (a list
    holding itself, or deep nests of empty ones) count as more than ``limit`` values.
    """
    total = containers = 0
    stack = [obs]
    while stack and total <= limit:
        x = stack.pop()
        if isinstance(x, np.ndarray):
            total += x.size
        elif isinstance(x, (list, tuple, dict)):
            containers += 1
            if containers > 4 * limit:
                return limit + 1
            if isinstance(x, dict):
                for key, value in itertools.islice(x.items(), limit + 1):
                    stack.extend((key, value))
            else:
                stack.extend(x[: limit + 1])
        elif isinstance(x, (str, bytes)):
            total += 1 + len(x) // 8
        else:
            total += 1
    return total


def to_json_value(value: Any, depth: int = 0) -> Any:
    """A JSON form of an observation that :func:`from_json_value` turns back into it."""
    if depth > 8:
        return {"repr": repr(value)[:MAX_TEXT]}
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, (int, np.integer)):
        return {"int": str(int(value))}
    if isinstance(value, (float, np.floating)):
        return {"float": repr(float(value))}
    if isinstance(value, np.ndarray):
        return {"ndarray": value.tolist(), "dtype": str(value.dtype), "shape": list(value.shape)}
    if isinstance(value, bytes):
        return {"bytes": base64.b64encode(value).decode("ascii")}
    if isinstance(value, tuple):
        return {"tuple": [to_json_value(v, depth + 1) for v in value]}
    if isinstance(value, list):
        return {"list": [to_json_value(v, depth + 1) for v in value]}
    if isinstance(value, dict):
        return {
            "dict": [
                [to_json_value(k, depth + 1), to_json_value(v, depth + 1)] for k, v in value.items()
            ]
        }
    return {"repr": repr(value)[:MAX_TEXT]}


def from_json_value(data: Any) -> Any:
    """The observation of a :func:`to_json_value` form (a ``repr`` form stays a string)."""
    if data is None or isinstance(data, (bool, str)):
        return data
    if not isinstance(data, dict) or len(data) == 0:
        raise ValueError(f"not an observation: {str(data)[:80]}")
    if "int" in data:
        return int(data["int"])
    if "float" in data:
        return float(data["float"])
    if "ndarray" in data:
        dtype = np.dtype(str(data["dtype"]))
        if dtype.kind not in "biuf" or dtype.itemsize > 16:
            # what an observation array holds; anything else (void, object) is refused
            raise ValueError(f"an observation array cannot have dtype {dtype}")
        arr = np.array(data["ndarray"], dtype=dtype)
        return arr.reshape([int(s) for s in data["shape"]])
    if "bytes" in data:
        return base64.b64decode(data["bytes"])
    if "tuple" in data:
        return tuple(from_json_value(v) for v in data["tuple"])
    if "list" in data:
        return [from_json_value(v) for v in data["list"]]
    if "dict" in data:
        return {_hashable(from_json_value(k)): from_json_value(v) for k, v in data["dict"]}
    if "repr" in data:
        return str(data["repr"])
    raise ValueError(f"not an observation: {str(data)[:80]}")


def _hashable(value: Any) -> Any:
    return value if not isinstance(value, (list, dict, np.ndarray)) else repr(value)
