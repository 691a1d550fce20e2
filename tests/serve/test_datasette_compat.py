"""datamill serve next to Datasette 1.0a41 on the same database (SV-GEN-4).

Both servers run on 127.0.0.1 and free ports. Each case fetches one URL from both and compares
the status, content type, redirect target, ``Link`` header and body. Two normalisations apply to
every case: absolute URLs lose their origin (each server builds them from its own Host header,
SV-JSON-4; Datasette also writes some as paths) and pagination tokens become ``T`` (opaque,
SV-TBL-4). Everything else a case normalises is listed with it, and each normaliser cites the
spec item that lets the two differ. Pages are also walked to the end on both servers.
"""

from __future__ import annotations

import http.client
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import urlsplit

import pytest
from datasette_peer import compat_db, datasette_path, datasette_server
from serve_helpers import serving

DATASETTE = datasette_path("1.0a41")
pytestmark = pytest.mark.skipif(
    DATASETTE is None,
    reason="Datasette 1.0a41 is not installed (run `make bench-deps` or set DATAMILL_DATASETTE_1)",
)

ORIGIN = re.compile(r"http://127\.0\.0\.1:\d+")
HOST_PORT = re.compile(r"127\.0\.0\.1:\d+")
NEXT_PARAM = re.compile(r"_next=[^&>\s]*")


@dataclass(frozen=True)
class Reply:
    """What the comparison looks at in one response."""

    status: int
    content_type: str | None
    location: str | None
    link: str | None
    body: Any  # parsed JSON, or text


def _strip_origin(value: Any) -> Any:
    if isinstance(value, str):
        return HOST_PORT.sub("127.0.0.1", ORIGIN.sub("", value))
    if isinstance(value, list):
        return [_strip_origin(item) for item in value]
    if isinstance(value, dict):
        return {key: _strip_origin(item) for key, item in value.items()}
    return value


def _blank_tokens(value: Any) -> Any:
    if isinstance(value, str):
        return NEXT_PARAM.sub("_next=T", value)
    if isinstance(value, list):
        return [_blank_tokens(item) for item in value]
    if isinstance(value, dict):
        return {
            key: ("T" if key == "next" and item is not None else _blank_tokens(item))
            for key, item in value.items()
        }
    return value


def fetch_raw(base: str, url: str) -> Reply:
    """GET ``url`` exactly as written: no re-encoding and no redirects."""
    parts = urlsplit(base)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    try:
        conn.request("GET", url)
        response = conn.getresponse()
        raw = response.read()
        content_type = response.getheader("content-type")
        body: Any = raw.decode("utf-8")
        if content_type and content_type.startswith("application/json"):
            body = json.loads(raw)
        return Reply(
            response.status,
            content_type if raw else None,  # an empty redirect body's type says nothing
            response.getheader("location"),
            response.getheader("link"),
            body,
        )
    finally:
        conn.close()


def fetch(base: str, url: str) -> Reply:
    """``fetch_raw`` with origins stripped and pagination tokens blanked, ready to compare."""
    reply = fetch_raw(base, url)

    def normal(value: Any) -> Any:
        return _blank_tokens(_strip_origin(value))

    return replace(
        reply, body=normal(reply.body), location=normal(reply.location), link=normal(reply.link)
    )


Fix = Callable[[Reply, Reply], tuple[Reply, Reply]]


# --- normalisers: each names the spec item that allows the difference ---------------------------


def _sorted_query(url: str) -> str:
    path, _, query = url.partition("?")
    return path + "?" + "&".join(sorted(query.split("&")))


def next_param_order(dm: Reply, ds: Reply) -> tuple[Reply, Reply]:
    """SV-JSON-4: ``next_url`` has the request's parameters plus ``_next``, in no set order."""

    def order(reply: Reply) -> Reply:
        body = reply.body | {"next_url": _sorted_query(reply.body["next_url"])}
        link = "<" + _sorted_query(reply.link[1:].partition(">")[0]) + '>; rel="next"'
        return replace(reply, body=body, link=link)

    return order(dm), order(ds)


