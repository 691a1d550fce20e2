"""The data behind the history views (serve.md SV-HIST), read from a track.md HI-5 database.

Every function takes an open ``sqlite3.Connection`` and only reads. Databases written by
git-history 0.8 are accepted: without ``_change``, version 1 counts as ``added`` and later
versions as ``changed``; without ``N_changed``, a version's changed columns are its non-NULL
values (SV-HIST-1).

An item's state at a commit is the fold of its versions up to that commit (SV-HIST-4). A version
*sets* a column when it is an ``added`` or ``readded`` version (those store every column), when
``N_changed`` lists the column for it, or when it stores a non-NULL value there; ``removed``
versions set nothing and make the item absent until it is readded (HI-6).
"""

from __future__ import annotations

import base64
import re
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from datamill.core.identifiers import fold_identifier_case
from datamill.core.identifiers import quote_identifier as q

HISTORY_TABLES = ("namespaces", "commits", "columns")
ITEM_KEYS = frozenset({"_id", "_item_id", "_commit"})
VERSION_KEYS = frozenset({"_item", "_version", "_commit"})
VERSION_META = frozenset({"_id", "_item", "_version", "_commit", "_change", "_item_full_hash"})
CHANGE_KINDS = ("added", "changed", "removed", "readded")
FULL_KINDS = ("added", "readded")
HASH_PREFIX_RE = re.compile(r"[0-9a-fA-F]{7,40}")
INTEGER_RE = re.compile(r"-?[0-9]{1,18}")  # fits a SQLite INTEGER
TOKEN_RE = re.compile(r"before:([1-9][0-9]{0,17})")
VERSION_DIGITS = 10  # width of the version number that prefixes each folded value


class HistoryViewError(Exception):
    """A request the history views cannot answer, with its HTTP ``status`` and SV-ERR-2 text."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass(frozen=True)
class _Namespace:
    """One viewable namespace and what its tables hold."""

    id: int
    name: str
    data: tuple[str, ...]  # data columns of N_version, in table order
    has_change: bool
    has_changed_table: bool
    column_ids: dict[str, int]
    commit_select: str  # id, hash, commit_at, message (NULL when commits has no message)

    @property
    def version(self) -> str:
        return f"{self.name}_version"

    @property
    def changed(self) -> str:
        return f"{self.name}_changed"

    @property
    def change_sql(self) -> str:
        """SQL for a version row's kind, derived from ``_version`` where ``_change`` is absent."""
        derived = "case when _version = 1 then 'added' else 'changed' end"
        return f"coalesce(_change, {derived})" if self.has_change else derived


def _table_columns(conn: sqlite3.Connection, table: str) -> list[str]:
    return [row[1] for row in conn.execute(f"pragma table_info({q(table)})")]


def is_history_database(conn: sqlite3.Connection) -> bool:
    """True when the database has the HI-5 tables ``namespaces``, ``commits`` and ``columns``."""
    tables = {
        fold_identifier_case(row[0])
        for row in conn.execute("select name from sqlite_master where type = 'table'")
    }
    return set(HISTORY_TABLES) <= tables


def _is_viewable(conn: sqlite3.Connection, name: str) -> bool:
    return ITEM_KEYS <= set(_table_columns(conn, name)) and VERSION_KEYS <= set(
        _table_columns(conn, f"{name}_version")
    )


def viewable_namespaces(conn: sqlite3.Connection) -> list[str]:
    """Names of the namespaces whose ``N`` and ``N_version`` tables can be viewed, by name."""
    if not is_history_database(conn):
        return []
    names = [row[0] for row in conn.execute("select name from namespaces order by name")]
    return [name for name in names if isinstance(name, str) and _is_viewable(conn, name)]


def check_history_database(conn: sqlite3.Connection, database: str) -> None:
    """Raise the 404 ``Database <database> has no history tables`` unless SV-HIST-1 holds."""
    if not is_history_database(conn):
        raise HistoryViewError(404, f"Database {database} has no history tables")


