"""People, a department robot per platform and a local HTTP server that records robot posts."""

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tests.factories import DepartmentFactory, MembershipFactory, UserFactory
from zhongshu.notify.models import RobotHost, RobotWebhook


class RobotServer:
    """Answers like the platforms do; ``status``/``delay`` per path simulate a broken robot."""

    def __init__(self):
        self.requests: list[dict] = []
        self.status: dict[str, int] = {}
        self.delay: dict[str, float] = {}
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                path = self.path.split("?", 1)[0]
                server.requests.append(
                    {
                        "path": self.path,
                        "json": json.loads(body),
                        "ctype": self.headers["Content-Type"],
                    }
                )
                time.sleep(server.delay.get(path, 0))
                status = server.status.get(path, 200)
                answer = json.dumps({"errcode": 0, "errmsg": "ok"}).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(answer)))
                    self.end_headers()
                    self.wfile.write(answer)
                except OSError:
                    pass

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self.base = f"http://127.0.0.1:{self.port}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def robot_server(settings, db):
    settings.NOTIFY_ROBOT_ALLOW_LOOPBACK = True
    settings.SITE_URL = "https://oa.example.cn"
    RobotHost.objects.get_or_create(host="127.0.0.1")
    server = RobotServer()
    yield server
    server.close()


@pytest.fixture
def dept(unit):
    return DepartmentFactory(unit=unit, name="综合处", code="ZHC")


@pytest.fixture
def alice(unit, dept):
    user = UserFactory(
        unit=unit, username="alice", full_name="Alice", email="alice@example.cn", language="en"
    )
    MembershipFactory(user=user, department=dept)
    return user


@pytest.fixture
def bob(unit, dept):
    user = UserFactory(
        unit=unit, username="bob", full_name="鲍勃", email="bob@example.cn", language="zh-hans"
    )
    MembershipFactory(user=user, department=dept)
    return user


@pytest.fixture
def make_robot(dept, robot_server):
    def _make(kind, path=None, secret="", **extra):
        return RobotWebhook.objects.create(
            department=extra.pop("department", dept),
            kind=kind,
            url=f"{robot_server.base}{path or '/' + kind}?access_token=tok",
            secret=secret,
            **extra,
        )

    return _make
