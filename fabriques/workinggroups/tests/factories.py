import datetime

import factory

from fabriques.territories.tests.factories import ModelFactory, ParticipationFactory
from fabriques.workinggroups import models


class WorkingGroupFactory(ModelFactory[models.WorkingGroup]):
    class Meta:
        model = models.WorkingGroup

    participation = factory.SubFactory(ParticipationFactory)
    name = factory.LazyAttribute(lambda o: f"Groupe de travail local — {o.participation.label}")


class MemberFactory(ModelFactory[models.Member]):
    """A current member from an association, on the public-interest basis, without consent."""

    class Meta:
        model = models.Member

    working_group = factory.SubFactory(WorkingGroupFactory)
    first_name = "Camille"
    last_name = factory.Sequence(lambda n: f"Membre{n}")
    email = factory.Sequence(lambda n: f"membre{n}@exemple.fr")
    phone = "01 23 45 67 89"
    organisation_name = "Association des habitants"
    family = models.StakeholderFamily.ASSOCIATION
    role = models.GroupRole.MEMBER
    joined_how = models.JoinedHow.INVITATION
    joined_on = datetime.date(2026, 3, 1)
