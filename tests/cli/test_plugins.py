"""C-PLUGINS, C-INSTALL, C-UNINSTALL and the plugin hooks (L-PLUG, G-10).

The end-to-end test builds a small plugin wheel in a temp dir, installs it into the running
environment with ``datamill install``, checks its command and SQL function in fresh
processes, and uninstalls it again. Set DATAMILL_SKIP_PIP_TESTS=1 to skip it where
installing into the environment is not possible.
"""

import base64
import hashlib
import json
import os
import zipfile

import click
import pytest
from cli_helpers import run, run_process
from click.testing import CliRunner

import datamill
from datamill.cli import cli
from datamill.cli.plugins import register_plugin_commands
from datamill.plugins import pm

DIST = "datamill_test_plugin"
PLUGIN_SOURCE = '''
import click
import datamill


@datamill.hookimpl
def register_commands(cli):
    @cli.command(name="test-plugin-hello")
    @click.argument("name")
    def hello(name):
        """Say hello (a command added by a test plugin)"""
        click.echo(f"Hello, {name}!")


@datamill.hookimpl
def prepare_connection(conn):
    conn.create_function("test_plugin_shout", 1, lambda s: s.upper() + "!")
'''


def _record_line(name, data):
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"{name},sha256={digest},{len(data)}"


def build_wheel(directory):
    """A minimal, valid wheel for the plugin module with a ``datamill`` entry point."""
    info = f"{DIST}-0.1.dist-info"
    files = {
        f"{DIST}.py": PLUGIN_SOURCE.encode(),
        f"{info}/METADATA": (
            f"Metadata-Version: 2.1\nName: {DIST.replace('_', '-')}\nVersion: 0.1\n"
        ).encode(),
        f"{info}/WHEEL": (
            b"Wheel-Version: 1.0\nGenerator: datamill-tests\nRoot-Is-Purelib: true\n"
            b"Tag: py3-none-any\n"
        ),
        f"{info}/entry_points.txt": f"[datamill]\ntest_plugin = {DIST}\n".encode(),
    }
    record = [_record_line(name, data) for name, data in files.items()] + [f"{info}/RECORD,,"]
    files[f"{info}/RECORD"] = ("\n".join(record) + "\n").encode()
    path = directory / f"{DIST}-0.1-py3-none-any.whl"
    with zipfile.ZipFile(path, "w") as wheel:
        for name, data in files.items():
            wheel.writestr(name, data)
    return path


def datamill_process(*args, cwd=None):
    env = {**os.environ, "PIP_DISABLE_PIP_VERSION_CHECK": "1", "PIP_NO_INDEX": "1"}
    return run_process(*args, cwd=cwd, env=env)


@pytest.mark.skipif(
    os.environ.get("DATAMILL_SKIP_PIP_TESTS") == "1", reason="DATAMILL_SKIP_PIP_TESTS=1"
)
def test_installed_plugin_adds_command_and_sql_function(tmp_path):
    wheel = build_wheel(tmp_path)
    installed = datamill_process("install", str(wheel), cwd=tmp_path)
    try:
        assert installed.returncode == 0, installed.stderr + installed.stdout
        help_text = datamill_process("--help", cwd=tmp_path).stdout
        assert "test-plugin-hello" in help_text
        assert "Say hello (a command added by a test plugin)" in help_text
        hello = datamill_process("test-plugin-hello", "plugins", cwd=tmp_path)
        assert (hello.returncode, hello.stdout) == (0, "Hello, plugins!\n")
        db = str(tmp_path / "p.db")
        query = datamill_process(db, "select test_plugin_shout('hi') as s", cwd=tmp_path)
        assert query.stdout == '[{"s": "HI!"}]\n'
        listed = json.loads(datamill_process("plugins", cwd=tmp_path).stdout)
        assert listed == [
            {
                "name": "datamill-test-plugin",
                "hooks": ["prepare_connection", "register_commands"],
                "version": "0.1",
            }
        ]
    finally:
        removed = datamill_process("uninstall", "-y", "datamill-test-plugin", cwd=tmp_path)
    assert removed.returncode == 0, removed.stderr
    assert "Successfully uninstalled datamill-test-plugin-0.1" in removed.stdout
    assert json.loads(datamill_process("plugins", cwd=tmp_path).stdout) == []
    assert "test-plugin-hello" not in datamill_process("--help", cwd=tmp_path).stdout


def test_plugins_none_installed():
    result = run("plugins")
    assert (result.exit_code, result.stdout) == (0, "[]\n")


class InlinePlugin:
    __name__ = "inline_plugin"

    @datamill.hookimpl
    def register_commands(self, cli):
        @cli.command(name="inline-greet")
        def greet():
            """Greet from an inline plugin"""
            click.echo("greetings")

    @datamill.hookimpl
    def prepare_connection(self, conn):
        conn.create_function("inline_twice", 1, lambda v: v * 2)


@pytest.fixture
def inline_plugin():
    plugin = InlinePlugin()
    pm.register(plugin, name="inline_plugin")
    group = click.Group()
    try:
        yield plugin, group
    finally:
        pm.unregister(plugin)


def test_register_commands_and_prepare_connection_hooks(inline_plugin, tmp_path):
    plugin, group = inline_plugin
    register_plugin_commands(group)
    result = CliRunner().invoke(group, ["inline-greet"])
    assert (result.exit_code, result.stdout) == (0, "greetings\n")
    # prepare_connection runs for every connection, whichever group runs the command.
    result = run(tmp_path / "x.db", "select inline_twice(21) as n")
    assert result.stdout == '[{"n": 42}]\n'
    listed = json.loads(run("plugins").stdout)
    assert listed == [
        {"name": "inline_plugin", "hooks": ["prepare_connection", "register_commands"]}
    ]


def test_install_passes_options_to_pip(monkeypatch):
    calls = []
    monkeypatch.setattr("datamill.cli.plugins.run_pip", calls.append)
    runner = CliRunner()
    assert runner.invoke(cli, ["install", "-U", "-e", "src/thing", "a", "b"]).exit_code == 0
    assert runner.invoke(cli, ["install", "a"]).exit_code == 0
    assert runner.invoke(cli, ["uninstall", "a", "b", "-y"]).exit_code == 0
    assert runner.invoke(cli, ["uninstall", "a"]).exit_code == 0
    assert calls == [
        ["install", "--upgrade", "--editable", "src/thing", "a", "b"],
        ["install", "a"],
        ["uninstall", "a", "b", "-y"],
        ["uninstall", "a"],
    ]


def test_install_without_packages_is_pips_error():
    result = datamill_process("install")
    assert result.returncode == 1
    assert "ERROR: You must give at least one requirement to install" in result.stderr


def test_uninstall_needs_a_package():
    result = run("uninstall")
    assert result.exit_code == 2
    assert "Error: Missing argument 'PACKAGES...'." in result.stderr
