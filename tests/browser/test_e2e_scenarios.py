"""serve.md SV-E2E-3 scenarios 1-12, driven in Chromium by clicking and typing."""

from __future__ import annotations

import csv
import io
import re
import sqlite3
from urllib.parse import quote

import pytest

from browser.browser_fixtures import XSS, XSS_VALUES
from browser.screens import DESKTOP
from datamill import Database
from datamill.serve.tilde import tilde_encode

ERROR_PAGE = "status of 400"  # Chromium logs a 400 document as a failed resource load


def base(server) -> str:
    return server.url.rstrip("/")


def sqlite_all(db, sql: str, params=()) -> list[tuple]:
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        return conn.execute(sql, params).fetchall()


def column_texts(page, column: str) -> list[str]:
    return page.locator(f'table.rows tbody td[data-column="{column}"]').all_inner_texts()


def count_of(page) -> int:
    text = page.locator("p.count").inner_text()
    return int(re.match(r"(?:>= )?([\d,]+) rows?", text).group(1).replace(",", ""))


def shown(value) -> str:
    return "" if value is None else str(value)


def add_filter(page, column: str, op: str, value: str) -> None:
    """Fill the blank filter row and apply the form."""
    row = page.locator("form#filters .filter-row").last
    row.locator("select.filter-column").select_option(column)
    row.locator("select.filter-op").select_option(op)
    row.locator("input.filter-value").fill(value)
    page.locator("form#filters button[type=submit]").click()
    page.wait_for_load_state()


def test_1_browse_to_a_table(visit, trees_server):
    tab = visit("1", trees_server)
    page = tab.page
    page.goto(base(trees_server) + "/")
    tab.shot("index")
    tab.shot("index", phone=True)
    page.locator("a.database", has_text="trees").click()
    tab.shot("database")
    page.locator("table.tables a.table", has_text=re.compile("^trees$")).click()
    assert page.locator("table.rows tbody tr").count() == 100
    assert page.locator("p.count").inner_text() == "2,000 rows"
    tab.shot("table")
    tab.shot("table", phone=True)
    json_url = page.locator("a.export-json").get_attribute("href")
    response = page.request.get(base(trees_server) + json_url)
    assert response.status == 200 and response.json()["ok"] is True


def test_2_filter_with_the_form(visit, trees_server, databases):
    tab = visit("2", trees_server)
    page = tab.page
    page.goto(base(trees_server) + "/trees/trees")
    add_filter(page, "qLegalStatus", "exact", "Permitted Site")
    tab.shot("one-filter")
    add_filter(page, "DBH", "gte", "10")
    tab.shot("two-filters")
    assert page.locator("form#filters .filter-row").count() == 3  # two filters and a blank row
    statuses = column_texts(page, "qLegalStatus")
    assert statuses and set(statuses) == {"Permitted Site"}
    assert all(float(v) >= 10 for v in column_texts(page, "DBH"))
    ((expected,),) = sqlite_all(
        databases / "trees.db",
        "select count(*) from trees where qLegalStatus = 'Permitted Site' and DBH >= 10",
    )
    assert count_of(page) == expected
    assert "where" in page.locator("p.count").inner_text()


def test_3_sort_by_clicking_a_header(visit, trees_server, databases):
    tab = visit("3", trees_server)
    page = tab.page
    page.goto(base(trees_server) + "/trees/trees")
    header = page.locator('th[data-column="DBH"] a.sort')
    header.click()
    page.wait_for_load_state()
    tab.shot("ascending")
    assert "▲" in page.locator('th[data-column="DBH"]').inner_text()
    ascending = sqlite_all(databases / "trees.db", "select DBH from trees order by DBH, TreeID")
    assert column_texts(page, "DBH") == [shown(v) for (v,) in ascending[:100]]
    page.locator('th[data-column="DBH"] a.sort').click()
    page.wait_for_load_state()
    tab.shot("descending")
    assert "▼" in page.locator('th[data-column="DBH"]').inner_text()
    descending = sqlite_all(
        databases / "trees.db", "select DBH from trees order by DBH desc, TreeID"
    )
    assert column_texts(page, "DBH") == [shown(v) for (v,) in descending[:100]]


