"""L-UTIL-10: progress helpers exported from datamill.utils."""

import io

from datamill.utils import NullProgressBar, UpdateWrapper, file_progress, progressbar


def test_update_wrapper_counts_bytes_read_every_way():
    seen = []
    wrapped = UpdateWrapper(io.BytesIO(b"ab\ncd\nef"), seen.append)
    assert wrapped.readline() == b"ab\n"
    assert wrapped.read(2) == b"cd"
    assert list(wrapped) == [b"\n", b"ef"]
    assert seen == [3, 2, 1, 2]
    assert wrapped.seekable()  # other attributes pass through


def test_null_progress_bar_iterates_and_ignores_updates():
    bar = NullProgressBar([1, 2, 3])
    bar.update(10)
    assert list(bar) == [1, 2, 3]
    assert list(NullProgressBar()) == []


def test_progressbar_silent_and_drawn(capsys):
    with progressbar([1, 2], silent=True) as bar:
        assert isinstance(bar, NullProgressBar)
        assert list(bar) == [1, 2]
    with progressbar(length=4, label="work") as bar:
        bar.update(4)
    captured = capsys.readouterr()
    assert captured.out == ""  # progress never goes to stdout (G-7)


def test_file_progress_wraps_files_of_known_size(tmp_path):
    path = tmp_path / "data.csv"
    path.write_bytes(b"a,b\n1,2\n")
    with open(path, "rb") as f, file_progress(f) as tracked:
        assert isinstance(tracked, UpdateWrapper)
        assert tracked.read() == b"a,b\n1,2\n"
    with open(path, "rb") as f, file_progress(f, silent=True) as tracked:
        assert tracked is f
    stream = io.BytesIO(b"no file descriptor")
    with file_progress(stream) as tracked:
        assert tracked is stream
