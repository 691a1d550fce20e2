"""The command's surface: registration, help, lazy SQLAlchemy import, the library call."""

import io
import subprocess
import sys

from importdb_fixtures import STRUCTURE_SQL, make_sqlite_database

from datamill import Database
from datamill.importdb import ImportOptions, Reporter, import_database


def test_other_commands_and_help_do_not_import_sqlalchemy():
    code = (
        "import sys\n"
        "from datamill.cli import cli\n"
        "for args in (['--help'], ['import-db', '--help'], ['tables', ':memory:']):\n"
        "    try:\n"
        "        cli(args, prog_name='datamill')\n"
        "    except SystemExit:\n"
        "        pass\n"
        "print('sqlalchemy' in sys.modules)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert "import-db" in result.stdout
    assert result.stdout.splitlines()[-1] == "False"


def test_help_lists_every_option(run):
    result = run("import-db", "--help")
    assert result.exit_code == 0
    for option in (
        "--all", "--table", "--skip", "--redact TABLE COLUMN", "--sql", "--output", "--pk",
        "--index-fks / --no-index-fks", "-p, --progress", "--postgres-schema", "--views",
        "--replace-tables", "--numeric-text",
    ):  # fmt: skip
        assert option in result.stdout, option


def test_library_call_reports_to_the_given_stream(tmp_path):
    source = make_sqlite_database(tmp_path / "src.db", STRUCTURE_SQL)
    stream = io.StringIO()
    db = Database(tmp_path / "out.db")
    options = ImportOptions(tables=["plants", "kinds"], redact=[("plants", "secret")])
    import_database(source, db, options, Reporter(stream, progress=True))
    assert stream.getvalue() == (
        "1/2: plants\n2/2: kinds\n\nAdding 1 foreign key\n  plants.kind_id => kinds.id\n"
    )
    assert [row["secret"] for row in db["plants"].rows] == ["***", "***", "***"]


class Terminal(io.StringIO):
    def isatty(self):
        return True


def test_progress_on_a_terminal_adds_a_row_bar(tmp_path):
    """IDB-7: ``-p`` on a terminal draws a bar per table, sized by the table's row count."""
    source = make_sqlite_database(tmp_path / "src.db", STRUCTURE_SQL)
    stream = Terminal()
    options = ImportOptions(tables=["plants", "empty"])
    import_database(source, Database(tmp_path / "out.db"), options, Reporter(stream, True, True))
    text = stream.getvalue()
    assert text.startswith("1/2: plants\n")
    assert "2/2: empty\n" in text
    assert "[####################################]  100%" in text
