"""The top-bar search page, now served by the full-text search's grouped provider."""

from django.urls import reverse

from tests.factories import DepartmentFactory, UserFactory
from zhongshu.core import search as top_bar


def test_search_app_replaces_orgs_providers_with_one_grouped_provider(db):
    assert "fulltext" in top_bar._providers
    assert "people" not in top_bar._providers and "departments" not in top_bar._providers


def test_staff_see_grouped_results_with_highlights(client, login_as, unit, memos, staff):
    UserFactory(unit=unit, full_name="周食品", username="zhou")
    department = DepartmentFactory(unit=unit, name="食品科")
    memos.add(DepartmentFactory(unit=unit), "<i>食品</i>抽检通知", "本周完成食品抽检。")
    login_as(staff)

    response = client.get(reverse("core:search"), {"q": "食品"})

    html = response.content.decode()
    assert response.status_code == 200
    assert html.index(">People") < html.index(">Departments") < html.index(">Memos")
    assert 'href="/directory/?q=zhou"' in html and "周食品" in html
    assert f"department={department.pk}" in html and "食品科" in html
    assert "&lt;i&gt;<mark>食品</mark>&lt;/i&gt;抽检通知" in html
    assert "本周完成<mark>食品</mark>抽检。" in html
    assert "<i>食品</i>" not in html


def test_the_three_administrators_get_403(
    client, login_as, unit, memos, sysadmin, secadmin, auditor
):
    memos.add(DepartmentFactory(unit=unit), "食品抽检通知")
    for admin in (sysadmin, secadmin, auditor):
        login_as(admin)
        response = client.get(reverse("core:search"), {"q": "食品"})
        assert response.status_code == 403
        assert "食品抽检通知" not in response.content.decode()
