"""The read-ahead thread used by the loading commands."""

import sys

import pytest

from datamill.io.prefetch import prefetch


def test_yields_everything_in_order():
    assert list(prefetch(iter(range(1000)), depth=3)) == list(range(1000))


def test_producer_errors_reraise_in_the_consumer():
    def produce():
        yield 1
        raise ValueError("bad record")

    seen = []
    with pytest.raises(ValueError, match="bad record"):
        for item in prefetch(produce()):
            seen.append(item)
    assert seen == [1]


def test_switch_interval_is_lowered_while_reading_and_restored():
    before = sys.getswitchinterval()
    during = [sys.getswitchinterval() for _ in prefetch(iter(range(3)), switch_interval=0.0001)]
    assert during == [pytest.approx(0.0001)] * 3
    assert sys.getswitchinterval() == before


def test_switch_interval_is_restored_when_the_consumer_stops_early():
    before = sys.getswitchinterval()
    items = prefetch(iter(range(100)), switch_interval=0.0001)
    next(items)
    items.close()
    assert sys.getswitchinterval() == before
