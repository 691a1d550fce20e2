from cli_helpers import run


def test_version_option_names_the_program():
    result = run("--version")
    assert result.exit_code == 0
    assert "version" in result.output
