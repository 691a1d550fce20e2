"""Inputs and table names (CS-1, CS-3): folders, compression, zip, URLs, stdin."""

from __future__ import annotations

import bz2
import contextlib
import functools
import gzip
import http.server
import lzma
import threading
import zipfile

import pytest

from datamill.csvs.inputs import derived_name, unique_names

from .conftest import ok, rows, tables, write


def test_folders_are_searched_recursively_in_sorted_order(run, tmp_path):
    write(tmp_path / "data" / "one.csv", "a\n1\n")
    write(tmp_path / "data" / "sub" / "two.csv", "a\n2\n")
    write(tmp_path / "data" / "sub" / "deeper" / "three.csv.gz", gzip.compress(b"a\n3\n"))
    write(tmp_path / "data" / "notes.txt", "not a csv")
    ok(run("data", "f.db", "--filename-column", "src"))
    assert tables("f.db") == ["one", "sub/deeper/three", "sub/two"]
    assert rows("f.db", 'select a, src from "sub/two"') == [(2, "sub/two")]


@pytest.mark.parametrize(
    ("suffix", "compress"),
    [(".gz", gzip.compress), (".bz2", bz2.compress), (".xz", lzma.compress)],
)
def test_compressed_inputs_stream(run, tmp_path, suffix, compress):
    write(tmp_path / f"2024.votes.csv{suffix}", compress(b"a,b\n1,x\n"))
    ok(run(f"2024.votes.csv{suffix}", "c.db"))
    assert rows("c.db", 'select a, b from "2024.votes"') == [(1, "x")]


def test_single_member_zip(run, tmp_path):
    with zipfile.ZipFile(tmp_path / "data.zip", "w") as archive:
        archive.writestr("inner.csv", "a\n5\n")
    ok(run("data.zip", "z.db"))
    assert rows("z.db", "select a from data") == [(5,)]


def test_stdin(run):
    ok(run("-", "s.db", input="a,b\n1,2\n"))
    assert rows("s.db", "select a, b from stdin") == [(1, 2)]


def test_repeated_names_get_numbered_suffixes(run, tmp_path):
    write(tmp_path / "x" / "t.csv", "a\n1\n")
    write(tmp_path / "y" / "t.csv", "a\n2\n")
    write(tmp_path / "z" / "t.csv.gz", gzip.compress(b"a\n3\n"))
    ok(run("x/t.csv", "y/t.csv", "z/t.csv.gz", "n.db", "--filename-column", "src"))
    assert tables("n.db") == ["t", "t-1", "t-2"]
    assert rows("n.db", 'select src from "t-2"') == [("t-2",)]


def test_filename_column_with_one_table(run, tmp_path):
    write(tmp_path / "a.csv", "v\n1\n")
    write(tmp_path / "b.csv", "v\n2\n")
    ok(run("-t", "all", "--filename-column", "src", "a.csv", "b.csv", "n.db"))
    assert rows("n.db", "select v, src from [all]") == [(1, "a"), (2, "b")]


def test_derived_names():
    assert derived_name("2024.votes.csv.gz") == ("2024.votes", ".gz")
    assert derived_name("plain") == ("plain", "")
    assert derived_name("data.zip") == ("data", ".zip")
    assert unique_names(["a", "a", "A", "b"]) == ["a", "a-1", "A-2", "b"]


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@contextlib.contextmanager
def serving(folder):
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def test_urls_are_fetched_and_named_by_their_last_segment(run, tmp_path):
    served = tmp_path / "site"
    write(served / "files" / "plants.csv", "name,qty\nBasil,3\n")
    write(served / "files" / "zipped.csv.gz", gzip.compress(b"n\n4\n"))
    with serving(served) as base:
        ok(run(f"{base}/files/plants.csv", f"{base}/files/zipped.csv.gz", "u.db"))
        missing = run(f"{base}/files/nope.csv", "u.db")
    assert rows("u.db", "select name, qty from plants") == [("Basil", 3)]
    assert rows("u.db", "select n from zipped") == [(4,)]
    assert missing.exit_code == 1
    assert missing.stderr.startswith(f"Error: GET {base}/files/nope.csv returned HTTP 404")
