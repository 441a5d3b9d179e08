from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "fabriques.accounts"
    label = "accounts"
    verbose_name = _("Comptes")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from .data_sources import register_sources
        from .otp import second_factor_on_login

        register_sources()
        # Every way in (login page, admin, invitation, ProConnect, tests' force_login) notes
        # in the session whether a second factor is still owed; it writes nothing else.
        user_logged_in.connect(second_factor_on_login, dispatch_uid="accounts_second_factor")
