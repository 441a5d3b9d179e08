from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .audit import audit_action_label


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)

    class Meta:
        abstract = True


class AuditEvent(models.Model):
    """One state change or bulk operation, written by services (who, when, what, why)."""

    created_at = models.DateTimeField(_("date"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("auteur"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    action = models.CharField(_("action"), max_length=100, db_index=True)
    object_type = models.CharField(_("type d'objet"), max_length=100, blank=True)
    object_id = models.CharField(_("identifiant de l'objet"), max_length=64, blank=True)
    summary = models.TextField(_("résumé"), blank=True)
    data = models.JSONField(_("détails"), default=dict, blank=True)

    class Meta:
        verbose_name = _("événement d'audit")
        verbose_name_plural = _("événements d'audit")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id"], name="core_audit_object_idx")]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action} {self.object_type}:{self.object_id}"

    @property
    def action_label(self) -> str:
        """What happened, in French (« Livrable accepté »)."""
        return audit_action_label(self.action)


class ChangeCounter(models.Model):
    """A counter bumped by every write to a family of data, used to version cached results.

    Cached aggregates (statistics) are stored under a key that includes the counter, so a write
    makes them unreachable at once on every application server, whatever the cache backend.
    """

    name = models.CharField(_("nom"), max_length=50, unique=True)
    value = models.BigIntegerField(_("valeur"), default=0)

    class Meta:
        verbose_name = _("compteur de modifications")
        verbose_name_plural = _("compteurs de modifications")

    def __str__(self) -> str:
        return f"{self.name} = {self.value}"


class OutgoingEmail(models.Model):
    """One e-mail between the request that wrote it and the worker that sends it.

    The task queue only carries this row's id: its arguments are stored in clear in the task
    table, and the bodies hold invitation and password-reset links. Once sent, the bodies are
    blanked; the recipients, subject and dates stay EMAIL_RETENTION_DAYS for support and for
    the person's data export, then the daily purge deletes the row.
    """

    created_at = models.DateTimeField(_("créé le"), auto_now_add=True, db_index=True)
    to = models.JSONField(_("destinataires"), default=list)
    subject = models.CharField(_("objet"), max_length=255)
    text = models.TextField(_("texte"), blank=True)
    html = models.TextField(_("HTML"), blank=True)
    # Files sent with the message ([{"name", "mimetype", "content"}], text content only, e.g.
    # an iCalendar invitation); blanked with the bodies once sent.
    attachments = models.JSONField(_("pièces jointes"), default=list, blank=True)
    sent_at = models.DateTimeField(_("envoyé le"), null=True, blank=True)

    class Meta:
        verbose_name = _("courriel sortant")
        verbose_name_plural = _("courriels sortants")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.subject}"


class RateLimitCounter(models.Model):
    """Requests counted for one client or one address during one window (core.ratelimit).

    In the database rather than the cache, so that every process and application server
    counts together. The key is a keyed hash: no address is stored in clear.
    """

    key = models.CharField(_("clé"), max_length=64)
    window_start = models.DateTimeField(_("début de la période"))
    count = models.PositiveIntegerField(_("nombre"), default=0)
    # The window after this one still reads it (sliding estimate); the daily purge deletes it.
    expires_at = models.DateTimeField(_("expire le"), db_index=True)

    class Meta:
        verbose_name = _("compteur de limitation")
        verbose_name_plural = _("compteurs de limitation")
        constraints = [
            models.UniqueConstraint(
                fields=["key", "window_start"], name="core_ratelimitcounter_key_window_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.key[:12]} {self.window_start:%Y-%m-%d %H:%M} = {self.count}"
