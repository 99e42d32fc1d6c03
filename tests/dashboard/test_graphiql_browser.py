"""GraphiQL (demo mode) in a real headless Chromium under the gateway's Content-Security-
Policy: its scripts and styles load, its inline script runs by nonce, a query runs, and the
browser reports no policy violation. The dashboard's own browser test covers the dashboard
under the same security headers."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from starlette.applications import Starlette

from tests.loopback import serving

pytestmark = [pytest.mark.browser, pytest.mark.slow]

# Recorded before any script of the page runs, so a refused inline script is seen too.
RECORD_VIOLATIONS = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__violations.push(e.violatedDirective + " " + e.blockedURI);
});
"""


async def test_graphiql_works_under_its_content_security_policy(
    make_app: Callable[..., Starlette], browser: Any
) -> None:
    async with serving(make_app(demo=True)) as port:
        page = await browser.new_page()
        await page.add_init_script(RECORD_VIOLATIONS)
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.on("console", lambda m: errors.append(m.text) if "Content Security Policy" in m.text else None)
        response = await page.goto(f"http://127.0.0.1:{port}/graphql")
        assert "frame-ancestors 'none'" in (await response.all_headers())["content-security-policy"]
        await page.wait_for_selector(".graphiql-container .graphiql-query-editor")
        # Run the example query: the result pane fills with what the API answered.
        await page.click(".graphiql-execute-button")
        # (A selector, not wait_for_function: its polling evals a string, which this very
        # policy forbids.)
        await page.wait_for_selector(".result-window:has-text('publicComplaints')")
        violations = await page.evaluate("window.__violations")
        await page.close()
    assert violations == [] and errors == [], (violations, errors)
