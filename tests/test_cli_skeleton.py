from click.testing import CliRunner

from datamill.cli import cli


def test_version_option_names_the_program():
    result = CliRunner().invoke(cli, ["--version"])
    assert result.exit_code == 0
    assert "version" in result.output
