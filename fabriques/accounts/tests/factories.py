import factory
from django.contrib.auth.hashers import make_password

from fabriques.accounts import models


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.User
        django_get_or_create = ["username"]

    username = factory.Sequence(lambda n: f"personne{n}@exemple.fr")
    email = factory.LazyAttribute(lambda o: o.username)
    first_name = factory.Sequence(lambda n: f"Prénom{n}")
    last_name = factory.Sequence(lambda n: f"Nom{n}")
    password = factory.LazyFunction(lambda: make_password("mot-de-passe-de-test-1"))


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Membership

    user = factory.SubFactory(UserFactory)
    role = models.MembershipRole.ANCT_ADMIN
