"""The plugin manager and plugin loading (L-PLUG-2)."""

from __future__ import annotations

import sys
from typing import Any

import pluggy

from datamill import hookspecs

pm = pluggy.PluginManager("datamill")
pm.add_hookspecs(hookspecs)

_loaded = False


def ensure_plugins_loaded() -> None:
    """Load the ``datamill`` entry points once per process (not under the test suite)."""
    global _loaded
    if _loaded or getattr(sys, "_called_from_test", False):
        return
    _loaded = True
    pm.load_setuptools_entrypoints("datamill")


def get_plugins() -> list[dict[str, Any]]:
    """Registered plugins with their hooks, and distribution name and version when known."""
    plugins = []
    distributions = dict(pm.list_plugin_distinfo())
    for plugin in pm.get_plugins():
        if plugin is hookspecs:
            continue
        info: dict[str, Any] = {
            "name": plugin.__name__ if hasattr(plugin, "__name__") else repr(plugin),
            "hooks": [hook.name for hook in pm.get_hookcallers(plugin) or []],
        }
        distribution = distributions.get(plugin)
        if distribution is not None:
            info["version"] = distribution.version
            info["name"] = distribution.project_name
        plugins.append(info)
    return plugins
