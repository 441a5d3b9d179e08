"""The open-data files as published: one set per data version, built in the background."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Publication(models.Model):
    """Every dataset's files built from one version of the public data.

    Visitors get the files of the latest complete publication; a publication being built is
    never served, so the previous files stay until the new ones are all written."""

    version = models.PositiveIntegerField(_("version des données"), unique=True)
    started_at = models.DateTimeField(_("commencée le"), default=timezone.now)
    completed_at = models.DateTimeField(_("terminée le"), null=True, blank=True, db_index=True)
    # The last change of the published data these files hold: the date reusers cite.
    data_changed_at = models.DateTimeField(_("dernière mise à jour des données"), null=True)

    class Meta:
        verbose_name = _("publication des données ouvertes")
        verbose_name_plural = _("publications des données ouvertes")
        ordering = ["-version"]

    def __str__(self) -> str:
        return f"v{self.version}"


class PublishedFile(models.Model):
    """One file of a publication in the uploads' storage, with its compressed copy."""

    publication = models.ForeignKey(Publication, on_delete=models.CASCADE, related_name="files")
    dataset = models.CharField(_("jeu de données"), max_length=50)
    ext = models.CharField(_("format"), max_length=8)
    name = models.CharField(_("fichier"), max_length=255)
    gzip_name = models.CharField(_("fichier compressé"), max_length=255)
    size = models.PositiveBigIntegerField(_("taille"))
    gzip_size = models.PositiveBigIntegerField(_("taille compressée"))
    sha256 = models.CharField(max_length=64)
    rows = models.PositiveIntegerField(_("lignes"))

    class Meta:
        verbose_name = _("fichier de données ouvertes")
        verbose_name_plural = _("fichiers de données ouvertes")
        constraints = [
            models.UniqueConstraint(
                fields=["publication", "dataset", "ext"], name="opendata_one_file_per_format"
            )
        ]

    def __str__(self) -> str:
        return f"{self.dataset}.{self.ext} (v{self.publication.version})"