def _namespace(conn: sqlite3.Connection, name: str) -> _Namespace:
    row = None
    if is_history_database(conn):
        row = conn.execute("select id from namespaces where name = ?", [name]).fetchone()
    if row is None or not _is_viewable(conn, name):
        raise HistoryViewError(404, f"History namespace not found: {name}")
    version_columns = _table_columns(conn, f"{name}_version")
    changed_columns = set(_table_columns(conn, f"{name}_changed"))
    message = "message" if "message" in _table_columns(conn, "commits") else "null"
    return _Namespace(
        id=row[0],
        name=name,
        data=tuple(column for column in version_columns if column not in VERSION_META),
        has_change="_change" in version_columns,
        has_changed_table={"item_version", "column"} <= changed_columns,
        column_ids=dict(
            conn.execute("select name, id from columns where namespace = ?", [row[0]]).fetchall()
        ),
        commit_select=f"id, hash, commit_at, {message}",
    )


def _commit(row: Sequence[Any]) -> dict[str, Any]:
    """``{id, hash, commit_at, message}``, the message cut to its first line."""
    commit_id, sha, commit_at, message = row
    if isinstance(message, str):
        message = (message.splitlines() or [""])[0]
    return {"id": commit_id, "hash": sha, "commit_at": commit_at, "message": message}


def _count(conn: sqlite3.Connection, table: str) -> int:
    return conn.execute(f"select count(*) from {q(table)}").fetchone()[0]


def namespaces(conn: sqlite3.Connection) -> list[dict[str, Any]]:
    """Each viewable namespace with its counts and the ``commit_at`` of its first and last commit.

    Returns ``[{"name", "items", "versions", "commits", "first_commit_at", "last_commit_at"}]``
    ordered by name; "first" and "last" follow processing (``commits.id``) order.
    """
    listing = []
    for name in viewable_namespaces(conn):
        ns = _namespace(conn, name)
        commits, first, last = conn.execute(
            "select count(*), min(id), max(id) from commits where namespace = ?", [ns.id]
        ).fetchone()
        commit_at = dict(
            conn.execute("select id, commit_at from commits where id in (?, ?)", [first, last])
        )
        listing.append(
            {
                "name": name,
                "items": _count(conn, name),
                "versions": _count(conn, ns.version),
                "commits": commits,
                "first_commit_at": commit_at.get(first),
                "last_commit_at": commit_at.get(last),
            }
        )
    return listing


def _encode_token(commit_id: int) -> str:
    return base64.urlsafe_b64encode(f"before:{commit_id}".encode()).decode().rstrip("=")


def _decode_token(token: str) -> int:
    """The commit id a ``_next`` token continues before; 400 ``Invalid _next token`` otherwise."""
    try:
        text = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode("ascii")
    except (ValueError, UnicodeError):
        text = ""
    match = TOKEN_RE.fullmatch(text)
    if match is None or _encode_token(int(match[1])) != token:
        raise HistoryViewError(400, "Invalid _next token")
    return int(match[1])


def commit_page(
    conn: sqlite3.Connection, namespace: str, *, size: int = 200, after: str | None = None
) -> tuple[list[dict[str, Any]], str | None]:
    """One page of the namespace's commits, newest first, and the token of the next page.

    Each commit is ``{"id", "hash", "commit_at", "message", "added", "changed", "removed",
    "readded"}`` (SV-HIST-2 without ``diff_url``). ``size`` >= 0; ``after`` is a token from a
    previous page. The token is None on the last page.
    """
    ns = _namespace(conn, namespace)
    params: list[Any] = [ns.id]
    before = ""
    if after is not None:
        before = " and id < ?"
        params.append(_decode_token(after))
    rows = conn.execute(
        f"select {ns.commit_select} from commits where namespace = ?{before} "
        "order by id desc limit ?",
        [*params, size + 1],
    ).fetchall()
    token = _encode_token(rows[size - 1][0]) if size and len(rows) > size else None
    rows = rows[:size]
    counts = _change_counts(conn, ns, [row[0] for row in rows])
    zero = dict.fromkeys(CHANGE_KINDS, 0)
    return [{**_commit(row), **counts.get(row[0], zero)} for row in rows], token


