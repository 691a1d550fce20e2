"""L-MAINT-1..3: cached counts stay equal to count(*) under any mix of writes.

A hypothesis state machine drives inserts (plain, ignore, replace), deletes, upserts, updates,
transforms and reset_counts() against two tables with counts enabled, and checks after every
step that ``_counts``, ``cached_counts()`` and ``table.count`` all agree with ``count(*)``.
"""

import hypothesis.strategies as st
from hypothesis import settings
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from datamill import Database

TABLES = ("plants", "seeds")
ids = st.integers(min_value=1, max_value=30)
tables = st.sampled_from(TABLES)
rows = st.lists(
    st.fixed_dictionaries({"id": ids, "size": st.integers(0, 9)}), min_size=1, max_size=6
)


class CountsMachine(RuleBasedStateMachine):
    @initialize()
    def setup(self):
        self.db = Database(memory=True)
        for name in TABLES:
            self.db[name].create({"id": int, "size": int}, pk="id")
        self.db["plants"].insert({"id": 1, "size": 1})
        self.db.enable_counts()
        self.transforms = 0

    def size_column(self, table):
        return next(c.name for c in self.db[table].columns if c.name != "id")

    @rule(table=tables, new=rows)
    def insert_ignoring_duplicates(self, table, new):
        self.db[table].insert_all(self.renamed(table, new), ignore=True)

    @rule(table=tables, new=rows)
    def insert_replacing(self, table, new):
        self.db[table].insert_all(self.renamed(table, new), replace=True)

    @rule(table=tables, new=rows)
    def upsert(self, table, new):
        self.db[table].upsert_all(self.renamed(table, new), pk="id")

    @rule(table=tables, pk=ids)
    def delete_one(self, table, pk):
        if self.db.execute(f'select 1 from "{table}" where id = ?', [pk]).fetchone():
            self.db[table].delete(pk)

    @rule(table=tables, limit=st.integers(0, 9))
    def delete_where(self, table, limit):
        self.db[table].delete_where(f'"{self.size_column(table)}" > ?', [limit])

    @rule(table=tables, pk=ids)
    def update(self, table, pk):
        self.db.execute(f'update "{table}" set "{self.size_column(table)}" = 0 where id = ?', [pk])

    @rule(table=tables)
    def transform(self, table):
        self.transforms += 1
        old = self.size_column(table)
        self.db[table].transform(
            rename={old: f"size{self.transforms}"},
            types={old: str if self.transforms % 2 else int},
        )

    @rule()
    def reset(self):
        self.db.reset_counts()

    def renamed(self, table, new):
        column = self.size_column(table)
        return [{"id": row["id"], column: row["size"]} for row in new]

    @invariant()
    def counts_match(self):
        truth = {
            name: self.db.execute(f'select count(*) from "{name}"').fetchone()[0] for name in TABLES
        }
        assert self.db.cached_counts(TABLES) == truth
        for name in TABLES:
            assert self.db[name].count == truth[name]
            assert self.db[name].has_counts_triggers


CountsMachine.TestCase.settings = settings(max_examples=40, stateful_step_count=25, deadline=None)
TestCounts = CountsMachine.TestCase
