"""Compiling user-supplied Python, for every command that takes some (O-CODE, O-FUNCTIONS, HI-2).

``insert/upsert --convert``, ``convert CODE``, ``--code``, ``--functions`` and
``history --convert`` all read code, bind ``--import`` modules and turn code into a function
here, so they share one set of rules and one set of error texts (``UserCodeError``).
"""

from __future__ import annotations

import ast
import importlib
import pathlib
import textwrap
from collections.abc import Callable, Iterable
from typing import Any

__all__ = [
    "UserCodeError",
    "code_globals",
    "code_source",
    "compile_function",
    "function_from_body",
    "import_modules",
]


class UserCodeError(ValueError):
    """User code that cannot be read, imported or compiled; ``str()`` follows ``Error: ``."""


def code_source(value: str) -> tuple[str, str]:
    """``(source, filename)``: a value with no newline ending in ``.py`` names a UTF-8 file,
    anything else is the source itself (filename ``<string>``)."""
    if "\n" not in value and value.endswith(".py"):
        path = pathlib.Path(value)
        if not path.is_file():
            raise UserCodeError(f"File not found: {value}")
        return path.read_text(encoding="utf-8"), value
    return value, "<string>"


def import_modules(imports: Iterable[str]) -> dict[str, Any]:
    """One name per ``--import MOD``, bound to its top-level package (``xml.etree`` binds
    ``xml``)."""
    namespace: dict[str, Any] = {}
    for module in imports:
        try:
            importlib.import_module(module)
            top = module.split(".")[0]
            namespace[top] = importlib.import_module(top)
        except ImportError as error:
            raise UserCodeError(f"Could not import {module}: {error}") from None
    return namespace


def code_globals(imports: Iterable[str] = ()) -> dict[str, Any]:
    """O-CODE's globals: ``r``/``recipes`` plus the ``--import`` modules."""
    from datamill import recipes

    return {"r": recipes, "recipes": recipes, **import_modules(imports)}


def function_from_body(
    code: str, name: str, parameter: str, namespace: dict[str, Any], filename: str = "<string>"
) -> Callable[[Any], Any]:
    """``code`` as the body of ``def name(parameter):`` executed in ``namespace``.

    A single line not starting with ``return`` is tried as ``return <code>`` first. Raises
    ``SyntaxError`` (of the code as given) when no form compiles.
    """
    stripped = code.strip()
    bodies = []
    if "\n" not in stripped and not stripped.startswith("return"):
        bodies.append(f"return {stripped}")
    bodies.append(code)
    error: SyntaxError | None = None
    for body in bodies:
        source = f"def {name}({parameter}):\n{textwrap.indent(textwrap.dedent(body), '    ')}"
        try:
            compiled = compile(source, filename, "exec")
        except SyntaxError as failure:
            error = failure
            continue
        exec(compiled, namespace)
        return namespace[name]
    assert error is not None
    raise error


def _defines(tree: ast.Module, name: str) -> bool:
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name == name:
            return True
        if isinstance(node, ast.Assign) and any(
            isinstance(target, ast.Name) and target.id == name for target in node.targets
        ):
            return True
    return False


def compile_function(code: str, var: str, imports: Iterable[str] = ()) -> Callable[[Any], Any]:
    """Resolve user code to a one-argument function, in the O-CODE order."""
    namespace = code_globals(imports)
    try:
        tree = ast.parse(code)
    except SyntaxError:
        tree = None
    if tree is not None and _defines(tree, "convert"):
        exec(compile(tree, "<string>", "exec"), namespace)
        return namespace["convert"]
    try:
        value = eval(compile(code, "<string>", "eval"), dict(namespace))
    except Exception:
        value = None
    if callable(value):
        return value
    try:
        return function_from_body(code, "fn", var, namespace)
    except SyntaxError:
        raise UserCodeError("Could not compile code") from None
