"""Programme years, Fabriques, organisations and their roles."""

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from fabriques.accounts.models import ORGANISATION_PROVIDER_ROLE
from fabriques.core.models import TimeStampedModel

MIN_TERRITORIES = 4
MAX_TERRITORIES = 8


class ProgrammeYear(models.Model):
    """A year in which Fabriques were initiated, with the figure ANCT declared."""

    year = models.PositiveSmallIntegerField(_("année"), unique=True)
    declared_territories = models.PositiveSmallIntegerField(
        _("territoires accompagnés (déclaré par l'ANCT)"), null=True, blank=True
    )
    target_fabriques = models.PositiveSmallIntegerField(
        _("nombre de Fabriques visé"), null=True, blank=True
    )
    source = models.CharField(_("source"), max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("année de programme")
        verbose_name_plural = _("années de programme")
        ordering = ["-year"]
        constraints = [
            models.CheckConstraint(
                condition=Q(year__gte=2000) & Q(year__lte=2100),
                name="programme_programmeyear_year_range",
            )
        ]

    def __str__(self) -> str:
        return str(self.year)


class Theme(models.Model):
    """A transition or theme a Fabrique works on."""

    slug = models.SlugField(_("identifiant"), max_length=80, unique=True)
    name = models.CharField(_("nom"), max_length=120, unique=True)
    description = models.TextField(_("description"), blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("thème")
        verbose_name_plural = _("thèmes")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class AnctProgramme(models.Model):
    """An ANCT programme a Fabrique is linked to (Action cœur de ville, …)."""

    slug = models.SlugField(_("identifiant"), max_length=80, unique=True)
    name = models.CharField(_("nom"), max_length=200, unique=True)
    description = models.TextField(_("description"), blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("programme de l'ANCT")
        verbose_name_plural = _("programmes de l'ANCT")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class OrganisationKind(models.TextChoices):
    ELECTED_ASSOCIATION = "elected_association", _("Association d'élus")
    MINISTRY = "ministry", _("Ministère")
    DIRECTORATE = "directorate", _("Direction d'administration centrale")
    OPERATOR = "operator", _("Opérateur national")
    RESEARCH = "research", _("Organisme de recherche")
    NETWORK = "network", _("Réseau")
    # Defined from accounts, whose grants tell the provider's consultants by this value.
    PROVIDER = ORGANISATION_PROVIDER_ROLE, _("Prestataire")
    LOCAL_AUTHORITY = "local_authority", _("Collectivité territoriale")
    OTHER = "other", _("Autre")


class Organisation(TimeStampedModel):
    slug = models.SlugField(_("identifiant"), max_length=120, unique=True)
    name = models.CharField(_("nom"), max_length=250)
    acronym = models.CharField(_("sigle"), max_length=40, blank=True)
    kind = models.CharField(_("type"), max_length=30, choices=OrganisationKind.choices)
    siren = models.CharField(_("SIREN"), max_length=9, blank=True)
    website = models.URLField(_("site internet"), blank=True)
    search_text = models.TextField(_("texte de recherche"), blank=True, editable=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(siren="") | Q(siren__regex=r"^[0-9]{9}$"),
                name="programme_organisation_siren_format",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.acronym})" if self.acronym else self.name


class FabriqueStatus(models.TextChoices):
    IDEA = "idea", _("Idée")
    DESIGNED = "designed", _("Conçue")
    CALL_OPEN = "call_open", _("Appel à volontaires ouvert")
    SELECTION = "selection", _("Sélection des territoires")
    RUNNING = "running", _("En cours")
    CLOSING = "closing", _("En clôture")
    PUBLISHED = "published", _("Terminée et publiée")
    FOLLOW_UP = "follow_up", _("Suivi")


# The yearly cycle's order, first to last; the moves between them are the cycle app's.
STATUS_ORDER: tuple[str, ...] = tuple(FabriqueStatus.values)


# Statuses in which the cohort of territories is fixed: 4 to 8 territories.
COHORT_STATUSES = (
    FabriqueStatus.RUNNING,
    FabriqueStatus.CLOSING,
    FabriqueStatus.PUBLISHED,
    FabriqueStatus.FOLLOW_UP,
)
PUBLIC_STATUSES = COHORT_STATUSES


class Fabrique(TimeStampedModel):
    slug = models.SlugField(_("identifiant"), max_length=120, unique=True)
    title = models.CharField(_("titre"), max_length=250)
    title_note = models.CharField(
        _("note sur le titre"),
        max_length=300,
        blank=True,
        help_text=_("Provenance du titre lorsqu'il n'est pas l'intitulé officiel."),
    )
    programme_year = models.ForeignKey(
        ProgrammeYear,
        verbose_name=_("année d'initiation"),
        on_delete=models.PROTECT,
        related_name="fabriques",
    )
    themes = models.ManyToManyField(
        Theme, verbose_name=_("thèmes"), related_name="fabriques", blank=True
    )
    summary = models.CharField(_("résumé"), max_length=500, blank=True)
    objective = models.TextField(_("objectif (Markdown)"), blank=True)
    start_month = models.DateField(
        _("mois de début"), null=True, blank=True, help_text=_("Premier jour du mois.")
    )
    end_month = models.DateField(
        _("mois de fin"), null=True, blank=True, help_text=_("Premier jour du mois.")
    )
    status = models.CharField(
        _("statut"), max_length=20, choices=FabriqueStatus.choices, default=FabriqueStatus.IDEA
    )
    anct_programmes = models.ManyToManyField(
        AnctProgramme,
        verbose_name=_("programmes de l'ANCT liés"),
        related_name="fabriques",
        blank=True,
    )
    cofinancing = models.TextField(_("cofinancement"), blank=True)
    source = models.CharField(_("source"), max_length=300, blank=True)
    search_text = models.TextField(_("texte de recherche"), blank=True, editable=False)
    history = HistoricalRecords(excluded_fields=["search_text"])

    class Meta:
        verbose_name = _("Fabrique")
        verbose_name_plural = _("Fabriques")
        ordering = ["-programme_year__year", "title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(start_month__isnull=True)
                | Q(end_month__isnull=True)
                | Q(end_month__gt=F("start_month")),
                name="programme_fabrique_end_after_start",
            ),
            models.CheckConstraint(
                condition=Q(start_month__isnull=True) | Q(start_month__day=1),
                name="programme_fabrique_start_first_of_month",
            ),
            models.CheckConstraint(
                condition=Q(end_month__isnull=True) | Q(end_month__day=1),
                name="programme_fabrique_end_first_of_month",
            ),
        ]
        indexes = [models.Index(fields=["status"], name="programme_fabrique_status_idx")]

    def __str__(self) -> str:
        return self.title


class Role(models.TextChoices):
    ELECTED_ASSOCIATION = "elected_association", _("Association d'élus partenaire")
    PARTNER = "partner", _("Partenaire")
    COFUNDER = "cofunder", _("Cofinanceur")
    # Defined from accounts, whose grants tell the provider's consultants by this value.
    PROVIDER = ORGANISATION_PROVIDER_ROLE, _("Prestataire")


class FabriqueOrganisation(models.Model):
    """The role an organisation plays in a Fabrique."""

    fabrique = models.ForeignKey(
        Fabrique, verbose_name=_("Fabrique"), on_delete=models.CASCADE, related_name="roles"
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="roles",
    )
    role = models.CharField(_("rôle"), max_length=30, choices=Role.choices)
    contact_name = models.CharField(
        _("personne contact"),
        max_length=200,
        blank=True,
        help_text=_("Seulement lorsque la source publique la nomme."),
    )
    amount = models.DecimalField(
        _("montant (€)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    position = models.PositiveSmallIntegerField(_("ordre"), default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("rôle d'une organisation")
        verbose_name_plural = _("rôles des organisations")
        ordering = ["fabrique", "role", "position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["fabrique", "organisation", "role"],
                name="programme_fabriqueorganisation_unique_role",
            ),
            # One contract per Fabrique: its provider is the organisation with this role.
            models.UniqueConstraint(
                fields=["fabrique"],
                condition=Q(role="provider"),
                name="programme_fabriqueorganisation_one_provider",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} — {self.get_role_display()}"


class Resource(models.Model):
    fabrique = models.ForeignKey(
        Fabrique, verbose_name=_("Fabrique"), on_delete=models.CASCADE, related_name="resources"
    )
    title = models.CharField(_("titre"), max_length=300)
    url = models.URLField(_("lien"), blank=True)
    file = models.FileField(_("fichier"), upload_to="resources/%Y/", blank=True)
    position = models.PositiveSmallIntegerField(_("ordre"), default=0)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("ressource")
        verbose_name_plural = _("ressources")
        ordering = ["fabrique", "position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(url="") | ~Q(file=""), name="programme_resource_link_or_file"
            )
        ]

    def __str__(self) -> str:
        return self.title


class MilestoneKind(models.TextChoices):
    KICKOFF = "kickoff", _("Séminaire de lancement")
    SEMINAR = "seminar", _("Séminaire collectif")
    LOCAL_WORKSHOP = "local_workshop", _("Atelier local")
    DELIVERABLE_DUE = "deliverable_due", _("Échéance de livrables")
    CLOSING = "closing", _("Séminaire de clôture")
    OTHER = "other", _("Autre")


class Milestone(TimeStampedModel):
    """A date in a Fabrique's calendar: kick-off, seminars, workshops, deliverables due."""

    fabrique = models.ForeignKey(
        Fabrique, verbose_name=_("Fabrique"), on_delete=models.CASCADE, related_name="milestones"
    )
    kind = models.CharField(_("type"), max_length=20, choices=MilestoneKind.choices)
    title = models.CharField(_("intitulé"), max_length=200)
    date = models.DateField(_("date"))
    description = models.TextField(_("description"), blank=True)
    position = models.PositiveSmallIntegerField(
        _("ordre"), default=0, help_text=_("Départage les jalons d’une même date.")
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("jalon")
        verbose_name_plural = _("jalons")
        ordering = ["fabrique", "date", "position", "id"]
        constraints = [
            models.CheckConstraint(condition=~Q(title=""), name="programme_milestone_title_set")
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.date:%d/%m/%Y})"
