"""The HTML pages without a browser: filter form, snippets, chart geometry, assets, escaping
(SV-PAGE, SV-FTS-3, SV-HIST-2, SV-APP-2, SV-SEC-8)."""

from __future__ import annotations

import re
import shutil
from importlib import resources

import pytest

from datamill import Database
from datamill.serve.chart import bar_title, commit_chart
from datamill.serve.filters import OPERATORS
from datamill.serve.html import snippet_markup
from datamill.serve.views.table_html import OPERATOR_LABELS
from serve.history_fixtures import HI11, build_history
from serve.serve_helpers import client_for, garden_db


@pytest.fixture(scope="module")
def garden(tmp_path_factory):
    path = garden_db(tmp_path_factory.mktemp("pages") / "garden.db")
    db = Database(path)
    db["plants"].enable_fts(["name", "kind"])
    db["notes"].insert_all(
        [{"id": 1, "plant_id": 2, "text": "<script>alert(1)</script> herb"}],
        pk="id",
        foreign_keys=[("plant_id", "plants", "id")],
    )
    db.close()
    with client_for(path) as client:
        yield client


def commit(n: int, added=0, changed=0, removed=0, readded=0) -> dict:
    return {
        "id": n,
        "hash": f"{n:040x}",
        "commit_at": f"2024-05-0{n}",
        "added": added,
        "changed": changed,
        "removed": removed,
        "readded": readded,
        "diff_url": f"/d/{n}",
    }


def test_every_operator_has_a_label_in_the_filter_form():
    assert set(OPERATOR_LABELS) == set(OPERATORS)


def test_filter_form_redirects_to_column_operator_pairs_sv_page_3(garden):
    response = garden.get(
        "/garden/plants",
        params=[
            ("_sort", "height"),
            ("_filter_column", "kind"),
            ("_filter_op", "exact"),
            ("_filter_value", "herb"),
            ("_filter_column", "height"),
            ("_filter_op", "gte"),
            ("_filter_value", "26"),
            ("_filter_column", "name"),
            ("_filter_op", "notblank"),
            ("_filter_value", ""),
            ("_filter_column", ""),
            ("_filter_op", "exact"),
            ("_filter_value", "ignored"),
        ],
        follow_redirects=False,
    )
    assert response.status_code == 302
    assert response.headers["location"] == (
        "/garden/plants?_sort=height&kind=herb&height__gte=26&name__notblank=1"
    )
    page = garden.get(response.headers["location"]).text
    assert page.count('class="filter-row') == 4  # three filters and the blank row
    assert '<p class="count">1 row where height ≥ 26, kind = &#34;herb&#34;' in page
    assert re.findall(r'data-column="name">([^<]*)<', page) == ["Mint"]


def test_table_page_parts_in_order_sv_page_3(garden):
    page = garden.get("/garden/plants?_facet=kind&_sort_desc=height").text
    hooks = [
        'form id="search"',
        'form id="filters"',
        'class="count"',
        'class="facet"',
        'class="rows"',
        'class="export-csv"',
        'class="export-csv-stream"',
        'class="view-sql"',
        "CREATE TABLE",
    ]
    positions = [page.index(hook) for hook in hooks]
    assert positions == sorted(positions)
    assert '<a class="sort" href="/garden/plants?_facet=kind&amp;_sort=height">height ▼</a>' in page
    # facet bars: the largest value fills the bar, the others in proportion
    assert re.findall(r'<rect width="([\d.]+)" height="4"/>', page) == ["100.0", "50.0", "50.0"]
    stream = re.search(r'class="export-csv-stream" href="([^"]+)"', page).group(1)
    assert stream.endswith("_stream=on&amp;_dl=on")


def test_view_sql_link_opens_this_pages_statement(garden):
    page = garden.get("/garden/plants?kind=herb&_sort=height").text
    link = re.search(r'class="view-sql" href="([^"]+)"', page).group(1).replace("&amp;", "&")
    assert link.startswith("/garden/-/query?sql=")
    sql_page = garden.get(link).text
    assert re.findall(r'data-column="name">([^<]*)<', sql_page) == ["Basil", "Mint"]
    assert '<input class="sql-param" name="p0" value="herb">' in sql_page


def test_snippets_are_escaped_then_marked_sv_fts_3(garden):
    assert str(snippet_markup("a <b>\ue000herb\ue001</b> & c")) == (
        "a &lt;b&gt;<mark>herb</mark>&lt;/b&gt; &amp; c"
    )
    assert str(snippet_markup(None)) == ""
    page = garden.get("/garden/plants?_search=herb").text
    assert page.count('<td class="snippet"><mark>herb</mark></td>') == 2


def test_suggestions_wait_for_script_or_a_click_sv_fac_6(tmp_path):
    with client_for(garden_db(tmp_path / "fresh.db")) as client:
        page = client.get("/fresh/plants").text
        src = re.search(r'class="suggested-facets" data-src="([^"]+)"', page).group(1)
        assert src == "/fresh/plants.json?_size=0&amp;_extra=suggested_facets"
        assert 'class="suggest-facets" href="/fresh/plants?_suggest=on"' in page
        clicked = client.get("/fresh/plants?_suggest=on").text
        assert "Suggested facets:" in clicked and 'class="suggested-facet"' in clicked


