"""The public search index: one row per published object, its facets, and how fresh it is.

Rows are written only by services.py, from the registered sources (registry.py), which yield
published objects only: nothing unpublished is ever in these tables.

PostgreSQL searches ``search_vector`` (tsvector, configuration ``fr_unaccent``, GIN index:
migration 0002); SQLite searches the FTS5 table ``search_entry_fts`` (same migration), whose
rowid is the entry's id and whose columns hold the stems of the title and the body
(text.stems). On SQLite the ``search_vector`` column exists but stays empty.
"""

from __future__ import annotations

from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.utils.translation import gettext_lazy as _


class SearchEntry(models.Model):
    kind = models.CharField(_("catégorie"), max_length=20)
    object_id = models.PositiveBigIntegerField(_("identifiant de l’objet"))
    title = models.CharField(_("titre"), max_length=300)
    body = models.TextField(_("texte"), blank=True)
    url = models.CharField(_("adresse"), max_length=300)
    year = models.PositiveSmallIntegerField(_("année"), null=True, blank=True)
    published_at = models.DateTimeField(_("publié le"), null=True, blank=True)
    # A hash of everything above and the facets: a refresh rewrites only the rows that moved.
    digest = models.CharField(max_length=64)
    indexed_at = models.DateTimeField(_("indexé le"), auto_now=True)
    search_vector = SearchVectorField(null=True, editable=False)

    class Meta:
        verbose_name = _("entrée de l’index de recherche")
        verbose_name_plural = _("entrées de l’index de recherche")
        constraints = [
            models.UniqueConstraint(fields=["kind", "object_id"], name="search_entry_unique_object")
        ]
        indexes = [models.Index(fields=["year"], name="search_entry_year_idx")]

    def __str__(self) -> str:
        return f"{self.kind} {self.object_id}: {self.title}"


class SearchFacet(models.Model):
    """One value of one facet of an entry (a Fabrique has several themes and régions)."""

    entry = models.ForeignKey(SearchEntry, on_delete=models.CASCADE, related_name="facets")
    facet = models.CharField(_("facette"), max_length=20)
    value = models.CharField(_("valeur"), max_length=100)
    label = models.CharField(_("libellé"), max_length=250)

    class Meta:
        verbose_name = _("facette d’une entrée")
        verbose_name_plural = _("facettes des entrées")
        constraints = [
            models.UniqueConstraint(
                fields=["entry", "facet", "value"], name="search_facet_unique_value"
            )
        ]
        indexes = [models.Index(fields=["facet", "value", "entry"], name="search_facet_value_idx")]

    def __str__(self) -> str:
        return f"{self.facet}={self.value}"


class SearchSourceState(models.Model):
    """The public data version a source was last fully indexed at (see services.ensure_fresh)."""

    kind = models.CharField(_("catégorie"), max_length=20, unique=True)
    data_version = models.PositiveBigIntegerField(_("version des données"), default=0)

    class Meta:
        verbose_name = _("état d’une source de recherche")
        verbose_name_plural = _("états des sources de recherche")

    def __str__(self) -> str:
        return f"{self.kind} @ {self.data_version}"
