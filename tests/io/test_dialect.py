"""One dialect sniffer for every CSV reader: the sample can overrule ``csv.Sniffer`` (DF-IN-3).

Tree lists name cultivars in single quotes (``Prunus serrulata 'Kwanzan'``), which makes
``csv.Sniffer`` pick ``'`` as the quote character of a plain comma-and-``"`` file.
"""

from __future__ import annotations

import csv
import io

import pytest

from datamill.io.dialect import sniff_dialect, sniff_text
from datamill.io.formats import Format, detect_format
from generated_trees import needs_generator, trees_csv

SIZES_AND_SEEDS = [(10, 1), (10, 2), (50, 4), (200, 1), (200, 2), (1000, 5), (10_000, 1)]


def _records(text: str, dialect) -> list[list[str]]:
    return [r for r in csv.reader(io.StringIO(text, newline=""), dialect) if r]


@needs_generator
@pytest.mark.parametrize(("rows", "seed"), SIZES_AND_SEEDS)
def test_generated_tree_lists_sniff_as_the_standard_dialect(rows, seed):
    text = trees_csv(rows, seed)
    head = text.encode()[:2048]
    for dialect in (sniff_text(text), detect_format(head)[1]):
        assert (dialect.delimiter, dialect.quotechar, dialect.doublequote) == (",", '"', True)
        records = _records(text, dialect)
        assert len(records) == rows + 1
        assert {len(r) for r in records} == {18}


@needs_generator
def test_the_plain_sniffer_is_fooled_by_this_data():
    """The regression itself: without the check, ``'`` wins and rows get 19 fields."""
    text = trees_csv(200, 1)
    fooled = csv.Sniffer().sniff(text, ",\t;")
    assert fooled.quotechar == "'"
    assert {len(r) for r in _records(text, fooled)} > {18}


@pytest.mark.parametrize(
    ("text", "delimiter", "quotechar"),
    [
        ("id,name,n\n1,'a, b',3\n2,'c',4\n3,'d, e',5\n", ",", "'"),  # real ' quoting is kept
        ('id;name;n\n1;"a; b";3\n2;c;4\n', ";", '"'),
        ("id\tname\tn\n1\ta b\t3\n2\tc\t4\n", "\t", '"'),
        ("id,note,n\n1,Kwanzan 'cherry',2\n2,\"x, y\",3\n3,'plain',4\n", ",", '"'),
    ],
)
def test_sniffed_dialects(text, delimiter, quotechar):
    dialect = sniff_dialect(text)
    assert (dialect.delimiter, dialect.quotechar) == (delimiter, quotechar)


def test_a_sample_cut_inside_a_quoted_field_still_fits():
    sample = 'id,text,n\n1,"multi\nline, with comma",3\n2,"cut off, here\n'
    dialect = sniff_dialect(sample, ",\t;")
    assert (dialect.delimiter, dialect.quotechar) == (",", '"')


def test_skipinitialspace_from_the_sniffer_is_kept():
    assert sniff_dialect("a, b, c\n1, 2, 3\n4, 5, 6\n").skipinitialspace


def test_no_delimiter_raises_or_gives_the_default():
    with pytest.raises(csv.Error, match="Could not determine delimiter"):
        sniff_dialect("name\nalpha\nbeta\n")
    assert sniff_dialect("name\nalpha\nbeta\n", ",\t;", csv.excel) is csv.excel
    assert detect_format(b"[1]")[0] is Format.JSON
