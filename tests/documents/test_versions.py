# ruff: noqa: F811  (pytest fixtures imported from the support module)
"""Versions of a document and the comparison of any two, changes highlighted (issue 4 item 2)."""

from django.urls import reverse

from tests.documents.drafting_support import (  # noqa: F401  (fixtures)
    office_clerk,
    org,
    service_data,
)
from zhongshu.documents import diff, services
from zhongshu.documents.models import DocumentVersion

BODY = [
    {"level": 0, "text": "为做好抽检工作，现请示如下。"},
    {"level": 1, "text": "一、经费需求"},
    {"level": 0, "text": "共需经费三十万元。"},
    {"level": 0, "text": "此段将被删除。"},
]


def _three_versions(org):
    """v1 the first draft; v2 a new title and a changed, a removed and an added paragraph; v3
    a heading level changed."""
    actor = org["drafter"]
    document = services.draft_create(actor=actor, data=service_data(body=BODY))
    body2 = [
        BODY[0],
        BODY[1],
        {"level": 0, "text": "共需经费三十五万元。"},
        {"level": 0, "text": "请予批准。"},
    ]
    document = services.draft_update(
        actor=actor,
        document=document,
        expected_version=document.version,
        data=service_data(title="关于申请抽检经费的请示", body=body2),
        reason="调整经费",
    )
    body3 = [body2[0], {"level": 2, "text": "一、经费需求"}, *body2[2:]]
    document = services.draft_update(
        actor=actor,
        document=document,
        expected_version=document.version,
        data=service_data(title="关于申请抽检经费的请示", body=body3),
    )
    return document


def test_the_versions_are_listed_with_stage_author_time_and_reason(client, login_as, org):
    document = _three_versions(org)
    login_as(org["drafter"])

    response = client.get(reverse("documents:versions", args=[document.pk]))

    assert response.status_code == 200
    versions = response.context["versions"]
    assert [v.number for v in versions] == [3, 2, 1]
    assert [v.reason for v in versions] == ["", "调整经费", "First draft"]
    html = response.content.decode()
    assert "Drafting" in html and "黄晓明" in html
    assert (response.context["a"], response.context["b"]) == (2, 3)


def test_comparing_two_versions_highlights_the_changes(client, login_as, org):
    document = _three_versions(org)
    login_as(org["drafter"])

    response = client.get(reverse("documents:compare", args=[document.pk]), {"a": 1, "b": 2})

    assert response.status_code == 200
    changed = {row.name: row for row in response.context["changed"]}
    assert set(changed) == {"title", "body"}
    assert str(changed["title"].html) == (
        "关于申请<del>食品安全</del>抽检<del>专项</del>经费的请示"
    )
    body = changed["body"].items
    assert [item.status for item in body] == ["equal", "equal", "changed", "changed"]
    assert str(body[2].html) == "共需经费三十<ins>五</ins>万元。"
    assert "<del>此段将被删除</del>" in str(body[3].html)
    html = response.content.decode()
    assert "<del>食品安全</del>" in html and "<ins>五</ins>" in html


def test_a_changed_heading_level_is_shown(client, login_as, org):
    document = _three_versions(org)
    login_as(org["drafter"])

    response = client.get(reverse("documents:compare", args=[document.pk]), {"a": 2, "b": 3})

    [row] = response.context["changed"]
    moved = [item for item in row.items if item.level_changed]
    assert len(moved) == 1
    assert (moved[0].level_old, moved[0].level_new) == (1, 2)
    assert "Heading 1 (一、) → Heading 2 (（一）)" in response.content.decode()


def test_comparison_defaults_to_the_last_two_versions_and_unknown_ones_are_404(
    client, login_as, org
):
    document = _three_versions(org)
    login_as(org["drafter"])
    url = reverse("documents:compare", args=[document.pk])

    default = client.get(url)
    unknown = client.get(url, {"a": 1, "b": 9})
    garbage = client.get(url, {"a": "x' or 1=1", "b": "3"})

    assert (default.context["old"].number, default.context["new"].number) == (2, 3)
    assert unknown.status_code == 404
    assert garbage.status_code == 200
    assert (garbage.context["old"].number, garbage.context["new"].number) == (2, 3)


def test_the_same_version_twice_has_no_changes(client, login_as, org):
    document = _three_versions(org)
    login_as(org["drafter"])

    response = client.get(reverse("documents:compare", args=[document.pk]), {"a": 2, "b": 2})

    assert response.context["changed"] == []
    assert "The two versions have the same text." in response.content.decode()


def test_the_office_compares_too_and_saving_the_same_text_adds_no_version(
    client, login_as, org, office_clerk
):
    document = services.draft_create(actor=org["drafter"], data=service_data())
    services.draft_update(
        actor=org["drafter"],
        document=document,
        expected_version=document.version,
        data=service_data(important=True),
    )
    login_as(office_clerk)

    response = client.get(reverse("documents:versions", args=[document.pk]))

    assert response.status_code == 200
    assert DocumentVersion.objects.filter(document=document).count() == 1


# --- diff.py --------------------------------------------------------------------------------------


def test_marks_are_character_level_and_escaped():
    html = diff.mark("<b>甲乙</b>", "<b>甲丙</b>")

    assert str(html) == "&lt;b&gt;甲<del>乙</del><ins>丙</ins>&lt;/b&gt;"


def test_unchanged_text_is_escaped_without_marks():
    assert str(diff.mark("a & b", "a & b")) == "a &amp; b"


def test_list_items_are_aligned_before_they_are_compared():
    items = diff.diff_items(["甲", "乙", "丙"], ["甲", "新", "乙", "丙改"])

    assert [(i.status, str(i.html)) for i in items] == [
        ("equal", "甲"),
        ("inserted", "<ins>新</ins>"),
        ("equal", "乙"),
        ("changed", "丙<ins>改</ins>"),
    ]


def test_removed_items_are_kept_in_place():
    items = diff.diff_items(["甲", "乙", "丙"], ["甲", "丙"])

    assert [(i.status, str(i.html)) for i in items] == [
        ("equal", "甲"),
        ("deleted", "<del>乙</del>"),
        ("equal", "丙"),
    ]


def test_compare_covers_every_text_field_with_labels():
    old = {"kind": "request", "urgency": 0, "main_recipients": [{"name": "市政府"}]}
    new = {"kind": "report", "urgency": 1, "main_recipients": [{"name": "市人民政府"}]}

    rows = {row.name: row for row in diff.compare(old, new)}

    assert len(rows) == 18
    assert rows["kind"].changed and "<del>" in str(rows["kind"].html)
    assert rows["urgency"].changed
    assert str(rows["main_recipients"].items[0].html) == "市<ins>人民</ins>政府"
    assert rows["title"].changed is False
    assert str(rows["title"].label) == "title"


def test_long_paragraphs_are_compared_quickly():
    old = "甲" * 5000
    new = "乙" * 2500 + "甲" * 2500

    html = str(diff.mark(old, new))

    assert html.count("<ins>") >= 1 and html.count("<del>") >= 1
