"""Fixtures and helpers shared by the drafting, list, page and version tests (issue 4)."""

import json
import uuid

import pytest
from django.utils import timezone

from tests.documents.factories import OutgoingDocumentFactory, office_clerk  # noqa: F401
from tests.factories import DepartmentFactory, MembershipFactory, UserFactory
from zhongshu.core.models import Classification
from zhongshu.documents import rules, services
from zhongshu.documents.models import DocumentVersion, Organ
from zhongshu.workflow import services as workflow
from zhongshu.workflow.models import AssigneeRule

TITLE = "关于申请食品安全抽检专项经费的请示"


@pytest.fixture
def org(unit, office):
    """业务科 with its head and a drafter, a colleague of the same department who takes no part,
    the unit's principal, and the finance department (asked to countersign)."""
    business = DepartmentFactory(unit=unit, name="食品生产监管科", code="SPSC")
    finance = DepartmentFactory(unit=unit, name="计划财务科", code="JHCW")
    people = {
        "drafter": UserFactory(unit=unit, username="drafter", full_name="黄晓明"),
        "head": UserFactory(unit=unit, username="head", full_name="周科长"),
        "colleague": UserFactory(unit=unit, username="colleague", full_name="吴同事"),
        "principal": UserFactory(unit=unit, username="principal", full_name="陈局长"),
    }
    for name in ("drafter", "head", "colleague"):
        MembershipFactory(user=people[name], department=business)
    business.head = people["head"]
    business.save()
    # Every department has a head, so a route through "the drafting department's head" is valid.
    people["finance_head"] = UserFactory(unit=unit, username="financehead", full_name="钱科长")
    MembershipFactory(user=people["finance_head"], department=finance)
    finance.head = people["finance_head"]
    finance.save()
    people["office_head"] = UserFactory(unit=unit, username="officehead", full_name="刘主任")
    MembershipFactory(user=people["office_head"], department=office)
    office.head = people["office_head"]
    office.save()
    unit.principal = people["principal"]
    unit.save()
    people["business"], people["finance"] = business, finance
    return people


@pytest.fixture
def route(unit, org, org_manager):
    """核稿 by the drafting department's head, then 签发 by the principal."""
    return workflow.route_create(
        actor=org_manager,
        unit=unit,
        kind=rules.SUBJECT_KIND,
        name="发文",
        steps=[
            {"name": "核稿", "rule": AssigneeRule.SUBMITTER_DEPARTMENT_HEAD},
            {"name": "签发", "rule": AssigneeRule.PRINCIPAL},
        ],
    )


@pytest.fixture
def organ(unit):
    return Organ.objects.create(unit=unit, name="市财政局", short_name="财政局", relation="peer")


def make_document(org, **kwargs):
    """A draft of the organisation's drafter with its first version, as the service writes it."""
    kwargs.setdefault("drafter", org["drafter"])
    kwargs.setdefault("department", org["business"])
    document = OutgoingDocumentFactory(**kwargs)
    content = services.content_of(document)
    DocumentVersion.objects.create(
        document=document,
        number=1,
        content=content,
        sha256=services.content_hash(content),
        stage=document.state,
        reason="First draft",
        created_at=timezone.now(),
        created_by=document.drafter,
    )
    services.reindex(document)
    return document


def secret_settings(settings):
    settings.CLASSIFIED_NETWORK = True


def form_data(**overrides) -> dict:
    """A complete, valid drafting form for a 请示, as the browser sends it with the editor on."""
    data = {
        "idempotency_key": uuid.uuid4().hex,
        "kind": "request",
        "layout": "file",
        "direction": "",
        "classification": str(Classification.PUBLIC),
        "secrecy_period": "",
        "urgency": "0",
        "issuers": "市食品药品监督管理局",
        "title": TITLE,
        "main_recipients_other": "市人民政府",
        "cc_recipients_other": "",
        "forwarded_title": "",
        "body": "",
        "body_json": json.dumps(
            [
                {"level": 0, "text": "为做好今年食品安全抽检工作，现将有关事项请示如下。"},
                {"level": 1, "text": "一、经费需求"},
                {"level": 0, "text": "共需经费三十万元。"},
            ],
            ensure_ascii=False,
        ),
        "attachment_names": "",
        "note": "",
        "printed_by": "市食品药品监督管理局办公室",
        "present": "",
        "absent": "",
        "attending": "",
        "disclosure": "public",
        "disclosure_reason": "",
    }
    data.update(overrides)
    return data


def service_data(**overrides) -> dict:
    """What the form hands the services for :func:`form_data` (for writing through them)."""
    data = form_data(direction="up")
    data["body"] = json.loads(data.pop("body_json"))
    data["main_recipients"] = [{"name": data.pop("main_recipients_other")}]
    data.update(overrides)
    return data
