from django.urls import reverse

from zhongshu.core import badges, navigation


def test_badges_are_registered_by_modules_and_capped(client, staff, login_as):
    badges.register(
        "test-inbox", label="Inbox", icon="inbox", url_name="core:home", count=lambda u: 120
    )
    try:
        login_as(staff)
        html = client.get(reverse("core:home")).content.decode()
        assert "99+" in html
    finally:
        badges._registry.pop("test-inbox")


def test_navigation_shows_only_what_the_user_may_use(staff, org_manager, auditor):
    def keys(user):
        return {e.key for g in navigation.entries_for(user) for e in g["entries"]}

    assert "org" not in keys(staff)
    assert "org" in keys(org_manager)
    assert keys(auditor) == {"audit"}


def test_shell_renders_at_phone_width_markup(client, staff, login_as):
    login_as(staff)
    html = client.get(reverse("core:home")).content.decode()
    assert 'name="viewport" content="width=device-width, initial-scale=1"' in html
    assert 'data-bs-target="#sidenav"' in html  # the drawer toggle
