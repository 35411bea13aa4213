"""Settings from the environment and the production refusals (issue 2, items 1–2, bad input)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tests.factories import UserFactory
from zhongshu.core.checks import production_refusals

ROOT = Path(__file__).resolve().parent.parent


def run_settings(env: dict, code: str = "from django.conf import settings; settings.DATABASES"):
    full_env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "ZHONGSHU_MODE"}}
    full_env.update({"DJANGO_SETTINGS_MODULE": "zhongshu.settings", **env})
    return subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=ROOT,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_unknown_database_url_scheme_is_refused_with_a_clear_message():
    result = run_settings({"DATABASE_URL": "mysql://root@localhost/zs", "ZHONGSHU_MODE": "demo"})
    assert result.returncode != 0
    assert "DATABASE_URL scheme 'mysql' is not supported" in result.stderr


def test_production_without_secret_key_is_refused():
    env = {"ZHONGSHU_MODE": "production", "SECRET_KEY": ""}
    result = run_settings(env)
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_production_with_debug_is_refused():
    env = {"ZHONGSHU_MODE": "production", "SECRET_KEY": "x" * 64, "DEBUG": "1"}
    result = run_settings(env)
    assert result.returncode != 0
    assert "DEBUG must be off" in result.stderr


def test_unknown_mode_is_refused():
    result = run_settings({"ZHONGSHU_MODE": "staging"})
    assert result.returncode != 0
    assert "ZHONGSHU_MODE must be" in result.stderr


def test_without_email_url_mails_are_kept_as_files_in_var(tmp_path):
    """`make run` prints the demo accounts; the demo's notifications must not bury them."""
    code = (
        "from django.conf import settings; print(settings.EMAIL_BACKEND, settings.EMAIL_FILE_PATH)"
    )
    env = {"ZHONGSHU_MODE": "demo", "EMAIL_URL": "", "ZHONGSHU_VAR_DIR": str(tmp_path)}
    result = run_settings(env, code)
    assert result.returncode == 0, result.stderr
    backend, path = result.stdout.split()
    assert backend == "django.core.mail.backends.filebased.EmailBackend"
    assert path == str(tmp_path / "mail")


def test_short_audit_retention_is_refused():
    result = run_settings({"ZHONGSHU_MODE": "demo", "AUDIT_RETENTION_DAYS": "180"})
    assert result.returncode != 0
    assert "AUDIT_RETENTION_DAYS must be at least 184" in result.stderr


def test_postgres_url_configures_persistent_checked_connections():
    code = (
        "from django.conf import settings; d = settings.DATABASES['default'];"
        "print(d['ENGINE'], d['CONN_MAX_AGE'], d['CONN_HEALTH_CHECKS'], d['NAME'])"
    )
    result = run_settings(
        {"DATABASE_URL": "postgres://u:p@db.example:5432/zs", "ZHONGSHU_MODE": "demo"}, code
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["django.db.backends.postgresql", "600", "True", "zs"]


def test_postgres_prices_random_reads_for_ssd_unless_told_otherwise():
    code = "from django.conf import settings; print(settings.DATABASES['default']['OPTIONS'])"
    url = {"DATABASE_URL": "postgres://u:p@db.example:5432/zs", "ZHONGSHU_MODE": "demo"}

    default = run_settings(url, code)
    chosen = run_settings({**url, "PG_RANDOM_PAGE_COST": "2"}, code)
    server = run_settings({**url, "PG_RANDOM_PAGE_COST": ""}, code)

    assert "-c random_page_cost=1.1" in default.stdout
    assert "-c random_page_cost=2.0" in chosen.stdout
    assert "random_page_cost" not in server.stdout


def test_redis_url_puts_huey_on_redis():
    code = "from django.conf import settings; print(settings.HUEY['huey_class'])"
    result = run_settings({"REDIS_URL": "redis://127.0.0.1:6379/0", "ZHONGSHU_MODE": "demo"}, code)
    assert result.stdout.strip() == "huey.RedisHuey"
    result = run_settings({"REDIS_URL": "", "ZHONGSHU_MODE": "demo"}, code)
    assert result.stdout.strip() == "huey.SqliteHuey"


def test_sqlite_default_uses_wal_and_immediate_transactions(settings):
    options = settings.DATABASES["default"].get("OPTIONS", {})
    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3":
        pytest.skip("SQLite only")
    assert options["transaction_mode"] == "IMMEDIATE"
    assert "journal_mode=WAL" in options["init_command"]


def test_production_refuses_demo_accounts_and_superusers(db, settings, unit):
    settings.PRODUCTION = True
    settings.SECRET_KEY_GENERATED = False
    assert production_refusals(None) == []
    UserFactory(unit=unit, is_demo_account=True)
    UserFactory(unit=unit, is_superuser=True)
    ids = sorted(error.id for error in production_refusals(None))
    assert ids == ["zhongshu.E002", "zhongshu.E003"]


def test_serve_refuses_to_start_in_production_with_demo_accounts(db, settings, unit):
    settings.PRODUCTION = True
    settings.SECRET_KEY_GENERATED = False
    UserFactory(unit=unit, is_demo_account=True)
    with pytest.raises(CommandError, match="Production mode refuses to start"):
        call_command("serve", "--port", "0")


def test_seed_demo_is_idempotent_and_refused_in_production(db, settings):
    from zhongshu.org.models import Department, Membership, User

    call_command("seed_demo")
    counts = (User.objects.count(), Department.objects.count(), Membership.objects.count())
    call_command("seed_demo")
    assert (User.objects.count(), Department.objects.count(), Membership.objects.count()) == counts
    assert counts[0] >= 60
    demo = set(User.objects.filter(is_demo_account=True).values_list("username", flat=True))
    assert demo == {
        "director",
        "deputy1",
        "office",
        "clerk",
        "head1",
        "staff1",
        "sysadmin",
        "secadmin",
        "auditor",
    }
    settings.PRODUCTION = True
    with pytest.raises(CommandError):
        call_command("seed_demo")


def test_seed_demo_if_empty_leaves_an_existing_organisation_alone(db, unit):
    from zhongshu.org.models import User

    call_command("seed_demo", "--if-empty")
    assert not User.objects.filter(username="director").exists()


def test_create_administrators_makes_three_with_single_use_passwords(db, capsys):
    from zhongshu.org.models import User

    call_command("create_administrators", "--unit", "某某局", "--unit-code", "X1")
    out = capsys.readouterr().out
    admins = User.objects.exclude(admin_role="").order_by("admin_role")
    assert [a.admin_role for a in admins] == ["auditor", "secadmin", "sysadmin"]
    assert all(a.must_change_password and a.initial_password_expires_at for a in admins)
    assert "sysadmin" in out
    with pytest.raises(CommandError):
        call_command("create_administrators")
