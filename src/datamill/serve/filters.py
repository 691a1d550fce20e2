"""Turning ``col__op=value`` parameters into SQL conditions (SV-TBL-1)."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from datamill.core.identifiers import quote_identifier
from datamill.serve.errors import ServeError, bad_request
from datamill.serve.schema import Relation

__all__ = [
    "Filter",
    "RESERVED",
    "add_param",
    "parse_filters",
    "bind_value",
    "OPERATORS",
    "MAX_IN_VALUES",
]

#: SV-TBL-3: parameters that are never filters.
RESERVED = frozenset(
    "_sort _sort_desc _next _size _col _nocol _where _search _searchmode _facet _facet_array "
    "_facet_date _facet_size _nocount _nofacet _nosuggest _suggest _shape _nl _extra _extras "
    "_json _stream _dl _header _ttl _timelimit".split()
)
OPERATORS = (
    "exact not contains startswith endswith gt gte lt lte in notin isnull notnull like notlike "
    "glob isblank notblank date arraycontains arraynotcontains"
).split()
MAX_IN_VALUES = 1000
_DECIMAL = re.compile(r"-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?")
_COMPARE = {"exact": "=", "not": "!=", "gt": ">", "gte": ">=", "lt": "<", "lte": "<="}
_LIKE = {"contains": "%{}%", "startswith": "{}%", "endswith": "%{}"}
_PATTERN = {"like": "like", "notlike": "not like", "glob": "glob"}
_HUMAN_BARE = {"gt": ">", "gte": "\u2265", "lt": "<", "lte": "\u2264"}
_HUMAN_QUOTED = {
    "contains": "contains",
    "startswith": "starts with",
    "endswith": "ends with",
    "like": "like",
    "notlike": "not like",
    "glob": "glob",
    "arraycontains": "contains",
    "arraynotcontains": "does not contain",
}
_NO_VALUE_WORDS = {
    "isnull": "is null",
    "notnull": "is not null",
    "isblank": "is blank",
    "notblank": "is not blank",
}
_NO_VALUE = {
    "isnull": "{c} is null",
    "notnull": "{c} is not null",
    "isblank": "({c} is null or {c} = '')",
    "notblank": "({c} is not null and {c} != '')",
}


def is_search_parameter(name: str) -> bool:
    return name.startswith("_search_")


def bind_value(value: str, text_affinity: bool) -> Any:
    """A canonical decimal is bound as a number unless the column has TEXT affinity."""
    if not text_affinity and _DECIMAL.fullmatch(value):
        number = float(value)
        if "." not in value and "e" not in value.lower():
            return int(value)
        return number
    return value


@dataclass(frozen=True)
class Filter:
    """One condition from the query string."""

    column: str
    op: str
    value: str

    def human(self) -> str:
        """The condition in words, phrased as 1.0a41's ``human_description_en``."""
        c, v, op = self.column, self.value, self.op
        if op in ("exact", "not"):
            sign = "=" if op == "exact" else "!="
            return f"{c} {sign} {v}" if v.isdigit() else f'{c} {sign} "{v}"'
        if op in _HUMAN_BARE:
            return f"{c} {_HUMAN_BARE[op]} {v}"
        if op in _HUMAN_QUOTED:
            return f'{c} {_HUMAN_QUOTED[op]} "{v}"'
        if op in ("in", "notin"):
            try:
                values = json.dumps(self._list(False))
            except ServeError:
                values = v
            return f"{c} {'not in' if op == 'notin' else 'in'} {values}"
        if op == "date":
            return f'"{c}" is on date {v}'
        return f"{c} {_NO_VALUE_WORDS[op]}"

    def where(
        self, relation: Relation, params: dict[str, Any], expression: str | None = None
    ) -> str:
        """The SQL condition; its values are added to ``params`` under fresh names."""
        column = expression or quote_identifier(self.column)
        text_affinity = relation.has_text_affinity(self.column)
        if self.op in _NO_VALUE:
            return _NO_VALUE[self.op].format(c=column)
        if self.op in _COMPARE:
            name = add_param(params, bind_value(self.value, text_affinity))
            return f"{column} {_COMPARE[self.op]} :{name}"
        if self.op in _LIKE:
            escaped = self.value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            name = add_param(params, _LIKE[self.op].format(escaped))
            return f"{column} like :{name} escape '\\'"
        if self.op in _PATTERN:
            name = add_param(params, self.value)
            return f"{column} {_PATTERN[self.op]} :{name}"
        if self.op in ("in", "notin"):
            values = self._list(text_affinity)
            names = ", ".join(f":{add_param(params, v)}" for v in values)
            return f"{column} {'not in' if self.op == 'notin' else 'in'} ({names})"
        if self.op == "date":
            name = add_param(params, self.value)
            return f"date({column}) = :{name}"
        # arraycontains / arraynotcontains: the element's type is unrelated to the column's
        # affinity (JSON text), so canonical decimals are bound as numbers here.
        name = add_param(params, bind_value(self.value, False))
        negate = "not " if self.op == "arraynotcontains" else ""
        return f":{name} {negate}in (select value from json_each({json_array(column)}))"

    def _list(self, text_affinity: bool) -> list[Any]:
        if self.value.startswith("["):
            try:
                values = json.loads(self.value)
            except ValueError:
                values = None
            if not isinstance(values, list) or any(isinstance(v, (list, dict)) for v in values):
                raise bad_request(f"Invalid JSON list for {self.column}__{self.op}")
        else:
            values = [bind_value(v.strip(), text_affinity) for v in self.value.split(",")]
        if len(values) > MAX_IN_VALUES:
            raise bad_request(
                f"Too many values for {self.column}__{self.op} (limit {MAX_IN_VALUES})"
            )
        return values


def json_array(column: str) -> str:
    """``column`` when it holds a JSON array, else ``'[]'``: json_each never fails on bad JSON."""
    return f"case when json_valid({column}) and json_type({column}) = 'array' then {column} else '[]' end"


def add_param(params: dict[str, Any], value: Any) -> str:
    """Add ``value`` to ``params`` under a fresh name (``p0``, ``p1``...); return the name."""
    name = f"p{len(params)}"
    params[name] = value
    return name


def parse_filters(pairs: Sequence[tuple[str, str]], columns: Sequence[str]) -> list[Filter]:
    """The filters among the query-string ``pairs``, resolved per SV-TBL-1's order."""
    known = set(columns)
    filters = []
    for key, value in pairs:
        if key in RESERVED or is_search_parameter(key):
            continue
        if key in known:
            filters.append(Filter(key, "exact", value))
            continue
        column, separator, op = key.rpartition("__")
        if not separator:
            if key.startswith("_"):
                continue
            raise bad_request(f"Cannot filter on unknown column: {key}")
        if column not in known:
            if key.startswith("_"):
                continue
            raise bad_request(f"Cannot filter on unknown column: {column}")
        if op not in OPERATORS:
            raise bad_request(f"Unknown filter operator: {op}")
        filters.append(Filter(column, op, value))
    return filters


def describe(bits: Sequence[str]) -> str:
    """``where a, b and c`` (empty without conditions)."""
    if not bits:
        return ""
    if len(bits) == 1:
        return f"where {bits[0]}"
    return "where " + ", ".join(bits[:-1]) + " and " + bits[-1]
