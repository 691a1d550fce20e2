"""``--replicas N`` writes compose.yaml: N copies behind a stock nginx (PUB-7 Replicas)."""

import json
import re

import pytest
import yaml
from publish_helpers import publish

from datamill.publish import DockerImage, render_compose, render_dockerfile


def written(work, *args) -> tuple[dict, str]:
    result = publish("docker", "trees.db", "--no-build", "--output-dir", "out", *args)
    assert result.exit_code == 0, result.output
    text = (work / "out" / "compose.yaml").read_text()
    return yaml.safe_load(text), text


def healthcheck_of(dockerfile: str) -> tuple[list[str], dict]:
    """The HEALTHCHECK of a Dockerfile: its exec-form command and its flags."""
    start = dockerfile.index("HEALTHCHECK ")
    flags_line, cmd_line = dockerfile[start:].splitlines()[:2]
    flags = dict(re.findall(r"--([a-z-]+)=(\S+)", flags_line))
    return json.loads(cmd_line.strip().removeprefix("CMD ")), flags


def test_without_replicas_there_is_no_compose_file(work, trees, docker):
    result = publish("docker", "trees.db", "--no-build", "--output-dir", "out")
    assert result.exit_code == 0
    assert not (work / "out" / "compose.yaml").exists()


@pytest.mark.parametrize("replicas, port", [(1, 8001), (4, 9000)])
def test_services(work, trees, docker, replicas, port):
    compose, text = written(work, "--replicas", replicas, "--port", port, "--tag", "trees-site")
    assert text.startswith("# Written by datamill publish docker (datamill ")
    assert set(compose) == {"services", "configs"}
    assert set(compose["services"]) == {"datamill", "proxy"}
    app = compose["services"]["datamill"]
    assert app["build"] == "."
    assert app["image"] == "trees-site"
    assert app["deploy"] == {"replicas": replicas}
    assert "ports" not in app  # only the proxy publishes a port
    assert app["read_only"] is True and app["cap_drop"] == ["ALL"]
    proxy = compose["services"]["proxy"]
    assert proxy["image"].startswith("nginx:")
    assert proxy["ports"] == [f"{port}:{port}"]
    assert proxy["depends_on"] == {"datamill": {"condition": "service_healthy"}}
    assert proxy["configs"] == [{"source": "nginx", "target": "/etc/nginx/conf.d/default.conf"}]


def test_the_health_check_is_the_images(work, trees, docker):
    compose, _ = written(work, "--replicas", "2", "--port", "8123")
    command, flags = healthcheck_of((work / "out" / "Dockerfile").read_text())
    check = compose["services"]["datamill"]["healthcheck"]
    assert check["test"] == ["CMD", *command]
    assert "http://127.0.0.1:8123/-/health" in command[-1]
    assert {key.replace("_", "-"): str(value) for key, value in check.items() if key != "test"} == (
        flags
    )


def test_nginx_balances_over_every_copy(work, trees, docker):
    compose, _ = written(work, "--replicas", "3", "--port", "8080")
    config = compose["configs"]["nginx"]["content"]
    assert "$" not in config.replace("$$", "")  # compose would expand a lone $
    nginx = config.replace("$$", "$")
    assert "listen 8080;" in nginx
    assert re.search(r"upstream datamill \{[^}]*server datamill:8080 resolve", nginx)
    assert "proxy_pass http://datamill;" in nginx
    assert "proxy_set_header Host $http_host;" in nginx
    assert "resolver 127.0.0.11 " in nginx  # Docker's DNS names every copy
    assert nginx.count("{") == nginx.count("}")


def test_render_compose_needs_replicas():
    image = DockerImage(("trees.db",), version="1.0", replicas=2)
    assert "replicas: 2" in render_compose(image)
    assert render_dockerfile(image) == render_dockerfile(DockerImage(("trees.db",), version="1.0"))
    with pytest.raises(ValueError):
        render_compose(DockerImage(("trees.db",), version="1.0"))
