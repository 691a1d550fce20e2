"""``datamill publish docker`` on the command line (PUB-1) and its build paths (PUB-6).

A fake ``docker`` on PATH records every call; no test needs a real engine.
"""

import os
import shlex
import time

import pytest
from publish_helpers import listing, publish, trees_db

from datamill.publish import image as image_module
from datamill.publish import probe_engine

NO_ENGINE = "No Docker engine is reachable, so the image was not built. Build it with:"
PROBE = ["version", "--format", "{{.Server.Version}}"]


def temp_contexts(tmp_path) -> list[str]:
    return sorted(os.listdir(tmp_path / "tmp"))


def only_context(tmp_path) -> str:
    (name,) = temp_contexts(tmp_path)
    return str(tmp_path / "tmp" / name)


def test_publish_alone_lists_the_docker_target():
    result = publish()
    assert result.exit_code == 0
    assert "Usage: datamill publish" in result.stdout
    commands = result.stdout.split("Commands:")[1].split()
    assert commands[0] == "docker"


def test_docker_help_names_every_option():
    result = publish("docker", "--help")
    assert result.exit_code == 0
    for option in ("--tag", "--output-dir", "--metadata", "--port", "--python", "--setting",
                   "--replicas", "--no-build"):  # fmt: skip
        assert option in result.stdout


# Usage errors: exit 2, click's layout, nothing written.


@pytest.mark.parametrize(
    "args, message",
    [
        (["--tag", "Trees"], "Error: Invalid value for '--tag': 'Trees' is not a valid image name"),
        (["--tag", "a b"], "Error: Invalid value for '--tag': 'a b' is not a valid image name"),
        (["--python", "3"], "Error: Invalid value for '--python': expected a version such as 3.12"),
        (["--python", "3.12.1"],
         "Error: Invalid value for '--python': expected a version such as 3.12"),
        (["--replicas", "0"], "Error: Invalid value for '--replicas': must be at least 1"),
        (["--replicas", "-2"], "Error: Invalid value for '--replicas': must be at least 1"),
        (["--setting", "nope", "1"],
         "Error: Invalid value for '--setting': unknown setting 'nope'"),
        (["--setting", "sql_time_limit_ms", "abc"],
         "Error: Invalid value for '--setting': sql_time_limit_ms needs an integer >= 1, "
         "got 'abc'"),
        (["--setting", "allow_facet", "maybe"],
         "Error: Invalid value for '--setting': allow_facet needs on, off, true, false, 1 or 0, "
         "got 'maybe'"),
        (["--port", "0"], "Error: Invalid value for '--port': must be between 1 and 65535"),
        (["--port", "70000"], "Error: Invalid value for '--port': must be between 1 and 65535"),
    ],
)  # fmt: skip
def test_usage_errors(tmp_path, work, trees, docker, args, message):
    result = publish("docker", "trees.db", *args)
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    assert result.stderr.splitlines()[-1] == message
    assert result.stderr.startswith("Usage: datamill publish docker [OPTIONS] DB...")
    assert temp_contexts(tmp_path) == [] and listing(work) == ["trees.db"]
    assert docker.calls() == []


def test_usage_error_without_a_database(tmp_path, work, docker):
    result = publish("docker")
    assert result.exit_code == 2
    assert result.stderr.splitlines()[-1] == "Error: Missing argument 'DB...'."


def test_usage_error_for_a_missing_file(tmp_path, work, docker):
    result = publish("docker", "missing.db")
    assert result.exit_code == 2
    assert result.stderr.splitlines()[-1] == (
        "Error: Invalid value for 'DB...': File 'missing.db' does not exist."
    )
    assert temp_contexts(tmp_path) == []


def test_settings_are_kept_as_typed(work, trees, docker):
    result = publish("docker", "trees.db", "--no-build", "--output-dir", "out",
                     "--setting", "allow_facet", "OFF", "--setting", "default_page_size", "20")  # fmt: skip
    assert result.exit_code == 0, result.output
    dockerfile = (work / "out" / "Dockerfile").read_text()
    assert 'CMD ["--setting", "allow_facet", "OFF", "--setting", "default_page_size", "20"]' in (
        dockerfile
    )


# PUB-6: no engine.


