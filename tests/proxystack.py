"""The shipped nginx configuration in front of gunicorn, for CI and benchmarks.

Runs the production stack as docs/deploy.md builds it, in one temporary directory
and without root: gunicorn with gunicorn.conf.py on a Unix socket, over a freshly
migrated and seeded SQLite file (tests/liveserver.py), and nginx with
deploy/nginx/pickframe.conf rendered by deploy/nginx/render. Only the template's
placeholders change (ports, paths, a self-signed certificate for 127.0.0.1); the
small nginx.conf written here stands in for Debian's /etc/nginx/nginx.conf.
"""

import http.client
import os
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

from .liveserver import ROOT, free_port, prepare, server_env

# The name the site is reached by. A name, not an address: clients send it in the TLS
# handshake (SNI), which nginx needs to pick the server (a handshake without one is
# refused by the catch-all server).
HOST = "localhost"

# Debian's nginx.conf, reduced to what pickframe.conf needs, with every path in
# this run's directory. Workers run as www-data when we are root, as in production.
NGINX_CONF = """\
{user}worker_processes 2;
pid {d}/nginx.pid;
error_log {d}/error.log warn;
daemon off;
events {{
    worker_connections 1024;
}}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    sendfile on;
    tcp_nopush on;
    types_hash_max_size 2048;
    access_log {d}/access.log;
    client_body_temp_path {d}/temp/body;
    proxy_temp_path {d}/temp/proxy;
    fastcgi_temp_path {d}/temp/fastcgi;
    uwsgi_temp_path {d}/temp/uwsgi;
    scgi_temp_path {d}/temp/scgi;
    include {d}/pickframe.conf;
}}
"""


def ensure_packages():
    """nginx, envsubst and openssl from Debian, as .ci/run installs chromium."""
    wanted = {"nginx": "nginx", "envsubst": "gettext-base", "openssl": "openssl"}
    missing = [package for command, package in wanted.items() if not shutil.which(command)]
    if not missing and not os.path.exists("/usr/sbin/nginx"):
        missing = ["nginx"]
    if missing:
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run(["apt-get", "update", "-qq"], check=True, env=env)
        subprocess.run(["apt-get", "install", "-y", "-qq", *missing], check=True, env=env,
                       stdout=subprocess.DEVNULL)  # fmt: skip


def nginx_binary():
    return shutil.which("nginx") or "/usr/sbin/nginx"


def make_certificate(directory):
    cert, key = directory / "cert.pem", directory / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
         "-nodes", "-days", "2", "-subj", f"/CN={HOST}", "-addext", f"subjectAltName=DNS:{HOST}",
         "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )  # fmt: skip
    return cert, key


class Stack:
    """Addresses and files of a running stack."""

    def __init__(self, workdir):
        self.workdir = Path(workdir)
        self.socket = self.workdir / "gunicorn.sock"
        self.static_root = self.workdir / "collected"
        self.media_root = self.workdir / "uploads"
        self.nginx_dir = self.workdir / "nginx"
        self.http_port = free_port()
        self.https_port = free_port()
        self.env = None
        self.cert = None
        self.gunicorn = None
        self.nginx = None

    @property
    def https(self):
        return f"https://{HOST}:{self.https_port}"

    def tls_context(self):
        return ssl.create_default_context(cafile=str(self.cert))

    def connection(self, scheme="https", timeout=10):
        if scheme == "https":
            return http.client.HTTPSConnection(
                HOST, self.https_port, timeout=timeout, context=self.tls_context()
            )
        return http.client.HTTPConnection(HOST, self.http_port, timeout=timeout)

    def request(self, method, path, headers=None, body=None, scheme="https", timeout=10):
        """One request on a new connection: (status, {lowercased name: value}, body)."""
        connection = self.connection(scheme, timeout)
        try:
            connection.request(method, path, body=body, headers=headers or {})
            response = connection.getresponse()
            data = response.read()
            return response.status, {k.lower(): v for k, v in response.getheaders()}, data
        finally:
            connection.close()

    def manage(self, *args, **kwargs):
        return subprocess.run(
            [sys.executable, "manage.py", *args], cwd=ROOT, env=self.env, check=True,
            capture_output=True, text=True, **kwargs,
        )  # fmt: skip


