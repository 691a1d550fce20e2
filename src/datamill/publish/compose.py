"""``compose.yaml`` for ``--replicas N`` (PUB-7 Replicas): N copies behind a stock nginx.

The image is immutable and stateless, so more traffic means more copies. The copies publish
no port; nginx publishes ``--port`` and spreads requests over them. nginx re-resolves the
service name through Docker's DNS (``resolve``, nginx 1.27.3 and later), so a replaced or
added copy joins without a reload, and a copy that fails is skipped for the next request.
Compose expands ``$`` in every value, so nginx's variables are written ``$$``.
"""

from __future__ import annotations

import json

from datamill.publish.dockerfile import HEALTH_OPTIONS, exec_form, health_command, written_by
from datamill.publish.image import DockerImage

__all__ = ["COMPOSE_NAME", "PROXY_IMAGE", "SERVICE", "render_compose"]

COMPOSE_NAME = "compose.yaml"
PROXY_IMAGE = "nginx:1.28-alpine"
#: The name of the datamill service, which is also its host name on the compose network.
SERVICE = "datamill"

_TEMPLATE = """\
{written_by}
# Run with: docker compose -f {compose} up --build
# {replicas} copies of {tag}, behind nginx on port {port}.

services:
  {service}:
    build: .
    image: {tag_yaml}
    deploy:
      replicas: {replicas}
    read_only: true
    cap_drop:
      - ALL
    tmpfs:
      - /tmp
    healthcheck:
      test: {health}
{health_options}
    restart: unless-stopped

  proxy:
    image: {proxy}
    ports:
      - "{port}:{port}"
    configs:
      - source: nginx
        target: /etc/nginx/conf.d/default.conf
    depends_on:
      {service}:
        condition: service_healthy
    restart: unless-stopped

configs:
  nginx:
    content: |
      resolver 127.0.0.11 valid=10s ipv6=off;
      upstream {service} {{
          zone {service} 64k;
          server {service}:{port} resolve max_fails=1 fail_timeout=10s;
      }}
      server {{
          listen {port};
          location / {{
              proxy_pass http://{service};
              proxy_http_version 1.1;
              proxy_set_header Connection "";
              proxy_set_header Host $$http_host;
              proxy_buffering off;
              proxy_next_upstream error timeout http_502 http_503;
          }}
      }}
"""


def render_compose(image: DockerImage) -> str:
    """The compose file for ``image.replicas`` copies of ``image`` behind the proxy."""
    if image.replicas is None:
        raise ValueError("render_compose needs an image with replicas")
    return _TEMPLATE.format(
        written_by=written_by(image.version),
        compose=COMPOSE_NAME,
        tag=image.tag,
        tag_yaml=json.dumps(image.tag),
        replicas=image.replicas,
        port=image.port,
        service=SERVICE,
        health=exec_form(["CMD", *health_command(image.port)]),
        health_options="\n".join(f"      {key}: {value}" for key, value in HEALTH_OPTIONS.items()),
        proxy=PROXY_IMAGE,
    )