def error_wording(dm: Reply, ds: Reply) -> tuple[Reply, Reply]:
    """SV-ERR-2 fixes datamill's own messages; statuses and the A1 body still have to agree."""
    message = dm.body["error"]
    assert dm.body == {"ok": False, "error": message, "errors": [message], "status": dm.status}

    def keep(body: dict) -> dict:  # 1.0a41 adds rows/truncated to some error bodies (A1)
        return {"ok": body["ok"], "status": body["status"]}

    return replace(dm, body=keep(dm.body)), replace(ds, body=keep(ds.body))


def error_body(dm: Reply, ds: Reply) -> tuple[Reply, Reply]:
    """SV-GEN-4 A1: an error body is exactly ok, error, errors and status (1.0a41 may add more)."""
    keys = ("ok", "error", "errors", "status")
    return dm, replace(ds, body={key: ds.body[key] for key in keys})


def query_next_keys(dm: Reply, ds: Reply) -> tuple[Reply, Reply]:
    """SV-JSON-1: query JSON always carries ``next`` and ``next_url`` (1.0a41 leaves them out)."""
    assert dm.body["next"] is None and dm.body["next_url"] is None
    body = {key: value for key, value in dm.body.items() if key not in ("next", "next_url")}
    return replace(dm, body=body), ds


def row_keys(*requested: str) -> Fix:
    """SV-GEN-4 A2: a row's database, table and key facts come only with ``_extra``."""
    unrequested = {"database", "table", "primary_keys", "primary_key_values"} - set(requested)

    def fix(dm: Reply, ds: Reply) -> tuple[Reply, Reply]:
        assert not unrequested & set(dm.body)
        dropped = unrequested | {"query_ms"}  # 1.0a41's timing
        return dm, replace(ds, body={k: v for k, v in ds.body.items() if k not in dropped})

    fix.__doc__ = row_keys.__doc__
    return fix


def unrequested_facets(dm: Reply, ds: Reply) -> tuple[Reply, Reply]:
    """SV-JSON-1/3: facet results appear only with ``_extra=facet_results`` (1.0a41 always adds them)."""
    return dm, replace(ds, body={k: v for k, v in ds.body.items() if k != "facet_results"})


def _facet_entries(body: dict) -> list[dict]:
    if "facet_results" in body:
        return list(body["facet_results"]["results"].values())
    return body.get("sorted_facet_results", [])


def facet_timed_out_flag(dm: Reply, ds: Reply) -> tuple[Reply, Reply]:
    """SV-FAC-2/3: every datamill facet says whether it timed out; 1.0a41 drops timed-out facets."""
    body = json.loads(json.dumps(dm.body))
    for entry in _facet_entries(body):
        assert entry.pop("timed_out") is False
    return replace(dm, body=body), ds


def null_bucket(dm: Reply, ds: Reply) -> tuple[Reply, Reply]:
    """SV-GEN-4 A9 and SV-FAC-1: datamill counts NULL as a facet value; 1.0a41 leaves it out."""
    body = json.loads(json.dumps(dm.body))
    for entry in _facet_entries(body):
        nulls = [result for result in entry["results"] if result["value"] is None]
        assert len(nulls) == 1 and nulls[0]["label"] is None
        assert nulls[0]["toggle_url"].endswith("__isnull=1")
        entry["results"].remove(nulls[0])
    return replace(dm, body=body), ds


def suggestion_flags(dm: Reply, ds: Reply) -> tuple[Reply, Reply]:
    """SV-FAC-5: each suggestion also carries ``type`` and ``timed_out``."""
    body = dict(dm.body)
    suggestions = []
    for suggestion in body["suggested_facets"]:
        assert suggestion["type"] == "column" and suggestion["timed_out"] is False
        suggestions.append({k: v for k, v in suggestion.items() if k not in ("type", "timed_out")})
    body["suggested_facets"] = suggestions
    return replace(dm, body=body), ds


def _rows_by_key(key: str) -> Callable[[Any], Any]:
    def order(body: Any) -> Any:
        if isinstance(body, list):
            return sorted(body, key=lambda row: row[key])
        return body | {"rows": sorted(body["rows"], key=lambda row: row[key])}

    return order