def test_no_docker_command(tmp_path, work, trees, no_docker):
    result = publish("docker", "trees.db")
    assert result.exit_code == 0, result.output
    context = only_context(tmp_path)
    assert result.stderr.splitlines() == [
        f"Wrote build context to {context}: Dockerfile, requirements.txt, trees.db",
        NO_ENGINE,
    ]
    assert result.stdout == f"docker build --tag datamill-trees {shlex.quote(context)}\n"
    assert sorted(os.listdir(context)) == ["Dockerfile", "requirements.txt", "trees.db"]


def test_a_client_without_an_engine_is_no_engine(tmp_path, work, trees, docker):
    result = publish("docker", "trees.db", "--tag", "trees-site")
    assert result.exit_code == 0, result.output
    context = only_context(tmp_path)
    assert docker.argvs() == [PROBE]
    assert result.stderr.splitlines()[-1] == NO_ENGINE
    assert result.stdout == f"docker build --tag trees-site {context}\n"


def test_no_build_writes_the_context_without_asking_docker(work, trees, docker, monkeypatch):
    monkeypatch.setenv("FAKE_DOCKER_SERVER", "27.3.1")
    result = publish("docker", "trees.db", "--no-build", "--output-dir", "my context")
    assert result.exit_code == 0, result.output
    assert docker.calls() == []
    assert result.stderr == (
        "Wrote build context to my context: Dockerfile, requirements.txt, trees.db\n"
    )
    assert result.stdout == "docker build --tag datamill-trees 'my context'\n"
    assert sorted(os.listdir(work / "my context")) == ["Dockerfile", "requirements.txt", "trees.db"]


def test_an_existing_empty_output_directory_is_filled(work, trees, docker):
    (work / "out").mkdir()
    result = publish("docker", "trees.db", "--no-build", "--output-dir", "out")
    assert result.exit_code == 0, result.output
    assert sorted(os.listdir(work / "out")) == ["Dockerfile", "requirements.txt", "trees.db"]


def test_wrote_line_lists_metadata_and_every_database(work, trees, docker):
    trees_db(work / "parks.db")
    (work / "m.json").write_text('{"title": "Trees"}')
    result = publish("docker", "trees.db", "parks.db", "--metadata", "m.json", "--no-build",
                     "--output-dir", "out")  # fmt: skip
    assert result.exit_code == 0, result.output
    assert result.stderr == (
        "Wrote build context to out: Dockerfile, requirements.txt, metadata.json, trees.db, "
        "parks.db\n"
    )


def test_metadata_warnings_come_before_the_wrote_line(work, trees, docker):
    (work / "m.json").write_text('{"title": "Trees", "colour": "red"}')
    result = publish(
        "docker", "trees.db", "--metadata", "m.json", "--no-build", "--output-dir", "o"
    )
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines() == [
        "Warning: m.json: unknown key colour ignored",
        "Wrote build context to o: Dockerfile, requirements.txt, metadata.json, trees.db",
    ]


def test_pub_3_development_version_is_pinned_with_a_warning(work, trees, docker, monkeypatch):
    monkeypatch.setattr(image_module, "version", lambda name: "0.5.0.dev1+g0abc")
    result = publish("docker", "trees.db", "--no-build", "--output-dir", "out")
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines()[0] == (
        "Warning: datamill 0.5.0.dev1+g0abc is not a released version; the image build can only "
        "install it from an index that has it"
    )
    assert (work / "out" / "requirements.txt").read_text() == (
        "# Written by datamill publish docker (datamill 0.5.0.dev1+g0abc).\n"
        "datamill[serve]==0.5.0.dev1+g0abc\n"
    )


def test_the_running_version_is_pinned(work, trees, docker):
    from importlib.metadata import version

    publish("docker", "trees.db", "--no-build", "--output-dir", "out")
    assert (
        f"datamill[serve]=={version('datamill')}\n"
        in (work / "out" / "requirements.txt").read_text()
    )
    assert f"(datamill {version('datamill')})." in (work / "out" / "Dockerfile").read_text()


# PUB-6: an engine answers.


@pytest.fixture
def engine(docker, monkeypatch):
    monkeypatch.setenv("FAKE_DOCKER_SERVER", "27.3.1")
    return docker


