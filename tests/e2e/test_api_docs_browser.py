from tests.e2e.conftest import sign_in


def test_swagger_ui_runs_offline_without_csp_violations(page):
    problems = []
    page.on(
        "console", lambda m: problems.append(m.text) if m.type in {"error", "warning"} else None
    )
    page.on("pageerror", lambda exc: problems.append(str(exc)))
    sign_in(page, "staff1")
    page.wait_for_url("**/")

    page.goto("/api/docs/")
    page.wait_for_selector(".opblock-tag", timeout=15_000)
    page.click("#operations-account-me_retrieve .opblock-summary")
    page.wait_for_selector("#operations-account-me_retrieve .try-out__btn")

    assert "Zhongshu API" in page.inner_text(".info .title")
    assert [p for p in problems if "Content Security Policy" in p or "Refused" in p] == []


def test_api_docs_need_sign_in(page):
    page.goto("/api/docs/")
    assert "/login/" in page.url