def rank_order(dm: Reply, ds: Reply, key: str = "id") -> tuple[Reply, Reply]:
    """SV-GEN-4 A9, SV-FTS-2: datamill ranks matches by BM25; 1.0a41 keeps key order."""
    order = _rows_by_key(key)
    return replace(dm, body=order(dm.body)), replace(ds, body=order(ds.body))


def rank_order_by_rowid(dm: Reply, ds: Reply) -> tuple[Reply, Reply]:
    """SV-GEN-4 A9, SV-FTS-2: as ``rank_order``, for the FTS table itself (keyed by rowid)."""
    return rank_order(dm, ds, "rowid")


def _sqlite_order(value: Any) -> tuple:
    if value is None:
        return (0, 0)
    if isinstance(value, (int, float)):
        return (1, value)
    return (2, value)


def ties_by_key_ascending(sort: str, key: tuple[str, ...], descending: bool) -> Fix:
    """SV-GEN-4 A7: ties under ``_sort``/``_sort_desc`` are broken by the key ascending."""

    def order(body: dict) -> dict:
        rows = sorted(body["rows"], key=lambda row: [_sqlite_order(row[k]) for k in key])
        rows.sort(key=lambda row: _sqlite_order(row[sort]), reverse=descending)
        return body | {"rows": rows}

    def fix(dm: Reply, ds: Reply) -> tuple[Reply, Reply]:
        return dm, replace(ds, body=order(ds.body))

    fix.__doc__ = ties_by_key_ascending.__doc__
    return fix


def fts_handle(dm: Reply, ds: Reply) -> tuple[Reply, Reply]:
    """Not a spec difference: an FTS5 table's column named after itself reads as an SQLite
    internal value that differs between connections, so only its presence is compared."""

    def blank(body: dict) -> dict:
        return body | {"rows": [row | {"docs_fts": "handle"} for row in body["rows"]]}

    return replace(dm, body=blank(dm.body)), replace(ds, body=blank(ds.body))


def fk_count_truncated(dm: Reply, ds: Reply) -> tuple[Reply, Reply]:
    """SV-JSON-3: each ``foreign_key_tables`` entry also says whether its count is exact."""
    body = dict(dm.body)
    entries = []
    for entry in body["foreign_key_tables"]:
        assert entry["count_truncated"] is False
        entries.append({k: v for k, v in entry.items() if k != "count_truncated"})
    body["foreign_key_tables"] = entries
    return replace(dm, body=body), ds


def label_rule(dm: Reply, ds: Reply) -> tuple[Reply, Reply]:
    """SV-FAC-2: a label column is configured or the only text column of a two-column table."""
    body = dict(dm.body)
    body["expandable_columns"] = [
        [fk, label if label is not None else theirs[1]]
        for (fk, label), theirs in zip(dm.body["expandable_columns"], ds.body["expandable_columns"])
    ]
    return replace(dm, body=body), ds


def facet_labels_are_values(dm: Reply, ds: Reply) -> tuple[Reply, Reply]:
    """SV-FAC-2: without a label column (or a two-column table) a foreign key's label is its value."""
    body = json.loads(json.dumps(ds.body))
    for entry in _facet_entries(body):
        for result in entry["results"]:
            result["label"] = result["value"]
    return dm, replace(ds, body=body)


