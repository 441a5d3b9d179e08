import factory
from django.utils import timezone

from fabriques.recommendations import models
from fabriques.roadmaps.tests import factories as roadmap_factories
from fabriques.territories.tests.factories import ModelFactory


class RecommendationFactory(ModelFactory[models.Recommendation]):
    """A draft recommendation to a ministry, numbered in sequence."""

    class Meta:
        model = models.Recommendation

    fabrique = factory.SubFactory("fabriques.programme.tests.factories.FabriqueFactory")
    number = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(
        lambda n: f"Simplifier l’accès aux fonds pour les petites communes {n}"
    )
    finding = "Les petites communes renoncent aux appels à projets faute d’ingénierie."
    proposal = "Ouvrir un guichet unique départemental d’ingénierie."
    kind = models.RecommendationKind.PUBLIC_POLICY
    addressee_kind = models.AddresseeKind.MINISTRY
    addressee = "Direction générale des collectivités locales"

    class Params:
        open_to_positions = factory.Trait(status=models.RecommendationStatus.ENDORSEMENT)
        published = factory.Trait(
            status=models.RecommendationStatus.PUBLISHED,
            published_at=factory.LazyFunction(timezone.now),
        )


class PositionFactory(ModelFactory[models.Position]):
    class Meta:
        model = models.Position

    recommendation = factory.SubFactory(RecommendationFactory, open_to_positions=True)
    organisation = factory.SubFactory("fabriques.programme.tests.factories.OrganisationFactory")
    stance = models.Stance.SUPPORT
    signatory = "Marie Dupont, présidente"


class ReviewFactory(ModelFactory[models.ImplementationReview]):
    class Meta:
        model = models.ImplementationReview

    recommendation = factory.SubFactory(RecommendationFactory, published=True)
    horizon = models.ReviewHorizon.AT_ANSWER
    reviewed_on = factory.LazyFunction(timezone.localdate)
    degree = models.Implementation.IN_PROGRESS


class ActionSheetFactory(roadmap_factories.ActionSheetFactory):
    """An action sheet to cite as evidence (the roadmaps' factory, a mobility title)."""

    title = factory.Sequence(lambda n: f"Navette à la demande {n}")
