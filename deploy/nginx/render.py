"""Render the nginx templates in this folder into a directory nginx can load.

    python deploy/nginx/render.py --out /etc/nginx/canopy \
        --http-server 10.0.0.11:8000 --http-server 10.0.0.12:8000 \
        --ws-server 10.0.0.11:8001 --ws-server 10.0.0.12:8001 \
        --server-name shop.example.com --static-root /srv/canopy/static \
        --media-root /srv/canopy/media --ssl-certificate ... --ssl-certificate-key ...

``--prefix`` also writes a complete nginx.conf for a non-root prefix (the
drill and CI run nginx from a temporary directory). Placeholders are
``{{NAME}}``; any left unfilled is an error.
"""

import argparse
import re
import shutil
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
PLACEHOLDER = re.compile(r"\{\{([A-Z_]+)\}\}")


def fill(template: str, values: dict[str, str]) -> str:
    def replace(match: re.Match) -> str:
        name = match.group(1)
        if name not in values:
            raise KeyError(f"no value for {{{{{name}}}}}")
        return values[name]

    return PLACEHOLDER.sub(replace, template)


def upstream_lines(servers: list[str], max_fails: int, fail_timeout: str) -> str:
    return "\n".join(
        f"  server {server} max_fails={max_fails} fail_timeout={fail_timeout};"
        for server in servers
    )


def edge_cache_path(args: argparse.Namespace) -> Path:
    if args.edge_cache_path:
        return Path(args.edge_cache_path).resolve()
    if args.prefix:
        return Path(args.prefix).resolve() / "cache" / "edge"
    return Path("/var/cache/nginx/canopy-edge")


def render(args: argparse.Namespace) -> Path:
    out = Path(args.out).resolve()
    out.mkdir(parents=True, exist_ok=True)
    (out / "logs").mkdir(exist_ok=True)
    https_port = args.https_listen.rsplit(":", 1)[-1]
    values = {
        "CONF_DIR": args.conf_dir or str(out),
        "LOG_DIR": str(Path(args.log_dir).resolve() if args.log_dir else out / "logs"),
        "HTTP_SERVERS": upstream_lines(
            args.http_server, args.max_fails, args.fail_timeout
        ),
        "WS_SERVERS": upstream_lines(
            args.ws_server or args.http_server, args.max_fails, args.fail_timeout
        ),
        "HTTP_LISTEN": args.http_listen,
        "HTTPS_LISTEN": args.https_listen,
        "HTTPS_PORT_SUFFIX": ""
        if https_port in ("443", args.https_listen)
        else f":{https_port}",
        "SERVER_NAME": " ".join(args.server_name),
        "SSL_CERTIFICATE": args.ssl_certificate,
        "SSL_CERTIFICATE_KEY": args.ssl_certificate_key,
        "STATIC_ROOT": str(Path(args.static_root).resolve()),
        "MEDIA_ROOT": str(Path(args.media_root).resolve()),
        "SIGNIN_RATE": args.signin_rate,
        "SIGNIN_BURST": str(args.signin_burst),
        "IDENTIFY_RATE": args.identify_rate,
        "IDENTIFY_BURST": str(args.identify_burst),
        "WORKER_PROCESSES": str(args.worker_processes),
        "MIME_TYPES": args.mime_types,
        "PREFIX": str(Path(args.prefix).resolve()) if args.prefix else "",
        "EDGE_CACHE_PATH": str(edge_cache_path(args)),
        "EDGE_CACHE_MAX_SIZE": args.edge_cache_max_size,
    }
    (out / "canopy.conf").write_text(
        fill((HERE / "canopy.conf.template").read_text(), values)
    )
    for template in ("canopy-proxy-app.conf", "canopy-edge-cache.conf"):
        (out / template).write_text(
            fill((HERE / f"{template}.template").read_text(), values)
        )
    for snippet in ("canopy-proxy-headers.conf", "canopy-security-headers.conf"):
        shutil.copyfile(HERE / snippet, out / snippet)
    for extra in out.glob("canopy-extra-*.conf"):
        extra.unlink()  # only what this render asked for
    for extra in args.extra:
        shutil.copyfile(extra, out / f"canopy-extra-{Path(extra).name}")
    if args.prefix:
        prefix = Path(values["PREFIX"])
        for sub in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
            (prefix / "tmp" / sub).mkdir(parents=True, exist_ok=True)
        edge_cache_path(args).mkdir(parents=True, exist_ok=True)
        (out / "nginx.conf").write_text(
            fill((HERE / "nginx.conf.template").read_text(), values)
        )
    return out


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    p.add_argument("--out", required=True, help="directory for the rendered files")
    p.add_argument("--prefix", help="also write nginx.conf for this non-root prefix")
    p.add_argument("--log-dir")
    p.add_argument(
        "--extra", action="append", default=[], help="a server-level snippet to include"
    )
    p.add_argument(
        "--conf-dir", help="where nginx will read the files (default: --out)"
    )
    p.add_argument(
        "--http-server",
        action="append",
        required=True,
        help="host:port of a WSGI app server",
    )
    p.add_argument(
        "--ws-server",
        action="append",
        help="host:port of an ASGI server (default: the HTTP ones)",
    )
    p.add_argument("--server-name", action="append", default=[])
    p.add_argument("--http-listen", default="80")
    p.add_argument("--https-listen", default="443")
    p.add_argument("--ssl-certificate", required=True)
    p.add_argument("--ssl-certificate-key", required=True)
    p.add_argument("--static-root", required=True)
    p.add_argument("--media-root", required=True)
    p.add_argument("--max-fails", type=int, default=3)
    p.add_argument("--fail-timeout", default="10s")
    p.add_argument("--signin-rate", default="10r/m")
    p.add_argument("--signin-burst", type=int, default=5)
    p.add_argument("--identify-rate", default="20r/m")
    p.add_argument("--identify-burst", type=int, default=5)
    p.add_argument("--worker-processes", default="auto")
    p.add_argument(
        "--edge-cache-path",
        help="directory of the edge cache (default: /var/cache/nginx/canopy-edge, "
        "or cache/edge under --prefix)",
    )
    p.add_argument("--edge-cache-max-size", default="256m")
    p.add_argument("--mime-types", default="/etc/nginx/mime.types")
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    if not args.server_name:
        args.server_name = ["_"]
    out = render(args)
    print(out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