def _change_counts(
    conn: sqlite3.Connection, ns: _Namespace, commit_ids: list[int]
) -> dict[int, dict[str, int]]:
    """``{commit id: {kind: versions}}`` for the given commits, in one grouped scan."""
    if not commit_ids:
        return {}
    counts: dict[int, dict[str, int]] = {}
    wanted = set(commit_ids)
    for commit_id, kind, number in conn.execute(
        f"select _commit, {ns.change_sql} as kind, count(*) from {q(ns.version)} "
        "where _commit between ? and ? group by _commit, kind",
        [min(commit_ids), max(commit_ids)],
    ):
        if commit_id in wanted and kind in CHANGE_KINDS:
            counts.setdefault(commit_id, dict.fromkeys(CHANGE_KINDS, 0))[kind] = number
    return counts


def _item_pk(item_id: int | str) -> int | None:
    text = str(item_id)
    return int(text) if INTEGER_RE.fullmatch(text) else None


def timeline(conn: sqlite3.Connection, namespace: str, item_id: int | str) -> dict[str, Any]:
    """An item's story (SV-HIST-3): ``{"item": current N row, "versions": [...]}``.

    ``item_id`` is the item's ``_id``. Versions come in ``_version`` order, each
    ``{"version", "change", "commit": {id, hash, commit_at, message}, "changed_columns",
    "values", "previous"}``. ``values`` holds the stored values: every column for ``added``,
    ``readded`` and ``removed`` versions, otherwise the changed columns and any other non-NULL
    one. ``previous`` holds the same columns in the item's last present state before the
    version (None for version 1), so a ``readded`` version shows the change across the gap.
    """
    ns = _namespace(conn, namespace)
    pk = _item_pk(item_id)
    cursor = conn.execute(f"select * from {q(ns.name)} where _id = ?", [pk])
    row = cursor.fetchone()
    if pk is None or row is None:
        raise HistoryViewError(404, f"Item not found: {item_id}")
    item = dict(zip([d[0] for d in cursor.description], row))
    data = "".join(f", {q(column)}" for column in ns.data)
    versions = conn.execute(
        f"select _id, _version, _commit, {ns.change_sql}{data} from {q(ns.version)} "
        "where _item = ? order by _version",
        [pk],
    ).fetchall()
    commits = {
        commit[0]: _commit(commit)
        for commit in conn.execute(
            f"select {ns.commit_select} from commits where id in "
            f"(select _commit from {q(ns.version)} where _item = ?)",
            [pk],
        )
    }
    listed = _listed_columns(conn, ns, pk)
    state: dict[str, Any] = {}
    story = []
    for version_pk, number, commit_id, kind, *values in versions:
        stored = dict(zip(ns.data, values))
        if ns.has_changed_table:
            changed = listed.get(version_pk, [])
        else:
            changed = [] if kind == "removed" else [c for c, v in stored.items() if v is not None]
        kept = {
            column: value
            for column, value in stored.items()
            if kind in (*FULL_KINDS, "removed") or column in changed or value is not None
        }
        story.append(
            {
                "version": number,
                "change": kind,
                "commit": commits.get(commit_id),
                "changed_columns": changed,
                "values": kept,
                "previous": None if number == 1 else {c: state.get(c) for c in kept},
            }
        )
        if kind != "removed":
            state.update(kept)
    return {"item": item, "versions": story}


def _listed_columns(conn: sqlite3.Connection, ns: _Namespace, pk: int) -> dict[int, list[str]]:
    """``{version _id: [column names N_changed lists]}`` for one item's versions."""
    if not ns.has_changed_table:
        return {}
    listed: dict[int, list[str]] = {}
    for version_pk, name in conn.execute(
        f"select changed.item_version, columns.name from {q(ns.changed)} as changed "
        'join columns on columns.id = changed."column" '
        f"where changed.item_version in (select _id from {q(ns.version)} where _item = ?) "
        "order by changed.item_version, columns.id",
        [pk],
    ):
        listed.setdefault(version_pk, []).append(name)
    return listed


def _resolve_commit(conn: sqlite3.Connection, ns: _Namespace, ref: str) -> dict[str, Any]:
    """A ``commits.id`` or a unique hash prefix of 7+ hex digits, within the namespace."""
    select = f"select {ns.commit_select} from commits where namespace = ?"
    if INTEGER_RE.fullmatch(ref):
        row = conn.execute(f"{select} and id = ?", [ns.id, int(ref)]).fetchone()
        if row is not None:
            return _commit(row)
    if HASH_PREFIX_RE.fullmatch(ref):
        low = ref.lower()
        high = low[:-1] + chr(ord(low[-1]) + 1)
        rows = conn.execute(
            f"{select} and hash >= ? and hash < ? order by id limit 2", [ns.id, low, high]
        ).fetchall()
        if len(rows) > 1:
            raise HistoryViewError(400, f"Commit prefix {ref} matches more than one commit")
        if rows:
            return _commit(rows[0])
    raise HistoryViewError(400, f"Unknown commit: {ref}")


