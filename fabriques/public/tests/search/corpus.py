"""A small corpus of realistic French texts (fictional, in the style of the Fabriques'
booklets), with accents, plurals, hyphens and apostrophes, for the search tests.

Each entry is (key, title, body). The queries in test_matching.py name the keys they expect.
"""

CORPUS: list[tuple[str, str, str]] = [
    (
        "maison-sante",
        "Ouvrir une maison de santé pluriprofessionnelle",
        "Les communes rurales du canton manquent de médecins généralistes. Une maison de "
        "santé réunirait médecins, infirmiers et kinésithérapeutes autour d'un projet commun.",
    ),
    (
        "teleconsultation",
        "Déployer la téléconsultation dans les mairies",
        "Des cabines de téléconsultation installées en mairie rapprochent l'offre de soins "
        "des habitants âgés. La SANTE des aînés isolés est la priorité du conseil municipal.",
    ),
    (
        "composante",
        "Une composante culturelle dans chaque projet de territoire",
        "Chaque projet comprend une composante culturelle : résidences d'artistes, "
        "bibliothèques itinérantes et fêtes de village.",
    ),
    (
        "qpv-emploi",
        "Emploi des jeunes des quartiers prioritaires",
        "Dans les quartiers prioritaires de la politique de la ville, un jeune sur trois est "
        "sans emploi. Des permanences de Pôle emploi au pied des immeubles sont proposées.",
    ),
    (
        "qpv-renovation",
        "Rénovation urbaine du quartier prioritaire des Tilleuls",
        "Le quartier prioritaire des Tilleuls attend la rénovation de ses logements sociaux "
        "et la réouverture de commerces de proximité.",
    ),
    (
        "qpv-mediation",
        "Médiation sociale de nuit",
        "Des médiateurs présents le soir dans le quartier prioritaire apaisent les conflits "
        "de voisinage et orientent les familles vers les services publics.",
    ),
    (
        "mobilite-rurale",
        "Mobilité solidaire en milieu rural",
        "Un service de transport à la demande et de covoiturage solidaire relie les hameaux "
        "au bourg-centre pour les personnes sans voiture.",
    ),
    (
        "mobilites-douces",
        "Développer les mobilités douces",
        "Pistes cyclables sécurisées, location de vélos à assistance électrique et "
        "aménagement des chemins piétons entre les écoles et les quartiers.",
    ),
    (
        "transport-scolaire",
        "Repenser le transport scolaire",
        "Les lignes de car scolaire pourraient ouvrir leurs places libres aux autres "
        "habitants : une mobilité partagée sans coût supplémentaire.",
    ),
    (
        "renovation-energetique",
        "Rénovation énergétique des bâtiments publics",
        "Isoler les écoles et les gymnases réduit la facture d'énergie de la commune et "
        "les émissions de gaz à effet de serre.",
    ),
    (
        "energies-renouvelables",
        "Produire des énergies renouvelables locales",
        "Une société citoyenne installe des panneaux photovoltaïques sur les toitures "
        "communales ; les habitants investissent dans la transition énergétique.",
    ),
    (
        "precarite-energetique",
        "Lutter contre la précarité énergétique",
        "Un guichet unique accompagne les ménages modestes dans la rénovation de leur "
        "logement et le remplacement des chaudières au fioul.",
    ),
    (
        "transition-ecologique",
        "Réussir la transition écologique des territoires",
        "Le contrat pour la réussite de la transition écologique fédère les projets "
        "d'énergie, de mobilité et de biodiversité de l'intercommunalité.",
    ),
    (
        "alimentation",
        "Un projet alimentaire territorial",
        "Approvisionner les cantines scolaires en produits locaux et soutenir "
        "l'installation de jeunes agriculteurs en circuits courts.",
    ),
    (
        "eau",
        "Préserver la ressource en eau",
        "Les sécheresses répétées imposent de partager l'eau entre agriculture, "
        "habitants et milieux naturels.",
    ),
    (
        "numerique",
        "Inclusion numérique des seniors",
        "Des conseillers numériques accompagnent les personnes âgées dans leurs démarches "
        "en ligne, y compris la prise de rendez-vous médicaux et l'accès à la santé.",
    ),
    (
        "commerce",
        "Revitaliser le commerce de centre-bourg",
        "Une foncière rachète les cellules commerciales vacantes pour y installer une "
        "épicerie, une boulangerie et un café associatif.",
    ),
    (
        "jeunesse",
        "Une maison des jeunes intercommunale",
        "Les adolescents des villages demandent un lieu à eux, ouvert le mercredi et "
        "pendant les vacances scolaires.",
    ),
    (
        "logement",
        "Habitat inclusif pour les personnes âgées",
        "Des logements adaptés au cœur du village permettent aux aînés de vieillir chez "
        "eux, près des services de santé et des commerces.",
    ),
    (
        "sante-mentale",
        "Santé mentale des adolescents",
        "Une équipe mobile de psychologues intervient dans les collèges et les quartiers "
        "prioritaires pour repérer les situations de détresse.",
    ),
    (
        "deserts-medicaux",
        "Attirer des médecins dans les déserts médicaux",
        "Logement offert aux internes, bourses d'études et stages en cabinet rural : les "
        "collectivités s'unissent pour attirer de jeunes médecins.",
    ),
    (
        "biodiversite",
        "Restaurer les haies bocagères",
        "Replanter des haies protège la biodiversité, limite l'érosion des sols et "
        "stocke du carbone.",
    ),
    (
        "tourisme",
        "Un tourisme durable au fil de l'eau",
        "Des itinéraires de randonnée et de vélo le long de la rivière attirent des "
        "visiteurs hors saison.",
    ),
    (
        "participation",
        "Associer les habitants aux décisions",
        "Des budgets participatifs et des conseils citoyens donnent la parole aux "
        "habitants des quartiers et des villages.",
    ),
    (
        "services-publics",
        "Une maison France services itinérante",
        "Un bus France services sillonne les communes rurales pour aider aux démarches "
        "administratives : impôts, retraite, assurance maladie.",
    ),
    (
        "ecole",
        "Maintenir l'école du village",
        "Le regroupement pédagogique intercommunal préserve une classe par village et "
        "mutualise la cantine et le transport.",
    ),
    (
        "friches",
        "Reconvertir les friches industrielles",
        "L'ancienne usine textile accueillera un tiers-lieu, des ateliers d'artisans et "
        "une centrale photovoltaïque.",
    ),
    (
        "climat",
        "Adapter la ville aux vagues de chaleur",
        "Désimperméabiliser les cours d'école, planter des arbres et créer des îlots de "
        "fraîcheur dans les quartiers prioritaires les plus denses.",
    ),
    (
        "sport-sante",
        "Sport sur ordonnance",
        "Les médecins prescrivent une activité physique adaptée, encadrée par les clubs "
        "sportifs locaux, pour les patients atteints de maladies chroniques.",
    ),
    (
        "aidants",
        "Soutenir les aidants familiaux",
        "Des haltes-répit et des groupes de parole soulagent les proches qui "
        "accompagnent une personne malade ou en situation de handicap.",
    ),
]
