"""The API documentation pages in real Chromium, under the site's
Content-Security-Policy: both list the operations, and the browser reports no
CSP violation (before, Swagger UI stayed blank and Redoc said "Something went
wrong": the policy blocked their inline script and styles)."""

import pytest

from tests.browser.conftest import ARTIFACTS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__cspViolations.push(e.violatedDirective + " " + (e.blockedURI || "inline"));
});
"""


@pytest.fixture
def watched(page):
    """The page, recording CSP violations (events and console messages) and errors."""
    page.add_init_script(RECORD_VIOLATIONS)
    seen = {"console": [], "errors": []}
    page.on(
        "console",
        lambda message: (
            seen["console"].append(message.text) if message.type in {"error", "warning"} else None
        ),
    )
    page.on("pageerror", lambda error: seen["errors"].append(str(error)))
    return page, seen


def _violations(page, seen) -> list[str]:
    events = page.evaluate("window.__cspViolations")
    console = [m for m in seen["console"] if "Content Security Policy" in m]
    return events + console + seen["errors"]


def test_swagger_ui_lists_the_operations_under_the_policy(watched, shoot):
    page, seen = watched
    response = page.goto("/api/v1/docs/")
    assert "'nonce-" in response.headers["content-security-policy"]
    page.locator(".opblock").first.wait_for()
    summaries = page.locator(".opblock-summary-description").all_inner_texts()
    assert "Draft a proposal (member)" in summaries
    assert page.locator(".opblock-post").count() >= 10
    assert page.locator(".opblock-get").count() >= 10
    shoot(page, "api-docs-swagger")
    violations = _violations(page, seen)
    assert violations == [], "\n".join(violations)


def test_redoc_lists_the_operations_under_the_policy(watched):
    page, seen = watched
    page.goto("/api/v1/redoc/")
    page.get_by_role("heading", name="Draft a proposal (member)").wait_for()
    menu = page.locator("[role=menuitem]").all_inner_texts()
    assert any("Draft a proposal (member)" in item for item in menu)
    assert "Something went wrong" not in page.content()
    # The viewport only: the whole reference is too tall for one picture.
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "api-docs-redoc.png"))
    violations = _violations(page, seen)
    assert violations == [], "\n".join(violations)
