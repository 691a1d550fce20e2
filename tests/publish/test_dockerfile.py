"""The Dockerfile (PUB-4, PUB-5, SV-FIX-7) and requirements.txt (PUB-3), text for text."""

import json

import pytest

from datamill.publish import DockerImage, InvalidOption, default_tag, render_dockerfile
from datamill.publish.dockerfile import render_requirements
from datamill.publish.image import check_python, check_tag, is_release

#: PUB-5, byte for byte: ``datamill publish docker trees.db --tag trees-site`` (datamill 0.4.0).
PUB_5 = """\
# Written by datamill publish docker (datamill 0.4.0).
# Build with: docker build --tag trees-site .

FROM python:3.12-slim AS builder
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1 PIP_ROOT_USER_ACTION=ignore
COPY requirements.txt /tmp/requirements.txt
RUN python -m venv /opt/venv \\
 && /opt/venv/bin/pip install --requirement /tmp/requirements.txt

FROM python:3.12-slim
RUN useradd --system --uid 10001 --user-group --no-create-home \\
    --home-dir /nonexistent --shell /usr/sbin/nologin datamill
COPY --from=builder /opt/venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /data
USER datamill
EXPOSE 8001
HEALTHCHECK --interval=30s --timeout=5s --start-period=10s --retries=3 \\
  CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8001/-/health', timeout=4)"]
ENTRYPOINT ["datamill", "serve", "--host", "0.0.0.0", "--port", "8001", "-i", "trees.db"]
CMD []
COPY ["trees.db", "/data/"]
"""


def dockerfile(*databases, **options) -> str:
    options.setdefault("tag", "trees-site")
    options.setdefault("version", "0.4.0")
    return render_dockerfile(DockerImage(databases or ("trees.db",), **options))


def changed_lines(text: str) -> dict[int, str]:
    """The lines of ``text`` that differ from PUB-5's, by line number."""
    base = PUB_5.splitlines()
    lines = text.splitlines()
    assert len(lines) == len(base)
    return {n: line for n, (line, old) in enumerate(zip(lines, base)) if line != old}


def test_pub_5_exact_text():
    assert dockerfile() == PUB_5


def test_pub_5_port_changes_expose_health_url_and_entrypoint():
    assert changed_lines(dockerfile(port=9000)) == {
        16: "EXPOSE 9000",
        18: '  CMD ["python", "-c", "import urllib.request; '
        "urllib.request.urlopen('http://127.0.0.1:9000/-/health', timeout=4)\"]",
        19: 'ENTRYPOINT ["datamill", "serve", "--host", "0.0.0.0", "--port", "9000", '
        '"-i", "trees.db"]',
    }


def test_pub_5_python_changes_both_from_lines():
    assert changed_lines(dockerfile(python="3.11")) == {
        3: "FROM python:3.11-slim AS builder",
        9: "FROM python:3.11-slim",
    }


def test_pub_5_metadata_goes_before_the_first_i_and_first_in_copy():
    assert changed_lines(dockerfile(metadata="site.json")) == {
        19: 'ENTRYPOINT ["datamill", "serve", "--host", "0.0.0.0", "--port", "8001", '
        '"--metadata", "metadata.json", "-i", "trees.db"]',
        21: 'COPY ["metadata.json", "trees.db", "/data/"]',
    }


def test_pub_5_further_databases_in_argument_order():
    text = dockerfile("trees.db", "data/parks.db", "../b.sqlite")
    assert changed_lines(text) == {
        19: 'ENTRYPOINT ["datamill", "serve", "--host", "0.0.0.0", "--port", "8001", '
        '"-i", "trees.db", "-i", "parks.db", "-i", "b.sqlite"]',
        21: 'COPY ["trees.db", "parks.db", "b.sqlite", "/data/"]',
    }


def test_pub_5_settings_become_cmd():
    assert changed_lines(dockerfile(settings=[("sql_time_limit_ms", "500")])) == {
        20: 'CMD ["--setting", "sql_time_limit_ms", "500"]'
    }
    two = dockerfile(settings=[("default_page_size", "50"), ("allow_csv_stream", "off")])
    assert changed_lines(two) == {
        20: 'CMD ["--setting", "default_page_size", "50", "--setting", "allow_csv_stream", "off"]'
    }


