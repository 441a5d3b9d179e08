"""Browser tests: Playwright for Python driving Debian's chromium, never a downloaded browser."""

import os
import re
import shutil
from pathlib import Path

import pytest

AXE = Path(__file__).parent / "vendor" / "axe.min.js"
CHROMIUM = os.environ.get("CHROMIUM", shutil.which("chromium") or "/usr/bin/chromium")

# The two widths every page is looked at: a laptop and a phone.
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
SCREENSHOTS = Path(os.environ.get("BROWSER_SCREENSHOTS", "var/screenshots"))

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


def unexpected_violations(violations: list[str]) -> list[str]:
    """The violations but one the DSFR causes at random: its header copies the tools' links
    into the mobile menu through innerHTML, and when its collapse has already set a style
    through the CSSOM on one of them, the copy carries a style attribute that the policy
    blocks (style-src-attr, from the DSFR's own module, with no sample). Blocking it is
    harmless — the DSFR sets those styles through the CSSOM again — and nothing of ours is
    involved; any other violation, the console's included, still fails the test."""
    dsfr = [
        v
        for v in violations
        if "'directive': 'style-src-attr'" in v
        and "/static/dsfr/dist/dsfr/dsfr.module.min.js:" in v
        and "'sample': ''" in v
    ]
    rest = [v for v in violations if v not in dsfr]
    if dsfr:  # the console's copy of the same blocked attribute
        rest = [v for v in rest if not v.startswith("console: Applying inline style violates")]
    return rest


@pytest.fixture
def page(browser):
    """A page whose test fails if any page it visits breaks the Content-Security-Policy: the
    DSFR, the charts, the admin and every page the tests visit must work under it."""
    context = browser.new_context(locale="fr-FR", viewport=DESKTOP)
    violations = watch_csp(context)
    page = context.new_page()
    yield page
    context.close()
    unexpected = unexpected_violations(violations)
    assert unexpected == [], "Content-Security-Policy violations:\n" + "\n".join(unexpected)


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


# Every table of the page whose content is wider than its container, and whether the page
# itself scrolls sideways. At 1,280 px a table must fit (long titles wrap); on a phone a wide
# table may scroll inside its DSFR container, but must not stick out of it.
LAYOUT_PROBLEMS = """(width) => {
    const problems = [];
    const describe = (table) => {
        const caption = table.querySelector('caption');
        return (caption ? caption.textContent.trim().slice(0, 60) : table.className) || 'table';
    };
    for (const table of document.querySelectorAll('main table')) {
        if (!table.offsetParent) continue;  // hidden (a closed accordion, a tab not shown)
        let container = table.parentElement;
        while (container && container !== document.body
               && !['auto', 'scroll'].includes(getComputedStyle(container).overflowX)) {
            container = container.parentElement;
        }
        const scrolls = container && container !== document.body;
        const box = table.getBoundingClientRect();
        if (scrolls) {
            if (width >= 1000 && container.scrollWidth > container.clientWidth + 1) {
                problems.push(`${describe(table)}: ${container.scrollWidth} px in ${container.clientWidth} px`);
            }
        } else {
            const parent = table.parentElement.getBoundingClientRect();
            if (box.right > parent.right + 1) {
                problems.push(`${describe(table)}: sticks out of its container by ${Math.round(box.right - parent.right)} px`);
            }
        }
    }
    const page = document.documentElement;
    if (page.scrollWidth > page.clientWidth + 1) {
        // Name the innermost elements that stick out, to know what to fix.
        const out = (e) => e.getBoundingClientRect().right > page.clientWidth + 1;
        const name = [...document.body.querySelectorAll('*')]
            .filter((e) => out(e) && ![...e.children].some(out))
            .slice(0, 3)
            .map((e) => `${e.tagName.toLowerCase()}${e.id ? '#' + e.id : ''}.${[...e.classList].join('.')}`)
            .join(', ');
        problems.push(`the page scrolls sideways: ${page.scrollWidth} px in ${page.clientWidth} px (${name})`);
    }
    return problems;
}"""


def _settle(page) -> None:
    """Let the page lay itself out again after a resize (DSFR reacts to it)."""
    page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")


def screenshot_folder(name: str) -> Path:
    """The test's own folder of screenshots, emptied when the test starts."""
    folder = SCREENSHOTS / re.sub(r"[^\w.-]+", "_", name)
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def layout_problems(page, folder: Path) -> list[str]:
    """Full-page screenshots of the current page at 1,280 and 390 px wide (in `folder`), and
    the tables that overflow their container at either width."""
    index = len(list(folder.glob("*-1280.png"))) + 1
    slug = re.sub(r"[^\w]+", "_", page.url.split("://", 1)[-1].split("/", 1)[-1])[:80] or "home"
    problems = []
    before = page.viewport_size
    try:
        for viewport in (DESKTOP, PHONE):
            if page.viewport_size != viewport:
                page.set_viewport_size(viewport)
                _settle(page)
            page.screenshot(
                path=str(folder / f"{index:02d}-{slug}-{viewport['width']}.png"), full_page=True
            )
            problems += [
                f"{viewport['width']} px — {problem}"
                for problem in page.evaluate(LAYOUT_PROBLEMS, viewport["width"])
            ]
    finally:
        # Back to the width the test was looking at (a phone test stays on a phone).
        page.set_viewport_size(before or DESKTOP)
        _settle(page)
    return problems


@pytest.fixture
def assert_accessible(request):
    """axe-core on the page, then its layout at 1,280 and 390 px (screenshots, tables)."""

    folder = screenshot_folder(request.node.name)

    def check(page):
        violations = axe_violations(page)
        assert violations == [], f"{page.url}: " + "\n".join(
            f"{v['id']} ({v['impact']}): {v['help']} — {v['nodes']}" for v in violations
        )
        problems = layout_problems(page, folder)
        assert problems == [], f"{page.url}: " + "\n".join(problems)

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
