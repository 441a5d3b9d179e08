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
DEMO_TERRITORIES = tuple(
    dict.fromkeys((c.kind, c.code) for c in (*RUNNING_CANDIDATES, *OPEN_CANDIDATES))
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
