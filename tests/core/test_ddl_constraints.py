"""Rendering the constraints transform carries over (L-DDL-2, L-DDL-4, L-XFM-5)."""

from __future__ import annotations

from datamill.core.ddl import render_check, render_unique
from datamill.db import Check, Database, Unique, UniqueColumn


def test_render_unique():
    assert render_unique(Unique((UniqueColumn("a"),), column="a")) == "UNIQUE"
    assert render_unique(Unique((UniqueColumn("a"),), name="u", column="a", conflict="FAIL")) == (
        'CONSTRAINT "u" UNIQUE ON CONFLICT FAIL'
    )
    unique = Unique((UniqueColumn("a", "1x", "DESC"), UniqueColumn("b", "nocase")), name="n")
    assert render_unique(unique) == (
        'CONSTRAINT "n" UNIQUE ("a" COLLATE "1x" DESC, "b" COLLATE "nocase")'
    )


def test_render_check():
    assert render_check(Check("a > 0")) == "CHECK (a > 0)"
    assert render_check(Check("a > 0", name='p"q')) == 'CONSTRAINT "p""q" CHECK (a > 0)'
    assert render_check(Check("a > 0 -- positive")) == "CHECK (a > 0 -- positive\n)"


def test_check_ending_in_line_comment_survives_transform():
    db = Database(memory=True)
    db.execute("create table t (a integer check (a > 0 -- positive\n), b text -- note\n)")
    db["t"].transform()
    assert db["t"].schema == (
        'CREATE TABLE "t" (\n   "a" INTEGER CHECK (a > 0 -- positive\n),\n   "b" TEXT -- note\n)'
    )
    db["t"].transform()  # and the result parses again
    assert [c.check for c in db["t"].checks] == ["a > 0 -- positive"]
