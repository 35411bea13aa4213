"""OpenAPI schema and Swagger UI: public schema, signed-in docs, no inline code under our CSP."""

import re
from html.parser import HTMLParser

from django.contrib.staticfiles import finders
from django.core.management import call_command
from django.urls import reverse


def test_schema_generates_without_warnings(tmp_path):
    # The same check as `manage.py spectacular --validate --fail-on-warn` in CI.
    call_command(
        "spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yml")
    )

    assert "/api/people/{id}/" in (tmp_path / "schema.yml").read_text()


def test_schema_is_public(client, db):
    response = client.get(reverse("api:schema"), {"format": "json"})

    assert response.status_code == 200
    schema = response.json()
    assert set(schema["components"]["securitySchemes"]) == {"tokenAuth", "cookieAuth"}
    assert "security" not in schema["paths"]["/api/token/"]["post"]  # public


def test_docs_need_sign_in(client, db):
    response = client.get(reverse("api:docs"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("org:login"))


class _Page(HTMLParser):
    def __init__(self):
        super().__init__()
        self.scripts, self.styles, self.stylesheets, self.inline = [], [], [], []
        self._in = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "style" in attrs or any(name.startswith("on") for name in attrs):
            self.inline.append((tag, attrs))
        if tag == "script":
            self.scripts.append(attrs.get("src"))
        if tag == "link" and attrs.get("rel") == "stylesheet":
            self.stylesheets.append(attrs["href"])
        self._in = tag

    def handle_endtag(self, tag):
        self._in = None

    def handle_data(self, data):
        if self._in in {"script", "style"} and data.strip():
            self.inline.append((self._in, data.strip()[:60]))
        if self._in == "style":
            self.styles.append(data)


def test_docs_page_has_no_inline_script_or_style(client, staff, login_as):
    login_as(staff)

    response = client.get(reverse("api:docs"))

    assert response.status_code == 200
    page = _Page()
    page.feed(response.content.decode())
    assert page.inline == []
    assert page.styles == []
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "style-src 'self'" in policy
    # Everything is served by us (drf-spectacular-sidecar), nothing from a CDN.
    for url in [*page.scripts[:-1], *page.stylesheets]:
        assert url.startswith("/static/"), url
        assert finders.find(url.removeprefix("/static/")), url
    init_script = page.scripts[-1]
    assert init_script.startswith(reverse("api:docs")) and "script" in init_script
    script = client.get(init_script)
    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")
    assert re.search(r'url: "/api/schema/', script.content.decode())


def test_docs_script_needs_sign_in(client, db):
    response = client.get(reverse("api:docs") + "?script=")

    assert response.status_code == 302
