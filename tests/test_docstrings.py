"""Every public item of the package has a docstring: at runtime and in the type stub.

The runtime walk covers ``hebbian_brain.__all__`` and every public submodule's public names, with
the public methods and properties of each class. The Rust classes' runtime docstrings come from
the ``///`` comments in rust/bindings; the stub ``_core.pyi`` (what the API reference renders)
must document every item itself.
"""

import ast
import importlib
import inspect
import pkgutil
import types
from pathlib import Path

import pytest

import hebbian_brain

STUB = Path(hebbian_brain.__file__).with_name("_core.pyi")

#: Rust classes whose getters still lack a ``///`` doc comment in rust/bindings (their stub has
#: the docstrings). Known gaps, to be emptied as the bindings document every field; an entry that
#: is no longer needed fails ``test_the_allowlist_is_not_stale``.
RUST_GETTERS_WITHOUT_DOCS: frozenset[str] = frozenset()
#: Rust methods without a ``///`` doc comment in rust/bindings (same rule as above).
RUST_METHODS_WITHOUT_DOCS: frozenset[str] = frozenset()


def _public(name: str) -> bool:
    return not name.startswith("_")


def _public_modules() -> list[types.ModuleType]:
    found = [hebbian_brain]
    for info in pkgutil.walk_packages(hebbian_brain.__path__, "hebbian_brain."):
        if all(_public(part) for part in info.name.split(".")[1:]):
            found.append(importlib.import_module(info.name))
    return found


def _has_doc(obj: object) -> bool:
    if isinstance(obj, (classmethod, staticmethod)):
        obj = obj.__func__
    return bool((getattr(obj, "__doc__", None) or "").strip())


def _is_getter(obj: object) -> bool:
    return isinstance(obj, (property, types.GetSetDescriptorType, types.MemberDescriptorType))


def _members(cls: type) -> list[tuple[str, object]]:
    """The class's own public methods and properties."""
    return [
        (name, value)
        for name, value in vars(cls).items()
        if _public(name)
        and (
            _is_getter(value)
            or inspect.isroutine(value)
            or isinstance(value, (classmethod, staticmethod))
        )
    ]


def _runtime_items() -> list[tuple[str, object, str | None]]:
    """(dotted name, object, owning class's qualname or None) of every public item."""
    items: list[tuple[str, object, str | None]] = []
    seen: set[int] = set()
    for module in _public_modules():
        items.append((module.__name__, module, None))
        for name in getattr(module, "__all__", [n for n in dir(module) if _public(n)]):
            obj = getattr(module, name)
            if isinstance(obj, types.ModuleType) or id(obj) in seen:
                continue
            seen.add(id(obj))
            if inspect.isclass(obj):
                items.append((f"{module.__name__}.{name}", obj, None))
                for member, value in _members(obj):
                    qual = f"{module.__name__}.{name}.{member}"
                    items.append((qual, value, obj.__qualname__))
            elif callable(obj):
                items.append((f"{module.__name__}.{name}", obj, None))
    return items


def _allowed(owner: str | None, name: str, obj: object) -> bool:
    if owner is None:
        return False
    member = name.rsplit(".", 1)[1]
    if _is_getter(obj) and owner in RUST_GETTERS_WITHOUT_DOCS:
        return True
    return f"{owner}.{member}" in RUST_METHODS_WITHOUT_DOCS


def test_every_public_item_has_a_docstring_at_runtime():
    items = _runtime_items()
    assert len(items) > 300, "the walk found the package's items"
    missing = [
        name for name, obj, owner in items if not _has_doc(obj) and not _allowed(owner, name, obj)
    ]
    assert not missing, "no docstring: " + ", ".join(missing)


def test_the_allowlist_is_not_stale():
    undocumented_getters = set()
    undocumented_methods = set()
    for _name, obj, owner in _runtime_items():
        if owner is not None and not _has_doc(obj):
            if _is_getter(obj):
                undocumented_getters.add(owner)
            else:
                undocumented_methods.add(f"{owner}.{_name.rsplit('.', 1)[1]}")
    assert RUST_GETTERS_WITHOUT_DOCS <= undocumented_getters, (
        "documented now, remove from RUST_GETTERS_WITHOUT_DOCS: "
        f"{sorted(RUST_GETTERS_WITHOUT_DOCS - undocumented_getters)}"
    )
    assert RUST_METHODS_WITHOUT_DOCS <= undocumented_methods, (
        "documented now, remove from RUST_METHODS_WITHOUT_DOCS: "
        f"{sorted(RUST_METHODS_WITHOUT_DOCS - undocumented_methods)}"
    )


def _stub_items() -> list[tuple[str, ast.AST]]:
    """Every public class and function of the stub (property setters excluded)."""
    out: list[tuple[str, ast.AST]] = []

    def visit(body: list[ast.stmt], prefix: str) -> None:
        for node in body:
            if not isinstance(node, (ast.ClassDef, ast.FunctionDef)) or not _public(node.name):
                continue
            setter = any(
                isinstance(d, ast.Attribute) and d.attr in ("setter", "deleter")
                for d in getattr(node, "decorator_list", [])
            )
            if not setter:
                out.append((prefix + node.name, node))
            if isinstance(node, ast.ClassDef):
                visit(node.body, f"{prefix}{node.name}.")

    visit(ast.parse(STUB.read_text(encoding="utf-8")).body, "")
    return out


def test_every_public_item_of_the_stub_has_a_docstring():
    items = _stub_items()
    assert len(items) > 250, "the stub walk found its items"
    missing = [name for name, node in items if ast.get_docstring(node) is None]
    assert not missing, "no docstring in _core.pyi: " + ", ".join(missing)


@pytest.mark.parametrize("name", ["Brain", "PlasticityParams", "PlasticityParams.discount"])
def test_the_stub_checks_see_known_items(name):
    assert name in dict(_stub_items())
