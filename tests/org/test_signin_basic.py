from django.urls import reverse

from tests.factories import PASSWORD, UserFactory
from zhongshu.core.models import AuditEvent
from zhongshu.org.signin import SIGN_IN_FAILED


def test_sign_in_by_user_name_and_by_mobile(client, unit):
    user = UserFactory(unit=unit, username="wangwu", mobile="13800000001")
    response = client.post(reverse("org:login"), {"username": "wangwu", "password": PASSWORD})
    assert response.status_code == 302
    assert response.url == reverse("core:home")
    client.post(reverse("org:logout"))
    response = client.post(reverse("org:login"), {"username": "13800000001", "password": PASSWORD})
    assert response.status_code == 302
    assert AuditEvent.objects.filter(action="auth.login", actor=user).count() == 2


def test_wrong_password_shows_translated_message(client, unit):
    UserFactory(unit=unit, username="wangwu")
    response = client.post(reverse("org:login"), {"username": "wangwu", "password": "nope"})
    assert response.status_code == 200
    assert str(SIGN_IN_FAILED) in response.content.decode()
    assert AuditEvent.objects.filter(action="auth.login_failed").count() == 1


def test_home_renders_for_signed_in_user(client, staff, login_as):
    login_as(staff)
    response = client.get(reverse("core:home"))
    assert response.status_code == 200
    assert "王小明" in response.content.decode()
