"""Serve Zhongshu: gunicorn (static files through whitenoise) and the Huey consumer, supervised.

What ``make run`` calls. Either child is restarted if it dies; Ctrl-C or SIGTERM stops both.
"""

import os
import signal
import subprocess
import sys
import time

from django.conf import settings
from django.core.checks import run_checks
from django.core.management.base import BaseCommand, CommandError

from zhongshu.core.checks import production_refusals


class Command(BaseCommand):
    help = "Run the web server and the background worker together."

    def add_arguments(self, parser):
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        parser.add_argument(
            "--workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", "3"))
        )

    def handle(self, *args, host, port, workers, **options):
        if settings.PRODUCTION:
            errors = production_refusals(None) + [
                e for e in run_checks(include_deployment_checks=True) if e.is_serious()
            ]
            if errors:
                for error in errors:
                    self.stderr.write(f"{error.id}: {error.msg}")
                raise CommandError("Production mode refuses to start; fix the errors above.")
        self._announce(host, port)
        if not settings.PRODUCTION and not os.environ.get("SITE_URL"):
            # Links in e-mails and robot messages point at the address actually served.
            shown_host = "127.0.0.1" if host in {"0.0.0.0", "::"} else host  # noqa: S104
            os.environ["SITE_URL"] = f"http://{shown_host}:{port}"
        commands = {
            "web": [
                sys.executable,
                "-m",
                "gunicorn",
                "zhongshu.wsgi:application",
                "--bind",
                f"{host}:{port}",
                "--workers",
                str(workers),
                "--access-logfile",
                "-",
                "--graceful-timeout",
                "10",
                "--timeout",
                "60",
            ],
            "worker": [sys.executable, "manage.py", "run_huey", "--quiet"],
        }
        children: dict[str, subprocess.Popen] = {}
        stopping = False

        def stop(signum, frame):
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        for name, command in commands.items():
            children[name] = subprocess.Popen(command, cwd=settings.BASE_DIR)  # noqa: S603
        restarts = dict.fromkeys(commands, 0)
        try:
            while not stopping:
                time.sleep(1)
                for name, child in list(children.items()):
                    if child.poll() is None or stopping:
                        continue
                    restarts[name] += 1
                    if restarts[name] > 5:
                        raise CommandError(f"The {name} process keeps failing; stopping.")
                    self.stderr.write(f"The {name} process stopped; restarting it.")
                    time.sleep(min(restarts[name], 5))
                    children[name] = subprocess.Popen(commands[name], cwd=settings.BASE_DIR)  # noqa: S603
        finally:
            for child in children.values():
                if child.poll() is None:
                    child.terminate()
            for child in children.values():
                try:
                    child.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    child.kill()
            self.stdout.write("Zhongshu stopped.")

    def _announce(self, host, port):
        from zhongshu.core.models import SystemConfig  # noqa: F401  (database reachable?)

        shown_host = "127.0.0.1" if host in {"0.0.0.0", "::"} else host  # noqa: S104
        lines = [
            "",
            f"Zhongshu is running at http://{shown_host}:{port}/  (mode: {settings.ZHONGSHU_MODE})",
        ]
        if settings.DEMO_MODE:
            from django.contrib.auth import get_user_model

            demo = list(
                get_user_model()
                .objects.filter(is_demo_account=True, is_active=True)
                .order_by("id")
                .values_list("username", "full_name")
            )
            if demo:
                lines.append("Demo accounts (password Zhongshu@2026):")
                lines += [f"  {u:<10} {n}" for u, n in demo]
        if settings.EMAIL_BACKEND.endswith(".filebased.EmailBackend"):
            lines.append(f"E-mails are kept in {settings.EMAIL_FILE_PATH} (set EMAIL_URL to send).")
        lines.append("Press Ctrl-C to stop.")
        lines.append("")
        self.stdout.write("\n".join(lines))