def _neighbour_before(
    conn: sqlite3.Connection, ns: _Namespace, commit_id: int | None
) -> dict[str, Any] | None:
    """The commit processed just before ``commit_id`` (the latest when None), or None."""
    bound = "" if commit_id is None else " and id < ?"
    params = [ns.id] if commit_id is None else [ns.id, commit_id]
    row = conn.execute(
        f"select {ns.commit_select} from commits where namespace = ?{bound} "
        "order by id desc limit 1",
        params,
    ).fetchone()
    return None if row is None else _commit(row)


def diff(
    conn: sqlite3.Connection,
    namespace: str,
    from_ref: str | None = None,
    to_ref: str | None = None,
    max_rows: int = 1000,
) -> dict[str, Any]:
    """The items that differ between the states at two commits (SV-HIST-4).

    Refs are ``commits.id`` values or unique hash prefixes (7+ hex digits); None or ``""``
    takes the default: ``to`` the latest commit, ``from`` the commit processed before ``to``.
    Returns ``{"from", "to"`` (commit objects or None), ``"counts": {added, removed, changed},
    "added"`` (rows at ``to``), ``"removed"`` (rows at ``from``), ``"changed": [{"_item",
    "changes": {column: [old, new]}}], "truncated"}``. Rows start with ``_item``; each list is
    ordered by ``_item`` and holds at most ``max_rows`` entries.
    """
    ns = _namespace(conn, namespace)
    to_commit = _resolve_commit(conn, ns, to_ref) if to_ref else _neighbour_before(conn, ns, None)
    from_commit: dict[str, Any] | None
    if from_ref:
        from_commit = _resolve_commit(conn, ns, from_ref)
    else:
        from_commit = None if to_commit is None else _neighbour_before(conn, ns, to_commit["id"])
    a = from_commit["id"] if from_commit else 0
    b = to_commit["id"] if to_commit else 0
    result: dict[str, Any] = {
        "from": from_commit,
        "to": to_commit,
        "counts": {"added": 0, "removed": 0, "changed": 0},
        "added": [],
        "removed": [],
        "changed": [],
        "truncated": False,
    }
    # The query compares the states at the earlier (lo) and the later (hi) commit.
    kinds = {"new": "added", "gone": "removed", "changed": "changed"}
    if a > b:
        kinds = {"new": "removed", "gone": "added", "changed": "changed"}
    width = len(ns.data)
    params = {"lo": min(a, b), "hi": max(a, b), "cap": max_rows}
    for fold_kind, item, total, position, *encoded in conn.execute(_fold_sql(ns), params):
        kind = kinds[fold_kind]
        result["counts"][kind] = total
        result["truncated"] = result["truncated"] or total > max_rows
        if position > max_rows:
            continue
        before, after = encoded[:width], encoded[width:]
        if a > b:
            before, after = after, before
        if kind == "added":
            result["added"].append({"_item": item, **_decoded_row(ns.data, after)})
        elif kind == "removed":
            result["removed"].append({"_item": item, **_decoded_row(ns.data, before)})
        else:
            changes = {
                column: [_decode(old), _decode(new)]
                for column, old, new in zip(ns.data, before, after)
                if _value_part(old) != _value_part(new)
            }
            result["changed"].append({"_item": item, "changes": changes})
    return result


