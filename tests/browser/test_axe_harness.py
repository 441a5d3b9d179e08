"""The accessibility check itself must be able to fail."""

import pytest

from .conftest import axe_violations

pytestmark = pytest.mark.browser


def test_axe_reports_a_known_violation(page):
    page.set_content(
        '<html><head><title>t</title></head><body><main><img src="x.png"></main></body></html>'
    )
    ids = {v["id"] for v in axe_violations(page)}
    assert "image-alt" in ids and "html-has-lang" in ids
