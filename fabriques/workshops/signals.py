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
from django.db.models import QuerySet
from django.db.models.signals import post_delete, post_save

from fabriques.core.versioning import bump_data_version
from fabriques.programme.models import Fabrique
from fabriques.workinggroups.models import Member

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


def _cached_fabrique(instance: models.Model) -> Fabrique | None:
    """The instance's Fabrique when already loaded with it (no query), else None."""
    workshop: Workshop | None = None
    if isinstance(instance, Workshop):
        workshop = instance
    elif isinstance(instance, Registration) and Registration.workshop.is_cached(instance):
        workshop = instance.workshop
    if workshop is not None and Workshop.fabrique.is_cached(workshop):
        return workshop.fabrique
    return None


def _public_fabriques_of(instance: models.Model) -> QuerySet[Fabrique]:
    public = Fabrique.objects.filter(status__in=FIGURES_PUBLIC_STATUSES)
    if isinstance(instance, Workshop):
        return public.filter(pk=instance.fabrique_id)
    if isinstance(instance, Registration):
        return public.filter(workshops=instance.workshop_id)
    if isinstance(instance, Member):
        return public.filter(participations__working_group=instance.working_group_id)
    return public.none()


def _bump(sender: type[models.Model], instance: models.Model, **kwargs: Any) -> None:
    if kwargs.get("raw"):  # loaddata
        return
    # At most one query when nothing is public: the write's own objects often carry their
    # Fabrique already (the access functions load it), then none.
    fabrique = _cached_fabrique(instance)
    if fabrique is not None:
        public = fabrique.status in FIGURES_PUBLIC_STATUSES
    else:
        public = _public_fabriques_of(instance).exists()
    if public:
        bump_data_version()


def connect() -> None:
    for model in (Registration, Workshop, Member):
        label = model._meta.label
        post_save.connect(_bump, sender=model, dispatch_uid=f"bump-figures-{label}")
        post_delete.connect(_bump, sender=model, dispatch_uid=f"bump-figures-del-{label}")
