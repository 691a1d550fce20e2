"""Settings and metadata parsing (SV-CLI-4, SV-CLI-5), and escaping in pages (SV-SEC-8)."""

from __future__ import annotations

import json
import sqlite3

import pytest
from serve_helpers import client_for

from datamill.serve.metadata import MetadataError, load_metadata
from datamill.serve.settings import SettingError, Settings, parse_setting


def test_defaults_sv_cli_4():
    settings = Settings()
    assert (settings.default_page_size, settings.max_returned_rows, settings.sql_time_limit_ms) == (
        100,
        1000,
        1000,
    )
    assert (
        settings.count_time_limit_ms,
        settings.facet_time_limit_ms,
        settings.default_facet_size,
    ) == (200, 200, 30)
    assert (settings.facet_suggest_time_limit_ms, settings.facet_suggest_budget_ms) == (50, 500)
    assert (settings.max_csv_mb, settings.max_stream_seconds, settings.max_concurrent_streams) == (
        0,
        3600,
        4,
    )
    assert (settings.max_response_mb, settings.num_sql_threads, settings.default_cache_ttl) == (
        50,
        4,
        5,
    )
    assert (settings.truncate_cells_html, settings.base_url, settings.allowed_hosts) == (
        2048,
        "/",
        "auto",
    )
    assert (
        settings.suggest_facets
        and settings.allow_facet
        and settings.default_allow_sql
        and settings.allow_csv_stream
    )
    assert not settings.force_https_urls and not settings.allow_robots


@pytest.mark.parametrize(
    "text, value",
    [("on", True), ("TRUE", True), ("1", True), ("off", False), ("false", False), ("0", False)],
)
def test_booleans(text, value):
    assert parse_setting("allow_robots", text) is value


def test_values_from_pairs_and_python():
    settings = Settings.from_pairs(
        [("sql_time_limit_ms", "50"), ("sql_time_limit_ms", "60"), ("allow_facet", False)]
    )
    assert (settings.sql_time_limit_ms, settings.allow_facet) == (60, False)
    assert Settings.from_pairs({"max_csv_mb": 0}).max_csv_mb == 0
    with pytest.raises(SettingError, match="^default_page_size needs an integer >= 1, got 'True'$"):
        parse_setting("default_page_size", True)


def test_metadata_warnings_and_errors_sv_cli_5(tmp_path):
    path = tmp_path / "meta.json"
    path.write_text(
        json.dumps(
            {
                "title": "T",
                "description_html": "<b>x</b>",
                "databases": {"d": {"tables": {"t": {"colour": 1}}}},
            }
        )
    )
    metadata, warnings = load_metadata(path)
    assert metadata.instance() == {"title": "T"}
    assert warnings == [
        f"Warning: {path}: unknown key description_html ignored",
        f"Warning: {path}: unknown key databases.d.tables.t.colour ignored",
    ]
    for data, reason in [
        ([], "the top level must be an object"),
        ({"title": 3}, "title must be a string"),
        (
            {"databases": {"d": {"tables": {"t": {"facets": [{"month": "c"}]}}}}},
            'databases.d.tables.t.facets[0] must be a column name, {"array": column} or {"date": column}',
        ),
        (
            {"databases": {"d": {"tables": {"t": {"sort": "a", "sort_desc": "b"}}}}},
            "databases.d.tables.t cannot have both sort and sort_desc",
        ),
        (
            {"databases": {"d": {"tables": {"t": {"hidden": "yes"}}}}},
            "databases.d.tables.t.hidden must be true or false",
        ),
    ]:
        path.write_text(json.dumps(data))
        with pytest.raises(MetadataError) as raised:
            load_metadata(path)
        assert str(raised.value) == f"Invalid metadata in {path}: {reason}"


XSS = "<img src=x onerror=alert(1)>"


def test_pages_escape_every_value_sv_sec_8(tmp_path):
    path = str(tmp_path / "xss.db")
    conn = sqlite3.connect(path)
    conn.execute(f'create table "{XSS}" (id integer primary key, "{XSS}" text)')
    conn.executemany(
        f'insert into "{XSS}" ("{XSS}") values (?)',
        [
            ("</td><script>alert(2)</script>",),
            ("javascript:alert(3)",),
            ('"><svg onload=alert(4)>',),
            ("https://example.org/a?b=c&d=e",),
        ],
    )
    conn.commit()
    conn.close()
    metadata = {
        "title": "<script>alert(6)</script>",
        "source": "src",
        "source_url": "javascript:alert(7)",
    }
    with client_for(path, metadata=metadata) as client:
        pages = [
            client.get("/").text,
            client.get("/xss").text,
            client.get("/xss/~3Cimg+src~3Dx+onerror~3Dalert~281~29~3E").text,
            client.get("/xss/~3Cimg+src~3Dx+onerror~3Dalert~281~29~3E/1").text,
            client.get(
                "/xss/-/query", params={"sql": "select '<script>alert(5)</script>' as x"}
            ).text,
            client.get("/nope<script>").text,
        ]
    for page in pages:
        assert "<script>" not in page and "<img" not in page and "<svg" not in page
        assert 'href="javascript:' not in page
    assert "&lt;/td&gt;&lt;script&gt;alert(2)&lt;/script&gt;" in pages[2]
    assert (
        '<a href="https://example.org/a?b=c&amp;d=e" rel="nofollow noopener noreferrer">'
        in pages[2]
    )
