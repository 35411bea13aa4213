# ruff: noqa: F811  (pytest fixtures imported from the support modules)
"""Internal memos (签报 / 呈批件; issue 5 item 10) through the services: 核稿 by the department's
head → 审核 by the office → 批办 by the leader in charge → 审批 by the principal where needed →
back to the department, and a document drafted from it."""

import pytest
from django.core.exceptions import ValidationError

from tests.documents.drafting_support import office_clerk, org, service_data  # noqa: F401
from tests.documents.incoming_support import leaders  # noqa: F401
from tests.documents.memo_support import (  # noqa: F401
    decide,
    draft,
    fresh,
    item_of,
    memo_org,
    submitted,
)
from zhongshu.core.models import AuditEvent, Classification, StaleVersionError
from zhongshu.documents import selectors_memo, services, services_memo
from zhongshu.documents.models import MemoState
from zhongshu.documents.services import DocumentError
from zhongshu.notify.models import Notification
from zhongshu.workflow import services as workflow

pytestmark = pytest.mark.django_db


def test_a_memo_goes_from_the_head_to_the_office_to_the_leader_and_back(memo_org):
    people = memo_org
    memo = draft(people)
    assert memo.state == MemoState.DRAFT and memo.number == ""
    memo = services_memo.memo_submit(
        actor=people["drafter"], memo=memo, expected_version=memo.version
    )
    assert memo.number.startswith("签报〔") and memo.serial == 1
    assert memo.state == MemoState.CHECKING
    memo = decide(people["head"], memo, opinion="情况属实，拟同意。")
    assert memo.state == MemoState.REVIEWING
    memo = decide(people["office_head"], memo, opinion="请李副局长审批。")
    assert memo.state == MemoState.INSTRUCTING
    memo = decide(people["deputy"], memo, opinion="同意。请控制规模。")
    # No principal needed: 审批 is skipped and the memo is decided.
    assert memo.state == MemoState.APPROVED
    assert memo.decided_by == people["deputy"] and memo.decision == "同意。请控制规模。"
    # Back to the department: the drafter (the engine) and the head hear of it.
    told = set(
        Notification.objects.filter(event="work.decided").values_list("recipient", flat=True)
    )
    assert {people["drafter"].pk, people["head"].pk} <= told
    actions = set(
        AuditEvent.objects.filter(object_id=str(memo.pk)).values_list("action", flat=True)
    )
    assert {"documents.memo_drafted", "documents.memo_submitted", "documents.memo_decided"} <= (
        actions
    )
    # The sheet holds every opinion in its part.
    sheet = selectors_memo.sheet(memo)
    assert [e.opinion for e in sheet["check"]] == ["情况属实，拟同意。"]
    assert [e.opinion for e in sheet["review"]] == ["请李副局长审批。"]
    assert [e.opinion for e in sheet["instructions"]] == ["同意。请控制规模。"]


def test_the_leader_sends_it_on_to_the_principal_who_refuses_it(memo_org):
    people = memo_org
    memo = submitted(people)
    memo = decide(people["head"], memo)
    memo = decide(people["office_head"], memo)
    rights = services_memo.routing_rights(people["deputy"], memo)
    assert rights == {"leader": False, "principal": True}
    services_memo.memo_route_to(
        actor=people["deputy"], memo=memo, expected_version=memo.version, needs_principal=True
    )
    memo = decide(people["deputy"], fresh(memo), opinion="拟同意，请陈局长审定。")
    assert memo.state == MemoState.DECIDING
    memo = decide(people["principal"], memo, decision="reject", opinion="今年不再安排。")
    assert memo.state == MemoState.REJECTED
    assert memo.decided_by == people["principal"] and memo.decision == "今年不再安排。"
    sheet = selectors_memo.sheet(memo)
    assert [e.opinion for e in sheet["instructions"]] == [
        "拟同意，请陈局长审定。",
        "今年不再安排。",
    ]


def test_a_memo_marked_for_the_principal_by_its_drafter_goes_to_the_principal(memo_org):
    people = memo_org
    memo = submitted(people, needs_principal=True)
    for person in ("head", "office_head", "deputy"):
        memo = decide(people[person], memo)
    assert memo.state == MemoState.DECIDING
    memo = decide(people["principal"], memo, opinion="同意")
    assert memo.state == MemoState.APPROVED


