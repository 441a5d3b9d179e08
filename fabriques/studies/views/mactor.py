"""The MACTOR screens: the actors and the objectives (rename, reorder, remove, add), the MID
and MAO grids (a plain form; with JavaScript, arrow keys and cell-by-cell saving through
`studies:cell`) and the run's options."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from fabriques.accounts.types import AuthenticatedHttpRequest

from .. import access, selectors, services
from ..models import Method, Study
from ._common import conflict_redirect, grid_conflict, posted_lock_version, study_context

INCOMPLETE = gettext_lazy("Le formulaire est incomplet\u00a0: rechargez la page.")


def _mactor_study(request: HttpRequest, pk: int) -> Study:
    study = access.get_study_for_user(request.user, pk, write=True)
    if study.method != Method.MACTOR:
        raise Http404(_("Cette page est celle du jeu des acteurs."))
    return study


# Lists ----------------------------------------------------------------------------------------


def _list_texts(kind: str) -> dict[str, str]:
    if kind == "actors":
        return {
            "title": _("Acteurs"),
            "legend": _("Acteurs de l’étude"),
            "item": _("Acteur"),
            "rank": _("Rang de l’acteur"),
            "remove": _("Retirer l’acteur"),
            "add": _("Ajouter des acteurs"),
            "save": _("Enregistrer les acteurs"),
            "saved": _("Les acteurs sont enregistrés."),
            "help": _(
                "Renommez un acteur dans son champ, changez son rang pour le déplacer, cochez "
                "« Retirer » pour l’enlever (sa ligne et sa colonne de la matrice des influences "
                "et sa ligne des positions avec lui), ajoutez-en un par ligne dans le dernier "
                "champ. Les valeurs déjà saisies suivent chaque acteur."
            ),
        }
    return {
        "title": _("Objectifs"),
        "legend": _("Objectifs de l’étude"),
        "item": _("Objectif"),
        "rank": _("Rang de l’objectif"),
        "remove": _("Retirer l’objectif"),
        "add": _("Ajouter des objectifs"),
        "save": _("Enregistrer les objectifs"),
        "saved": _("Les objectifs sont enregistrés."),
        "help": _(
            "Renommez un objectif dans son champ, changez son rang pour le déplacer, cochez "
            "« Retirer » pour l’enlever (sa colonne des positions avec lui), ajoutez-en un par "
            "ligne dans le dernier champ. Les positions déjà saisies suivent chaque objectif."
        ),
    }


def _posted_rows(
    request: HttpRequest, names: list[str], item: str
) -> tuple[list[dict[str, Any]], list[tuple[int, str]], list[str]]:
    """The rows as posted, the kept ones in their new order (by rank, ties in their former
    order) and the errors on the ranks."""
    rows: list[dict[str, Any]] = []
    errors: list[str] = []
    ranked: list[tuple[int, int, str]] = []
    for i, name in enumerate(names):
        rank_text = request.POST.get(f"rank-{i}", str(i + 1)).strip()
        posted_name = request.POST.get(f"name-{i}", name)
        remove = request.POST.get(f"remove-{i}") == "on"
        rows.append({"position": i, "name": posted_name, "rank": rank_text, "remove": remove})
        try:
            rank = int(rank_text)
        except ValueError:
            errors.append(
                _("%(item)s %(position)s\u00a0: le rang doit être un nombre entier.")
                % {"item": item, "position": i + 1}
            )
            continue
        if not remove:
            ranked.append((rank, i, posted_name))
    kept = [(i, name) for _rank, i, name in sorted(ranked)]
    return rows, kept, errors


def _list_page(request: AuthenticatedHttpRequest, pk: int, kind: str) -> HttpResponse:
    study = _mactor_study(request, pk)
    inputs = services.mactor_inputs(study)
    names = inputs.actors if kind == "actors" else inputs.objectives
    texts = _list_texts(kind)
    errors: list[str] = []
    rows: list[dict[str, Any]] = [
        {"position": i, "name": name, "rank": str(i + 1), "remove": False}
        for i, name in enumerate(names)
    ]
    added = ""
    if request.method == "POST":
        rows, kept, errors = _posted_rows(request, names, texts["item"])
        added = request.POST.get("new", "")
        version = posted_lock_version(request)
        if version is None:
            errors = [str(INCOMPLETE)]
        if not errors and version is not None:
            try:
                services.mactor_list_save(
                    study=study,
                    actor=request.user,
                    kind=kind,
                    kept=kept,
                    added=[line for line in added.splitlines() if line.strip()],
                    expected_version=version,
                )
            except services.EditConflict:
                return conflict_redirect(request, study)
            except services.InputErrors as error:
                errors = error.messages
            else:
                messages.success(request, texts["saved"])
                return redirect(request.path)
    return render(
        request,
        "studies/mactor/list.html",
        study_context(
            study,
            kind=kind,
            texts=texts,
            rows=rows,
            added=added,
            errors=errors,
            lock_version=study.lock_version,
        ),
        status=400 if errors else 200,
    )


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def actors(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _list_page(request, pk, "actors")


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def objectives(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _list_page(request, pk, "objectives")


# Grids ----------------------------------------------------------------------------------------


def _grid_texts(matrix: str) -> dict[str, str]:
    if matrix == "mid":
        return {
            "title": _("Influences directes entre acteurs (MID)"),
            "crumb": _("Influences entre acteurs"),
            "help": _(
                "Chaque ligne dit l’influence directe de son acteur sur celui de chaque "
                "colonne\u00a0: 0 aucune, 1 sur ses procédures, 2 sur ses projets, 3 sur ses "
                "missions, 4 sur son existence. Une cellule vide vaut 0."
            ),
            "save": _("Enregistrer les influences"),
            "saved": _("Les influences sont enregistrées (%(count)s cellules modifiées)."),
        }
    return {
        "title": _("Positions des acteurs sur les objectifs (MAO)"),
        "crumb": _("Positions sur les objectifs"),
        "help": _(
            "Chaque ligne dit la position de son acteur sur l’objectif de chaque colonne, de "
            "\u22124 à 4\u00a0: le signe dit s’il y est favorable (4) ou opposé (\u22124, "
            "tapez « -4 »), la valeur ce que l’objectif engage pour lui\u00a0: 1 ses "
            "procédures, 2 ses projets, 3 ses missions, 4 son existence\u00a0; 0 s’il y est "
            "indifférent. Une cellule vide vaut 0."
        ),
        "save": _("Enregistrer les positions"),
        "saved": _("Les positions sont enregistrées (%(count)s cellules modifiées)."),
    }


def _grid_page(request: AuthenticatedHttpRequest, pk: int, matrix: str) -> HttpResponse:
    study = _mactor_study(request, pk)
    texts = _grid_texts(matrix)
    errors: list[str] = []
    posted = None
    if request.method == "POST":
        inputs = services.mactor_inputs(study)
        n = len(inputs.actors)
        m = n if matrix == "mid" else len(inputs.objectives)
        posted = {(i, j): request.POST.get(f"c-{i}-{j}", "") for i in range(n) for j in range(m)}
        version = posted_lock_version(request)
        if version is None:
            errors = [str(INCOMPLETE)]
        else:
            save = services.mactor_mid_save if matrix == "mid" else services.mactor_positions_save
            try:
                changed = save(
                    study=study, actor=request.user, cells=posted, expected_version=version
                )
            except services.EditConflict:
                return grid_conflict(request, study, matrix, posted)
            except services.InputErrors as error:
                errors = error.messages
            else:
                messages.success(request, texts["saved"] % {"count": changed})
                return redirect(request.path)
    grid = (
        selectors.mactor_mid_grid(study, posted)
        if matrix == "mid"
        else selectors.mactor_positions_grid(study, posted)
    )
    return render(
        request,
        "studies/mactor/grid.html",
        study_context(
            study,
            texts=texts,
            grid=grid,
            ready=bool(grid.rows and grid.columns),
            errors=errors,
            lock_version=study.lock_version,
        ),
        status=400 if errors else 200,
    )


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def mid(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _grid_page(request, pk, "mid")


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def positions(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _grid_page(request, pk, "positions")


# Options --------------------------------------------------------------------------------------


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def options(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    study = _mactor_study(request, pk)
    inputs = services.mactor_inputs(study)
    errors: list[str] = []
    reading = inputs.balance_reading
    threshold = selectors.mactor_inputs_summary(study)["graph_threshold"]
    if request.method == "POST":
        reading = request.POST.get("balance_reading", "")
        threshold = request.POST.get("graph_threshold", "")
        version = posted_lock_version(request)
        if version is None:
            errors = [str(INCOMPLETE)]
        else:
            try:
                services.mactor_options_save(
                    study=study,
                    actor=request.user,
                    balance_reading=reading,
                    graph_threshold=threshold,
                    expected_version=version,
                )
            except services.EditConflict:
                return conflict_redirect(request, study)
            except services.InputErrors as error:
                errors = error.messages
            else:
                messages.success(request, _("Les réglages du calcul sont enregistrés."))
                return redirect(request.path)
    return render(
        request,
        "studies/mactor/options.html",
        study_context(
            study,
            reading=reading,
            threshold=threshold,
            errors=errors,
            lock_version=study.lock_version,
        ),
        status=400 if errors else 200,
    )


S = "espace/etudes/<int:pk>/"
urlpatterns: list[URLPattern] = [
    path(S + "acteurs/", actors, name="mactor_actors"),
    path(S + "objectifs/", objectives, name="mactor_objectives"),
    path(S + "influences-acteurs/", mid, name="mactor_mid"),
    path(S + "positions/", positions, name="mactor_positions"),
    path(S + "reglages-acteurs/", options, name="mactor_options"),
]
