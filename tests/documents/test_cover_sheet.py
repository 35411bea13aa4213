"""The 发文稿纸: the document's particulars and every opinion in route order, as a printable page
and as a PDF (issue 4 §8; views_output.cover_sheet, output.opinions)."""

import datetime

import pytest
from django.urls import reverse

from tests.conftest import login
from tests.documents import factories
from tests.documents.test_output import ISSUER, REQUEST_TITLE, pdf_text, request_document
from tests.factories import DepartmentFactory, MembershipFactory, UserFactory
from tests.workflow.helpers import open_item
from zhongshu.core.models import AuditEvent, Classification
from zhongshu.documents import output, rules
from zhongshu.documents.models import OutgoingDocument, State
from zhongshu.workflow import services as workflow
from zhongshu.workflow.models import AssigneeRule

pytestmark = pytest.mark.django_db
office_clerk = factories.office_clerk

STEPS = ("核稿", "会签", "审核", "签发")


@pytest.fixture
def people(unit, office_clerk):
    drafting = DepartmentFactory(unit=unit, name="食品安全监管科", code="SPK")
    finance = DepartmentFactory(unit=unit, name="计划财务科", code="CWK")
    p = {
        "drafting": drafting,
        "drafter": UserFactory(unit=unit, username="drafter", full_name="李拟稿"),
        "head": UserFactory(unit=unit, username="head", full_name="周科长"),
        "finance": UserFactory(unit=unit, username="finance", full_name="吴财务"),
        "office": office_clerk,
        "director": UserFactory(unit=unit, username="director", full_name="王局长"),
        "colleague": UserFactory(unit=unit, username="colleague", full_name="郑同事"),
    }
    MembershipFactory(user=p["drafter"], department=drafting)
    MembershipFactory(user=p["head"], department=drafting)
    MembershipFactory(user=p["colleague"], department=drafting)
    MembershipFactory(user=p["finance"], department=finance)
    MembershipFactory(user=p["director"], department=drafting)
    unit.principal = p["director"]  # signs the 请示 (条例 §20)
    unit.save(update_fields=["principal"])
    return p


@pytest.fixture
def route(unit, org_manager, people):
    """拟稿 → 核稿 → 会签 → 审核 → 签发, one named person a step."""
    who = (people["head"], people["finance"], people["office"], people["director"])
    return workflow.route_create(
        actor=org_manager,
        unit=unit,
        kind=rules.SUBJECT_KIND,
        name="发文",
        steps=[
            {"name": name, "rule": AssigneeRule.PERSON, "person": person}
            for name, person in zip(STEPS, who, strict=True)
        ],
    )


OPINIONS = (
    ("head", "请办公室审核。"),
    ("finance", "经费已列入预算，同意。"),
    ("office", "文种、格式符合要求。"),
    ("director", "同意，签发。"),
)


@pytest.fixture
def approved(route, people):
    """A 请示 that went the whole route, with an opinion at each step."""
    document = request_document(people["drafter"], people["drafting"])
    run = workflow.run_start(actor=people["drafter"], subject=document)
    for who, opinion in OPINIONS:
        person = people[who]
        workflow.decide(
            actor=person, item=open_item(run, person), decision="approve", opinion=opinion
        )
    document.refresh_from_db()
    return document


def test_the_opinions_come_in_route_order(approved, people):
    groups = output.opinions(approved)

    assert [g["name"] for g in groups] == list(STEPS)
    assert [(e.actor, e.opinion) for g in groups for e in g["rows"]] == [
        (people[who], text) for who, text in OPINIONS
    ]


def test_the_opinions_take_a_query_per_run_and_one_for_the_runs(
    approved, django_assert_num_queries
):
    with django_assert_num_queries(2):
        output.opinions(approved)


