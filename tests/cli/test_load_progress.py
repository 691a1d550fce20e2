"""Progress bar and summary rendering (I-5)."""

import io

import datamill.cli.progress as progress_module
from datamill.cli.progress import ItemProgress, Progress


class Clock:
    def __init__(self):
        self.now = 100.0

    def __call__(self):
        return self.now


def make(monkeypatch, total, enabled=True):
    clock = Clock()
    monkeypatch.setattr(progress_module.time, "monotonic", clock)
    stream = io.StringIO()
    return Progress(total, enabled, stream), clock, stream


def test_bar_waits_a_second_then_shows_bytes(monkeypatch):
    bar, clock, stream = make(monkeypatch, total=1000)
    bar.update(100, 10)
    assert stream.getvalue() == ""
    clock.now += 1.5
    bar.update(500, 50)
    assert stream.getvalue() == "\r[" + "#" * 18 + "-" * 18 + "]  50%"
    clock.now += 0.5
    bar.finish(50, 0, 0)
    assert stream.getvalue().endswith("\r\x1b[K50 rows inserted, 0 ignored, 0 replaced in 2.00s\n")


def test_rows_counter_for_stdin(monkeypatch):
    bar, clock, stream = make(monkeypatch, total=None)
    clock.now += 2
    bar.update(0, 1234)
    assert stream.getvalue() == "\r1234 rows"


def test_quick_run_prints_only_the_summary(monkeypatch):
    bar, clock, stream = make(monkeypatch, total=10)
    bar.update(10, 4)
    clock.now += 0.01
    bar.finish(4, 0, 0)
    assert stream.getvalue() == "4 rows inserted, 0 ignored, 0 replaced in 0.01s\n"


def test_disabled_prints_nothing(monkeypatch):
    bar, clock, stream = make(monkeypatch, total=10, enabled=False)
    clock.now += 5
    bar.update(5, 5)
    bar.finish(5, 0, 0)
    bar.abandon()
    assert stream.getvalue() == ""


def test_item_bar_shows_count_and_rate_then_clears(monkeypatch):
    """classify train/table (CL-3, CL-4): a bar over items with their rate."""
    clock = Clock()
    monkeypatch.setattr(progress_module.time, "monotonic", clock)
    stream = io.StringIO()
    bar = ItemProgress("images", True, stream)
    bar(10, 100)
    assert stream.getvalue() == ""
    clock.now += 2
    bar(50, 100)
    assert stream.getvalue() == "\r[" + "#" * 18 + "-" * 18 + "]  50% 50/100 images 25.0/s"
    assert bar.elapsed() == 2
    bar.abandon()
    assert stream.getvalue().endswith("\r\x1b[K")
    disabled = ItemProgress("rows", False, stream)
    clock.now += 5
    disabled(1, 2)
    assert stream.getvalue().endswith("\r\x1b[K")
