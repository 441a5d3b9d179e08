"""The fictional content of the demo: its people, organisations, territories, texts, files.

Everything here is invented and says so, except the territories: real communes and EPCI of the
imported referential (Code officiel géographique 2026, data/referential), picked by their
official codes, none of which appears in the programme's history.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.text import slugify

from fabriques.accounts.backends import DEMO_EMAIL_DOMAIN
from fabriques.calls.services import CriterionInput
from fabriques.territories.models import ParticipationKind

# Every demo account signs in with it, on a development machine only.
DEMO_PASSWORD = "demo-fabriques-2026"
# The administrator's authenticator key (20 bytes, hex), fixed so that an app set up from the
# printed secret keeps working from one load to the next. Public: demo accounts only.
DEMO_TOTP_KEY = hashlib.sha1(b"fabriques-demo-totp").hexdigest()

FICTION_NOTE = (
    "Fabrique fictive, chargée par « make demo » pour découvrir la plateforme : ni ses "
    "personnes ni ses organisations n’existent ; ses territoires sont de vraies collectivités "
    "du référentiel officiel, qui n’ont jamais candidaté."
)


def demo_email(local: str) -> str:
    return f"{local}@{DEMO_EMAIL_DOMAIN}"


# --- The cast -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Person:
    local: str  # the part of the address before @DEMO_EMAIL_DOMAIN
    first_name: str
    last_name: str = "Démo"

    @property
    def email(self) -> str:
        return demo_email(self.local)

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}"


ADMIN = Person("admin", "Alice")
PILOT = Person("pilote", "Paul")
PARTNER = Person("partenaire", "Patricia")
PROVIDER = Person("prestataire", "Pierre")
ELECTED = Person("elu", "Élise")
TECHNICAL = Person("referent-technique", "Thomas")
APPLICANT = Person("candidate", "Camille")
# A member of the referents' territory's working group, with an account of her own: what a
# person invited to the workshops sees (« mon espace »).
MEMBER = Person("membre", "Manon")

# Slugs as fabrique_create derives them from the titles.
RUNNING_TITLE = "Fabrique de démonstration"
RUNNING_SLUG = "fabrique-de-demonstration"
OPEN_TITLE = "Fabrique de démonstration : appel à volontaires ouvert"
OPEN_SLUG = "fabrique-de-demonstration-appel-a-volontaires-ouvert"

ELECTED_ASSOCIATION_NAME = "Association d’élus de démonstration"
PARTNER_NAME = "Réseau partenaire de démonstration"
PROVIDER_NAME = "Cabinet Prospective Démo"

# Themes of data/programme/themes.yaml (imported by import_programme).
RUNNING_THEME = "transition-ecologique"
OPEN_THEME = "alimentation"


# --- The territories ----------------------------------------------------------------------

SELECTED = "selected"
REJECTED = "rejected"
SUBMITTED = "submitted"
DRAFT = "draft"


@dataclass(frozen=True)
class Candidate:
    """A local authority applying: its territory by official code, who fills in, who commits."""

    kind: str  # ParticipationKind.COMMUNE (INSEE code) or EPCI (SIREN)
    code: str
    outcome: str
    agent: Person
    elected: Person
    technical: Person
    scores: tuple[int, int, int] = (3, 3, 3)  # one per CRITERIA, in order


CRITERIA = (
    CriterionInput(
        label="Engagement des élus",
        description="Un élu porte la démarche et s’engage à suivre les séminaires.",
        weight=2,
    ),
    CriterionInput(
        label="Groupe de travail local",
        description="Services, partenaires et habitants réunis pour la durée de la Fabrique.",
    ),
    CriterionInput(
        label="Lien avec le thème de la Fabrique",
        description="Un enjeu du territoire que la Fabrique aide à éclairer.",
    ),
)

COMMUNE = ParticipationKind.COMMUNE
EPCI = ParticipationKind.EPCI

# Real communes and EPCI (Code officiel géographique 2026, data/referential), none of which
# appears in the programme's history: the demo's applications are the only ones they have.
RUNNING_CANDIDATES = (
    Candidate(COMMUNE, "46102", SELECTED, APPLICANT, ELECTED, TECHNICAL, (5, 4, 4)),  # Figeac
    Candidate(
        COMMUNE,
        "12145",  # Millau
        SELECTED,
        Person("agent.millau", "Hugo"),
        Person("elu.millau", "Marc"),
        Person("technique.millau", "Nadia"),
        (4, 4, 3),
    ),
    Candidate(
        EPCI,
        "242500338",  # CC du Grand Pontarlier
        SELECTED,
        Person("agent.pontarlier", "Inès"),
        Person("elu.pontarlier", "Bernard"),
        Person("technique.pontarlier", "Léa"),
        (4, 3, 5),
    ),
    Candidate(
        COMMUNE,
        "22070",  # Guingamp
        SELECTED,
        Person("agent.guingamp", "Yann"),
        Person("elu.guingamp", "Gwenaëlle"),
        Person("technique.guingamp", "Loïc"),
        (3, 4, 4),
    ),
    Candidate(
        COMMUNE,
        "71014",  # Autun
        REJECTED,
        Person("agent.autun", "Chloé"),
        Person("elu.autun", "Henri"),
        Person("technique.autun", "Sophie"),
        (2, 2, 3),
    ),
    Candidate(
        COMMUNE,
        "34142",  # Lodève
        DRAFT,
        Person("agent.lodeve", "Jules"),
        Person("elu.lodeve", "Anne"),
        Person("technique.lodeve", "Karim"),
    ),
)
OPEN_CANDIDATES = (
    Candidate(
        COMMUNE,
        "07186",  # Privas
        SUBMITTED,
        Person("agent.privas", "Rose"),
        Person("elu.privas", "Victor"),
        Person("technique.privas", "Emma"),
    ),
    Candidate(COMMUNE, "46102", DRAFT, APPLICANT, ELECTED, TECHNICAL),  # Figeac, again
)
# The published Fabrique's cohort (below), in its order: the same kind of real communes.
PUBLISHED_TERRITORIES = (
    (COMMUNE, "15120"),  # Mauriac
    (COMMUNE, "19275"),  # Ussel
    (COMMUNE, "36088"),  # Issoudun
)
DEMO_TERRITORIES = tuple(
    dict.fromkeys(
        [
            *((c.kind, c.code) for c in (*RUNNING_CANDIDATES, *OPEN_CANDIDATES)),
            *PUBLISHED_TERRITORIES,
        ]
    )
)


def fictional_pdf(title: str) -> SimpleUploadedFile:
    """A one-page PDF that says it is a fictional document (Helvetica, WinAnsi text)."""

    def line(text: str, y: int, size: int) -> bytes:
        escaped = text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
        return b"BT /F1 %d Tf 72 %d Td (%s) Tj ET\n" % (
            size,
            y,
            escaped.encode("cp1252", "replace"),
        )

    text = line(title, 760, 16) + line(
        "Document fictif de démonstration de la plateforme Fabriques.", 730, 11
    )
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Length %d >>\nstream\n%sendstream" % (len(text), text),
    ]
    pdf = b"%PDF-1.4\n"
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(pdf))
        pdf += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(pdf)
    pdf += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    pdf += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    pdf += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return SimpleUploadedFile(f"{slugify(title)}.pdf", pdf, content_type="application/pdf")


# --- Working groups -----------------------------------------------------------------------
# Fictional members of the local working groups of two territories of the running Fabrique
# (the referents' one first). Addresses on DEMO_EMAIL_DOMAIN, like every demo person; none of
# them has an account, but the group of the referents' territory lists them too.


@dataclass(frozen=True)
class GroupMember:
    local: str
    first_name: str
    family: str
    organisation: str
    family_detail: str = ""
    role: str = "member"
    joined_how: str = "invitation"
    last_name: str = "Démo"

    @property
    def email(self) -> str:
        return demo_email(self.local)


WORKING_GROUP_MEMBERS: tuple[tuple[GroupMember, ...], ...] = (
    (
        GroupMember("membre-ddt", "Damien", "state", "DDT de démonstration", "DDT"),
        GroupMember("membre-asso", "Aurélie", "association", "Centre social de démonstration"),
        GroupMember(
            "membre-chambre",
            "Charles",
            "chamber",
            "Chambre d’agriculture de démonstration",
            "Agriculture",
        ),
        GroupMember("membre-agence", "Agathe", "planning_agency", "Agence d’urbanisme Démo"),
        GroupMember(
            "membre-habitant", "Hugo", "inhabitant", "", "Conseil citoyen", joined_how="lots"
        ),
        GroupMember("membre-entreprise", "Emma", "business", "Coopérative de démonstration"),
        GroupMember(
            "membre-chercheur", "Rémi", "research", "Laboratoire de démonstration", role="expert"
        ),
    ),
    (
        GroupMember(
            "membre2-elu",
            "Estelle",
            "elected",
            "Commune de démonstration",
            role="elected_referent",
            joined_how="designation",
        ),
        GroupMember(
            "membre2-agent",
            "Antoine",
            "local_staff",
            "Commune de démonstration",
            role="technical_referent",
            joined_how="designation",
        ),
        GroupMember("membre2-asso", "Inès", "association", "Association de démonstration"),
        GroupMember("membre2-habitant", "Lucas", "inhabitant", "", joined_how="call"),
        GroupMember(
            "membre2-etat", "Sophie", "state", "Préfecture de démonstration", role="observer"
        ),
    ),
)


# The member persona, as the group lists her (added to the first group by the demo).
MEMBER_PERSONA = GroupMember(
    MEMBER.local,
    MEMBER.first_name,
    "association",
    "Maison des associations de démonstration",
)


# --- Workshops ----------------------------------------------------------------------------
# The meetings of the running Fabrique, past and coming, dated in days from the load. Local
# ones exist once per demo territory (« {territory} » in the title is its name).


@dataclass(frozen=True)
class DemoWorkshop:
    key: str
    kind: str  # workshops.models.WorkshopKind
    title: str
    days: int  # from today: negative in the past
    objectives: str
    agenda: tuple[tuple[str, int, str], ...] = ()  # (title, minutes, speaker)
    hour: int = 14
    hours: int = 3
    venue: str = ""


KICKOFF = DemoWorkshop(
    "kickoff",
    "kickoff",
    "Lancement du groupe de travail de {territory}",
    -49,
    "Se présenter, partager les attentes de chacun et le calendrier de la Fabrique.",
    (
        ("Tour de table et attentes", 45, ""),
        ("La Fabrique, son calendrier, ses séminaires", 30, "Cabinet Prospective Démo"),
        ("Les règles du groupe de travail", 30, ""),
    ),
    hour=18,
    hours=2,
    venue="Salle du conseil, mairie de {territory} (lieu fictif de démonstration)",
)
LOCAL_DIAGNOSIS = DemoWorkshop(
    "diagnosis",
    "local",
    "Atelier 1 : les vulnérabilités climatiques de {territory}",
    -35,
    "Dresser ensemble la carte des fragilités du territoire face aux canicules, aux "
    "sécheresses et aux crues.",
    (
        ("Ce que disent les projections climatiques", 30, "Laboratoire de démonstration"),
        ("Cartographie collective des vulnérabilités", 90, ""),
        ("Priorités et suite du travail", 30, ""),
    ),
    venue="Centre social de {territory} (lieu fictif de démonstration)",
)
LOCAL_SCENARIOS = DemoWorkshop(
    "scenarios",
    "local",
    "Atelier 2 : trois scénarios pour {territory} en 2040",
    -13,
    "Imaginer trois futurs contrastés du territoire et ce qu’ils demandent d’anticiper.",
    (
        ("Retour sur le diagnostic", 20, ""),
        ("Écriture des scénarios en sous-groupes", 100, ""),
        ("Mise en commun", 40, ""),
    ),
    venue="Centre social de {territory} (lieu fictif de démonstration)",
)
LOCAL_COMING = DemoWorkshop(
    "roadmap",
    "local",
    "Atelier 3 : premières pistes de la feuille de route de {territory}",
    12,
    "Choisir les pistes d’action à approfondir et qui les porte.",
    (
        ("Les scénarios retenus", 20, "Cabinet Prospective Démo"),
        ("Pistes d’action : ateliers tournants", 90, ""),
        ("Qui porte quoi, et avec qui", 40, ""),
    ),
    venue="Médiathèque de {territory} (lieu fictif de démonstration)",
)
SEMINAR_PAST = DemoWorkshop(
    "seminar-1",
    "seminar",
    "Séminaire inter-territoires n° 1 : croiser les diagnostics",
    -24,
    "Partager les diagnostics des quatre territoires et repérer les enjeux communs.",
    (
        ("Chaque territoire présente son diagnostic", 60, ""),
        ("Enjeux communs et différences", 45, "Cabinet Prospective Démo"),
    ),
    hour=10,
    hours=2,
)
SEMINAR_COMING = DemoWorkshop(
    "seminar-2",
    "seminar",
    "Séminaire inter-territoires n° 2 : des scénarios aux feuilles de route",
    30,
    "Mettre en regard les scénarios des territoires et préparer leurs feuilles de route.",
    (
        ("Accueil", 30, ""),
        ("Les scénarios des quatre territoires", 90, ""),
        ("Déjeuner", 60, ""),
        ("Ateliers : des scénarios aux actions", 120, "Cabinet Prospective Démo"),
    ),
    hour=10,
    hours=6,
    venue="Salle de démonstration, Rodez (lieu fictif)",
)
SEMINAR_VIDEO_URL = "https://visio.demo.fabriques.test/seminaire-1"
COMING_CAPACITY = 4  # a coming local workshop's places: one more asks and waits
SEMINAR_CAPACITY = 10
SEMINAR_PLACES_PER_TERRITORY = 2

# The minutes, in Markdown. Fictional like the rest.
MINUTES_KICKOFF = (
    "## Tour de table\n\nChaque membre a présenté sa structure et ce qu’il attend de la "
    "Fabrique (compte rendu fictif de démonstration).\n\n## Calendrier\n\nTrois ateliers "
    "locaux d’ici l’été, deux séminaires avec les autres territoires."
)
MINUTES_DIAGNOSIS = (
    "## Projections climatiques\n\nLe laboratoire a présenté les projections à 2050 : des "
    "étés plus chauds, des étiages plus longs (données fictives de démonstration).\n\n"
    "## Cartographie\n\nLe groupe a repéré trois zones fragiles : le centre ancien en "
    "canicule, les berges en crue, les exploitations en sécheresse."
)
MINUTES_SCENARIOS = (
    "## Les trois scénarios\n\n« Le territoire refuge », « la sobriété choisie », « l’adaptation "
    "au fil de l’eau » : trois récits écrits en sous-groupes (compte rendu fictif).\n\n"
    "## À relire\n\nMerci de relire et de commenter avant la validation par les référents."
)
MINUTES_SEMINAR = (
    "## Les diagnostics\n\nLes quatre territoires partagent la question de l’eau l’été ; "
    "la chaleur en ville concerne surtout les centres anciens (compte rendu fictif)."
)
MINUTES_DRAFT = "## Les trois scénarios\n\nÀ compléter par le cabinet après l’atelier."
SHARED_COMMENT = (
    "Merci pour ce compte rendu. Le scénario « la sobriété choisie » parlait aussi des "
    "mobilités : pouvez-vous l’ajouter ?"
)

# The outcomes of the published public minutes: (kind, text, owner, due in days, progress).
# The owner is a member of the group by the local part of their address.
PUBLIC_OUTCOMES: tuple[tuple[str, str, str, int | None, str], ...] = (
    (
        "information",
        "Les cartes de la séance sont jointes au compte rendu (fictives).",
        "",
        None,
        "",
    ),
    (
        "decision",
        "Le centre ancien, les berges et les exploitations agricoles sont les trois "
        "zones prioritaires du travail.",
        "",
        None,
        "",
    ),
    ("decision", "Un atelier ouvert aux habitants sera organisé avant l’été.", "", None, ""),
    (
        "action",
        "Envoyer au groupe les données de température du centre ancien.",
        "membre-agence",
        -20,
        "done",
    ),
    (
        "action",
        "Recenser les îlots de fraîcheur existants avec le centre social.",
        "membre-asso",
        15,
        "in_progress",
    ),
    (
        "action",
        "Interroger les exploitants sur leurs besoins en eau l’été.",
        "membre-chambre",
        -5,
        "todo",
    ),
)


# --- A published Fabrique: its roadmaps and recommendations ---------------------------------
# A Fabrique of two years ago, ended and published: one roadmap per territory, adopted and
# published, a one-year follow-up handed in on the first one, and numbered recommendations
# endorsed by its elected officials' association and its partner, one of them answered.
# Dates are given as (years after the Fabrique's year, month, day).

PUBLISHED_TITLE = "Fabrique de démonstration : santé et mobilités"
PUBLISHED_SLUG = "fabrique-de-demonstration-sante-et-mobilites"
PUBLISHED_THEME = "sante"
PUBLISHED_YEARS_AGO = 2


Day = tuple[int, int, int]  # (years after the Fabrique's year, month, day)


@dataclass(frozen=True)
class DemoSheet:
    title: str
    description: str
    objectives: str
    pilot_organisation: str
    pilot_person: str
    priority: str  # roadmaps.models.Priority
    maturity: str  # roadmaps.models.Maturity
    status: str  # roadmaps.models.SheetStatus, reached on status_on
    status_on: Day
    planned: tuple[Day, Day]
    steps: tuple[tuple[str, bool, Day], ...]
    partners: tuple[tuple[str, str], ...]
    budget: tuple[tuple[int, str, int, int | None], ...]  # (year after, nature, planned, actual)
    funding: tuple[
        tuple[str, str, int, int | None, str], ...
    ]  # funder, scheme, asked, granted, status
    indicator: tuple[str, str, int, tuple[tuple[Day, int], ...]]  # definition, unit, target, values
    # The one-year follow-up (first roadmap only): status, spent, granted, comment.
    follow_up: tuple[str, int, int, str] | None = None


@dataclass(frozen=True)
class DemoAxis:
    title: str
    description: str
    sheets: tuple[DemoSheet, ...]


@dataclass(frozen=True)
class DemoRoadmap:
    title: str
    easy_summary: str
    diagnostic: str
    issues: str
    vision: str
    steering_body: str
    contract: tuple[str, str, str]  # (roadmaps.models.ContractKind, label, reference)
    partners: tuple[tuple[str, str], ...]
    axes: tuple[DemoAxis, ...]


def _sheet(
    title: str,
    description: str,
    objectives: str,
    pilot: tuple[str, str],
    *,
    priority: str = "medium",
    maturity: str = "operation",
    status: tuple[str, Day] = ("in_progress", (1, 3, 1)),
    planned: tuple[Day, Day] = ((1, 1, 1), (2, 12, 31)),
    steps: tuple[tuple[str, bool, Day], ...],
    partners: tuple[tuple[str, str], ...] = (),
    budget: tuple[tuple[int, str, int, int | None], ...],
    funding: tuple[tuple[str, str, int, int | None, str], ...],
    indicator: tuple[str, str, int, tuple[tuple[Day, int], ...]],
    follow_up: tuple[str, int, int, str] | None = None,
) -> DemoSheet:
    return DemoSheet(
        title=title,
        description=description,
        objectives=objectives,
        pilot_organisation=pilot[0],
        pilot_person=pilot[1],
        priority=priority,
        maturity=maturity,
        status=status[0],
        status_on=status[1],
        planned=planned,
        steps=steps,
        partners=partners,
        budget=budget,
        funding=funding,
        indicator=indicator,
        follow_up=follow_up,
    )


PUBLISHED_ROADMAPS = (
    DemoRoadmap(
        title="Mauriac 2035 : se soigner et se déplacer au pays de Mauriac",
        easy_summary=(
            "Trouver un médecin près de chez soi et pouvoir s’y rendre sans voiture : la "
            "commune et ses partenaires ouvrent un centre de santé, organisent le transport "
            "solidaire et accueillent de jeunes soignants (feuille de route fictive)."
        ),
        diagnostic=(
            "Quatre médecins généralistes pour plus de dix mille habitants du bassin de vie, "
            "dont deux partiront à la retraite d’ici trois ans ; un habitant sur trois a plus "
            "de soixante ans ; la moitié des ménages âgés n’a pas de voiture (données fictives "
            "de démonstration)."
        ),
        issues=(
            "L’accès aux soins de premier recours en milieu rural ; la mobilité des personnes "
            "âgées et des jeunes sans permis ; l’attractivité du territoire pour les soignants."
        ),
        vision=(
            "Scénario retenu, « le bourg-centre de santé » : Mauriac concentre l’offre de soins "
            "de proximité et organise, avec les communes voisines, les trajets qui y mènent."
        ),
        steering_body="Comité de pilotage santé-mobilité (commune, communauté de communes, ARS)",
        contract=("pvd", "Convention Petites villes de demain", "PVD-DEMO-15 (fictive)"),
        partners=(
            ("Agence régionale de santé (fictive)", "cofinanceur, appui à l’ingénierie"),
            ("Maison de santé de démonstration", "porteur du projet de santé"),
        ),
        axes=(
            DemoAxis(
                "Garantir l’accès aux soins de proximité",
                "Un lieu de soins ouvert à tous et des soignants qui restent.",
                (
                    _sheet(
                        "Ouvrir un centre de santé municipal",
                        "Transformer l’ancienne perception en centre de santé avec deux "
                        "médecins salariés, une infirmière en pratique avancée et un "
                        "secrétariat partagé.",
                        "Offrir un médecin traitant à chaque habitant du bassin de vie.",
                        ("Commune de Mauriac", "Directrice des services (personne fictive)"),
                        priority="high",
                        status=("done", (1, 11, 15)),
                        planned=((1, 1, 1), (1, 10, 31)),
                        steps=(
                            ("Étude de faisabilité", True, (0, 11, 30)),
                            ("Travaux d’aménagement", True, (1, 6, 30)),
                            ("Recrutement des deux médecins", True, (1, 9, 30)),
                            ("Ouverture au public", True, (1, 11, 15)),
                        ),
                        partners=(("Agence régionale de santé (fictive)", "financement"),),
                        budget=(
                            (1, "investment", 420_000, 455_000),
                            (1, "operating", 180_000, 172_000),
                        ),
                        funding=(
                            (
                                "Préfecture du Cantal (fictive)",
                                "detr",
                                150_000,
                                150_000,
                                "obtained",
                            ),
                            ("Région (fictive)", "region", 80_000, 60_000, "obtained"),
                        ),
                        indicator=(
                            "Habitants sans médecin traitant",
                            "habitants",
                            300,
                            (((0, 12, 1), 1850), ((1, 6, 30), 1400)),
                        ),
                        follow_up=(
                            "done",
                            455_000,
                            210_000,
                            "Ouvert en novembre ; 1 200 patients ont déclaré un médecin "
                            "traitant au centre dans les six premiers mois.",
                        ),
                    ),
                    _sheet(
                        "Accueillir les internes en médecine",
                        "Un logement meublé et un référent d’accueil pour les internes en "
                        "stage chez les médecins du territoire.",
                        "Faire connaître le territoire aux futurs médecins.",
                        ("Communauté de communes (fictive)", "Chargé de mission santé (fictif)"),
                        status=("in_progress", (1, 4, 1)),
                        steps=(
                            ("Convention avec la faculté de médecine", True, (1, 3, 31)),
                            ("Logement des internes rénové", False, (2, 6, 30)),
                        ),
                        budget=((1, "investment", 60_000, 38_000), (2, "operating", 12_000, None)),
                        funding=(
                            ("Département (fictif)", "departement", 20_000, 20_000, "obtained"),
                        ),
                        indicator=(
                            "Internes accueillis par an",
                            "internes",
                            6,
                            (((0, 12, 1), 1), ((1, 10, 31), 3)),
                        ),
                        follow_up=(
                            "late",
                            38_000,
                            20_000,
                            "Les travaux du logement ont pris six mois de retard "
                            "(entreprise défaillante).",
                        ),
                    ),
                ),
            ),
            DemoAxis(
                "Se déplacer sans voiture vers les soins",
                "Des trajets solidaires et à la demande pour ceux qui ne conduisent pas.",
                (
                    _sheet(
                        "Un transport solidaire vers les rendez-vous médicaux",
                        "Des chauffeurs bénévoles défrayés conduisent les personnes sans "
                        "voiture vers leurs rendez-vous médicaux, réservés par téléphone.",
                        "Qu’aucun rendez-vous médical ne soit manqué faute de transport.",
                        ("Centre social de démonstration", "Coordinatrice (personne fictive)"),
                        priority="high",
                        status=("in_progress", (1, 2, 1)),
                        steps=(
                            ("Recrutement de vingt chauffeurs bénévoles", True, (1, 1, 31)),
                            ("Plateforme de réservation téléphonique", True, (1, 3, 31)),
                            ("Extension aux communes voisines", False, (2, 9, 30)),
                        ),
                        partners=(("Caisse d’assurance retraite (fictive)", "financement"),),
                        budget=((1, "operating", 35_000, 31_500), (2, "operating", 40_000, None)),
                        funding=(
                            ("Préfecture (fictive)", "fnadt", 15_000, 15_000, "obtained"),
                            ("Banque des Territoires (fictive)", "bdt", 10_000, None, "asked"),
                        ),
                        indicator=(
                            "Trajets vers les soins réalisés par mois",
                            "trajets",
                            150,
                            (((1, 3, 31), 40), ((1, 9, 30), 95)),
                        ),
                        follow_up=(
                            "in_progress",
                            31_500,
                            15_000,
                            "95 trajets par mois à l’automne ; les communes voisines "
                            "rejoignent le service l’an prochain.",
                        ),
                    ),
                    _sheet(
                        "Une navette à la demande vers l’hôpital d’Aurillac",
                        "Deux allers-retours par semaine vers le centre hospitalier, "
                        "réservables la veille.",
                        "Relier les consultations de spécialistes à une heure de route.",
                        ("Région (fictive), autorité organisatrice", "Service des mobilités"),
                        maturity="study",
                        status=("paused", (1, 9, 1)),
                        steps=(("Étude des besoins", True, (1, 5, 31)),),
                        budget=((2, "operating", 55_000, None),),
                        funding=(("Fonds vert (fictif)", "fonds_vert", 25_000, None, "refused"),),
                        indicator=("Voyageurs par semaine", "voyageurs", 30, (((1, 5, 31), 0),)),
                        follow_up=(
                            "paused",
                            0,
                            0,
                            "En pause : le Fonds vert a été refusé ; un nouveau dossier "
                            "est préparé avec la région.",
                        ),
                    ),
                ),
            ),
        ),
    ),
    DemoRoadmap(
        title="Ussel : la santé à portée de tous en Haute-Corrèze",
        easy_summary=(
            "Des consultations qui viennent aux habitants, des jeunes qui passent leur permis "
            "et un covoiturage organisé pour aller se soigner (feuille de route fictive)."
        ),
        diagnostic=(
            "Un territoire de montagne où l’on roule quarante minutes en moyenne pour voir un "
            "spécialiste ; des jeunes qui renoncent à un emploi faute de permis (données "
            "fictives de démonstration)."
        ),
        issues="La santé de proximité en milieu rural ; la mobilité des jeunes et des aînés.",
        vision="Scénario retenu, « la santé qui se déplace » : l’offre va vers les habitants.",
        steering_body="Comité local de santé de démonstration",
        contract=("crte", "CRTE de Haute-Corrèze", "CRTE-DEMO-19 (fictif)"),
        partners=(("Mutualité de démonstration", "santé mobile"),),
        axes=(
            DemoAxis(
                "Aller vers les habitants",
                "Les soins et la prévention viennent dans les bourgs.",
                (
                    _sheet(
                        "Un bus de santé itinérant dans les bourgs",
                        "Un bus aménagé propose dépistages, vaccinations et "
                        "téléconsultations accompagnées une fois par mois dans douze bourgs.",
                        "Rapprocher la prévention des habitants isolés.",
                        ("Mutualité de démonstration", "Responsable prévention (fictif)"),
                        priority="high",
                        steps=(
                            ("Achat et aménagement du bus", True, (1, 4, 30)),
                            ("Première tournée", True, (1, 6, 1)),
                        ),
                        budget=((1, "investment", 250_000, 262_000),),
                        funding=(
                            ("Fonds européens (fictifs)", "eu", 120_000, 120_000, "obtained"),
                            ("Préfecture (fictive)", "dsil", 60_000, 45_000, "obtained"),
                        ),
                        indicator=(
                            "Personnes reçues par mois",
                            "personnes",
                            200,
                            (((1, 7, 31), 85), ((1, 12, 31), 160)),
                        ),
                    ),
                    _sheet(
                        "Des téléconsultations accompagnées en pharmacie",
                        "Trois pharmacies équipées d’une cabine de téléconsultation, avec "
                        "l’aide d’un pharmacien.",
                        "Une consultation sous 48 heures dans chaque bassin de vie.",
                        ("Commune d’Ussel", "Adjoint à la santé (personne fictive)"),
                        status=("not_started", (1, 1, 1)),
                        maturity="idea",
                        steps=(
                            ("Appel à manifestation d’intérêt des pharmacies", False, (2, 3, 31)),
                        ),
                        budget=((2, "investment", 45_000, None),),
                        funding=(("Département (fictif)", "departement", 15_000, None, "asked"),),
                        indicator=("Téléconsultations par mois", "consultations", 120, ()),
                    ),
                ),
            ),
            DemoAxis(
                "Bouger autrement",
                "Permis, covoiturage et vélos pour sortir de l’isolement.",
                (
                    _sheet(
                        "Une auto-école sociale pour les jeunes",
                        "Le permis à prix réduit pour les jeunes en insertion, avec un "
                        "accompagnement vers l’emploi.",
                        "Cent jeunes titulaires du permis en trois ans.",
                        ("Mission locale de démonstration", "Conseillère (personne fictive)"),
                        steps=(
                            ("Recrutement du moniteur", True, (1, 2, 28)),
                            ("Première promotion", True, (1, 4, 1)),
                        ),
                        budget=((1, "operating", 70_000, 66_000),),
                        funding=(("Région (fictive)", "region", 35_000, 35_000, "obtained"),),
                        indicator=(
                            "Jeunes ayant obtenu le permis",
                            "jeunes",
                            100,
                            (((1, 6, 30), 12), ((1, 12, 31), 31)),
                        ),
                    ),
                    _sheet(
                        "Un covoiturage solidaire vers les soins",
                        "Une application et un numéro de téléphone pour partager les trajets "
                        "vers les soins.",
                        "Deux cents trajets partagés par mois.",
                        ("Communauté de communes (fictive)", "Service mobilité"),
                        status=("to_discuss", (1, 10, 1)),
                        maturity="study",
                        steps=(("Choix de la plateforme", False, (2, 2, 28)),),
                        budget=((2, "operating", 18_000, None),),
                        funding=(
                            ("Banque des Territoires (fictive)", "bdt", 9_000, None, "asked"),
                        ),
                        indicator=("Trajets partagés par mois", "trajets", 200, ()),
                    ),
                ),
            ),
        ),
    ),
    DemoRoadmap(
        title="Issoudun : santé et mobilités dans les quartiers prioritaires et les villages",
        easy_summary=(
            "Les habitants des quartiers prioritaires et des villages voisins accèdent mieux "
            "aux soins et aux transports : médiateurs santé, vélos et lignes de bus revues "
            "(feuille de route fictive)."
        ),
        diagnostic=(
            "Dans les quartiers prioritaires, un habitant sur quatre a renoncé à des soins "
            "dans l’année ; les villages voisins n’ont plus de bus le samedi (données fictives "
            "de démonstration)."
        ),
        issues=(
            "La santé des habitants des quartiers prioritaires ; les mobilités entre la ville "
            "et les villages."
        ),
        vision="Scénario retenu, « la ville qui relie » : la santé et les transports ensemble.",
        steering_body="Comité de pilotage du contrat de ville (fictif)",
        contract=("contrat_de_ville", "Contrat de ville d’Issoudun", "CV-DEMO-36 (fictif)"),
        partners=(("Caisse primaire d’assurance maladie (fictive)", "médiation santé"),),
        axes=(
            DemoAxis(
                "La santé dans les quartiers",
                "Aller vers ceux qui renoncent aux soins.",
                (
                    _sheet(
                        "Des médiateurs santé dans les quartiers prioritaires",
                        "Deux médiateurs accompagnent les habitants dans leurs droits et "
                        "leurs rendez-vous de santé.",
                        "Réduire de moitié le renoncement aux soins.",
                        ("Centre communal d’action sociale (fictif)", "Directeur (fictif)"),
                        priority="high",
                        steps=(
                            ("Recrutement des médiateurs", True, (1, 1, 31)),
                            ("Permanences dans les deux quartiers", True, (1, 3, 1)),
                        ),
                        budget=((1, "operating", 90_000, 88_000),),
                        funding=(("Préfecture (fictive)", "other", 60_000, 60_000, "obtained"),),
                        indicator=(
                            "Habitants accompagnés",
                            "habitants",
                            400,
                            (((1, 6, 30), 120), ((1, 12, 31), 290)),
                        ),
                    ),
                    _sheet(
                        "Une maison de santé pluriprofessionnelle en quartier prioritaire",
                        "Implanter une maison de santé au pied des immeubles du quartier.",
                        "Cinq professionnels de santé installés dans le quartier.",
                        ("Commune d’Issoudun", "Direction de l’urbanisme (fictive)"),
                        maturity="study",
                        status=("blocked", (1, 8, 1)),
                        steps=(
                            ("Choix du site", True, (1, 5, 31)),
                            ("Permis de construire", False, (2, 6, 30)),
                        ),
                        budget=((2, "investment", 900_000, None),),
                        funding=(
                            ("Préfecture (fictive)", "detr", 300_000, None, "asked"),
                            ("Fonds européens (fictifs)", "eu", 250_000, None, "asked"),
                        ),
                        indicator=("Professionnels de santé installés", "professionnels", 5, ()),
                    ),
                ),
            ),
            DemoAxis(
                "Relier la ville et les villages",
                "Des transports pour tous les jours de la semaine.",
                (
                    _sheet(
                        "Une ligne de bus le samedi vers les villages",
                        "Rouvrir le samedi la ligne entre le centre-ville et cinq villages.",
                        "Un bus toutes les deux heures le samedi.",
                        ("Communauté de communes (fictive)", "Service transports"),
                        status=("done", (1, 9, 1)),
                        steps=(("Nouvelle grille horaire", True, (1, 6, 30)),),
                        budget=((1, "operating", 48_000, 46_000),),
                        funding=(("Région (fictive)", "region", 24_000, 24_000, "obtained"),),
                        indicator=(
                            "Voyageurs le samedi",
                            "voyageurs",
                            120,
                            (((1, 9, 30), 60), ((1, 12, 31), 95)),
                        ),
                    ),
                    _sheet(
                        "Des vélos à assistance électrique en location longue durée",
                        "Cent vélos loués au mois, à tarif solidaire pour les habitants des "
                        "quartiers prioritaires.",
                        "Cent abonnés la première année.",
                        ("Commune d’Issoudun", "Service développement durable (fictif)"),
                        status=("in_progress", (1, 5, 1)),
                        steps=(("Achat des vélos", True, (1, 4, 30)),),
                        budget=((1, "investment", 150_000, 148_000),),
                        funding=(
                            ("Fonds vert (fictif)", "fonds_vert", 75_000, 75_000, "obtained"),
                        ),
                        indicator=("Abonnés", "abonnés", 100, (((1, 12, 31), 64),)),
                    ),
                ),
            ),
        ),
    ),
)


@dataclass(frozen=True)
class DemoRecommendation:
    title: str
    finding: str
    proposal: str
    kind: str  # recommendations.models.RecommendationKind
    addressee_kind: str  # recommendations.models.AddresseeKind
    addressee: str
    target_text: str
    sheets: tuple[str, ...]  # titles of the action sheets it comes from
    # (stance, comment) of the elected officials' association, then of the partner.
    positions: tuple[tuple[str, str], tuple[str, str]]


PUBLISHED_RECOMMENDATIONS = (
    DemoRecommendation(
        "Compter les centres de santé intercommunaux dans le zonage des aides à l’installation",
        "À Mauriac comme à Ussel, les centres de santé ouverts par les collectivités ne "
        "comptent pas dans le zonage qui ouvre les aides à l’installation des médecins.",
        "Prendre en compte les centres de santé portés par les communes et leurs "
        "groupements dans le zonage des zones sous-denses, et le réviser tous les deux ans.",
        "regulatory",
        "ministry",
        "Ministère chargé de la santé — direction de l’offre de soins (destinataire fictif)",
        "Code de la santé publique, art. L. 1434-4",
        ("Ouvrir un centre de santé municipal",),
        (("support", ""), ("support", "")),
    ),
    DemoRecommendation(
        "Ouvrir le transport solidaire aux trajets vers la santé dans les quartiers prioritaires",
        "Les habitants des quartiers prioritaires et des villages renoncent à des soins faute "
        "de transport ; les services solidaires ne sont pas reconnus comme tels.",
        "Reconnaître les transports solidaires vers les soins dans le droit des mobilités et "
        "les financer dans les quartiers prioritaires comme dans les territoires ruraux.",
        "public_policy",
        "ministry",
        "Ministère chargé des transports (destinataire fictif)",
        "Code des transports, art. L. 3133-1",
        ("Un transport solidaire vers les rendez-vous médicaux",),
        (
            (
                "reservations",
                "D’accord sur le principe, à condition que les communes rurales ne portent "
                "pas seules le coût des chauffeurs.",
            ),
            ("support", ""),
        ),
    ),
    DemoRecommendation(
        "Un fonds d’amorçage pour les mobilités solidaires rurales",
        "Les navettes et covoiturages vers les soins s’arrêtent faute de financement de "
        "démarrage : le Fonds vert a refusé la navette de Mauriac.",
        "Créer, dans les programmes de l’ANCT, un fonds d’amorçage de trois ans pour les "
        "mobilités solidaires des petites villes et des villages.",
        "anct_programme",
        "programme",
        "ANCT — programme Petites villes de demain (destinataire fictif)",
        "",
        ("Une navette à la demande vers l’hôpital d’Aurillac",),
        (
            (
                "dissent",
                "Un fonds de plus ajoute un guichet : nous demandons plutôt que la DETR "
                "puisse financer le fonctionnement des premières années.",
            ),
            (
                "reservations",
                "Utile, si le fonds est ouvert aux associations et pas seulement aux communes.",
            ),
        ),
    ),
    DemoRecommendation(
        "Former les élus ruraux à la coordination des parcours de santé",
        "Les élus des trois territoires ont appris en marchant à réunir médecins, "
        "pharmaciens, transporteurs et associations.",
        "Proposer aux élus des petites communes une formation courte à la coordination "
        "locale de la santé et des mobilités.",
        "method",
        "operator",
        "Centre national de la fonction publique territoriale (destinataire fictif)",
        "",
        (),
        (("support", ""), ("support", "")),
    ),
)
# The first recommendation was sent, answered and reviewed.
ANSWERED_CORRESPONDENT = "Cheffe du bureau de l’offre de soins de premier recours (fictive)"
ANSWER_TEXT = (
    "Réponse fictive de démonstration : le ministère retient la prise en compte des centres "
    "de santé des collectivités dans la prochaine révision du zonage ; la révision tous les "
    "deux ans n’est pas retenue."
)
ANSWER_MEASURE = "Révision du zonage des zones sous-denses (mesure fictive de démonstration)"


# The published Fabrique's structural analysis (fabriques/studies): a collective MICMAC study
# of twelve variables, its matrix filled as a group of consultants and elected officials would
# (row = influence of the variable on each column, 0–3, P for a potential influence). Fictional.
DEMO_STUDY_TITLE = "Analyse structurelle — santé et mobilités en 2040"
DEMO_STUDY_PURPOSE = (
    "Quelles variables commandent l’accès aux soins et aux mobilités des territoires de la "
    "Fabrique d’ici 2040\u00a0? Analyse collective menée en séminaire (étude de démonstration)."
)
DEMO_STUDY_VARIABLES = (
    "Démographie médicale",
    "Vieillissement de la population",
    "Transport à la demande",
    "Télémédecine",
    "Attractivité résidentielle",
    "Coût des déplacements",
    "Maisons de santé pluriprofessionnelles",
    "Couverture numérique",
    "Coopération intercommunale",
    "Financements publics",
    "Mobilité des personnes âgées",
    "Accès aux soins de premier recours",
)
DEMO_STUDY_MATRIX: tuple[tuple[int | str, ...], ...] = (
    (0, 0, 0, 1, 2, 0, 2, 0, 1, 0, 0, 3),
    (2, 0, 2, 1, 1, 0, 1, 0, 1, 1, 3, 2),
    (0, 0, 0, 0, 1, 2, 0, 0, 1, 0, 3, 2),
    (1, 0, 0, 0, 1, 1, 1, 0, 0, 0, 1, 2),
    (2, 1, 1, 0, 0, 0, 1, 1, 0, 1, 0, 1),
    (0, 0, 1, 0, 1, 0, 0, 0, 0, 0, 2, 1),
    (3, 0, 0, 2, 2, 0, 0, 0, 1, 0, 0, 3),
    (0, 0, 1, 3, 2, 0, 1, 0, 0, 0, 1, 1),
    (1, 0, 2, 1, 1, 1, 2, 2, 0, 2, 1, 1),
    (1, 0, 2, 2, 1, 1, 3, 2, 2, 0, 1, 1),
    (0, 1, 1, 0, 1, 1, 0, 0, 0, 0, 0, 2),
    (1, 1, 0, 0, 2, 0, "P", 0, 0, 0, 1, 0),
)
