# ruff: noqa: F811  (pytest fixtures imported from the workflow tests)
"""A request walks a three-step route with a 会签 step in the browser (issue 3, "Done when")."""

from tests.factories import PASSWORD
from tests.workflow.conftest import make_request, people, route  # noqa: F401  (fixtures)
from zhongshu.workflow import services
from zhongshu.workflow.models import RunState, WorkItem


def sign_in_as(page, username):
    page.context.clear_cookies()
    page.goto("/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("#login-form button[type=submit]")
    page.wait_for_url("**/")


def approve_from_inbox(page, title, opinion):
    page.goto("/work/")
    page.click(f"main a:has-text('{title}')")
    page.wait_for_selector("#decide-form")
    page.fill("#opinion", opinion)
    page.click("#decide-form button[name=decision][value=approve]")
    page.wait_for_load_state()


def test_three_step_route_with_countersign_in_the_browser(
    transactional_db,
    browser,
    live_server,
    people,
    route,
    make_request,  # noqa: F811
):
    request = make_request(amount="1000", title="采购打印纸")
    run = services.run_start(actor=people["drafter"], subject=request)
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1366, "height": 768})
    page = context.new_page()
    page.set_default_timeout(10_000)

    sign_in_as(page, "head")
    approve_from_inbox(page, "采购打印纸", "同意，请财务审核。")

    # 会签: both finance officers must approve before the leader in charge gets it.
    sign_in_as(page, "fin1")
    approve_from_inbox(page, "采购打印纸", "预算充足。")
    assert not WorkItem.objects.filter(run=run, assignee=people["leader"]).exists()
    sign_in_as(page, "fin2")
    approve_from_inbox(page, "采购打印纸", "同意。")

    sign_in_as(page, "leader")
    approve_from_inbox(page, "采购打印纸", "同意。")

    run.refresh_from_db()
    assert run.state == RunState.APPROVED
    sign_in_as(page, "drafter")
    page.goto("/work/?box=mine")
    page.click("main a:has-text('采购打印纸')")
    record = page.inner_text("main")
    for opinion in ("同意，请财务审核。", "预算充足。"):
        assert opinion in record
    for name in ("处长", "财务甲", "财务乙", "分管领导"):
        assert name in record
    context.close()