@pytest.mark.parametrize("sort", ["", "&_sort=qSpecies"], ids=["plain", "sorted"])
def test_4_keyset_pages_give_every_row_once(visit, trees_server, sort):
    tab = visit("4" + ("-sorted" if sort else ""), trees_server)
    page = tab.page
    page.goto(base(trees_server) + "/trees/trees?_size=500" + sort)
    seen: list[str] = []
    for step in range(10):
        # 500 rows make a 15,000-pixel page: the whole of it for the first page, the window
        # for the others (the screenshots stay small and quick).
        tab.shot(f"page{step + 1}", full_page=step == 0)
        seen += column_texts(page, "TreeID")
        if page.locator("a.next-page").count() == 0:
            break
        page.locator("a.next-page").click()
        page.wait_for_load_state()
        assert page.locator("a.first-page").count() == 1
    assert len(seen) == 2000 and len(set(seen)) == 2000


def test_5_facets(visit, trees_server, slow_facets_server, databases):
    tab = visit("5", trees_server, slow_facets_server)
    page = tab.page
    page.goto(base(trees_server) + "/trees/trees")
    suggestion = page.locator("a.suggested-facet", has_text=re.compile("^qLegalStatus$"))
    suggestion.wait_for()
    tab.shot("suggestions")
    suggestion.click()
    page.wait_for_load_state()
    facet = page.locator('section.facet[data-column="qLegalStatus"]')
    assert facet.is_visible()
    tab.shot("facet")
    first = facet.locator("li a").first
    label = first.locator(".facet-label").inner_text()
    number = int(first.locator(".facet-count").inner_text().replace(",", ""))
    first.click()
    page.wait_for_load_state()
    tab.shot("selected")
    assert set(column_texts(page, "qLegalStatus")) == {label}
    assert count_of(page) == number
    (expected,) = sqlite_all(
        databases / "trees.db", "select count(*) from trees where qLegalStatus = ?", (label,)
    )
    assert number == expected[0]

    page.goto(base(slow_facets_server) + "/trees/big?_facet=grp")
    timed_out = page.locator("section.facet.facet-timed-out")
    assert "grp: timed out after 1 ms" in timed_out.inner_text()
    tab.shot("timed-out")
    # grp is big's only non-key column: the unchecked suggestions show on the trees table.
    page.goto(base(slow_facets_server) + "/trees/trees")
    page.locator("div.suggested-facets", has_text="Not checked (time limit):").wait_for()
    assert page.locator("a.suggested-timed-out").count() >= 1
    tab.shot("not-checked")


def test_6_search(visit, trees_server, databases):
    tab = visit("6", trees_server)
    tab.expected_errors.append(ERROR_PAGE)
    page = tab.page
    page.goto(base(trees_server) + "/trees/trees")
    page.locator("form#search input[name=_search]").fill("cherry")
    page.locator("form#search input[name=_search]").press("Enter")
    page.wait_for_load_state()
    tab.shot("results")
    assert page.locator("td.snippet mark").count() > 0
    assert page.locator("td.snippet mark").first.inner_text().lower() == "cherry"
    expected = [
        str(row["TreeID"])
        for row in Database(str(databases / "trees.db"))["trees"].search(
            "cherry", quote=True, ranking="bm25", limit=100
        )
    ]
    assert column_texts(page, "TreeID") == expected
    response = page.goto(base(trees_server) + "/trees/trees?_searchmode=raw&_search=AND")
    assert response.status == 400
    assert "Invalid full-text search query" in page.locator("p.error-message").inner_text()
    tab.shot("bad-query")


