"""The vendored htmx is the package's own file, unchanged (fabriques/static/vendor/htmx)."""

import hashlib
from pathlib import Path

from django.conf import settings

VENDOR = Path(settings.BASE_DIR) / "fabriques" / "static" / "vendor" / "htmx"


def test_vendored_htmx_matches_its_checksums_and_licence() -> None:
    sums = (VENDOR / "SHA256SUMS").read_text().splitlines()
    assert len(sums) == 2
    for line in sums:
        digest, name = line.split()
        assert hashlib.sha256((VENDOR / name).read_bytes()).hexdigest() == digest, name
    assert "Zero-Clause BSD" in (VENDOR / "LICENSE").read_text()
    assert "2.0.8" in (VENDOR / "VENDOR.md").read_text()
