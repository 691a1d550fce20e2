"""L-REC: parsedate, parsedatetime, jsonsplit and the error sentinels."""

import pytest
from dateutil.parser import ParserError

from datamill import recipes as r


def test_parsedate():
    assert r.parsedate("3/4/2020") == "2020-03-04"
    assert r.parsedate("3/4/2020", dayfirst=True) == "2020-04-03"
    assert r.parsedate("20/03/04", yearfirst=True) == "2020-03-04"
    assert r.parsedate("") == ""
    assert r.parsedate(None) is None


def test_parsedatetime():
    assert r.parsedatetime("2020-03-04 5pm") == "2020-03-04T17:00:00"
    assert r.parsedatetime("3/4/2020 10:30", dayfirst=True) == "2020-04-03T10:30:00"


def test_errors_sentinels():
    assert r.parsedate("not a date", errors=r.IGNORE) == "not a date"
    assert r.parsedate("not a date", errors=r.SET_NULL) is None
    assert r.parsedatetime("nope", errors=r.IGNORE) == "nope"
    with pytest.raises(ParserError):
        r.parsedate("not a date")
    assert issubclass(ParserError, ValueError)


def test_jsonsplit():
    assert r.jsonsplit("a, b,c") == '["a", "b", "c"]'
    assert r.jsonsplit("1;2", delimiter=";", type=int) == "[1, 2]"
    assert r.jsonsplit("1.5,2", type=float) == "[1.5, 2.0]"
