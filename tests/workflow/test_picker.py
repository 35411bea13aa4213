"""The colleague picker of the decision panel (transfer, 加签) and of the delegation form: a search
endpoint answering at most 20 colleagues, a plain GET fallback, and the server's own checks."""

import re
from html.parser import HTMLParser

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.conftest import login
from tests.factories import MembershipFactory, UnitFactory, UserFactory
from tests.workflow.helpers import open_assignees, open_item
from zhongshu.org.models import AdminRole
from zhongshu.workflow import services
from zhongshu.workflow.models import Delegation

pytestmark = pytest.mark.django_db

URL = reverse("workflow:colleagues")


def radios(body: str, field: str = "to_user") -> list[int]:
    return [int(v) for v in re.findall(rf'name="{field}" id="[^"]+" value="(\d+)"', body)]


@pytest.fixture
def run(route, people, make_request):
    return services.run_start(actor=people["drafter"], subject=make_request())


@pytest.fixture
def crowd(unit, people):
    """25 active colleagues whose names contain 同事, and people the picker must never offer."""
    active = [
        UserFactory(unit=unit, username=f"mate{n:02d}", full_name=f"同事{n:02d}") for n in range(25)
    ]
    hidden = {
        "sysadmin": UserFactory(
            unit=unit, username="sysmate", full_name="同事系统员", admin_role=AdminRole.SYSTEM
        ),
        "secadmin": UserFactory(
            unit=unit, username="secmate", full_name="同事保密员", admin_role=AdminRole.SECURITY
        ),
        "auditor": UserFactory(
            unit=unit, username="audmate", full_name="同事审计员", admin_role=AdminRole.AUDIT
        ),
        "closed": UserFactory(
            unit=unit, username="closedmate", full_name="同事已注销", closed_at=timezone.now()
        ),
        "disabled": UserFactory(
            unit=unit, username="offmate", full_name="同事已停用", is_active=False
        ),
        "foreign": UserFactory(unit=UnitFactory(), username="othermate", full_name="同事外单位"),
    }
    return active, hidden


def test_the_endpoint_answers_at_most_20_active_business_colleagues(client, people, crowd):
    active, hidden = crowd
    login(client, people["head"])

    response = client.get(URL, {"q": "同事", "field": "to_user"})

    body = response.content.decode()
    found = radios(body)
    assert response.status_code == 200
    assert len(found) == 20
    assert "Only the first 20 are shown" in body
    assert not {u.pk for u in hidden.values()} & set(found)
    assert set(found) <= {u.pk for u in active} | {people["colleague"].pk}


def test_the_endpoint_never_offers_administrators_closed_other_units_or_oneself(
    client, people, crowd
):
    _, hidden = crowd
    login(client, people["colleague"])  # 同事 matches the caller's own name too

    for who, user in hidden.items():
        body = client.get(URL, {"q": user.full_name}).content.decode()
        assert radios(body) == [], who
        assert "Nobody of your unit matches." in body

    assert radios(client.get(URL, {"q": "colleague"}).content.decode()) == []


def test_the_endpoint_matches_name_user_name_and_department(client, people):
    login(client, people["head"])

    by_name = radios(client.get(URL, {"q": "财务乙"}).content.decode())
    by_username = radios(client.get(URL, {"q": "FIN1"}).content.decode())
    by_department = radios(client.get(URL, {"q": "财务处"}).content.decode())

    assert by_name == [people["fin2"].pk]
    assert by_username == [people["fin1"].pk]
    assert set(by_department) == {people["fin1"].pk, people["fin2"].pk}


def test_the_endpoint_shows_the_department_and_names_the_field_it_was_asked_for(client, people):
    login(client, people["head"])

    body = client.get(URL, {"q": "财务甲", "field": "dg-delegate"}).content.decode()
    bogus = client.get(URL, {"q": "财务甲", "field": '"><b>x'}).content.decode()

    assert radios(body, "dg-delegate") == [people["fin1"].pk]
    assert "财务处" in body and "fin1" in body
    assert radios(bogus, "to_user") == [people["fin1"].pk] and "<b>" not in bogus


def test_an_empty_query_lists_nobody(client, people):
    login(client, people["head"])

    body = client.get(URL, {"q": "  "}).content.decode()

    assert radios(body) == []
    assert "Type a name, user name or department, then choose." in body


def test_the_endpoint_query_count_does_not_grow_with_the_matches(client, people, unit):
    login(client, people["head"])
    client.get(URL, {"q": "x"})  # the first request of a session writes it
    with CaptureQueriesContext(connection) as few:
        assert len(radios(client.get(URL, {"q": "财务"}).content.decode())) == 2
    office = people["finance"]
    for n in range(25):
        MembershipFactory(
            user=UserFactory(unit=unit, username=f"cw{n}", full_name=f"财务{n}"), department=office
        )
    with CaptureQueriesContext(connection) as many:
        assert len(radios(client.get(URL, {"q": "财务"}).content.decode())) == 20

    assert len(many) == len(few)


@pytest.mark.parametrize("who", ["sysadmin", "secadmin", "auditor"])
def test_the_three_administrators_are_refused(request, client, who):
    login(client, request.getfixturevalue(who))

    assert client.get(URL, {"q": "a"}).status_code == 403


# --- The decision panel ----------------------------------------------------------------------