def test_the_drafter_sees_the_sheet_with_every_opinion_in_order(client, approved, people):
    login(client, people["drafter"])

    response = client.get(reverse("documents:cover_sheet", args=[approved.pk]))

    assert response.status_code == 200
    html = response.content.decode()
    positions = [html.index(f'<th scope="row">{name}</th>') for name in STEPS]
    assert positions == sorted(positions)
    texts = [html.index(text) for _, text in OPINIONS]
    assert texts == sorted(texts)
    assert positions[0] < texts[0] and positions[-1] < texts[-1]
    for who in ("head", "finance", "office", "director"):
        assert people[who].full_name in html
    assert REQUEST_TITLE in html
    assert "食品安全监管科" in html and "李拟稿" in html  # drafting department and drafter
    assert ISSUER in html
    assert 'href="/static/documents/cover_sheet.css"' in html
    assert "style=" not in html  # CSP: no inline styles


def test_the_sheet_shows_number_classification_and_urgency(client, unit, people):
    document = request_document(
        people["drafter"],
        people["drafting"],
        classification=Classification.SECRET,
        secrecy_period="1年",
        urgency=2,
        doc_number="市食药监发〔2026〕5号",
        issued_on=datetime.date(2026, 3, 2),
        state=State.REGISTERED,
    )
    people["drafter"].clearance = Classification.SECRET
    people["drafter"].save()
    login(client, people["drafter"])

    response = client.get(reverse("documents:cover_sheet", args=[document.pk]))

    html = response.content.decode()
    assert "市食药监发〔2026〕5号" in html
    assert "秘密★1年" in html
    assert "特急" in html
    assert "Not submitted for approval yet." in html
    event = AuditEvent.objects.get(action="documents.read")
    assert (event.classification, event.detail) == (Classification.SECRET, {"as": "cover_sheet"})


def test_a_step_holder_sees_the_sheet_and_a_colleague_not_involved_does_not(
    client, approved, people
):
    url = reverse("documents:cover_sheet", args=[approved.pk])

    assert login(client, people["finance"]).get(url).status_code == 200
    assert login(client, people["colleague"]).get(url).status_code == 404


def test_above_the_readers_clearance_the_sheet_is_404(client, people):
    drafter = people["drafter"]
    drafter.clearance = Classification.SECRET
    drafter.save()
    document = request_document(
        drafter, people["drafting"], classification=Classification.SECRET, secrecy_period="1年"
    )
    OutgoingDocument.objects.filter(pk=document.pk).update(drafter=people["head"])
    drafter.clearance = Classification.INTERNAL
    drafter.save()
    login(client, people["head"])  # the drafter of record now, cleared for 内部 only

    response = client.get(reverse("documents:cover_sheet", args=[document.pk]))

    assert response.status_code == 404
    assert not AuditEvent.objects.filter(action="documents.read").exists()


def test_the_sheet_as_a_pdf(client, approved, people, caplog):
    login(client, people["drafter"])

    with caplog.at_level("WARNING", logger="weasyprint"):
        response = client.get(reverse("documents:cover_sheet_pdf", args=[approved.pk]))

    # The phone layout's @media screen rules are left out of the PDF, not warned about.
    assert not [r for r in caplog.records if r.name.startswith("weasyprint")]

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("attachment; ")
    text = "".join(pdf_text(b"".join(response.streaming_content)))
    assert REQUEST_TITLE in text
    assert [text.index(t) for _, t in OPINIONS] == sorted(text.index(t) for _, t in OPINIONS)


def test_the_print_rules_leave_out_only_the_screen_blocks():
    css = (
        ".a { color: red; }\n"
        "@media screen and (max-width: 575.98px) {\n  .b { x: 1; }\n  .c { y: 2; }\n}\n"
        "@media print { @page { size: A4; } .d { z: 3; } }\n"
        "@media screen and (max-width: 10px) { .e { w: 4; } }"
    )
    assert output._print_rules(css) == (
        ".a { color: red; }\n\n@media print { @page { size: A4; } .d { z: 3; } }\n"
    )
