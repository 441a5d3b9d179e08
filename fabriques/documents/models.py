"""Renderings of documents, cached by content version and produced by a background task."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class DocumentFormat(models.TextChoices):
    PDF = "pdf", _("PDF")
    DOCX = "docx", _("DOCX (Word)")
    ODT = "odt", _("ODT (LibreOffice)")


class RenderStatus(models.TextChoices):
    PENDING = "pending", _("En préparation")
    DONE = "done", _("Prêt")
    FAILED = "failed", _("Échec")


class RenderedDocument(models.Model):
    """One rendering of one document in one format, for one version of its content.

    `key` names the document ("roadmap:12", "public-booklet:fabrique-a"…); `content_version`
    is the sha256 of the document tree (blocks.Document.content_version), so any change of
    the data gives a new rendering while an unchanged document is served from here. The tree
    itself is kept in `tree`: the task renders it from this row, knowing only the row's id.
    """

    key = models.CharField(_("document"), max_length=120)
    format = models.CharField(_("format"), max_length=4, choices=DocumentFormat.choices)
    content_version = models.CharField(_("version du contenu"), max_length=64)
    filename = models.CharField(_("nom du fichier"), max_length=200)
    tree = models.JSONField(_("contenu structuré"))
    content = models.BinaryField(_("fichier"), blank=True, default=b"")
    status = models.CharField(
        _("état"), max_length=10, choices=RenderStatus.choices, default=RenderStatus.PENDING
    )
    message = models.TextField(_("message"), blank=True)
    created_at = models.DateTimeField(_("demandé le"), auto_now_add=True)
    rendered_at = models.DateTimeField(_("produit le"), null=True, blank=True)
    duration_ms = models.PositiveIntegerField(_("durée (ms)"), null=True, blank=True)

    class Meta:
        verbose_name = _("document produit")
        verbose_name_plural = _("documents produits")
        ordering = ["-created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["key", "format", "content_version"],
                name="documents_rendereddocument_unique_version",
            )
        ]

    def __str__(self) -> str:
        return f"{self.key}.{self.format} ({self.get_status_display()})"
