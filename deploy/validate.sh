#!/usr/bin/env bash
# Validate every deploy file with its own tool: nginx -t on the rendered
# templates, systemd-analyze verify on the units, the Compose specification's
# JSON schema, and the Kubernetes OpenAPI schemas (strict: unknown fields fail).
set -euo pipefail
cd "$(dirname "$0")"
BIN="${BIN:-../.venv/bin}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

echo "-- nginx"
NGINX="$(command -v nginx || echo /usr/sbin/nginx)"
openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=localhost \
  -keyout "$work/key.pem" -out "$work/cert.pem" 2>/dev/null
"$BIN/python" nginx/render.py --out "$work/nginx/conf" --prefix "$work/nginx" \
  --http-server 127.0.0.1:8000 --http-server 127.0.0.1:8010 \
  --ws-server 127.0.0.1:8001 --ws-server 127.0.0.1:8011 \
  --http-listen 127.0.0.1:8180 --https-listen 127.0.0.1:8143 \
  --server-name shop.example.com --extra nginx/compose-s3.conf \
  --ssl-certificate "$work/cert.pem" --ssl-certificate-key "$work/key.pem" \
  --static-root "$work/static" --media-root "$work/media" >/dev/null
# compose-s3.conf names compose paths and the host "minio": point them here.
sed -i -e "s#http://minio:9000/#http://127.0.0.1:9000/#" -e "s#/etc/nginx/canopy/#$work/nginx/conf/#" "$work/nginx/conf/canopy-extra-compose-s3.conf"
"$NGINX" -t -q -p "$work/nginx" -c "$work/nginx/conf/nginx.conf" -g "error_log $work/nginx/startup.log;"

echo "-- systemd"
if command -v systemd-analyze >/dev/null; then
  # A throw-away root: the units' paths exist there as stubs.
  root="$work/root"
  mkdir -p "$root/srv/canopy/.venv/bin" "$root/etc/systemd/system" "$root/etc/canopy" \
    "$root/usr/lib/systemd" "$root/bin"
  cp -a /usr/lib/systemd/system "$root/usr/lib/systemd/"
  cp /bin/kill /bin/mkdir "$root/bin/"
  for tool in gunicorn uvicorn celery python; do
    printf '#!/bin/sh\n' >"$root/srv/canopy/.venv/bin/$tool"
    chmod +x "$root/srv/canopy/.venv/bin/$tool"
  done
  touch "$root/etc/canopy/canopy.env"
  cp systemd/* "$root/etc/systemd/system/"
  # verify exits 0 on unknown keys and bad values: any output is a failure.
  out="$(cd "$root/etc/systemd/system" && systemd-analyze verify --root="$root" \
    canopy-web.service canopy-ws.service canopy-worker@identify.service \
    canopy-worker@default.service canopy-worker@email.service canopy-beat.service canopy-release.service \
    canopy.target 2>&1)" || { echo "$out"; exit 1; }
  if [ -n "$out" ]; then echo "$out"; exit 1; fi
else
  echo "systemd-analyze not installed: units not verified" >&2
  [ "${CI:-}" = "true" ] && exit 1
fi

echo "-- docker compose"
"$BIN/check-jsonschema" --builtin-schema vendor.compose-spec docker-compose.yml

echo "-- kubernetes"
"$BIN/kubernetes-validate" --strict --quiet k8s/*.yaml

echo "deploy files valid"
