"""Browser tests: Playwright for Python driving Debian's chromium, never a downloaded browser."""

import os
import shutil
from pathlib import Path

import pytest

AXE = Path(__file__).parent / "vendor" / "axe.min.js"
CHROMIUM = os.environ.get("CHROMIUM", shutil.which("chromium") or "/usr/bin/chromium")

# Playwright's sync API runs an event loop in this thread; Django's async-safety check
# would otherwise refuse the ORM calls the tests make to set up data.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"chromium introuvable ({CHROMIUM}) : apt-get install chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    yield page
    context.close()


def axe_violations(page) -> list[dict]:
    """Run axe-core (WCAG 2.x A/AA rules) on the current page and return its violations."""
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        """async () => {
            const r = await axe.run(document, {
                runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']},
            });
            return r.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.slice(0, 5).map(n => n.target.join(' ')),
            }));
        }"""
    )
    return result


@pytest.fixture
def assert_accessible():
    def check(page):
        violations = axe_violations(page)
        assert violations == [], f"{page.url}: " + "\n".join(
            f"{v['id']} ({v['impact']}): {v['help']} — {v['nodes']}" for v in violations
        )

    return check