def test_pub_5_all_variations_together():
    text = dockerfile(
        "trees.db",
        "parks.db",
        tag="registry.example:5000/city/trees:v2",
        port=8080,
        python="3.13",
        metadata="m.json",
        settings=[("base_url", "/trees/")],
    )
    assert "# Build with: docker build --tag registry.example:5000/city/trees:v2 ." in text
    assert text.count("FROM python:3.13-slim") == 2
    assert text.endswith(
        'ENTRYPOINT ["datamill", "serve", "--host", "0.0.0.0", "--port", "8080", '
        '"--metadata", "metadata.json", "-i", "trees.db", "-i", "parks.db"]\n'
        'CMD ["--setting", "base_url", "/trees/"]\n'
        'COPY ["metadata.json", "trees.db", "parks.db", "/data/"]\n'
    )


def test_exec_form_is_json_even_for_awkward_setting_values():
    value = '/a "quoted" \\ path/'
    text = dockerfile(settings=[("base_url", value)])
    cmd = next(line for line in text.splitlines() if line.startswith("CMD "))
    assert json.loads(cmd[4:]) == ["--setting", "base_url", value]


def test_pub_4_rules_hold_in_every_variation():
    text = dockerfile("trees.db", "parks.db", metadata="m.json", settings=[("allow_facet", "0")])
    lines = text.splitlines()
    instructions = [line.split()[0] for line in lines if line and line[0].isupper()]
    assert instructions.count("FROM") == 2
    assert "ARG" not in instructions
    assert [line for line in lines if line.startswith("ENV ")] == [
        "ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1 PIP_ROOT_USER_ACTION=ignore",
        "ENV PATH=/opt/venv/bin:$PATH PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1",
    ]
    assert instructions[-1] == "COPY" and "trees.db" in lines[-1]
    assert "USER datamill" in lines
    for forbidden in ("# syntax=", "--chmod", "--link", "<<"):
        assert forbidden not in text


def test_pub_3_requirements():
    assert render_requirements("0.4.0") == (
        "# Written by datamill publish docker (datamill 0.4.0).\ndatamill[serve]==0.4.0\n"
    )
    assert render_requirements("0.5.0.dev3+g1234") == (
        "# Written by datamill publish docker (datamill 0.5.0.dev3+g1234).\n"
        "datamill[serve]==0.5.0.dev3+g1234\n"
    )


@pytest.mark.parametrize(
    "number, released",
    [("0.4.0", True), ("1.0rc1", True), ("0.5.0.dev3", False), ("0.4.0+local", False)],
)
def test_pub_3_released_versions(number, released):
    assert is_release(number) is released


@pytest.mark.parametrize(
    "path, tag",
    [
        ("trees.db", "datamill-trees"),
        ("data/Street Trees 2024.sqlite", "datamill-street-trees-2024"),
        ("my__big...data.db", "datamill-my-big-data"),
        ("Ünïcode.db", "datamill--n-code"),
        ("trees_.db", "datamill-trees"),
    ],
)
def test_pub_1_default_tag(path, tag):
    assert default_tag(path) == tag
    assert check_tag(tag) == tag


@pytest.mark.parametrize(
    "tag",
    [
        "trees-site",
        "trees_site:latest",
        "city/trees",
        "localhost:5000/trees",
        "registry.example.org/a/b/c:v1.2-rc_3",
        "[::1]:5000/trees:x",
        "a" * 255,
    ],
)
def test_valid_image_names(tag):
    assert check_tag(tag) == tag


@pytest.mark.parametrize(
    "tag",
    ["", "Trees", "trees-", "-trees", "trees site", "trees:", "trees:-x", "trees@sha256:ab",
     "a//b", "a" * 256, "trees:" + "x" * 129],
)  # fmt: skip
def test_invalid_image_names(tag):
    with pytest.raises(InvalidOption, match="is not a valid image name") as caught:
        check_tag(tag)
    assert caught.value.option == "--tag"
    assert str(caught.value) == f"'{tag}' is not a valid image name"


@pytest.mark.parametrize("python", ["3", "3.12.1", "py3.12", "3.x", "", " 3.12"])
def test_invalid_python(python):
    with pytest.raises(InvalidOption, match="^expected a version such as 3.12$"):
        check_python(python)


def test_image_checks_its_options():
    with pytest.raises(InvalidOption, match="unknown setting 'nope'") as caught:
        DockerImage(("trees.db",), settings=[("nope", "1")], version="1.0")
    assert caught.value.option == "--setting"
    with pytest.raises(InvalidOption, match="must be at least 1"):
        DockerImage(("trees.db",), replicas=0, version="1.0")
    with pytest.raises(InvalidOption, match="between 1 and 65535"):
        DockerImage(("trees.db",), port=0, version="1.0")
    assert DockerImage(("x/Trees.db",), version="1.0").tag == "datamill-trees"
