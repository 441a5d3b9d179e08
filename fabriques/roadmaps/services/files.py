"""Stored roadmap files no row refers to: deliberation PDFs and attachments whose request
failed after writing the file, or whose row went with its roadmap."""

from __future__ import annotations

import datetime
from itertools import chain

from django.utils import timezone

from fabriques.core.uploads import SweepReport, orphan_cutoff, sweep_orphans

from ..models import Roadmap, RoadmapAttachment

ROADMAP_DIR = "roadmaps"  # models.file_upload_to


def roadmap_files_purge_orphans(*, now: datetime.datetime | None = None) -> SweepReport:
    """Delete the files under roadmaps/ that neither a roadmap's deliberation nor an attachment
    refers to, once UPLOAD_ORPHAN_GRACE_HOURS old."""
    storage = Roadmap._meta.get_field("deliberation_file").storage  # type: ignore[union-attr]
    referenced = chain(
        Roadmap.objects.exclude(deliberation_file="").values_list("deliberation_file", flat=True),
        RoadmapAttachment.objects.exclude(file="").values_list("file", flat=True),
    )
    return sweep_orphans(storage, ROADMAP_DIR, referenced, orphan_cutoff(now or timezone.now()))