def test_build_succeeds_and_a_temporary_context_is_deleted(tmp_path, work, trees, engine):
    result = publish("docker", "trees.db", "--tag", "trees-site")
    assert result.exit_code == 0, result.output
    probe, build = engine.calls()
    assert probe["argv"] == PROBE
    assert build["argv"][:3] == ["build", "--tag", "trees-site"]
    context = build["argv"][3]
    assert os.path.dirname(context) == str(tmp_path / "tmp")
    assert build["context"] == ["Dockerfile", "requirements.txt", "trees.db"]
    assert result.stderr.splitlines() == [
        f"Wrote build context to {context}: Dockerfile, requirements.txt, trees.db",
        "#1 [internal] load build definition from Dockerfile",
        "#2 naming to trees-site done",
        "Built image trees-site",
    ]
    assert result.stdout == "docker run --rm --publish 8001:8001 trees-site\n"
    assert temp_contexts(tmp_path) == []


def test_build_keeps_a_given_output_directory(work, trees, engine):
    result = publish("docker", "trees.db", "--output-dir", "out", "--port", "9000")
    assert result.exit_code == 0, result.output
    assert engine.argvs()[1] == ["build", "--tag", "datamill-trees", "out"]
    assert result.stdout == "docker run --rm --publish 9000:9000 datamill-trees\n"
    assert sorted(os.listdir(work / "out")) == ["Dockerfile", "requirements.txt", "trees.db"]


def test_build_failure_keeps_the_context(tmp_path, work, trees, engine, monkeypatch):
    monkeypatch.setenv("FAKE_DOCKER_BUILD_STATUS", "3")
    result = publish("docker", "trees.db")
    assert result.exit_code == 1
    assert result.stdout == ""
    context = only_context(tmp_path)
    lines = result.stderr.splitlines()
    assert lines[-1] == (
        f"Error: docker build failed with exit status 3; the build context is in {context}"
    )
    assert [line for line in lines if line.startswith("Error:")] == lines[-1:]
    assert sorted(os.listdir(context)) == ["Dockerfile", "requirements.txt", "trees.db"]


def test_docker_host_reaches_docker(work, trees, engine, monkeypatch):
    monkeypatch.setenv("DOCKER_HOST", "tcp://build-box.internal:2375")
    result = publish("docker", "trees.db", "--output-dir", "out")
    assert result.exit_code == 0, result.output
    assert [call["docker_host"] for call in engine.calls()] == ["tcp://build-box.internal:2375"] * 2


def test_probe_gives_up_after_its_timeout(docker, monkeypatch):
    monkeypatch.setenv("FAKE_DOCKER_SERVER", "27.3.1")
    monkeypatch.setenv("FAKE_DOCKER_PROBE_SLEEP", "30")
    start = time.perf_counter()
    assert probe_engine(timeout=0.5) is None
    assert time.perf_counter() - start < 10


def test_probe_reports_the_server_version(docker, monkeypatch):
    assert probe_engine() is None
    monkeypatch.setenv("FAKE_DOCKER_SERVER", "27.3.1")
    assert probe_engine() == "27.3.1"
    assert docker.argvs() == [PROBE, PROBE]


# PUB-7 Replicas: the compose hint replaces the others.


def test_replicas_without_an_engine(tmp_path, work, trees, docker):
    result = publish("docker", "trees.db", "--replicas", "3")
    assert result.exit_code == 0, result.output
    context = only_context(tmp_path)
    assert result.stderr.splitlines() == [
        f"Wrote build context to {context}: Dockerfile, requirements.txt, trees.db, compose.yaml",
        NO_ENGINE,
    ]
    assert result.stdout == f"docker compose -f {context}/compose.yaml up --build\n"


def test_replicas_after_a_build_keep_the_temporary_context(tmp_path, work, trees, engine):
    result = publish("docker", "trees.db", "--replicas", "2")
    assert result.exit_code == 0, result.output
    context = only_context(tmp_path)
    assert engine.calls()[1]["context"] == [
        "Dockerfile", "compose.yaml", "requirements.txt", "trees.db"
    ]  # fmt: skip
    assert result.stderr.splitlines()[-1] == "Built image datamill-trees"
    assert result.stdout == f"docker compose -f {context}/compose.yaml up --build\n"


def test_replicas_hint_is_shell_quoted(work, trees, docker):
    result = publish("docker", "trees.db", "--replicas", "2", "--no-build", "--output-dir", "a b")
    assert result.exit_code == 0, result.output
    assert result.stdout == "docker compose -f 'a b/compose.yaml' up --build\n"