def test_7_row_and_incoming_links(visit, trees_server):
    tab = visit("7", trees_server)
    page = tab.page
    page.goto(base(trees_server) + "/trees/trees")
    page.locator("a.row-link").first.click()
    page.wait_for_load_state()
    tab.shot("row")
    tab.shot("row", phone=True)
    assert page.locator("table.row tr").count() == 18
    page.locator("table.row a.fk").first.click()
    page.wait_for_load_state()
    tab.shot("caretaker")
    fk = page.locator("section.incoming-fks li").first
    expected = fk.locator(".fk-count").inner_text()
    fk.locator("a.fk-link").click()
    page.wait_for_load_state()
    tab.shot("referencing-rows")
    assert page.locator("p.count").inner_text().startswith(expected + " where")


def test_8_sql_page(visit, trees_server, databases):
    tab = visit("8", trees_server)
    tab.expected_errors.append(ERROR_PAGE)
    page = tab.page
    page.goto(base(trees_server) + "/trees")
    page.locator("form#sql-form textarea[name=sql]").fill(
        "select TreeID, DBH from trees where DBH > :min_dbh order by TreeID"
    )
    field = page.locator("input.sql-param[name=min_dbh]")
    field.wait_for()  # the script adds the field as the text names it
    field.fill("20")
    page.locator("form#sql-form textarea[name=sql]").press("Control+Enter")
    page.wait_for_load_state()
    tab.shot("results")
    expected = sqlite_all(
        databases / "trees.db",
        "select TreeID from trees where DBH > ? order by TreeID",
        ("20",),
    )
    assert page.locator("p.row-info").inner_text() == f"{len(expected)} rows"
    assert column_texts(page, "TreeID") == [str(v) for (v,) in expected]

    page.goto(page.url + "&_size=5")
    assert column_texts(page, "TreeID") == [str(v) for (v,) in expected[:5]]
    assert page.locator("p.row-info").inner_text() == "Rows 1–5 shown; more follow"
    page.locator("a.next-page").click()
    page.wait_for_load_state()
    tab.shot("second-page")
    assert column_texts(page, "TreeID") == [str(v) for (v,) in expected[5:10]]

    for sql, message in [
        ("delete from trees", "Statement not allowed: DELETE on trees"),
        (
            "with recursive r(n) as (select 1 union all select n + 1 from r) "
            "select count(*) from r",
            "SQL query took too long (limit: 1000 ms)",
        ),
    ]:
        page.locator("form#sql-form textarea[name=sql]").fill(sql)
        page.locator("form#sql-form button[type=submit]").click()
        page.wait_for_load_state()
        assert page.locator("p.sql-error").inner_text() == message
        assert page.locator("form#sql-form textarea[name=sql]").input_value() == sql
    tab.shot("error")


def _download_rows(page, link) -> tuple[str, list[list[str]]]:
    with page.expect_download() as info:
        link.click()
    download = info.value
    text = open(download.path(), encoding="utf-8", newline="").read()
    return download.suggested_filename, list(csv.reader(io.StringIO(text)))


def test_9_csv_exports(visit, trees_server, databases):
    tab = visit("9", trees_server)
    page = tab.page
    page.goto(base(trees_server) + "/trees/trees")
    tab.shot("table")
    name, rows = _download_rows(page, page.locator("a.export-csv"))
    assert (name, len(rows)) == ("trees.csv", 101)
    name, rows = _download_rows(page, page.locator("a.export-csv-stream"))
    assert (name, len(rows)) == ("trees.csv", 2001)
    page.goto(
        base(trees_server) + "/trees/-/query?sql=select+*+from+trees+where+DBH+%3E+5&_size=20"
    )
    tab.shot("query")
    (count,) = sqlite_all(databases / "trees.db", "select count(*) from trees where DBH > 5")[0]
    _, rows = _download_rows(page, page.locator("a.export-csv-stream"))
    assert len(rows) == count + 1