def test_the_office_names_another_leader_at_review(memo_org):
    people = memo_org
    memo = decide(people["head"], submitted(people))
    assert services_memo.routing_rights(people["office_head"], memo)["leader"] is True
    with pytest.raises(ValidationError) as error:
        services_memo.memo_route_to(
            actor=people["office_head"],
            memo=memo,
            expected_version=memo.version,
            leader=people["colleague"],
            needs_principal=False,
        )
    assert "leader" in error.value.message_dict
    services_memo.memo_route_to(
        actor=people["office_head"],
        memo=memo,
        expected_version=memo.version,
        leader=people["deputy2"],
        needs_principal=False,
    )
    memo = decide(people["office_head"], fresh(memo))
    assert memo.state == MemoState.INSTRUCTING
    memo = decide(people["deputy2"], memo, opinion="同意")
    assert memo.state == MemoState.APPROVED and memo.decided_by == people["deputy2"]


def test_only_the_holder_at_review_or_instruction_changes_who_decides(memo_org):
    people = memo_org
    memo = submitted(people)
    for person in ("drafter", "office_head", "deputy", "colleague"):
        assert services_memo.routing_rights(people[person], memo) == {
            "leader": False,
            "principal": False,
        }
        with pytest.raises(DocumentError):
            services_memo.memo_route_to(
                actor=people[person], memo=memo, expected_version=memo.version, needs_principal=True
            )
    # The deputy at 批办 may not name another leader: the leader passed is ignored.
    memo = decide(people["office_head"], decide(people["head"], memo))
    services_memo.memo_route_to(
        actor=people["deputy"],
        memo=memo,
        expected_version=memo.version,
        leader=people["deputy2"],
        needs_principal=False,
    )
    assert fresh(memo).leader_id is None


def test_returned_revised_and_resubmitted_keeps_its_number_and_both_rounds(memo_org):
    people = memo_org
    memo = decide(people["head"], submitted(people))
    number = memo.number
    memo = decide(people["office_head"], memo, decision="return_to_drafter", opinion="补充经费测算")
    assert memo.state == MemoState.RETURNED
    assert services_memo.may_edit(people["drafter"], memo)
    memo = services_memo.memo_update(
        actor=people["drafter"],
        memo=memo,
        data={"title": "关于购置执法记录仪及经费的请示", "body": memo.body + "\n经费测算见附件。"},
        expected_version=memo.version,
    )
    memo = services_memo.memo_submit(
        actor=people["drafter"], memo=memo, expected_version=memo.version
    )
    assert memo.number == number
    assert memo.state not in (MemoState.RETURNED, MemoState.DRAFT)
    sheet = selectors_memo.sheet(memo)
    assert "补充经费测算" in [e.opinion for e in sheet["review"]]
    # The office's inbox shows the memo under its new title.
    assert item_of(people["office_head"], memo).title == f"{number} 关于购置执法记录仪及经费的请示"
    assert services_memo.current_run(memo).title == f"{number} 关于购置执法记录仪及经费的请示"


def test_withdrawn_by_the_drafter_it_is_a_draft_again_with_its_number(memo_org):
    people = memo_org
    memo = submitted(people)
    run = services_memo.current_run(memo)
    workflow.withdraw(actor=people["drafter"], run=run)
    memo = fresh(memo)
    assert memo.state == MemoState.DRAFT and memo.serial == 1
    with pytest.raises(DocumentError):  # numbered: it stays
        services_memo.memo_delete(actor=people["drafter"], memo=memo, expected_version=memo.version)
    memo = services_memo.memo_submit(
        actor=people["drafter"], memo=memo, expected_version=memo.version
    )
    assert memo.serial == 1 and memo.state == MemoState.CHECKING


def test_numbers_are_gapless_per_year_and_a_draft_may_be_deleted(memo_org):
    people = memo_org
    first, second = submitted(people), submitted(people, title="关于购置执法记录仪的请示")
    assert (first.serial, second.serial) == (1, 2)
    spare = draft(people)
    services_memo.memo_delete(actor=people["drafter"], memo=spare, expected_version=spare.version)
    assert fresh(spare).deleted_at is not None
    assert not selectors_memo.visible_memos(people["drafter"]).filter(pk=spare.pk).exists()


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"title": ""}, "title"),
        ({"title": "关" * 201}, "title"),
        ({"body": "  "}, "body"),
        ({"body": "字" * 20001}, "body"),
        ({"classification": 9}, "classification"),
        ({"classification": Classification.SECRET}, "classification"),  # no classified text here
        ({"urgency": 7}, "urgency"),
        ({"department": 999999}, "department"),
    ],
)
def test_bad_input_is_refused_with_the_field_and_nothing_written(memo_org, data, field):
    people = memo_org
    people["drafter"].clearance = Classification.TOP_SECRET
    with pytest.raises(ValidationError) as error:
        draft(people, **data)
    assert field in error.value.message_dict
    assert not selectors_memo.visible_memos(people["drafter"]).exists()


