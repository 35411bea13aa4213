# ruff: noqa: F811  (pytest fixtures imported from the support module)
"""The office's directory of external organs, offered as addressees in the drafting form."""

import pytest
from django.urls import reverse

from tests.documents.drafting_support import office_clerk, org, organ  # noqa: F401  (fixtures)
from tests.factories import UnitFactory
from zhongshu.core.models import AuditEvent
from zhongshu.documents.models import Organ

LIST = reverse("documents:organ_list")
CREATE = reverse("documents:organ_create")


def test_the_office_lists_and_adds_organs(client, login_as, office_clerk, organ):
    login_as(office_clerk)

    page = client.get(LIST)
    response = client.post(
        CREATE,
        {
            "name": " 省食品药品监督管理局 ",
            "short_name": "省局",
            "relation": "superior",
            "sort_order": 1,
            "active": "on",
        },
    )

    assert page.status_code == 200 and "市财政局" in page.content.decode()
    assert response.status_code == 302
    added = Organ.objects.get(name="省食品药品监督管理局")
    assert (added.short_name, added.relation, added.active) == ("省局", "superior", True)
    assert added.unit_id == office_clerk.unit_id
    assert AuditEvent.objects.filter(
        action="documents.organ_created", object_id=str(added.pk)
    ).exists()


def test_a_duplicate_name_is_refused(client, login_as, office_clerk, organ):
    login_as(office_clerk)

    response = client.post(CREATE, {"name": "市财政局", "relation": "peer", "sort_order": 0})

    assert response.status_code == 400
    assert "already holds an organ of this name" in response.content.decode()
    assert Organ.objects.count() == 1


def test_the_office_edits_an_organ_and_a_stale_edit_is_412(client, login_as, office_clerk, organ):
    login_as(office_clerk)
    url = reverse("documents:organ_edit", args=[organ.pk])
    data = {
        "name": "市财政局",
        "short_name": "市财政",
        "relation": "peer",
        "sort_order": 2,
        "active": "on",
        "version": organ.version,
    }

    saved = client.post(url, data)
    stale = client.post(url, {**data, "short_name": "旧的"})

    assert saved.status_code == 302
    assert stale.status_code == 412
    organ.refresh_from_db()
    assert organ.short_name == "市财政" and organ.sort_order == 2


def test_a_deactivated_organ_is_no_longer_offered(client, login_as, office_clerk, org, organ):
    login_as(office_clerk)

    response = client.post(
        reverse("documents:organ_deactivate", args=[organ.pk]), {"version": organ.version}
    )

    assert response.status_code == 302
    organ.refresh_from_db()
    assert organ.active is False
    login_as(org["drafter"])
    form = client.get(reverse("documents:create")).context["form"]
    assert f"o:{organ.pk}" not in form.directory_names


@pytest.mark.parametrize("who", ["staff", "org_manager", "sysadmin"])
def test_only_the_office_keeps_the_directory(request, client, login_as, organ, who):
    login_as(request.getfixturevalue(who))

    assert client.get(LIST).status_code == 403
    assert (
        client.post(CREATE, {"name": "新机关", "relation": "peer", "sort_order": 0}).status_code
        == 403
    )
    assert client.get(reverse("documents:organ_edit", args=[organ.pk])).status_code == 404
    response = client.post(
        reverse("documents:organ_deactivate", args=[organ.pk]), {"version": organ.version}
    )
    assert response.status_code == 404
    organ.refresh_from_db()
    assert organ.active is True and Organ.objects.count() == 1


def test_another_units_organ_is_404(client, login_as, office_clerk):
    theirs = Organ.objects.create(unit=UnitFactory(), name="外单位的机关")
    login_as(office_clerk)

    assert client.get(reverse("documents:organ_edit", args=[theirs.pk])).status_code == 404
    assert "外单位的机关" not in client.get(LIST).content.decode()
