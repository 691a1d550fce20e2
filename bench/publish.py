"""How much the image's venv weighs (issue 15, PUB-7): datamill[serve] vs Datasette vs the floor.

Installs each into a fresh venv the way the Dockerfile's builder stage does (``python -m venv``,
then ``pip install`` with no cache, byte-compiling as pip does by default) and sums the files
the final image receives, minus pip and setuptools, which serve does not need:
- datamill[serve] from this checkout (datamill is installed by version inside the image);
- the peer: Datasette 0.65.5, what ``datasette publish`` puts in its image;
- the floor: datamill alone, without the serve extra (the web stack is what serve adds).

Usage: python bench/publish.py [--no-peer]
Target: datamill[serve] at most 40 MB.
"""

from __future__ import annotations

import argparse
import os
import pathlib
import subprocess
import sys
import tempfile
import time

CHECKOUT = pathlib.Path(__file__).resolve().parent.parent
TARGET_MB = 40.0
PEER = "datasette==0.65.5"
#: What the builder's venv holds that the server never uses.
INSTALLER = ("pip", "setuptools", "_distutils_hack", "pkg_resources", "distutils-precedence.pth")


def venv_install(folder: pathlib.Path, requirement: str) -> float:
    """A fresh venv in ``folder`` with ``requirement`` installed; returns the install seconds."""
    subprocess.run([sys.executable, "-m", "venv", str(folder)], check=True)
    env = {**os.environ, "PIP_NO_CACHE_DIR": "1", "PIP_DISABLE_PIP_VERSION_CHECK": "1"}
    start = time.perf_counter()
    subprocess.run(
        [str(folder / "bin" / "pip"), "install", "--quiet", requirement],
        check=True,
        env=env,
        cwd=CHECKOUT,
    )
    return time.perf_counter() - start


def owner(relative: pathlib.PurePath) -> str:
    """The site-packages entry a venv file belongs to (a dist-info folder counts with its
    package; ``bin/pip*`` with pip), or ``(python, scripts)`` for the rest."""
    parts = relative.parts
    if parts[0] == "bin" and relative.name.startswith("pip"):
        return "pip"
    if "site-packages" not in parts[:-1]:
        return "(python, scripts)"
    entry = parts[parts.index("site-packages") + 1]
    if entry.endswith((".dist-info", ".egg-info")):
        entry = entry.split("-")[0]
    return entry.lower().replace("-", "_")


def sizes(folder: pathlib.Path) -> tuple[int, dict[str, int]]:
    """Bytes of regular files in the venv without the installer, and bytes per owner."""
    per_owner: dict[str, int] = {}
    for path in folder.rglob("*"):
        if path.is_symlink() or not path.is_file():
            continue
        name = owner(path.relative_to(folder))
        if name not in INSTALLER:
            per_owner[name] = per_owner.get(name, 0) + path.stat().st_size
    return sum(per_owner.values()), per_owner


def mb(size: int) -> str:
    return f"{size / 1e6:6.1f} MB"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-peer", action="store_true", help="skip installing Datasette")
    args = parser.parse_args()
    cases = [("datamill[serve]", ".[serve]"), ("floor: datamill", ".")]
    if not args.no_peer:
        cases.append((f"peer: {PEER}", PEER))
    print(f"Python {sys.version.split()[0]}; sizes exclude {', '.join(INSTALLER)}")
    results: dict[str, int] = {}
    with tempfile.TemporaryDirectory(prefix="bench-publish-") as temp:
        for label, requirement in cases:
            folder = pathlib.Path(temp) / label.split(":")[0].replace("[", "_").strip("]")
            seconds = venv_install(folder, requirement)
            total, per_entry = sizes(folder)
            results[label] = total
            print(f"\n{label}: {mb(total)}  (pip install {seconds:.1f} s)")
            for entry, size in sorted(per_entry.items(), key=lambda item: -item[1])[:8]:
                print(f"  {entry:<24}{mb(size)}")
    serve = results["datamill[serve]"]
    print()
    print(f"datamill[serve] / floor: {serve / results['floor: datamill']:.2f}x")
    if f"peer: {PEER}" in results:
        print(f"datamill[serve] / Datasette: {serve / results[f'peer: {PEER}']:.2f}x")
    verdict = "within" if serve <= TARGET_MB * 1e6 else "OVER"
    print(f"datamill[serve] venv {mb(serve).strip()}: {verdict} the {TARGET_MB:.0f} MB target")


if __name__ == "__main__":
    main()
