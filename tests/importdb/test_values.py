"""IDB-4 value conversion, one Python type at a time."""

import datetime
import decimal
import enum
import uuid

from datamill.importdb.values import ValueConverter, redact, rounding_warning

D = decimal.Decimal


def test_native_values_are_kept():
    convert = ValueConverter()
    for value in (None, 3, "x", b"\x00", True, 1.5):
        assert convert(value) is value
    assert convert(float("nan")) is None
    assert convert(float("inf")) == float("inf")
    assert convert(memoryview(b"ab")) == b"ab"


def test_decimals_follow_the_column():
    as_int, as_float, as_text = ValueConverter("int"), ValueConverter(), ValueConverter("text")
    assert as_int(D("12")) == 12 and type(as_int(D("12"))) is int
    assert as_int(D("NaN")) is None
    assert as_float(D("3.50")) == 3.5
    assert as_float(D("NaN")) is None
    assert as_float(D("-Infinity")) == float("-inf")
    assert as_text(D("123456789012345678901234567890.123456789")) == (
        "123456789012345678901234567890.123456789"
    )
    assert as_text(D("1E+3")) == "1000"
    assert as_text(D("NaN")) == "NaN"


def test_rounding_is_counted_only_when_digits_are_lost():
    convert = ValueConverter()
    for value in ("0.1", "123456789012345", "1234.50", "1E+300", "0.000000000000000001"):
        convert(D(value))
    assert convert.rounded == 0
    convert(D("1234567890123456789"))
    convert(D("0.1234567890123456789"))
    assert convert.rounded == 2
    assert rounding_warning("t.c", 1) == (
        "t.c: 1 value was rounded to 15-17 significant digits "
        "(use --numeric-text to keep them exact)"
    )


def test_dates_uuids_and_arrays():
    convert = ValueConverter()
    utc = datetime.timezone.utc
    assert convert(datetime.date(2024, 3, 4)) == "2024-03-04"
    assert convert(datetime.datetime(2024, 3, 4, 5, 6, tzinfo=utc)) == "2024-03-04T05:06:00+00:00"
    assert convert(datetime.time(5, 6, 7)) == "05:06:07"
    assert convert(uuid.UUID("A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11")) == (
        "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"
    )
    nested = [[1, None], [D("2.5"), float("nan")], [b"\x01", datetime.date(2024, 1, 1)]]
    assert convert(nested) == (
        '[[1, null], [2.5, null], [{"$base64": true, "encoded": "AQ=="}, "2024-01-01"]]'
    )
    assert convert({"a": [1, "é"]}) == '{"a": [1, "é"]}'


def test_anything_else_is_its_text():
    class Colour(enum.Enum):
        RED = "red"

    class Name(str):
        pass

    convert = ValueConverter()
    assert convert(datetime.timedelta(hours=1)) == "1:00:00"
    assert convert(Colour.RED) == "Colour.RED"
    assert convert(Name("n")) == "n"
    assert redact(None) == redact(5) == "***"