def test_10_history_chart(visit, history_server):
    tab = visit("10", history_server)
    page = tab.page
    page.goto(base(history_server) + "/history")
    page.locator("a.history").first.click()
    page.wait_for_load_state()
    tab.shot("namespaces")
    page.locator("a.namespace").first.click()
    page.wait_for_load_state()
    tab.shot("chart")
    tab.shot("chart", phone=True)
    svg = page.locator("figure.history-chart svg")
    assert svg.get_attribute("viewBox") == "0 0 960 240"
    assert svg.get_attribute("role") == "img"
    bars = page.locator("figure.history-chart g.commit")
    assert bars.count() == 4
    title = bars.nth(1).locator("title").text_content()
    assert title.endswith("5 added, 7 changed, 3 removed, 0 readded")
    third = bars.nth(2).locator("title").text_content()
    added, changed, removed, _ = re.findall(r"(\d+) \w+", third.split("—")[1])
    bars.nth(2).click()
    page.wait_for_load_state()
    tab.shot("diff")
    counts = page.locator("p.diff-counts").inner_text()
    assert counts == f"{added} added, {changed} changed, {removed} removed"
    page.locator("a.item-link").first.click()
    page.wait_for_load_state()
    tab.shot("timeline")
    assert page.locator("ol.timeline > li.version").count() >= 1


def test_11_hostile_names_and_values(visit, xss_server):
    tab = visit("11", xss_server)
    page = tab.page
    url = base(xss_server)
    for step, path in enumerate(
        [
            "/",
            "/xss",
            "/xss/" + page_path(XSS),
            "/xss/" + page_path(XSS) + "/1",
            "/xss/" + page_path(XSS) + "?_facet=" + page_path(XSS, query=True),
            "/xss/-/query?sql=select+%27%3Cscript%3Ealert(5)%3C%2Fscript%3E%27",
        ]
    ):
        response = page.goto(url + path)
        assert response.status == 200, path
        headers = response.headers
        assert headers["content-security-policy"].startswith("default-src 'self'")
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["referrer-policy"] == "no-referrer"
        tab.shot(f"page{step + 1}")
        text = page.locator("main").inner_text()
        if 2 <= step <= 4:
            assert XSS in text
        assert page.locator("a[href^='javascript']").count() == 0
        assert page.locator("main img, main svg[onload], main script").count() == 0
    assert "<script>alert(5)</script>" in page.locator("table.rows").inner_text()
    page.goto(url + "/xss/" + page_path(XSS))
    for value in XSS_VALUES:
        assert page.locator("table.rows td", has_text=value).count() >= 1


def page_path(name: str, query: bool = False) -> str:
    return quote(name) if query else tilde_encode(name)


def test_12_without_javascript(visit, trees_server):
    tab = visit("12", trees_server, javascript=False)
    page = tab.page
    page.goto(base(trees_server) + "/trees/trees")
    # A filter no other scenario uses, so its suggestions are not cached yet.
    add_filter(page, "TreeID", "gt", "50")
    assert min(int(v) for v in column_texts(page, "TreeID")) > 50
    page.locator('th[data-column="DBH"] a.sort').click()
    page.wait_for_load_state()
    assert "▲" in page.locator('th[data-column="DBH"]').inner_text()
    first = column_texts(page, "TreeID")
    page.locator("a.next-page").click()
    page.wait_for_load_state()
    assert not set(first) & set(column_texts(page, "TreeID"))
    tab.shot("filtered-sorted-paged")
    page.locator("a.suggest-facets").click()
    page.wait_for_load_state()
    assert page.locator("a.suggested-facet").count() >= 1
    tab.shot("suggestions")
    page.goto(base(trees_server) + "/trees/-/query")
    page.locator("textarea[name=sql]").fill("select count(*) as n from trees where DBH > :min_dbh")
    page.locator("form#sql-form button[type=submit]").click()
    page.wait_for_load_state()
    page.locator("input.sql-param[name=min_dbh]").fill("20")
    page.locator("form#sql-form button[type=submit]").click()
    page.wait_for_load_state()
    tab.shot("sql")
    assert page.locator("p.row-info").inner_text() == "1 row"
    assert page.viewport_size == DESKTOP
