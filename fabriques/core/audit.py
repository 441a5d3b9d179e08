"""What each audit action means, in French: the one table every page that shows events reads.

Services record a stable code (`deliverable.accepted`); people read a label (« Livrable
accepté »). Every action a service records must be listed here:
`fabriques/workspace/tests/test_audit_labels.py` reads every call of `audit_event_create` in
the code base and fails on an action without a label.
"""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

AUDIT_ACTIONS: dict[str, str | Promise] = {
    # Accounts and roles
    "user.created": _("Compte créé"),
    "user.updated": _("Compte modifié"),
    "user.login_proconnect": _("Connexion avec ProConnect"),
    "user.totp_added": _("Validation en deux étapes activée"),
    "user.data_exported": _("Données personnelles téléchargées"),
    "user.erased": _("Compte effacé"),
    "user.staff_granted": _("Administration technique ouverte"),
    "invitation.created": _("Invitation envoyée"),
    "invitation.accepted": _("Invitation acceptée"),
    "sign_in_link.created": _("Lien de connexion envoyé"),
    "sign_in_link.used": _("Connexion par lien"),
    "sign_in_link.revoked": _("Lien de connexion révoqué"),
    "membership.granted": _("Rôle accordé"),
    "membership.changed": _("Rôle modifié"),
    "membership.revoked": _("Rôle retiré"),
    "accounts.emails_limited": _("Envois de courriels suspendus"),
    # Programme
    "programme_year.created": _("Année du programme créée"),
    "programme_year.updated": _("Année du programme modifiée"),
    "programme.import": _("Historique du programme importé"),
    "fabrique.created": _("Fabrique créée"),
    "fabrique.updated": _("Fabrique modifiée"),
    "fabrique.transition": _("Statut de la Fabrique changé"),
    "fabrique.organisation_added": _("Organisation ajoutée à la Fabrique"),
    "fabrique.organisation_removed": _("Organisation retirée de la Fabrique"),
    "fabrique.team_invited": _("Membre de l’équipe invité"),
    "fabrique.team_revoked": _("Membre retiré de l’équipe"),
    "fabrique.milestones_generated": _("Calendrier proposé"),
    "fabrique.milestones_updated": _("Calendrier modifié"),
    "organisation.created": _("Organisation créée"),
    "participation.created": _("Territoire accompagné ajouté"),
    # Referential
    "territories.referential_import": _("Référentiel territorial importé"),
    "territories.qpv_import": _("Quartiers prioritaires importés"),
    # Calls and applications
    "call.created": _("Appel à volontaires créé"),
    "call.updated": _("Appel à volontaires modifié"),
    "call.criterion_created": _("Critère de sélection ajouté"),
    "call.criterion_updated": _("Critère de sélection modifié"),
    "call.criterion_deleted": _("Critère de sélection supprimé"),
    "call.outcomes_notified": _("Résultats annoncés aux candidats"),
    "call.closed_early": _("Appel clos avant la date annoncée"),
    "application.draft_created": _("Brouillon de candidature créé"),
    "application.draft_saved": _("Brouillon de candidature enregistré"),
    "application.submitted": _("Candidature déposée"),
    "application.scored": _("Candidature évaluée"),
    "application.shortlisted": _("Candidature présélectionnée"),
    "application.selected": _("Territoire retenu"),
    "application.rejected": _("Candidature non retenue"),
    "applications.exported": _("Candidatures exportées pour le comité de sélection"),
    "applications.person_erased": _("Candidatures d’une personne effacées"),
    "applications.purged": _("Anciennes candidatures supprimées"),
    # Deliverables
    "contract.created": _("Marché du prestataire enregistré"),
    "contract.updated": _("Marché du prestataire modifié"),
    "deliverable.created": _("Livrable créé"),
    "deliverable.defaults_generated": _("Livrables attendus proposés"),
    "deliverable.updated": _("Livrable modifié"),
    "deliverable.deleted": _("Livrable supprimé"),
    "deliverable.submitted": _("Livrable déposé"),
    "deliverable.accepted": _("Livrable accepté"),
    "deliverable.changes_requested": _("Modifications demandées sur le livrable"),
    "deliverable.reminders_sent": _("Relances envoyées"),
    # Minutes of workshops
    "minutes.saved": _("Compte rendu enregistré"),
    "minutes.shared": _("Compte rendu soumis aux participants"),
    "minutes.validated": _("Compte rendu validé"),
    "minutes.published": _("Compte rendu publié"),
    "minutes.reopened": _("Compte rendu rouvert à l’écriture"),
    "minutes.commented": _("Compte rendu commenté"),
    "action.updated": _("Avancement d’une action modifié"),
    # Maintenance
    "audit.purged": _("Journal d’audit purgé"),
    # Working groups
    "member.added": _("Membre ajouté au groupe de travail"),
    "member.updated": _("Membre du groupe de travail modifié"),
    "member.left": _("Départ d’un membre du groupe de travail"),
    "member.rejoined": _("Retour d’un membre dans le groupe de travail"),
    "member.consent_recorded": _("Consentement d’un membre enregistré"),
    "member.consent_withdrawn": _("Consentement d’un membre retiré"),
    "member.public_name_set": _("Choix d’un membre sur son nom dans les comptes rendus publics"),
    "members.imported": _("Membres importés dans le groupe de travail"),
    "members.exported": _("Liste des membres exportée"),
    "members.purged": _("Membres supprimés au terme de la conservation"),
    # Workshops: attendance
    "attendance.checked_in": _("Présence pointée par code"),
    "attendance.set": _("Présence pointée à l’appel"),
    "attendance.walk_in": _("Présence sans inscription pointée"),
    "attendance.sheet_downloaded": _("Feuille d’émargement imprimée"),
    "attendance.exported": _("Liste des présences exportée"),
    # Workshops: planning and calendar feeds
    "workshop.created": _("Rencontre prévue"),
    "workshop.updated": _("Rencontre modifiée"),
    "workshop.cancelled": _("Rencontre annulée"),
    "workshop.agenda_saved": _("Ordre du jour d’une rencontre enregistré"),
    "workshop.document_added": _("Document ajouté à une rencontre"),
    "calendar_feed.created": _("Adresse d’agenda personnelle créée"),
    "calendar_feed.renewed": _("Adresse d’agenda personnelle renouvelée"),
    "calendar_feed.deleted": _("Adresse d’agenda personnelle supprimée"),
    # Workshops: invitations and registrations
    "workshop.invited": _("Invitations à une rencontre envoyées"),
    "registration.requested": _("Demande d’inscription à une rencontre"),
    "registration.cancelled": _("Désinscription d’une rencontre"),
    "registration.promoted": _("Inscription depuis la liste d’attente"),
    "registration.declined": _("Invitation à une rencontre déclinée"),
    # Roadmaps: writing (roadmap, axes, sheets and their parts, editors, comments)
    "roadmap.created": _("Feuille de route créée"),
    "roadmap.updated": _("Cadrage ou gouvernance de la feuille de route modifiés"),
    "roadmap.commented": _("Feuille de route commentée"),
    "roadmap.attachment_added": _("Pièce jointe ajoutée à la feuille de route"),
    "roadmap.attachment_removed": _("Pièce jointe retirée de la feuille de route"),
    "roadmap.partner_added": _("Partenaire ajouté à la feuille de route"),
    "roadmap.partner_removed": _("Partenaire retiré de la feuille de route"),
    "roadmap.partner_changed": _("Partenaire de la feuille de route modifié ou déplacé"),
    "roadmap.contract_added": _("Contrat ou programme lié ajouté"),
    "roadmap.contract_removed": _("Contrat ou programme lié retiré"),
    "roadmap.contract_changed": _("Contrat ou programme lié modifié"),
    "axis.created": _("Axe créé"),
    "axis.updated": _("Axe modifié"),
    "axis.moved": _("Axe déplacé"),
    "axis.deleted": _("Axe supprimé"),
    "sheet.created": _("Fiche action créée"),
    "sheet.updated": _("Fiche action modifiée"),
    "sheet.deleted": _("Fiche action supprimée"),
    "sheet.status_changed": _("État d’avancement d’une fiche action changé"),
    "sheet.part_changed": _("Élément d’une fiche action modifié"),
    "sheet.editor_added": _("Membre invité à rédiger une fiche action"),
    "sheet.editor_removed": _("Invitation à rédiger une fiche action retirée"),
    "sheet.commented": _("Fiche action commentée"),
    # Roadmaps: lifecycle and versions
    "roadmap.submitted": _("Feuille de route soumise pour relecture"),
    "roadmap.reviewed": _("Feuille de route relue par le pilote"),
    "roadmap.returned": _("Feuille de route renvoyée à reprendre"),
    "roadmap.validated": _("Feuille de route validée par le comité de pilotage local"),
    "roadmap.adopted": _("Délibération d’adoption de la feuille de route enregistrée"),
    "roadmap.published": _("Feuille de route publiée"),
    "roadmap.unpublished": _("Feuille de route dépubliée"),
    # Roadmaps: follow-up
    "roadmap.follow_up_opened": _("Suivi d’une feuille de route ouvert"),
    "roadmap.follow_up_saved": _("Suivi d’une feuille de route enregistré"),
    "roadmap.follow_up_closed": _("Suivi d’une feuille de route remis"),
    "roadmap.follow_up_reminded": _("Relance du suivi d’une feuille de route"),
    # Recommendations
    "recommendation.created": _("Préconisation créée"),
    "recommendation.updated": _("Préconisation modifiée"),
    "recommendation.deleted": _("Préconisation supprimée"),
    "recommendation.opened": _("Préconisation soumise aux positions des partenaires"),
    "recommendation.returned": _("Préconisation revenue au brouillon"),
    "recommendation.published": _("Préconisation publiée"),
    "recommendation.unpublished": _("Préconisation retirée de la publication"),
    "recommendation.commented": _("Commentaire sur une préconisation"),
    "recommendation.sent": _("Envoi d’une préconisation à son destinataire"),
    "recommendation.answered": _("Réponse à une préconisation enregistrée"),
    "recommendation.reviewed": _("Mise en œuvre d’une préconisation constatée"),
    "recommendation.reminded": _("Relance de suivi d’une préconisation envoyée"),
    "position.given": _("Position donnée sur une préconisation"),
    # Foresight studies
    "study.created": _("Étude prospective créée"),
    "study.updated": _("Étude prospective modifiée"),
    "study.published": _("Étude prospective publiée"),
    "study.unpublished": _("Étude prospective retirée de la publication"),
    "study.variables_changed": _("Variables d’une analyse structurelle modifiées"),
    "study.matrix_changed": _("Matrice d’une analyse structurelle modifiée"),
    "study.inputs_imported": _("Données d’entrée d’une étude importées d’un tableau"),
    "study.run": _("Calcul d’une étude prospective enregistré"),
    "study.cell_changed": _("Cellule d’une matrice d’étude saisie"),
    "study.result_retained": _("Résultat d’une étude prospective retenu"),
    "study.result_unretained": _("Résultat d’une étude prospective qui n’est plus retenu"),
    # Documents and search
    "document.rendered": _("Document produit"),
}


def audit_action_label(action: str) -> str:
    """The French label of an action; the code itself for one recorded before it had a label."""
    label = AUDIT_ACTIONS.get(action)
    return str(label) if label is not None else action
