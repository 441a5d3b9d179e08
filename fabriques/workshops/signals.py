"""Writes that change a published Fabrique's mobilisation figures bump the public data version
(see core.versioning), like the programme's: its public page and the open data show them.

Registrations (attendance), workshops (dates, cancellation) and members (family, consent,
gender) are watched; only writes to a Fabrique whose figures are public bump, so that the
daily work of a running Fabrique (invitations, check-ins) does not empty the public caches.
Only invalidates caches: no business effect. Bulk writes (`QuerySet.update`) bypass signals:
the services that use them call `workshop_figures_changed()` themselves.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models.signals import post_delete, post_save

from fabriques.core.versioning import bump_data_version
from fabriques.programme.models import Fabrique
from fabriques.workinggroups.models import Member, WorkingGroup

from .models import Registration, Workshop
from .selectors.figures import FIGURES_PUBLIC_STATUSES


def workshop_figures_changed(*, fabrique_id: int | None = None) -> None:
    """Call after a bulk write to workshops, registrations or members of `fabrique_id` (any
    Fabrique when None): bumps the public data version when its figures are public."""
    public = Fabrique.objects.filter(status__in=FIGURES_PUBLIC_STATUSES)
    if fabrique_id is not None:
        public = public.filter(pk=fabrique_id)
    if public.exists():
        bump_data_version()


def _fabrique_id(instance: models.Model) -> int | None:
    if isinstance(instance, Workshop):
        return instance.fabrique_id
    if isinstance(instance, Registration):
        return (
            Workshop.objects.filter(pk=instance.workshop_id)
            .values_list("fabrique_id", flat=True)
            .first()
        )
    if isinstance(instance, Member):
        return (
            WorkingGroup.objects.filter(pk=instance.working_group_id)
            .values_list("participation__fabrique_id", flat=True)
            .first()
        )
    return None


def _bump(sender: type[models.Model], instance: models.Model, **kwargs: Any) -> None:
    if kwargs.get("raw"):  # loaddata
        return
    fabrique_id = _fabrique_id(instance)
    if fabrique_id is not None:
        workshop_figures_changed(fabrique_id=fabrique_id)


def connect() -> None:
    for model in (Registration, Workshop, Member):
        label = model._meta.label
        post_save.connect(_bump, sender=model, dispatch_uid=f"bump-figures-{label}")
        post_delete.connect(_bump, sender=model, dispatch_uid=f"bump-figures-del-{label}")
