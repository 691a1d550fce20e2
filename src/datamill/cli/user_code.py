"""Compiling user-supplied Python for --convert, --code and --functions (O-CODE, O-FUNCTIONS)."""

from __future__ import annotations

import ast
import importlib
import pathlib
import textwrap
from collections.abc import Callable, Iterable
from typing import Any

import click

from datamill import recipes


def read_code(value: str) -> str:
    """A value with no newline ending in ``.py`` names a file; anything else is source."""
    if "\n" not in value and value.endswith(".py"):
        path = pathlib.Path(value)
        if not path.is_file():
            raise click.ClickException(f"File not found: {value}")
        return path.read_text()
    return value


def code_globals(imports: Iterable[str] = ()) -> dict[str, Any]:
    """``r``/``recipes`` plus one name per ``--import`` (bound to the top-level package)."""
    namespace: dict[str, Any] = {"r": recipes, "recipes": recipes}
    for module in imports:
        try:
            importlib.import_module(module)
            namespace[module.split(".")[0]] = importlib.import_module(module.split(".")[0])
        except ImportError as error:
            raise click.ClickException(f"Could not import {module}: {error}") from None
    return namespace


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
    stripped = code.strip()
    bodies = []
    if "\n" not in stripped and not stripped.startswith("return"):
        bodies.append(f"return {stripped}")
    bodies.append(code)
    for body in bodies:
        source = f"def fn({var}):\n{textwrap.indent(textwrap.dedent(body), '    ')}"
        try:
            compiled = compile(source, "<string>", "exec")
        except SyntaxError:
            continue
        exec(compiled, namespace)
        return namespace["fn"]
    raise click.ClickException("Could not compile code")