def _shape(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _shape(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_shape(value[0])] if value else []
    if isinstance(value, bool) or value is None:
        return value if value is None else "bool"
    return type(value).__name__


def value_shape(*names: str) -> Fix:
    """SV-GEN-4 A3: these extras have 1.0a41's key and value shape; their content is our own."""

    def fix(dm: Reply, ds: Reply) -> tuple[Reply, Reply]:
        ours, theirs = dict(dm.body), dict(ds.body)
        for name in names:
            ours[name], theirs[name] = _shape(ours[name]), _shape(theirs[name])
            if ours[name] == []:  # an empty list has the shape of any list
                theirs[name] = []
        return replace(dm, body=ours), replace(ds, body=theirs)

    fix.__doc__ = value_shape.__doc__
    return fix


def renderers_listing(dm: Reply, ds: Reply) -> tuple[Reply, Reply]:
    """SV-GEN-4 A3: format name -> URL of this page; datamill also offers CSV (SV-CSV-2)."""
    ours, theirs = dm.body["renderers"], ds.body["renderers"]
    assert set(ours) == {"json", "csv"} and set(theirs) == {"json"}
    assert all(isinstance(url, str) for url in (*ours.values(), *theirs.values()))
    return replace(dm, body=dm.body | {"renderers": None}), replace(
        ds, body=ds.body | {"renderers": None}
    )


def extras_listing(dm: Reply, ds: Reply) -> tuple[Reply, Reply]:
    """SV-GEN-4 A3: every 1.0a41 extra is offered (descriptions are our own words) plus ours."""

    def offered(body: dict) -> dict:
        return {entry["name"]: (entry["selected"], entry["toggle_url"]) for entry in body["extras"]}

    ours, theirs = offered(dm.body), offered(ds.body)
    assert set(ours) - set(theirs) <= {"timing", "snippets"}
    ours = {name: value for name, value in ours.items() if name in theirs}
    return replace(dm, body=dm.body | {"extras": ours}), replace(
        ds, body=ds.body | {"extras": theirs}
    )


def ndjson_lines(dm: Reply, ds: Reply) -> tuple[Reply, Reply]:
    """SV-JSON-2, A9: NDJSON ends every line with a newline and names its charset (text/plain)."""
    assert dm.content_type == "text/plain; charset=utf-8" and ds.content_type == "text/plain"
    assert dm.body.endswith("\n")
    return replace(dm, body=dm.body.splitlines()), replace(
        ds, content_type=dm.content_type, body=ds.body.splitlines()
    )


def csv_link(dm: Reply, ds: Reply) -> tuple[Reply, Reply]:
    """SV-JSON-4: paginated responses in every format carry ``Link`` (1.0a41: JSON only)."""
    assert ds.link is None and dm.link is not None and dm.link.endswith('; rel="next"')
    return replace(dm, link=None), ds


def permanent_redirect(dm: Reply, ds: Reply) -> tuple[Reply, Reply]:
    """SV-URL-2: a trailing slash redirects with 301 (1.0a41: 302, with an empty HTML body)."""
    assert dm.status == 301 and ds.status == 302
    return replace(dm, content_type=None, body=""), replace(ds, status=301, content_type=None)


def database_listing(dm: Reply, ds: Reply) -> tuple[Reply, Reply]:
    """SV-JSON-1 and A5: the keys both database pages define; hidden tables by name only.

    Each server adds keys of its own, and 1.0a41 lists hidden tables last. The FTS table's
    own entry has its own test.
    """
    table_keys = ("name", "columns", "primary_keys", "count", "count_truncated", "hidden")
    table_keys += ("fts_table",)

    def common(body: dict) -> dict:
        tables = body["tables"]
        return {
            "ok": body["ok"],
            "database": body["database"],
            "size": body["size"],
            "tables": [{k: t[k] for k in table_keys} for t in tables if not t["hidden"]],
            "hidden": sorted(t["name"] for t in tables if t["hidden"]),
            "views": body["views"],
        }

    return replace(dm, body=common(dm.body)), replace(ds, body=common(ds.body))


def index_listing(dm: Reply, ds: Reply) -> tuple[Reply, Reply]:
    """SV-JSON-1: compare the index keys both servers define."""
    keys = ("name", "tables_count", "views_count", "hidden_tables_count")

    def common(body: dict) -> dict:
        return {"ok": body["ok"], "databases": [{k: d[k] for k in keys} for d in body["databases"]]}

    return replace(dm, body=common(dm.body)), replace(ds, body=common(ds.body))


@dataclass(frozen=True)
class Case:
    url: str
    fixes: tuple[Fix, ...] = field(default=())


def cases(*urls: str, fixes: tuple[Fix, ...] = ()) -> list[Case]:
    return [Case(url, fixes) for url in urls]


T = "/garden/plants.json"
FACETS = (facet_timed_out_flag,)
CASES = [
    # table, view and rowid-table JSON, default and each shape
    *cases(T, "/garden/plantings.json", "/garden/readings.json", "/garden/events.json"),
    *cases("/garden/herbs.json", "/garden/planting_names.json", "/garden/beds.json"),
    *cases(T + "?_size=2", "/garden/events.json?_size=3", "/garden/readings.json?_size=2"),
    *cases(T + "?_size=0", T + "?_size=1", T + "?_size=max", "/garden/herbs.json?_size=1"),
    *cases(T + "?_shape=objects", T + "?_shape=array", T + "?_shape=arrays"),
    *cases(T + "?_shape=arrayfirst", T + "?_shape=object", "/garden/readings.json?_shape=object"),
    *cases(T + "?_shape=arrays&_extra=columns", "/garden/plantings.json?_shape=array"),
    *cases("/garden/herbs.json?_shape=array", "/garden/readings.json?_shape=arrays&_size=2"),
    Case(T + "?_shape=array&_nl=on", (ndjson_lines,)),
    # extras (A3)
    *cases(T + "?_extra=count", T + "?_extra=count_truncated", T + "?_extra=columns"),
    *cases(T + "?_extra=primary_keys", T + "?_extra=database,table", T + "?_extra=database"),
    *cases(T + "?_extra=count&_extra=columns", "/garden/herbs.json?_extra=count,columns"),
    *cases("/garden/herbs.json?_extra=primary_keys", "/garden/events.json?_extra=primary_keys"),
    *cases(T + "?_extra=human_description_en&kind=herb&height__gt=1", T + "?_extra=all_columns"),
    *cases(T + "?_extra=is_view", "/garden/herbs.json?_extra=is_view"),
    *cases(T + "?_extra=table_definition", "/garden/herbs.json?_extra=view_definition"),
    *cases(T + "?_extra=metadata", T + "?_extra=column_details", T + "?_extra=private"),
    *cases("/garden/readings.json?_extra=column_details", T + "?_extra=display_columns"),
    *cases(T + "?_extra=render_cell", T + "?_extra=column_types", T + "?_extra=database_color"),
    *cases(T + "?_extra=set_column_type_ui", T + "?_extra=form_hidden_args&_sort=name"),
    *cases(T + "?_extra=request", T + "?_extra=facets_timed_out", T + "?_nocount=1&_extra=count"),
    *cases(T + "?_extra=expandable_columns", "/garden/herbs.json?_extra=expandable_columns"),
    Case("/garden/plantings.json?_extra=expandable_columns", (label_rule,)),
    Case(T + "?_extra=query", (value_shape("query"),)),
    Case(T + "?kind=herb&_extra=count_sql", (value_shape("count_sql"),)),
    Case(T + "?_extra=renderers", (renderers_listing,)),
    Case(T + "?_extra=custom_table_templates", (value_shape("custom_table_templates"),)),
    Case(T + "?_extra=extras", (extras_listing,)),
    Case(T + "?_extra=suggested_facets", (suggestion_flags,)),
    *cases(T + "?_extra=nope", T + "?_extra=next_url", T + "?_extra=count,nope"),
    # filters: every operator
    *cases(T + "?kind=herb", T + "?kind__exact=herb", T + "?kind__not=herb", T + "?id=2"),
    *cases(T + "?name__contains=e", T + "?name__contains=E", T + "?name__startswith=m"),
    *cases(T + "?name__endswith=il", "/garden/plantings.json?note__contains=50%25"),
    *cases("/garden/plantings.json?note__contains=100_", "/garden/beds.json?name__contains=%C3%BC"),
    *cases(
        T + "?height__gt=30", T + "?height__gte=30", T + "?height__lt=30", T + "?height__lte=30"
    ),
    *cases(T + "?height=25", T + "?height=abc", T + "?height__gt=30&height__gt=100"),
    *cases(T + "?id__in=1,3", T + "?id__in=[1,3]", T + "?kind__notin=herb,shade"),
    *cases("/garden/plantings.json?note__isnull=1", "/garden/plantings.json?note__notnull=1"),
    *cases("/garden/plantings.json?note__isblank=1", "/garden/plantings.json?note__notblank=1"),
    *cases(T + "?name__like=%25i%25", T + "?name__notlike=%25i%25", T + "?name__glob=*i*"),
    *cases("/garden/plantings.json?planted__date=2024-03-01"),
    *cases("/garden/plantings.json?tags__arraycontains=annual"),
    *cases("/garden/plantings.json?tags__arraynotcontains=annual"),
    *cases(T + "?kind=herb&height__gt=26", T + "?_where=height>30", "/garden/herbs.json?name=Mint"),
    *cases("/garden/readings.json?site=a%2Cb", "/garden/events.json?kind=frost&_extra=count"),
    *cases("/garden/readings.json?value__isnull=1", "/garden/plantings.json?bed_id__isnull=1"),
    # sorting, paging, columns
    *cases(T + "?_sort=name", T + "?_sort_desc=height"),
    *cases(
        T + "?_sort=kind&_size=2",
        "/garden/plantings.json?_sort=note&_size=3",
        fixes=(next_param_order,),
    ),
    *cases("/garden/herbs.json?_sort=name", "/garden/herbs.json?_sort_desc=height&_size=1"),
    *cases("/garden/events.json?_sort=kind", "/garden/readings.json?_sort=value"),
    *cases("/garden/plantings.json?_sort=planted", "/garden/plantings.json?_sort_desc=bed_id"),
    Case(T + "?_sort_desc=kind", (ties_by_key_ascending("kind", ("id",), True),)),
    Case("/garden/events.json?_sort_desc=kind", (ties_by_key_ascending("kind", ("rowid",), True),)),
    Case(
        "/garden/readings.json?_sort_desc=site",
        (ties_by_key_ascending("site", ("site", "day"), True),),
    ),
    *cases(T + "?_col=name", T + "?_nocol=name", T + "?_col=name&_col=kind"),
    *cases(T + "?_extra=columns&_col=name", "/garden/events.json?_col=kind", T + "?_col=bogus"),
    *cases("/garden/readings.json?_nocol=value", "/garden/herbs.json?_col=name"),
    # facets
    *cases(T + "?_facet=kind&_extra=facet_results", fixes=FACETS),
    *cases(T + "?_facet=kind&_facet_size=1&_extra=facet_results", fixes=FACETS),
    *cases(T + "?_facet=kind&kind=herb&_extra=facet_results", fixes=FACETS),
    *cases(T + "?_facet=kind&_facet=height&_extra=facet_results", fixes=FACETS),
    *cases(T + "?_facet=kind&_extra=facet_results,facets_timed_out", fixes=FACETS),
    *cases("/garden/herbs.json?_facet=name&_extra=facet_results", fixes=FACETS),
    Case(
        "/garden/plantings.json?_facet=plant_id&_extra=facet_results",
        (*FACETS, facet_labels_are_values),
    ),
    *cases("/garden/plantings.json?_facet_array=tags&_extra=facet_results", fixes=FACETS),
    *cases("/garden/events.json?_facet=kind&_extra=facet_results", fixes=FACETS),
    *cases(
        "/garden/plantings.json?_facet=bed_id&_extra=facet_results",
        "/garden/plantings.json?_facet=note&_extra=facet_results",
        "/garden/plantings.json?_facet_date=planted&_extra=facet_results",
        "/garden/readings.json?_facet=value&_extra=facet_results",
        fixes=(*FACETS, null_bucket),
    ),
    Case(T + "?_facet=kind", (unrequested_facets,)),
    Case(T + "?_facet=kind&_nofacet=1&_extra=facet_results"),
    # search
    *cases("/garden/docs.json?_search=basil", "/garden/docs.json?_search_title=basil"),
    *cases("/garden/docs.json?_search=caf%C3%A9", "/garden/docs.json?_search=%22not+there%22"),
    *cases("/garden/docs.json?_search=sun&_sort=id", "/garden/docs.json?_search=sun&_sort_desc=id"),
    *cases("/garden/docs.csv?_search=sun&_sort=id"),
    *cases("/garden/docs.json?_search=soil&_searchmode=raw"),
    *cases(
        "/garden/docs.json?_search=sun",
        "/garden/docs.json?_search=sun&id__gt=1",
        "/garden/docs.json?_search=sun&_shape=array",
        "/garden/docs.json?_search_body=sun",
        "/garden/docs.json?_search=sun&_extra=count",
        fixes=(rank_order,),
    ),
    Case("/garden/docs_fts.json?_search=sun&_col=title", (rank_order_by_rowid,)),
    # the FTS table's own rows: the spec is silent, so 1.0a41's columns are the reference
    Case("/garden/docs_fts.json?_size=2", (fts_handle,)),
    Case("/garden/docs_fts.json?_size=0&_extra=columns"),
    Case(
        "/garden/docs.json?_search=sun&_facet=title&_extra=facet_results",
        (rank_order, facet_timed_out_flag),
    ),
    # rows
    Case(
        "/garden/plants/1.json?_extra=columns,primary_keys,database,table",
        (row_keys("primary_keys", "database", "table"),),
    ),
    *cases(
        "/garden/plants/1.json",
        "/garden/plants/1.json?_shape=objects",
        "/garden/plants/1.json?_shape=arrays",
        "/garden/events/2.json",
        "/garden/readings/a~2Cb,2024-01-01.json",
        "/garden/readings/St~2E+Mary~27s,2024-01-01.json",
        "/garden/readings/x~2Fy+z,2024-01-03.json",
        "/garden/readings/~C3~A9mile,2024-01-01.json",
        "/garden/plantings/2.json",
        "/garden/plantings/5.json",
        fixes=(row_keys(),),
    ),
    Case("/garden/plants/1.json?_extra=foreign_key_tables", (row_keys(), fk_count_truncated)),
    Case("/garden/beds/2.json?_extra=foreign_key_tables", (row_keys(), fk_count_truncated)),
    *cases("/garden/plants/1.json?_shape=array", "/garden/plants/1.csv"),
    # arbitrary SQL
    *cases(
        "/garden/-/query.json?sql=select+1+as+a",
        "/garden/-/query.json?sql=select+*+from+plantings",
        "/garden/-/query.json?sql=select+name+from+plants+where+height+%3E+:h&h=28",
        "/garden/-/query.json?sql=select+*+from+plants&_shape=objects",
        "/garden/-/query.json?sql=select+*+from+plants&_shape=arrays",
        "/garden/-/query.json?sql=select+*+from+plants&_extra=columns",
        "/garden/-/query.json?sql=select+*+from+plants&_extra=query",
        "/garden/-/query.json?sql=with+t+as+(select+1+as+a)+select+*+from+t",
        "/garden/-/query.json?sql=select+*+from+docs_fts+where+docs_fts+match+'sun'",
        "/garden/-/query.json?sql=select+*+from+herbs+--+comment%0A",
        fixes=(query_next_keys,),
    ),
    *cases("/garden/-/query.json?sql=select+*+from+plants&_shape=array"),
    *cases("/garden/-/query.csv?sql=select+*+from+plants", "/garden/-/query.csv?sql=select+1"),
    # A4 redirects, SV-URL-2 slashes
    *cases("/garden.json?sql=select+1", "/garden?sql=select+1", "/garden.csv?sql=select+1"),
    *cases("/garden.json?sql=select+1&_shape=array"),
    *cases("/garden/plants.json/", "/garden/plants/", fixes=(permanent_redirect,)),
    # CSV
    *cases("/garden/plants.csv", "/garden/plants.csv?_header=off", "/garden/plants.csv?_dl=on"),
    *cases("/garden/herbs.csv", "/garden/readings.csv", "/garden/events.csv?kind=frost"),
    *cases("/garden/plants.csv?_stream=on", "/garden/plants.csv?_sort_desc=height&_stream=on"),
    *cases("/garden/plants.csv?_size=2", "/garden/herbs.csv?_size=1", fixes=(csv_link,)),
    # database and index pages
    Case("/garden.json", (database_listing,)),
    Case("/.json", (index_listing,)),
    # errors: same status, each server's own words (SV-ERR-2) unless both say the same
    *cases(T + "?_extra=nope", T + "?_col=bogus", T + "?_where=nope+%3E+1"),
    *cases("/garden/-/query.json?sql=select+*+from+nope", fixes=(error_body,)),
    *cases(
        "/nope.json",
        "/garden/nope.json",
        "/garden/plants/99.json",
        "/garden/herbs/2.json",
        T + "?_shape=bogus",
        T + "?_sort=colour",
        T + "?_sort=name&_sort_desc=height",
        T + "?_size=1001",
        T + "?_size=-1",
        T + "?_size=abc",
        "/garden/herbs.json?_shape=object",
        "/garden/-/query.json?sql=select+*+from+plants&_shape=object",
        "/garden/-/query.json?sql=",
        "/garden/-/query.json?sql=select+1;select+2",
        "/garden/-/query.json?sql=delete+from+plants",
        "/garden/-/query.json?sql=attach+database+'x'+as+x",
        "/garden/docs.json?_search_nope=x",
        "/garden/docs.json?_search=sun+OR&_searchmode=raw",
        fixes=(error_wording,),
    ),
]


@pytest.fixture(scope="module")
def servers(tmp_path_factory) -> tuple[str, str]:
    folder = tmp_path_factory.mktemp("compat")
    compat_db(folder / "garden.db")
    with (
        serving("garden.db", cwd=folder) as ours,
        datasette_server(DATASETTE, "garden.db", cwd=folder) as theirs,
    ):
        yield ours.url.rstrip("/"), theirs


@pytest.mark.parametrize("case", CASES, ids=[case.url for case in CASES])
def test_same_as_datasette_1_0(servers, case):
    ours, theirs = fetch(servers[0], case.url), fetch(servers[1], case.url)
    for fix in case.fixes:
        ours, theirs = fix(ours, theirs)
    assert ours == theirs


def test_database_listing_shows_the_fts_table_as_datasette_does(servers):
    """SV-GEN-4: the spec is silent on the FTS table's own entry, so 1.0a41's one is the reference."""

    def fts_entry(base: str) -> dict:
        body = fetch(base, "/garden.json").body
        return next(table for table in body["tables"] if table["name"] == "docs_fts")

    ours, theirs = fts_entry(servers[0]), fts_entry(servers[1])
    assert ours["hidden"] is theirs["hidden"] is True  # A5
    assert (ours["columns"], ours["fts_table"]) == (theirs["columns"], theirs["fts_table"])


def walk(base: str, url: str) -> tuple[list, int]:
    """Every row of ``url`` and the number of pages, following this server's ``next_url``."""
    rows: list = []
    pages = 0
    while url and pages < 50:
        body = fetch_raw(base, url).body
        rows += body["rows"]
        pages += 1
        url = _strip_origin(body["next_url"]) if body["next_url"] else None
    return rows, pages


PAGED = [
    T + "?_size=1",
    T + "?_size=3&_sort=kind",
    T + "?_size=2&_sort=name",
    "/garden/events.json?_size=1",
    "/garden/events.json?_size=2&_sort=kind",
    "/garden/readings.json?_size=2",
    "/garden/readings.json?_size=1&_sort=value",
    "/garden/plantings.json?_size=2&_sort=note",
    "/garden/plantings.json?_size=1&_sort=bed_id&_col=id",
    "/garden/herbs.json?_size=1",
    "/garden/planting_names.json?_size=4",
    "/garden/docs.json?_size=1&_search=sun&_sort=id",
]


@pytest.mark.parametrize("url", PAGED)
def test_pages_walk_to_the_same_rows(servers, url):
    """SV-TBL-4: following ``next`` gives the rows of one ORDER BY, in both servers alike."""
    ours, theirs = walk(servers[0], url), walk(servers[1], url)
    assert ours == theirs
    assert ours[1] > 1
