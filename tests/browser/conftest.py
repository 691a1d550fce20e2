"""The SV-E2E-1 harness: Debian's Chromium through Playwright, real ``datamill serve`` processes,
and a page that records every request leaving the server, console error and dialog."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from browser.browser_fixtures import build_history_db, build_trees, build_xss
from browser.screens import DESKTOP, PHONE, SCREENSHOTS, TAKEN
from serve.serve_helpers import ServeProcess

CHROMIUM = "/usr/bin/chromium"
LAUNCH_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]

try:
    from playwright.sync_api import sync_playwright
except ImportError:  # pragma: no cover - depends on the environment
    sync_playwright = None


def pytest_collection_modifyitems(items):
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.browser)


# Module scope: Playwright's sync API keeps an event loop running on this thread until it
# stops, and later modules (in-process servers) need the thread free for asyncio.run().
@pytest.fixture(scope="module")
def browser():
    if sync_playwright is None:
        pytest.skip("playwright is not installed (pip install 'datamill[test]')")
    if not os.access(CHROMIUM, os.X_OK):
        pytest.skip(f"{CHROMIUM} is missing (apt-get install --no-install-recommends chromium)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture(scope="session")
def databases(tmp_path_factory) -> Path:
    """trees.db, xss.db and (with git) history.db, in one folder."""
    folder = tmp_path_factory.mktemp("e2e")
    build_trees(folder)
    build_xss(folder)
    if shutil.which("git"):
        history = tmp_path_factory.mktemp("e2e-history")
        build_history_db(history).rename(folder / "history.db")
    return folder


def _serve(db: Path, *options: str) -> Iterator[ServeProcess]:
    server = ServeProcess([db.name, *options], db.parent)
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def trees_server(databases) -> Iterator[ServeProcess]:
    yield from _serve(databases / "trees.db")


@pytest.fixture(scope="module")
def slow_facets_server(databases) -> Iterator[ServeProcess]:
    """SV-E2E-3's second server, where facets and suggestions run out of time."""
    yield from _serve(
        databases / "trees.db",
        *("--setting", "facet_time_limit_ms", "1"),
        *("--setting", "facet_suggest_budget_ms", "1"),
    )


@pytest.fixture(scope="module")
def history_server(databases) -> Iterator[ServeProcess]:
    if not (databases / "history.db").exists():
        pytest.skip("history.db needs git")
    yield from _serve(databases / "history.db")


@pytest.fixture(scope="module")
def xss_server(databases) -> Iterator[ServeProcess]:
    yield from _serve(databases / "xss.db")


@dataclass
class Visit:
    """One browser tab and what it must never do: reach another host, log an error, or open
    a dialog."""

    page: object
    scenario: str
    left_server: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)
    #: Console errors a test expects, e.g. a 400 page's "Failed to load resource".
    expected_errors: list[str] = field(default_factory=list)
    steps: int = 0

    def shot(self, step: str, phone: bool = False, full_page: bool = True) -> Path:
        """A full-page screenshot at build/screenshots/<scenario>-<step>.png (SV-E2E-1)."""
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{self.scenario}-{step}{'-phone' if phone else ''}.png"
        if phone:
            self.page.set_viewport_size(PHONE)
        self.page.screenshot(path=str(path), full_page=full_page)
        if phone:
            self.page.set_viewport_size(DESKTOP)
        TAKEN.append(path)
        return path

    def check(self) -> None:
        unexpected = [
            e for e in self.console_errors if not any(x in e for x in self.expected_errors)
        ]
        assert self.left_server == [], "requests left the server"
        assert unexpected == [], "console errors"
        assert self.dialogs == [], "dialogs opened"


@pytest.fixture
def visit(browser, request):
    """``visit(scenario, *servers, javascript=True)``: a fresh tab allowed to reach ``servers``."""
    contexts = []
    visits = []

    def open_tab(scenario: str, *servers: ServeProcess, javascript: bool = True) -> Visit:
        origins = {urlsplit(server.url)[:2] for server in servers}
        context = browser.new_context(
            viewport=DESKTOP, java_script_enabled=javascript, accept_downloads=True
        )
        contexts.append(context)
        page = context.new_page()
        tab = Visit(page, scenario)
        visits.append(tab)

        def route(route_):
            if urlsplit(route_.request.url)[:2] in origins:
                route_.continue_()
            else:
                tab.left_server.append(route_.request.url)
                route_.abort()

        def on_dialog(dialog):
            tab.dialogs.append(dialog.message)
            dialog.dismiss()

        def on_console(message):
            if message.type == "error":
                tab.console_errors.append(message.text)

        page.route("**/*", route)
        page.on("dialog", on_dialog)
        page.on("console", on_console)
        page.on("pageerror", lambda error: tab.console_errors.append(str(error)))
        return tab

    try:
        yield open_tab
        for tab in visits:
            tab.check()
    finally:
        for context in contexts:
            context.close()