def test_a_memo_above_the_drafters_clearance_is_refused(memo_org, settings):
    settings.CLASSIFIED_NETWORK = True
    people = memo_org
    people["drafter"].clearance = Classification.INTERNAL
    with pytest.raises(ValidationError) as error:
        draft(people, classification=Classification.SECRET)
    assert "classification" in error.value.message_dict


def test_the_same_form_sent_twice_makes_one_memo(memo_org):
    people = memo_org
    data = {"title": "关于调整值班安排的请示", "body": "拟调整元旦值班。"}
    one = services_memo.memo_create(actor=people["drafter"], data=data, idempotency_key="k1")
    two = services_memo.memo_create(actor=people["drafter"], data=data, idempotency_key="k1")
    assert one.pk == two.pk


def test_a_stale_or_foreign_edit_is_refused(memo_org):
    people = memo_org
    memo = draft(people)
    with pytest.raises(StaleVersionError):
        services_memo.memo_update(
            actor=people["drafter"],
            memo=memo,
            data={"title": "新", "body": "新"},
            expected_version=99,
        )
    with pytest.raises(DocumentError):
        services_memo.memo_update(
            actor=people["colleague"],
            memo=memo,
            data={"title": "新", "body": "新"},
            expected_version=memo.version,
        )
    with pytest.raises(DocumentError):
        services_memo.memo_submit(
            actor=people["colleague"], memo=memo, expected_version=memo.version
        )
    memo = services_memo.memo_submit(
        actor=people["drafter"], memo=memo, expected_version=memo.version
    )
    with pytest.raises(DocumentError):  # on its way: not to be changed, nor sent twice
        services_memo.memo_update(
            actor=people["drafter"],
            memo=memo,
            data={"title": "新", "body": "新"},
            expected_version=memo.version,
        )
    with pytest.raises(DocumentError):
        services_memo.memo_submit(actor=people["drafter"], memo=memo, expected_version=memo.version)


def test_who_sees_a_memo(memo_org, office_clerk):
    people = memo_org
    memo = draft(people)

    def sees(name_or_user):
        user = people[name_or_user] if isinstance(name_or_user, str) else name_or_user
        return selectors_memo.can_view(user, memo)

    # A draft is its drafter's alone.
    assert sees("drafter")
    assert not any(sees(p) for p in ("head", "colleague", "office_head", "deputy"))
    assert not sees(office_clerk)
    memo = services_memo.memo_submit(
        actor=people["drafter"], memo=memo, expected_version=memo.version
    )
    # Submitted: the head (its department's, and holding it), the office; not the colleague nor
    # the leader before it reaches him.
    assert sees("head") and sees("office_head") and sees(office_clerk)
    assert not sees("colleague") and not sees("deputy")
    memo = decide(people["office_head"], decide(people["head"], memo))
    assert sees("deputy")
    assert not sees("finance_head")


def test_an_approved_memo_leads_to_a_linked_draft(memo_org):
    people = memo_org
    memo = submitted(people)
    for person in ("head", "office_head"):
        memo = decide(people[person], memo)
    with pytest.raises(ValidationError) as error:  # not decided yet
        services.draft_create(
            actor=people["drafter"],
            data=service_data(memo=memo.pk),
        )
    assert "memo" in error.value.message_dict
    memo = decide(people["deputy"], memo, opinion="同意")
    document = services.draft_create(
        actor=people["drafter"],
        data=service_data(memo=memo.pk),
    )
    assert document.memo_id == memo.pk
    with pytest.raises(ValidationError):  # a memo the drafter may not see
        services.draft_create(
            actor=people["finance_head"],
            data=service_data(memo=memo.pk),
        )


# --- What the review found ---------------------------------------------------------------------


def test_no_memo_is_approved_without_a_leader_deciding_it(memo_org):
    from zhongshu.workflow.errors import WorkflowError

    people = memo_org
    business = people["business"]
    business.leader_in_charge = None
    business.save()
    memo = decide(people["head"], submitted(people))
    # The office approves at 审核 with no leader named: 批办 would be skipped — refused.
    with pytest.raises(WorkflowError):
        decide(people["office_head"], memo, opinion="拟同意")
    memo = fresh(memo)
    assert memo.state == MemoState.REVIEWING and memo.decided_by is None
    services_memo.memo_route_to(
        actor=people["office_head"],
        memo=memo,
        expected_version=memo.version,
        leader=people["deputy2"],
        needs_principal=False,
    )
    memo = decide(people["office_head"], fresh(memo), opinion="请孙副局长审批")
    assert memo.state == MemoState.INSTRUCTING
    memo = decide(people["deputy2"], memo, opinion="同意")
    assert memo.state == MemoState.APPROVED and memo.decided_by == people["deputy2"]


