"""Drive a ``datamill history`` run: pick the commits (HI-3) and import them one by one."""

from __future__ import annotations

from datamill import Database
from datamill.track.errors import HistoryError
from datamill.track.history import gitwalk, legacy
from datamill.track.history.importer import HistoryOptions, Importer, row_hash
from datamill.track.history.versions import Reader, fix_reserved

CACHE_KIB = 64 * 1024  # page cache for this connection: the _item_id index takes random inserts


def history(options: HistoryOptions) -> int:
    """Import the history of ``options.filepath``; returns the number of commits recorded."""
    reader = options.reader or Reader(options.filepath)
    options.reader = reader
    with gitwalk.Checkout(options.repo) as checkout:
        repo = checkout.path
        branch = gitwalk.pick_branch(repo, options.branch)
        rev = gitwalk.branch_rev(repo, branch)
        commits = gitwalk.file_commits(repo, rev, options.filepath)
        if not commits:
            raise HistoryError(f"{options.filepath} has no commits on branch {branch}")
        skip = {
            gitwalk.resolve_prefix(commits, h, "--skip", options.filepath) for h in options.skip
        }
        start = 0
        if options.start_at:
            sha = gitwalk.resolve_prefix(commits, options.start_at, "--start-at", options.filepath)
            start = [c.hash for c in commits].index(sha)
        elif options.start_after:
            sha = gitwalk.resolve_prefix(
                commits, options.start_after, "--start-after", options.filepath
            )
            start = [c.hash for c in commits].index(sha) + 1
        db = Database(options.database)
        try:
            if options.wal:
                db.enable_wal()
            db.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
            importer = _open_importer(db, options, repo, reader)
            recorded = importer.recorded()
            if recorded and not gitwalk.is_ancestor(repo, recorded[-1], rev):
                raise HistoryError(
                    f"Commit {recorded[-1]} (last processed) is not in the history of {branch}; "
                    "rebuild the database or use a new --namespace"
                )
            done = set(recorded)
            todo = [c for c in commits[start:] if c.hash not in done and c.hash not in skip]
            count = 0
            for index, (commit, data) in enumerate(
                gitwalk.iter_blobs(repo, todo, options.filepath)
            ):
                if options.progress:
                    options.progress(index, len(todo))
                if data is None:
                    continue
                importer.import_commit(commit, data)
                count += 1
            return count
        finally:
            db.close()


def _open_importer(db: Database, options: HistoryOptions, repo: str, reader: Reader) -> Importer:
    """The importer, after upgrading a git-history 0.8 database on first contact (HI-8)."""
    if legacy.needs_upgrade(db):
        recorded = legacy.recorded_hashes(db, options.namespace)
        present = None
        if options.ids and recorded:
            with gitwalk.BlobReader(repo) as blobs:
                data = blobs.read(recorded[-1], options.filepath)
            ids = [fix_reserved(name) for name in options.ids]
            present = set()
            if data is not None and data.strip():
                _, rows = reader.rows(recorded[-1], data)
                present = {row_hash({name: row.get(name) for name in ids}) for row in rows}
        legacy.upgrade(db, Importer.tables_for(options), repo, present)
    return Importer(db, options)
