import datetime

import factory
from django.contrib.auth.hashers import make_password
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from fabriques.accounts import models

# Every account made by the factories (and the personas) logs in with this password.
PASSWORD = "mot-de-passe-de-test-1"


class UserFactory(factory.django.DjangoModelFactory[models.User]):
    class Meta:
        model = models.User
        django_get_or_create = ["username"]

    username = factory.Sequence(lambda n: f"personne{n}@exemple.fr")
    email = factory.LazyAttribute(lambda o: o.username)
    first_name = factory.Sequence(lambda n: f"Prénom{n}")
    last_name = factory.Sequence(lambda n: f"Nom{n}")
    password = factory.LazyFunction(lambda: make_password(PASSWORD))


class MembershipFactory(factory.django.DjangoModelFactory[models.Membership]):
    class Meta:
        model = models.Membership

    user = factory.SubFactory(UserFactory)
    role = models.MembershipRole.ANCT_ADMIN


class TOTPDeviceFactory(factory.django.DjangoModelFactory[TOTPDevice]):
    """A confirmed authenticator app; compute its codes with django_otp.oath.totp(bin_key)."""

    class Meta:
        model = TOTPDevice

    user = factory.SubFactory(UserFactory)
    name = "Application d’authentification"
    confirmed = True


class InvitationFactory(factory.django.DjangoModelFactory[models.Invitation]):
    class Meta:
        model = models.Invitation

    user = factory.SubFactory(UserFactory)
    email = factory.LazyAttribute(lambda o: o.user.email)
    token_hash = factory.Sequence(lambda n: f"{n:064x}")
    expires_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=14))