def test_the_principal_once_asked_for_stays_asked_for(memo_org):
    people = memo_org
    memo = decide(people["head"], submitted(people, needs_principal=True))
    # The drafter, after a return, cannot take the principal off (nor change the 密级).
    memo = decide(people["office_head"], memo, decision="return_to_drafter", opinion="补充")
    with pytest.raises(ValidationError) as error:
        services_memo.memo_update(
            actor=people["drafter"],
            memo=memo,
            data={"title": memo.title, "body": memo.body, "classification": 1},
            expected_version=memo.version,
        )
    assert "classification" in error.value.message_dict
    memo = services_memo.memo_update(
        actor=people["drafter"],
        memo=memo,
        data={"title": memo.title, "body": memo.body + "补充。", "classification": 0},
        expected_version=memo.version,
    )
    assert memo.needs_principal
    memo = services_memo.memo_submit(
        actor=people["drafter"], memo=memo, expected_version=memo.version
    )
    memo = decide(people["office_head"], memo)  # back to the step that returned it
    # Nor the leader at 批办.
    services_memo.memo_route_to(
        actor=people["deputy"], memo=memo, expected_version=memo.version, needs_principal=False
    )
    assert fresh(memo).needs_principal
    memo = decide(people["deputy"], fresh(memo))
    assert memo.state == MemoState.DECIDING


def test_the_principal_who_is_the_leader_in_charge_decides_once(memo_org):
    people = memo_org
    business = people["business"]
    business.leader_in_charge = people["principal"]
    business.save()
    memo = submitted(people, needs_principal=True)
    memo = decide(people["office_head"], decide(people["head"], memo))
    assert memo.state == MemoState.INSTRUCTING
    memo = decide(people["principal"], memo, opinion="同意")
    assert memo.state == MemoState.APPROVED and memo.decided_by == people["principal"]


def test_the_decision_is_the_words_of_the_decision_itself(memo_org):
    people = memo_org
    memo = decide(people["office_head"], decide(people["head"], submitted(people)))
    memo = decide(people["deputy"], memo, decision="return_previous", opinion="补充经费明细")
    memo = decide(people["office_head"], memo)
    memo = decide(people["deputy"], memo)  # approves without a word
    assert memo.state == MemoState.APPROVED and memo.decision == ""


def test_the_leader_at_instruction_hands_it_to_a_colleague_or_asks_the_principal_first(memo_org):
    people = memo_org
    memo = decide(people["office_head"], decide(people["head"], submitted(people)))
    assert not selectors_memo.can_view(people["deputy2"], memo)
    memo = decide(
        people["deputy"],
        memo,
        decision="transfer",
        opinion="请孙局长阅处",
        to_user=people["deputy2"],
    )
    assert selectors_memo.can_view(people["deputy2"], memo)
    memo = decide(
        people["deputy2"],
        memo,
        decision="add_signer_before",
        opinion="请陈局长先阅",
        to_user=people["principal"],
    )
    memo = decide(people["principal"], memo, opinion="同意")
    memo = decide(people["deputy2"], memo, opinion="同意，按局长意见办")
    assert memo.state == MemoState.APPROVED and memo.decided_by == people["deputy2"]


def test_a_submit_the_engine_refuses_is_not_now_and_numbers_nothing(memo_org, office, unit):
    from zhongshu.workflow.models import AssigneeRule

    people = memo_org
    # The office made the route name one person, who has left; the office has no head either.
    route = services_memo.memo_route(unit, actor=people["office_head"])
    workflow.route_update(
        actor=people["office_head"],
        route=route,
        name="签报",
        steps=[{"name": "审核", "rule": AssigneeRule.PERSON, "person": people["colleague"]}],
    )
    people["colleague"].is_active = False
    people["colleague"].save()
    office.head = None
    office.save()
    memo = draft(people)
    with pytest.raises(DocumentError):
        services_memo.memo_submit(actor=people["drafter"], memo=memo, expected_version=memo.version)
    memo = fresh(memo)
    assert memo.state == MemoState.DRAFT and memo.serial is None


def test_a_leader_not_cleared_for_the_memo_is_not_named(memo_org, settings):
    settings.CLASSIFIED_NETWORK = True
    people = memo_org
    people["drafter"].clearance = Classification.SECRET
    people["drafter"].save()
    people["deputy2"].clearance = Classification.INTERNAL
    people["deputy2"].save()
    memo = decide(people["head"], submitted(people, classification=Classification.SECRET))
    with pytest.raises(ValidationError) as error:
        services_memo.memo_route_to(
            actor=people["office_head"],
            memo=memo,
            expected_version=memo.version,
            leader=people["deputy2"],
            needs_principal=False,
        )
    assert "leader" in error.value.message_dict


