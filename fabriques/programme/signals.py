"""Every write to public programme data bumps the data version (see core.versioning).

A signal is the one place that sees every write, whether it comes from a service, an import
or the admin; it only invalidates caches and has no business effect. Bulk operations bypass
signals: the services that use them call bump_data_version() themselves.
"""

from typing import Any

from django.db import models
from django.db.models.signals import m2m_changed, post_delete, post_save

from fabriques.core.versioning import bump_data_version
from fabriques.territories.models import Departement, Participation, Qpv, Region

from .models import (
    AnctProgramme,
    Fabrique,
    FabriqueOrganisation,
    Organisation,
    ProgrammeYear,
    Resource,
    Theme,
)

WATCHED = (
    ProgrammeYear,
    Theme,
    AnctProgramme,
    Organisation,
    Fabrique,
    FabriqueOrganisation,
    Resource,
    Participation,
    Region,
    Departement,
    Qpv,
)


def _bump(sender: type[models.Model], **kwargs: Any) -> None:
    if kwargs.get("raw"):  # loaddata
        return
    action = kwargs.get("action")
    if action is not None and not action.startswith("post_"):
        return
    bump_data_version()


def connect() -> None:
    for model in WATCHED:
        post_save.connect(_bump, sender=model, dispatch_uid=f"bump-{model._meta.label}")
        post_delete.connect(_bump, sender=model, dispatch_uid=f"bump-del-{model._meta.label}")
    for through in (Fabrique.themes.through, Fabrique.anct_programmes.through):
        m2m_changed.connect(_bump, sender=through, dispatch_uid=f"bump-m2m-{through._meta.label}")
