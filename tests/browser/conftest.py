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


# Reports every Content-Security-Policy violation of every document the context loads (the
# event fires for blocked scripts, styles, images, frames, eval…) to the test through a binding.
CSP_LISTENER = """
document.addEventListener('securitypolicyviolation', (event) => {
    window.__cspViolation({
        page: document.location.href,
        directive: event.effectiveDirective,
        blocked: event.blockedURI,
        source: event.sourceFile ? `${event.sourceFile}:${event.lineNumber}` : '',
        sample: event.sample,
    });
});
"""


def watch_csp(context) -> list[str]:
    """The CSP violations the pages of `context` report, as the browser and its console see
    them; the list grows as the test goes."""
    violations: list[str] = []
    context.expose_binding("__cspViolation", lambda source, v: violations.append(str(v)))
    context.add_init_script(script=CSP_LISTENER)

    def on_console(message):
        if "Content Security Policy" in message.text:
            violations.append(f"console: {message.text}")

    context.on("console", on_console)
    return violations


@pytest.fixture
def page(browser):
    """A page whose test fails if any page it visits breaks the Content-Security-Policy: the
    DSFR, the charts, the admin and every page the tests visit must work under it."""
    context = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 900})
    violations = watch_csp(context)
    page = context.new_page()
    yield page
    context.close()
    assert violations == [], "Content-Security-Policy violations:\n" + "\n".join(violations)


def axe_violations(page) -> list[dict]:
    """Run axe-core (WCAG 2.x A/AA rules) on the current page and return its violations."""
    # Evaluated through the DevTools protocol: an added <script> would be inline, which the
    # site's Content-Security-Policy (rightly) blocks.
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE.read_text())
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


@pytest.fixture
def cycle_world(transactional_db):
    """What the yearly cycle starts from: an ANCT administrator, an applicant's account, this
    year's programme, themes, an elected officials' association, a provider and communes.
    """
    from types import SimpleNamespace

    from django.contrib.auth.hashers import make_password
    from django.utils import timezone

    from fabriques.accounts.models import MembershipRole
    from fabriques.accounts.tests.factories import MembershipFactory, UserFactory
    from fabriques.programme.models import OrganisationKind
    from fabriques.programme.tests.factories import (
        OrganisationFactory,
        ProgrammeYearFactory,
        ThemeFactory,
    )
    from fabriques.territories.tests.factories import CommuneFactory, DepartementFactory

    password = "Cycle-complet-2040"
    admin = UserFactory(
        username="admin@anct.gouv.fr",
        first_name="Anne",
        last_name="Administratrice",
        password=make_password(password),
    )
    MembershipFactory(user=admin, role=MembershipRole.ANCT_ADMIN)
    applicant = UserFactory(
        username="agent@saint-etienne.fr",
        first_name="Agnès",
        last_name="Varda",
        password=make_password(password),
    )
    ThemeFactory(slug="revitalisation", name="Revitalisation des centres-bourgs")
    ThemeFactory(slug="transition", name="Transition écologique")
    loire = DepartementFactory(code="42", name="Loire")
    communes = [
        CommuneFactory(code=code, name=name, departement=loire, population=population)
        for code, name, population in (
            ("42218", "Saint-Étienne", 170000),
            ("42219", "Saint-Étienne-le-Molard", 1000),
            ("42187", "Roanne", 34000),
            ("42147", "Montbrison", 16000),
            ("42095", "Firminy", 17000),
        )
    ]
    return SimpleNamespace(
        password=password,
        admin=admin,
        applicant=applicant,
        year=ProgrammeYearFactory(year=timezone.localdate().year, target_fabriques=3),
        association=OrganisationFactory(
            slug="apvf",
            name="Association des petites villes de France",
            kind=OrganisationKind.ELECTED_ASSOCIATION,
        ),
        provider=OrganisationFactory(
            slug="prospective-conseil",
            name="Prospective Conseil",
            kind=OrganisationKind.PROVIDER,
        ),
        communes=communes,
    )