def _fold_sql(ns: _Namespace) -> str:
    """One aggregated query: the items whose state differs between commits ``:lo`` < ``:hi``.

    Only items with a version in ``(:lo, :hi]`` can differ; their versions up to ``:hi`` are
    read through the ``_item`` index. Each version gives, per column, its value tagged with its
    type (``_encode_sql``) where it sets the column, else NULL. The fold is ``max()`` over
    those values prefixed by the zero-padded ``_version``, so the latest setting version wins:
    once over the versions up to ``:lo`` (``l``) and once over the later ones (``u``, which
    override ``l`` at ``:hi``). Rows come as ``kind`` (new, gone or changed at ``:hi``),
    ``_item``, the kind's total, the position in the kind, the ``:lo`` values and the ``:hi``
    values (still prefixed): at most ``:cap`` per kind, or one to carry the total. ``limit -1``
    keeps each stage a co-routine, so every expression runs once per version.
    """
    version = q(ns.version)
    width = range(len(ns.data))
    data = "".join(f", {q(column)} as c{i}" for i, column in zip(width, ns.data))
    mask = "null"
    if ns.has_changed_table:
        mask = (
            f"""(select ',' || group_concat("column") || ',' from {q(ns.changed)} """
            f"where item_version = {version}._id)"
        )
    tagged = "".join(
        f", case when {_sets_sql(ns, column, f'c{i}')} then {_encode_sql(f'c{i}')} end as e{i}"
        for i, column in zip(width, ns.data)
    )
    folds = "".join(
        f", max(case when _commit <= :lo then pad || e{i} end) as l{i}"
        f", max(case when _commit > :lo then pad || e{i} end) as u{i}"
        for i in width
    )
    skip = VERSION_DIGITS + 1
    differs = "".join(
        f" or (u{i} is not null and substr(u{i}, {skip}) <> coalesce(substr(l{i}, {skip}), 'n'))"
        for i in width
    )
    values = "".join(f", l{i}" for i in width) + "".join(f", coalesce(u{i}, l{i})" for i in width)
    present = "({0} is not null and substr({0}, " + str(skip) + ") <> 'removed')"
    in_lo, in_hi = present.format("last_lo"), present.format("coalesce(last_up, last_lo)")
    return f"""
with candidates as (
  select _item from {version} where _commit > :lo and _commit <= :hi
),
versions as (
  select _item, _commit, _version, {ns.change_sql} as kind, {mask} as mask{data}
  from {version} where _item in (select _item from candidates) and _commit <= :hi
  limit -1
),
settings as (
  select _item, _commit, printf('%0{VERSION_DIGITS}d', _version) as pad, kind{tagged}
  from versions limit -1
),
folded as (
  select _item,
    max(case when _commit <= :lo then pad || kind end) as last_lo,
    max(case when _commit > :lo then pad || kind end) as last_up{folds}
  from settings group by _item
),
kinds as (
  select case
    when {in_lo} and not {in_hi} then 'gone'
    when {in_hi} and not {in_lo} then 'new'
    when {in_lo} and {in_hi} and (0{differs}) then 'changed'
  end as kind, *
  from folded
),
ranked as (
  select kind, _item, count(*) over (partition by kind) as total,
    row_number() over (partition by kind order by _item) as position{values}
  from kinds where kind is not null
)
select * from ranked where position <= max(:cap, 1) order by _item"""


def _sets_sql(ns: _Namespace, column: str, alias: str) -> str:
    """SQL: the version row sets this column (module docstring); ``mask`` lists N_changed."""
    condition = f"kind in {FULL_KINDS!r} or {alias} is not null"
    column_id = ns.column_ids.get(column)
    if ns.has_changed_table and column_id is not None:
        condition += f" or instr(mask, ',{int(column_id)},') > 0"
    return condition


def _encode_sql(alias: str) -> str:
    """SQL: a value as text with a type tag (n, i, r, t, b) that keeps it exact."""
    return (
        f"case typeof({alias}) when 'integer' then 'i' || {alias} "
        f"when 'real' then 'r' || printf('%!.17g', {alias}) when 'text' then 't' || {alias} "
        f"when 'blob' then 'b' || hex({alias}) else 'n' end"
    )


def _value_part(encoded: str | None) -> str:
    """The tagged value without its version prefix; an unset column reads as NULL."""
    return "n" if encoded is None else encoded[VERSION_DIGITS:]


def _decode(encoded: str | None) -> Any:
    value = _value_part(encoded)
    tag, text = value[0], value[1:]
    if tag == "i":
        return int(text)
    if tag == "r":
        return float(text)
    if tag == "t":
        return text
    if tag == "b":
        return bytes.fromhex(text)
    return None


def _decoded_row(columns: Sequence[str], encoded: Sequence[str | None]) -> dict[str, Any]:
    return {column: _decode(value) for column, value in zip(columns, encoded)}