def render_nginx(stack, upstream=None):
    """deploy/nginx/render with this run's ports and paths: the shipped file, filled in."""
    values = {
        "PICKFRAME_SERVER_NAMES": f"{HOST} 127.0.0.1",
        "PICKFRAME_HTTP_PORT": str(stack.http_port),
        "PICKFRAME_HTTPS_PORT": str(stack.https_port),
        "PICKFRAME_TLS_CERTIFICATE": str(stack.cert),
        "PICKFRAME_TLS_CERTIFICATE_KEY": str(stack.key),
        "PICKFRAME_UPSTREAM": upstream or f"unix:{stack.socket}",
        "PICKFRAME_STATIC_ROOT": str(stack.static_root),
        "PICKFRAME_MEDIA_ROOT": str(stack.media_root),
        "PICKFRAME_CACHE_DIR": str(stack.nginx_dir / "cache"),
    }
    rendered = subprocess.run(
        [str(ROOT / "deploy" / "nginx" / "render")], env={**os.environ, **values},
        check=True, capture_output=True, text=True,
    ).stdout  # fmt: skip
    (stack.nginx_dir / "pickframe.conf").write_text(rendered)
    user = "user www-data;\n" if os.geteuid() == 0 else ""
    conf = stack.nginx_dir / "nginx.conf"
    conf.write_text(NGINX_CONF.format(d=stack.nginx_dir, user=user))
    return conf


def wait_for(check, what, process, log, seconds=60):
    deadline = time.monotonic() + seconds
    while True:
        try:
            if check():
                return
        except OSError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            sys.stderr.write(Path(log).read_text(errors="replace")[-4000:])
            raise RuntimeError(f"{what} did not start")
        time.sleep(0.2)


def unix_socket_answers(path):
    with socket.socket(socket.AF_UNIX) as sock:
        sock.settimeout(2)
        sock.connect(str(path))
        sock.sendall(f"GET /healthz HTTP/1.0\r\nHost: {HOST}\r\n\r\n".encode())
        return sock.recv(12).startswith(b"HTTP/1.")


def start_gunicorn(stack, args=(), conf=None):
    log = stack.workdir / "gunicorn.log"
    command = [sys.executable, "-m", "gunicorn", "config.wsgi", "--log-level", "warning", *args]
    if conf:
        command[3:3] = ["-c", str(conf)]
    with log.open("ab") as out:
        process = subprocess.Popen(command, cwd=ROOT, env=stack.env, stdout=out,
                                   stderr=subprocess.STDOUT, start_new_session=True)  # fmt: skip
    return process, log


def stop(process, sig=signal.SIGTERM, seconds=20):
    if process is None or process.poll() is not None:
        return
    process.send_signal(sig)
    try:
        process.wait(timeout=seconds)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@contextmanager
def running_stack(workdir, extra_env=None, gunicorn_args=(), gunicorn_conf=None, upstream=None):
    """Start gunicorn and nginx in ``workdir``; yield the Stack; stop both.

    ``upstream`` replaces the Unix socket with a TCP address (the benchmark's old
    recipe binds one); the shipped settings come from the environment
    (GUNICORN_BIND, WEB_CONCURRENCY) as in production.
    """
    stack = Stack(workdir)
    os.chmod(stack.workdir, 0o755)  # nginx's workers (www-data) read static files
    stack.nginx_dir.mkdir()
    (stack.nginx_dir / "temp").mkdir()
    stack.cert, stack.key = make_certificate(stack.nginx_dir)
    stack.env = server_env(
        stack.workdir,
        {
            "DJANGO_STATIC_ROOT": str(stack.static_root),
            "DJANGO_MEDIA_ROOT": str(stack.media_root),
            "DJANGO_ALLOWED_HOSTS": f"{HOST},127.0.0.1",
            "DJANGO_CSRF_TRUSTED_ORIGINS": stack.https,
            "GUNICORN_BIND": f"unix:{stack.socket}",
            **(extra_env or {}),
        },
    )
    prepare(stack.workdir, stack.env)
    stack.media_root.mkdir(exist_ok=True)
    conf = render_nginx(stack, upstream)
    nginx = [nginx_binary(), "-p", f"{stack.nginx_dir}/", "-e", f"{stack.nginx_dir}/error.log",
             "-c", str(conf)]  # fmt: skip
    checked = subprocess.run([*nginx, "-t"], capture_output=True, text=True)
    if checked.returncode:
        sys.stderr.write(checked.stderr)
        raise RuntimeError("nginx -t refused the rendered configuration")
    try:
        stack.gunicorn, gunicorn_log = start_gunicorn(stack, gunicorn_args, gunicorn_conf)
        if upstream:
            address, port = upstream.rsplit(":", 1)

            def gunicorn_ready():
                socket.create_connection((address, int(port)), timeout=1).close()
                return True
        else:

            def gunicorn_ready():
                return unix_socket_answers(stack.socket)

        wait_for(gunicorn_ready, "gunicorn", stack.gunicorn, gunicorn_log)
        nginx_log = stack.nginx_dir / "error.log"
        with nginx_log.open("ab") as out:
            stack.nginx = subprocess.Popen(
                nginx, stdout=subprocess.DEVNULL, stderr=out, start_new_session=True
            )

        def nginx_ready():
            status, _, _ = stack.request("GET", "/healthz", timeout=2)
            return status < 500

        wait_for(nginx_ready, "nginx", stack.nginx, nginx_log)
        yield stack
    finally:
        stop(stack.nginx, signal.SIGQUIT)  # graceful: finish what is in flight
        stop(stack.gunicorn)
