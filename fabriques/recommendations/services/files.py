"""Stored answer letters no row refers to (a request failed after writing its file)."""

from __future__ import annotations

import datetime

from django.utils import timezone

from fabriques.core.uploads import SweepReport, orphan_cutoff, sweep_orphans

from ..models import Answer

ANSWER_DIR = "recommendations"


def answer_files_purge_orphans(*, now: datetime.datetime | None = None) -> SweepReport:
    """Delete files under recommendations/ no answer refers to, once
    UPLOAD_ORPHAN_GRACE_HOURS old."""
    storage = Answer._meta.get_field("file").storage  # type: ignore[union-attr]
    referenced = Answer.objects.exclude(file="").values_list("file", flat=True)
    return sweep_orphans(storage, ANSWER_DIR, referenced, orphan_cutoff(now or timezone.now()))