def test_row_page_links_and_incoming_keys_sv_page_4(garden):
    page = garden.get("/garden/plants/2").text
    assert '<a class="fk-link" href="http://127.0.0.1:8001/garden/notes?plant_id=2">' in page
    assert '<span class="fk-count">1 row</span>' in page
    note = garden.get("/garden/notes/1").text
    assert '<a class="fk" href="/garden/plants/2">2</a>' in note
    assert "&lt;script&gt;alert(1)&lt;/script&gt; herb" in note and "<script>alert" not in note


def test_sql_page_keeps_inputs_on_error_sv_page_4(garden):
    page = garden.get("/garden/-/query", params={"sql": "select :a, :b", "a": "1"}).text
    assert page.count('class="sql-param"') == 2
    assert 'class="row-info"' not in page  # a missing value shows the form only
    page = garden.get("/garden/-/query", params={"sql": "selec 1"}).text
    assert '<p class="sql-error">near &#34;selec&#34;: syntax error</p>' in page
    assert ">selec 1</textarea>" in page


def test_assets_are_small_and_self_contained_sv_app_2(garden):
    folder = resources.files("datamill.serve") / "static"
    for name in ("app.css", "app.js"):
        text = (folder / name).read_text(encoding="utf-8")
        assert len(text.encode()) <= 30 * 1024
        assert "http://" not in text and "https://" not in text
        response = garden.get(f"/-/static/{name}?v=1")
        assert response.status_code == 200 and response.text == text
    script = (folder / "app.js").read_text(encoding="utf-8")
    assert "innerHTML" not in script and "eval(" not in script
    page = garden.get("/garden/plants").text
    assert "<script>" not in page and " style=" not in page and "<style" not in page
    assert re.search(r'<script src="/-/static/app\.js\?v=[^"]+" defer></script>', page)


def test_chart_geometry_sv_hist_2():
    commits = [commit(3, added=2, changed=4), commit(2, removed=1), commit(1, added=300)]
    chart = commit_chart("trees", commits, has_first=True)
    assert chart.label == "Changes to trees over 3 commits"
    assert [bar.commit["id"] for bar in chart.bars] == [1, 2, 3]  # oldest on the left
    assert chart.maximum == 6  # the first commit is left out of the scale
    first, second, third = chart.bars
    assert first.clipped and first.total == 300 and not third.clipped
    assert [s.kind for s in third.segments] == ["added", "changed"]
    assert third.segments[0].y > third.segments[1].y  # stacked bottom-up
    assert sum(s.height for s in third.segments) == pytest.approx(chart.baseline - chart.top)
    assert min(s.y for s in first.segments) == chart.top  # clipped at the top of the plot
    assert bar_title(commits[0]) == (
        f"{3:040x}"[:12] + " 2024-05-03 — 2 added, 4 changed, 0 removed, 0 readded"
    )
    alone = commit_chart("trees", [commit(1, added=300)], has_first=True)
    assert alone.maximum == 300 and not alone.bars[0].clipped


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_history_pages_sv_hist_2_3_4(tmp_path):
    db = tmp_path / "depot.db"
    build_history(db, tmp_path / "repo", HI11, "--id", "station_id", "--csv")
    with client_for(str(db)) as client:
        page = client.get("/depot/-/history/item").text
        svg = re.search(r"<svg [^>]*>", page).group(0)
        assert 'viewBox="0 0 960 240" role="img" aria-label="Changes to item over 3 commits"' in svg
        assert page.count('<g class="commit') == 3
        titles = re.findall(r"<title>([^<]+)</title>", page.split("<svg", 1)[1])
        assert titles[1].endswith("— 1 added, 1 changed, 1 removed, 0 readded")
        assert 'class="axis-label"' in page and '<table class="commits">' in page
        diff = client.get("/depot/-/history/item/diff?from=1&to=3").text
        assert '<p class="diff-counts">1 added, 2 changed, 0 removed</p>' in diff
        assert "<del>12</del> → <ins>16</ins>" in diff
        link = re.search(r'class="item-link" href="([^"]+)"', diff).group(1)
        timeline = client.get(link).text
        assert '<ol class="timeline">' in timeline and '<li class="version' in timeline
        row = client.get("/depot/item/1").text
        assert '<a class="timeline" href="/depot/-/history/item/items/1">' in row
        versions = client.get("/depot/item_version").text
        assert '<a class="fk" href="/depot/-/history/item/items/1">1</a>' in versions
    with client_for(str(db), settings={"default_page_size": 1}) as client:
        diff = client.get("/depot/-/history/item/diff?from=1&to=3").text
        assert '<p class="diff-counts">1 added, 2 changed, 0 removed</p>' in diff
        assert diff.count("<del>") == 1  # one changed item of two on the page
        assert "Each list below shows its first 1 items" in diff


def test_table_metadata_is_plain_escaped_text_sv_cli_5(tmp_path):
    table = {
        "title": "Garden <plants>",
        "description": "All <b>plants</b>",
        "source": "Survey",
        "source_url": "javascript:alert(1)",
        "license": "CC0",
        "license_url": "https://example.org/cc0",
    }
    metadata = {"databases": {"garden": {"tables": {"plants": table}}}}
    with client_for(garden_db(tmp_path / "garden.db"), metadata=metadata) as client:
        page = client.get("/garden/plants").text
    assert "<h1>Garden &lt;plants&gt;</h1>" in page
    assert '<p class="description">All &lt;b&gt;plants&lt;/b&gt;</p>' in page
    assert (
        '<dd><a href="https://example.org/cc0" rel="nofollow noopener noreferrer">CC0</a>' in page
    )
    assert "<dd>Survey</dd>" in page and "javascript:" not in page
