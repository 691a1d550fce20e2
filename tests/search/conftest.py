"""Shared fixtures: the fts.md recipes example and the cli.md garden plants."""

from __future__ import annotations

import pytest

import datamill

RECIPES = [
    (1, "lemon tart", "bake lemon curd in a sweet pastry case"),
    (2, "lemon chicken", "roast chicken with lemon and thyme then rest the chicken"),
    (3, "pea soup", "simmer peas with mint and stock"),
    (4, "mint tea", "steep fresh mint leaves in hot water"),
    (5, "roast potatoes", "parboil potatoes then roast in hot fat"),
    (6, "chicken stock", "simmer chicken bones with onion and celery"),
]
PLANTS = [
    {"id": 1, "name": "Fern", "kind": "fern", "height": 40},
    {"id": 2, "name": "Basil", "kind": "herb", "height": 25},
    {"id": 3, "name": "Tomato", "kind": "vegetable", "height": 120},
    {"id": 4, "name": "Mint", "kind": "herb", "height": 30},
]


def make_recipes(version: str) -> datamill.Database:
    db = datamill.Database(memory=True)
    db["recipes"].insert_all([{"id": i, "title": t, "body": b} for i, t, b in RECIPES], pk="id")
    db["recipes"].enable_fts(["title", "body"], fts_version=version)
    return db


def make_garden(version: str, triggers: bool = False, path=None) -> datamill.Database:
    db = datamill.Database(path) if path else datamill.Database(memory=True)
    db["plants"].insert_all(PLANTS, pk="id")
    db["plants"].enable_fts(["name", "kind"], fts_version=version, create_triggers=triggers)
    return db


@pytest.fixture
def recipes4() -> datamill.Database:
    return make_recipes("FTS4")


@pytest.fixture
def recipes5() -> datamill.Database:
    return make_recipes("FTS5")


@pytest.fixture(params=["FTS4", "FTS5"])
def version(request) -> str:
    return request.param
