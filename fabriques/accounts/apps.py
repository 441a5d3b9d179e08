from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "fabriques.accounts"
    label = "accounts"
    verbose_name = _("Comptes")

    def ready(self) -> None:
        # Registers the permission rules (rules.add_perm) the access functions rely on.
        from . import roles  # noqa: F401