class _Inline(HTMLParser):
    """Inline scripts, styles and event handlers: our CSP would block them."""

    def __init__(self):
        super().__init__()
        self.found, self._tag = [], None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "style" in attrs or any(name.startswith("on") for name in attrs):
            self.found.append((tag, attrs))
        if tag == "script" and not attrs.get("src"):
            self.found.append((tag, "inline"))
        if tag == "style":
            self.found.append((tag, "inline"))


def _no_inline_code(body: str) -> None:
    parser = _Inline()
    parser.feed(body)
    assert parser.found == []


def test_the_decision_panel_has_a_search_box_not_a_list_of_everyone(client, run, people, crowd):
    login(client, people["head"])

    body = client.get(reverse("workflow:run_detail", args=[run.pk])).content.decode()

    assert '<select class="form-select form-select-sm" id="to_user"' not in body
    assert radios(body) == []
    assert f'hx-get="{URL}?field=to_user"' in body
    assert 'hx-trigger="input changed delay:300ms, picker-search"' in body
    assert 'form="colleague-search"' in body and "workflow/picker.js" in body
    _no_inline_code(body)


def test_without_javascript_a_plain_get_search_lists_colleagues_in_the_panel(client, run, people):
    login(client, people["head"])

    body = client.get(reverse("workflow:run_detail", args=[run.pk]), {"q": "财务"}).content.decode()

    panel = body[body.index('id="decide-form"') : body.index("</form>", body.index("decide-form"))]
    assert set(radios(panel)) == {people["fin1"].pk, people["fin2"].pk}
    assert 'value="财务"' in body


def test_transfer_to_the_picked_colleague_from_the_page(client, run, people):
    item = open_item(run, people["head"])
    login(client, people["head"])

    response = client.post(
        reverse("workflow:decide", args=[item.pk]),
        {"decision": "transfer", "opinion": "请同事办理", "to_user": people["colleague"].pk},
    )

    assert response.status_code == 302
    assert open_assignees(run) == {"colleague"}


@pytest.mark.parametrize("who", ["sysadmin", "closed", "disabled", "foreign"])
def test_the_server_still_refuses_a_person_the_picker_would_not_offer(
    client, run, people, crowd, who
):
    _, hidden = crowd
    item = open_item(run, people["head"])
    login(client, people["head"])

    response = client.post(
        reverse("workflow:decide", args=[item.pk]),
        {"decision": "transfer", "opinion": "转", "to_user": hidden[who].pk},
    )

    assert response.status_code == 400
    assert "This person cannot handle this item." in response.content.decode()
    assert open_assignees(run) == {"head"}


def test_a_refused_decision_keeps_the_picked_colleague(client, run, people):
    item = open_item(run, people["head"])
    login(client, people["head"])

    response = client.post(
        reverse("workflow:decide", args=[item.pk]),
        {"decision": "transfer", "to_user": people["colleague"].pk},  # no reason given
    )

    body = response.content.decode()
    assert response.status_code == 400
    assert f'value="{people["colleague"].pk}" checked' in body


def test_a_read_only_step_has_no_picker(client, people, unit, org_manager, make_request):
    route = services.route_create(
        actor=org_manager,
        unit=unit,
        kind="testapp.request",
        name="传阅",
        steps=[{"name": "阅知", "rule": "submitter_head", "read_only": True}],
    )
    run = services.run_start(actor=people["drafter"], subject=make_request(), route=route)
    login(client, people["head"])

    body = client.get(reverse("workflow:run_detail", args=[run.pk])).content.decode()

    assert "colleague-search" not in body


# --- The delegation form ---------------------------------------------------------------------


def test_the_delegation_form_uses_the_picker(client, people, crowd):
    login(client, people["head"])
    url = reverse("workflow:settings")

    page = client.get(url).content.decode()
    searched = client.get(url, {"q": "同事0"}).content.decode()

    assert 'name="dg-delegate"' not in page  # nobody listed before a search
    assert f'hx-get="{URL}?field=dg-delegate"' in page
    _no_inline_code(page)
    assert len(radios(searched, "dg-delegate")) == 10  # 同事00 … 同事09


def test_delegating_to_someone_the_picker_would_not_offer_is_refused(client, people, crowd):
    _, hidden = crowd
    login(client, people["head"])
    url = reverse("workflow:settings")

    for who in ("sysadmin", "closed", "foreign"):
        response = client.post(
            url,
            {
                "action": "set_delegation",
                "dg-delegate": hidden[who].pk,
                "dg-starts_on": "2026-11-26",
                "dg-ends_on": "2026-11-30",
            },
        )
        assert response.status_code == 200, who
    response = client.post(
        url,
        {
            "action": "set_delegation",
            "dg-delegate": people["head"].pk,
            "dg-starts_on": "2026-11-26",
            "dg-ends_on": "2026-11-30",
        },
    )

    assert response.status_code == 200
    assert not Delegation.objects.exists()


def test_a_refused_delegation_keeps_the_picked_delegate(client, people):
    login(client, people["head"])

    response = client.post(
        reverse("workflow:settings"),
        {
            "action": "set_delegation",
            "dg-delegate": people["colleague"].pk,
            "dg-starts_on": "2026-11-30",
            "dg-ends_on": "not a date",
        },
    )

    assert response.status_code == 200
    assert f'value="{people["colleague"].pk}" checked' in response.content.decode()
    assert not Delegation.objects.exists()