def test_the_form_sent_again_after_its_draft_was_deleted_writes_a_new_one(memo_org):
    people = memo_org
    data = {"title": "关于调整值班安排的请示", "body": "拟调整元旦值班。"}
    one = services_memo.memo_create(actor=people["drafter"], data=data, idempotency_key="k2")
    services_memo.memo_delete(actor=people["drafter"], memo=one, expected_version=one.version)
    two = services_memo.memo_create(actor=people["drafter"], data=data, idempotency_key="k2")
    assert two.pk != one.pk and two.deleted_at is None


def test_with_no_head_of_the_general_office_a_memo_is_not_sent_past_its_review(memo_org, office):
    """审核 is the office's: with nobody to hold it the memo would reach a leader unreviewed, so
    the drafter is told why, and nothing is numbered or sent."""
    people = memo_org
    office.head = None
    office.save()
    memo = draft(people)
    with pytest.raises(DocumentError, match="no head to review memos"):
        services_memo.memo_submit(actor=people["drafter"], memo=memo, expected_version=memo.version)
    memo = fresh(memo)
    assert memo.state == MemoState.DRAFT and memo.serial is None
    assert services_memo.current_run(memo) is None

    people["office_head"].is_active = False  # a head who has left counts as none
    people["office_head"].save()
    office.head = people["office_head"]
    office.save()
    with pytest.raises(DocumentError, match="no head to review memos"):
        services_memo.memo_submit(actor=people["drafter"], memo=memo, expected_version=memo.version)

    people["office_head"].is_active = True
    people["office_head"].save()
    memo = services_memo.memo_submit(
        actor=people["drafter"], memo=memo, expected_version=memo.version
    )
    assert memo.state == MemoState.CHECKING and memo.serial == 1


def test_a_memo_returned_at_review_is_not_resent_past_an_office_with_no_head(memo_org, office):
    """Returned by the office at 审核, it goes back to 审核 when resubmitted: with the office's head
    gone meanwhile, the drafter is told why and the memo stays returned. One returned by the
    leader after 审核 is resubmitted as usual."""
    people = memo_org
    memo = decide(people["head"], submitted(people))
    memo = decide(people["office_head"], memo, decision="return_to_drafter", opinion="补充测算")
    office.head = None
    office.save()
    with pytest.raises(DocumentError, match="no head to review memos"):
        services_memo.memo_submit(actor=people["drafter"], memo=memo, expected_version=memo.version)
    memo = fresh(memo)
    assert memo.state == MemoState.RETURNED

    office.head = people["office_head"]
    office.save()
    memo = services_memo.memo_submit(
        actor=people["drafter"], memo=memo, expected_version=memo.version
    )
    assert memo.state == MemoState.REVIEWING
    memo = decide(people["office_head"], memo, opinion="请李副局长审批。")
    memo = decide(people["deputy"], memo, decision="return_to_drafter", opinion="再核实数量")
    assert memo.state == MemoState.RETURNED
    office.head = None
    office.save()
    memo = services_memo.memo_submit(
        actor=people["drafter"], memo=memo, expected_version=memo.version
    )
    assert memo.state == MemoState.INSTRUCTING


def test_a_memo_from_the_general_office_is_reviewed_by_its_head_once(memo_org, office):
    """The office's head would hold both 核稿 (as the department's head) and 审核: he holds 审核
    only, where he may also name the leader."""
    from tests.factories import MembershipFactory, UserFactory

    people = memo_org
    office.leader_in_charge = people["deputy"]
    office.save()
    clerk = UserFactory(unit=office.unit, username="officeclerk", full_name="赵文书")
    MembershipFactory(user=clerk, department=office)
    data = {"title": "关于更换会议室投影设备的请示", "body": "现有设备老化。妥否，请批示。"}
    memo = services_memo.memo_create(actor=clerk, data=data)
    assert memo.department == office
    memo = services_memo.memo_submit(actor=clerk, memo=memo, expected_version=memo.version)
    assert memo.state == MemoState.REVIEWING
    memo = decide(people["office_head"], memo, opinion="请李副局长审批。")
    assert memo.state == MemoState.INSTRUCTING
    sheet = selectors_memo.sheet(memo)
    assert sheet["check"] == [] and [e.opinion for e in sheet["review"]] == ["请李副局长审批。"]
