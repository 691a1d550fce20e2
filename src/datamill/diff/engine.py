"""The streaming keyed comparison (DF-ENG).

Pass 1 reads PREVIOUS and keeps, per row, only its identity and a 64-bit
fingerprint of the compared fields. Pass 2 streams CURRENT against that map:
matching fingerprints are dropped at once; added rows and rows whose
fingerprint differs are kept. Pass 3 re-reads PREVIOUS for the removed and
candidate rows only, and candidates are then compared field by field, so a
fingerprint mismatch that is not a real change (``"a"`` versus ``a``) is
never reported. Without a key, identity is a content digest and identical
rows count as a multiset (DF-KEY-3).

When both sides are CSV with the same header and dialect and nothing is
ignored, the fingerprint is the hash of the raw record text, so unchanged
rows are never split into fields at all.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from operator import itemgetter
from typing import Any

from datamill.diff.errors import DiffInputError
from datamill.diff.render import DiffResult
from datamill.diff.sides import CsvSide, Scan, Side
from datamill.diff.values import equal_in_mixed_formats, json_default, number_bucket

COMPACT_KEYS_BYTES = 64 << 20
MATCHED = 1 << 64  # pass-2 marker: values >= MATCHED are "matched at CURRENT index v - MATCHED"

Warn = Callable[[str], None]


class Plan:
    """Which columns are compared and how fingerprints are taken."""

    def __init__(
        self, previous: Side, current: Side, key: tuple[str, ...], ignore: Sequence[str]
    ) -> None:
        self.key = key
        self.ignore = set(ignore)
        for index, name in enumerate(key):
            if name in key[:index]:
                raise DiffInputError(f"--key cannot name a column twice: {name}", source=None)
        prev_cols, cur_cols = previous.columns, current.columns
        if ignore:
            for name in ignore:
                if name in key:
                    raise DiffInputError(
                        f"--ignore cannot name a --key column: {name}", source=None
                    )
            known = set(prev_cols or ()) | set(cur_cols or ())
            for name in ignore:
                if name not in known:
                    raise DiffInputError(f'--ignore column "{name}" is not in either input')
        for side, cols in ((previous, prev_cols), (current, cur_cols)):
            if cols is not None:
                for name in key:
                    if name not in cols:
                        listing = ", ".join(f'"{c}"' for c in cols)
                        raise DiffInputError(
                            f'key column "{name}" not found; columns are: {listing}',
                            source=side.label,
                        )
        self.prev_cols = prev_cols
        self.cur_cols = cur_cols
        prev_visible = [c for c in prev_cols or () if c not in self.ignore]
        cur_visible = [c for c in cur_cols or () if c not in self.ignore]
        if prev_cols is None or cur_cols is None:
            self.columns_added: list[str] = []
            self.columns_removed: list[str] = []
        else:
            self.columns_added = [c for c in cur_visible if c not in prev_visible]
            self.columns_removed = [c for c in prev_visible if c not in cur_visible]
        self.common = [c for c in prev_visible if c in cur_visible]
        text_prev = not previous.typed
        text_cur = not current.typed
        self.prev_as_text = text_cur and not text_prev
        self.cur_as_text = text_prev and not text_cur
        self.raw = self.compact_keys = False
        if isinstance(previous, CsvSide) and isinstance(current, CsvSide):
            self.raw = (
                not self.ignore and prev_cols == cur_cols and _same_dialect(previous, current)
            )
            # Large CSV pairs keep canonical decimal keys as ints: half the memory per row.
            self.compact_keys = len(key) == 1 and previous.size >= COMPACT_KEYS_BYTES


def _same_dialect(a: CsvSide, b: CsvSide) -> bool:
    da, db = a.dialect, b.dialect
    attrs = ("delimiter", "quotechar", "doublequote", "escapechar", "skipinitialspace", "quoting")
    return all(getattr(da, n) == getattr(db, n) for n in attrs)


def _getter(indexes: list[int]) -> Callable[[list], Any]:
    if len(indexes) == 1:
        index = indexes[0]
        return lambda fields: fields[index]
    if not indexes:
        return lambda fields: ()
    return itemgetter(*indexes)


def _keyed_records(scan: Scan, plan: Plan, fingerprint: bool):
    """``(position, key, fingerprint, raw, fields)`` for one pass over ``scan``."""
    columns = scan.columns
    key_idx = [columns.index(k) for k in plan.key] if columns else []
    fp_get = None
    if fingerprint and not plan.raw and columns:
        fp_get = _getter([columns.index(c) for c in plan.common])
    return scan.keyed(key_idx, fp_get, fingerprint and plan.raw, plan.compact_keys)


def _row_maker(scan: Scan, plan: Plan) -> Callable[[Any, Any], dict[str, Any]]:
    """Build the shown row (visible columns, row order) from a record."""
    row_of = scan.row_of
    if not plan.ignore:
        return row_of
    ignore = plan.ignore

    def row(raw: Any, fields: Any) -> dict[str, Any]:
        return {k: v for k, v in row_of(raw, fields).items() if k not in ignore}

    return row


def _digest(row: dict[str, Any]) -> bytes:
    """Content identity over all visible columns, independent of column order."""
    import hashlib  # only diffs without a key hash rows: start-up (issue 11)

    text = json.dumps(row, sort_keys=True, default=json_default)
    return hashlib.sha1(text.encode("utf-8")).digest()


def _duplicate_error(side: Side, plan: Plan, key, first: int, second: int) -> DiffInputError:
    key_names = plan.key
    values = key if len(key_names) > 1 else (_shown_key(key, plan),)
    shown = ", ".join(
        f"{name}={json.dumps(value, default=json_default)}"
        for name, value in zip(key_names, values, strict=False)
    )
    return DiffInputError(
        f"duplicate key {shown} on {side.position_word} {first} and {second}; "
        "use --on-duplicate first or --on-duplicate last to keep one",
        source=side.label,
    )


def _first_position(side: Side, plan: Plan, as_text: bool, wanted: Any) -> int:
    scan = side.scan(plan.key, as_text)
    try:
        for pos, k, _fp, _raw, _fields in _keyed_records(scan, plan, False):
            if k == wanted:
                return pos
    finally:
        scan.close()
    return 0


def _warn_dropped(warn: Warn | None, side: Side, count: int, policy: str) -> None:
    if count and warn is not None:
        warn(f"{side.label}: {count} rows with duplicate keys dropped (--on-duplicate {policy})")


def run(
    previous: Side,
    current: Side,
    *,
    key: Sequence[str] = (),
    ignore: Sequence[str] = (),
    on_duplicate: str = "error",
    show_unchanged: bool = False,
    warn: Warn | None = None,
) -> DiffResult:
    """Compare two sides and return the DF-JSON-1 result.

    ``result.current_rows`` maps each changed key to its CURRENT row (for
    ``--extra``); ``result.previous_columns`` and ``result.current_columns``
    are the visible headers. Both sides are closed afterwards.
    """
    if on_duplicate not in ("error", "first", "last"):
        raise ValueError(f"on_duplicate must be error, first or last, not {on_duplicate!r}")
    key = tuple(key)
    try:
        current_error = None
        previous.columns  # noqa: B018 - PREVIOUS errors take precedence
        try:
            current.columns  # noqa: B018
        except DiffInputError as err:
            current_error = err
        if current_error is not None:
            _validate_alone(previous, key)
            raise current_error
        try:
            plan = Plan(previous, current, key, ignore)
        except DiffInputError as err:
            if err.source is not None and err.source == current.label:
                _validate_alone(previous, key)
            raise
        if key:
            return _keyed(previous, current, plan, on_duplicate, show_unchanged, warn)
        return _unkeyed(previous, current, plan)
    finally:
        previous.close()
        current.close()


def _validate_alone(side: Side, key: tuple[str, ...]) -> None:
    scan = side.scan(key if side.columns and all(k in side.columns for k in key) else ())
    try:
        for _ in scan.records():
            pass
    finally:
        scan.close()


def _keyed(previous, current, plan, on_duplicate, show_unchanged, warn) -> DiffResult:
    prev = _fingerprints(previous, plan, plan.prev_as_text, on_duplicate, warn)
    added, candidates, removed_keys, cur_row, reorder = _stream_current(
        current, plan, prev, on_duplicate, warn
    )
    del prev  # the largest structure: free it before the report is built
    return _report(
        previous, plan, added, candidates, removed_keys, cur_row,
        on_duplicate=on_duplicate, show_unchanged=show_unchanged, reorder=reorder,
    )  # fmt: skip


def _fingerprints(side: Side, plan: Plan, as_text: bool, on_duplicate: str, warn) -> dict:
    """Pass 1: ``{key: fingerprint}`` for one side, in its row order."""
    scan = side.scan(plan.key, as_text)
    fps: dict[Any, int] = {}
    dropped = 0
    for pos, k, fp, _raw, _fields in _keyed_records(scan, plan, True):
        if k in fps:
            if on_duplicate == "error":
                scan.close()
                first = _first_position(side, plan, as_text, k)
                raise _duplicate_error(side, plan, k, first, pos)
            dropped += 1
            if on_duplicate == "first":
                continue
        fps[k] = fp
    scan.close()
    _warn_dropped(warn, side, dropped, on_duplicate)
    return fps


def _stream_current(current: Side, plan: Plan, prev: dict, on_duplicate: str, warn):
    """Pass 2: stream CURRENT against PREVIOUS fingerprints, keeping only what differs."""
    scan = current.scan(plan.key, plan.cur_as_text)
    cur_row = _row_maker(scan, plan)
    added: dict[Any, tuple[Any, Any]] = {}
    candidates: dict[Any, tuple[int, Any, Any]] = {}
    dropped = 0
    reorder = False
    index = 0
    missing = object()
    for pos, k, fp, raw, fields in _keyed_records(scan, plan, True):
        index += 1
        seen = prev.get(k, missing)
        if seen is missing:
            if k in added:
                if on_duplicate == "error":
                    scan.close()
                    first = _first_position(current, plan, plan.cur_as_text, k)
                    raise _duplicate_error(current, plan, k, first, pos)
                dropped += 1
                if on_duplicate == "last":
                    added[k] = (raw, fields)
                continue
            added[k] = (raw, fields)
        elif seen >= MATCHED:
            if on_duplicate == "error":
                scan.close()
                first = _first_position(current, plan, plan.cur_as_text, k)
                raise _duplicate_error(current, plan, k, first, pos)
            dropped += 1
            if on_duplicate == "last":
                if k in candidates:
                    candidates[k] = (candidates[k][0], raw, fields)
                else:
                    candidates[k] = (seen - MATCHED, raw, fields)
                    reorder = True
        else:
            prev[k] = MATCHED + index
            if seen != fp:
                candidates[k] = (index, raw, fields)
    scan.close()
    _warn_dropped(warn, current, dropped, on_duplicate)
    removed_keys = [k for k, v in prev.items() if v < MATCHED]
    return added, candidates, removed_keys, cur_row, reorder


def _report(
    previous, plan, added, candidates, removed_keys, cur_row, *,
    on_duplicate, show_unchanged, reorder,
) -> DiffResult:  # fmt: skip
    """Pass 3: re-read PREVIOUS for removed and candidate rows, then build the result."""
    key_names = plan.key
    wanted = set(removed_keys)
    wanted.update(candidates)
    changed: list[dict[str, Any]] = []
    removed: list[dict[str, Any]] = []
    current_rows = _LazyRows(cur_row)
    if wanted:  # otherwise PREVIOUS has nothing to show: no changed or removed rows
        prev_records: dict[Any, tuple[Any, Any]] = {}
        scan = previous.scan(key_names, plan.prev_as_text)
        prev_row = _row_maker(scan, plan)
        remaining = len(wanted)
        key_idx = [scan.columns.index(k) for k in key_names]
        for k, raw, fields in scan.pick(key_idx, wanted, plan.compact_keys):
            if k in prev_records:
                if on_duplicate == "last":
                    prev_records[k] = (raw, fields)
                continue
            prev_records[k] = (raw, fields)
            remaining -= 1
            if remaining == 0 and on_duplicate != "last":
                break
        scan.close()

        if reorder:
            candidates = dict(sorted(candidates.items(), key=lambda item: item[1][0]))
        key_set = set(key_names)
        common = plan.common
        composite = len(key_names) > 1
        mixed = plan.prev_as_text or plan.cur_as_text
        for k, (_index, raw, fields) in candidates.items():
            old = prev_row(*prev_records[k])
            new = cur_row(raw, fields)
            if mixed:
                changes = {
                    c: [old[c], new[c]]
                    for c in common
                    if not equal_in_mixed_formats(old[c], new[c])
                }
            else:
                changes = {c: [old[c], new[c]] for c in common if old[c] != new[c]}
            if not changes:
                continue
            shown = _shown_key(k, plan)
            entry: dict[str, Any] = {"key": list(shown) if composite else shown, "changes": changes}
            if show_unchanged:
                entry["unchanged"] = {
                    c: v for c, v in old.items() if c not in changes and c not in key_set
                }
            changed.append(entry)
            current_rows.records[shown] = (raw, fields)
        removed = [prev_row(*prev_records[k]) for k in removed_keys]
    del candidates
    result = _result(
        plan,
        added=[cur_row(raw, fields) for raw, fields in added.values()],
        removed=removed,
        changed=changed,
    )
    result.current_rows = current_rows
    return result


def _shown_key(key: Any, plan: Plan) -> Any:
    """Undo key compaction: CSV keys are text, so there an int key was compacted."""
    return str(key) if plan.compact_keys and type(key) is int else key


class _LazyRows(Mapping):
    """CURRENT rows of changed keys, built from their records only when asked for."""

    def __init__(self, row: Callable[[Any, Any], dict[str, Any]]) -> None:
        self.records: dict[Any, tuple[Any, Any]] = {}
        self._row = row

    def __getitem__(self, key: Any) -> dict[str, Any]:
        return self._row(*self.records[key])

    def __iter__(self):
        return iter(self.records)

    def __len__(self) -> int:
        return len(self.records)


def _result(plan: Plan, *, added: list, removed: list, changed: list) -> DiffResult:
    result = DiffResult(
        added=added,
        removed=removed,
        changed=changed,
        columns_added=plan.columns_added,
        columns_removed=plan.columns_removed,
    )
    result.key = plan.key or None
    result.previous_columns = [c for c in plan.prev_cols or () if c not in plan.ignore]
    result.current_columns = [c for c in plan.cur_cols or () if c not in plan.ignore]
    return result


def _unkeyed(previous, current, plan) -> DiffResult:
    scan = previous.scan((), plan.prev_as_text)
    row = _row_maker(scan, plan)
    counts: dict[bytes, int] = {}
    for _pos, raw, fields in scan.records():
        d = _digest(row(raw, fields))
        counts[d] = counts.get(d, 0) + 1
    scan.close()

    scan = current.scan((), plan.cur_as_text)
    row = _row_maker(scan, plan)
    matched: dict[bytes, int] = {}
    added = []
    for _pos, raw, fields in scan.records():
        shown = row(raw, fields)
        d = _digest(shown)
        used = matched.get(d, 0)
        if used < counts.get(d, 0):
            matched[d] = used + 1
        else:
            added.append(shown)
    scan.close()

    removed = []
    if any(matched.get(d, 0) < n for d, n in counts.items()):
        scan = previous.scan((), plan.prev_as_text)
        row = _row_maker(scan, plan)
        seen: dict[bytes, int] = {}
        for _pos, raw, fields in scan.records():
            shown = row(raw, fields)
            d = _digest(shown)
            nth = seen.get(d, 0)
            seen[d] = nth + 1
            if nth >= matched.get(d, 0):
                removed.append(shown)
        scan.close()
    if added and removed and (plan.prev_as_text or plan.cur_as_text):
        added, removed = _pair_equal_numbers(added, removed)
    return _result(plan, added=added, removed=removed, changed=[])


def _pair_equal_numbers(added: list, removed: list) -> tuple[list, list]:
    """Drop added/removed pairs that differ only in how numbers are written (DF-IN-8).

    The content digest compares text; in mixed formats a REAL ``3.5`` equals the CSV
    field ``3.50``. Only rows already unmatched are paired, each with the first equal one.
    """
    buckets: dict[tuple, list[int]] = {}
    for index, row in enumerate(removed):
        buckets.setdefault(_bucket(row), []).append(index)
    paired: set[int] = set()
    kept = []
    for row in added:
        for index in buckets.get(_bucket(row), ()):
            if index not in paired and _rows_equal(removed[index], row):
                paired.add(index)
                break
        else:
            kept.append(row)
    return kept, [row for index, row in enumerate(removed) if index not in paired]


def _bucket(row: dict[str, Any]) -> tuple:
    return tuple(sorted((name, number_bucket(value)) for name, value in row.items()))


def _rows_equal(old: dict[str, Any], new: dict[str, Any]) -> bool:
    return old.keys() == new.keys() and all(
        equal_in_mixed_formats(value, new[name]) for name, value in old.items()
    )
