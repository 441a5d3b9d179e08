"""Forms of the login, invitation, sign-up, password, second factor and account pages."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.conf import settings
from django.contrib.auth import forms as auth_forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from fabriques.core.emails import email_queue

from .models import User

if TYPE_CHECKING:
    # The stubs' SetPasswordForm is generic in the user model; Django's class is not
    # subscriptable at runtime.
    _SetPasswordForm = auth_forms.SetPasswordForm[User]
else:
    _SetPasswordForm = auth_forms.SetPasswordForm


def _input(**attrs: Any) -> dict[str, Any]:
    return {"class": "fr-input", **attrs}


def _password_widget(autocomplete: str) -> forms.PasswordInput:
    return forms.PasswordInput(attrs=_input(autocomplete=autocomplete))


class LoginForm(auth_forms.AuthenticationForm):
    """E-mail address and password; Django passes the request on to authenticate (axes)."""

    username = forms.CharField(
        label=_("Adresse électronique"),
        help_text=_("Format attendu : nom@domaine.fr"),
        max_length=254,
        widget=forms.EmailInput(attrs=_input(autocomplete="email", autofocus=True)),
    )
    password = forms.CharField(
        label=_("Mot de passe"),
        strip=False,
        widget=_password_widget("current-password"),
    )

    error_messages = {
        "invalid_login": _(
            "Adresse électronique ou mot de passe incorrect. Vérifiez votre saisie, ou "
            "choisissez un nouveau mot de passe avec « Mot de passe oublié ? »."
        ),
        "inactive": _("Ce compte est désactivé."),
    }


class DsfrSetPasswordForm(_SetPasswordForm):
    """New password twice, checked by AUTH_PASSWORD_VALIDATORS (invitations and resets)."""

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["new_password1"].label = _("Nouveau mot de passe")
        self.fields["new_password1"].widget = _password_widget("new-password")
        self.fields["new_password1"].help_text = _(
            "Au moins 12 caractères, ni trop courant, ni uniquement des chiffres, "
            "ni trop proche de votre nom ou de votre adresse."
        )
        self.fields["new_password2"].label = _("Confirmez le mot de passe")
        self.fields["new_password2"].widget = _password_widget("new-password")
        self.fields["new_password2"].help_text = ""
        self.error_messages = {
            **self.error_messages,
            "password_mismatch": _("Les deux mots de passe ne sont pas identiques."),
        }


class PasswordResetForm(auth_forms.PasswordResetForm):
    """Sends the reset link through the e-mail queue (text and HTML, after commit)."""

    email = forms.EmailField(
        label=_("Adresse électronique"),
        help_text=_("Format attendu : nom@domaine.fr"),
        max_length=254,
        error_messages={
            "invalid": _("Saisissez une adresse électronique valide, par exemple nom@exemple.fr.")
        },
        widget=forms.EmailInput(attrs=_input(autocomplete="email")),
    )

    def get_users(self, email: str) -> QuerySet[User]:
        # Also people who never chose a password (an invitation that expired): the link
        # lets them choose one.
        return User.objects.filter(email__iexact=email.strip(), is_active=True).exclude(email="")

    def send_mail(
        self,
        subject_template_name: str,
        email_template_name: str,
        context: dict[str, Any],
        from_email: str | None,
        to_email: str,
        html_email_template_name: str | None = None,
    ) -> None:
        from .services import password_reset_url

        user = context["user"]
        email_queue(
            to=[to_email],
            subject=str(_("Fabriques Prospectives : choisir un nouveau mot de passe")),
            template="accounts/emails/password_reset",
            context={
                "user": user,
                "reset_url": password_reset_url(user),
                "reset_hours": settings.PASSWORD_RESET_TIMEOUT // 3600,
            },
        )


class ProfileForm(forms.Form):
    first_name = forms.CharField(
        label=_("Prénom"),
        max_length=150,
        widget=forms.TextInput(attrs=_input(autocomplete="given-name")),
    )
    last_name = forms.CharField(
        label=_("Nom"),
        max_length=150,
        widget=forms.TextInput(attrs=_input(autocomplete="family-name")),
    )


class SignupForm(ProfileForm):
    email = forms.EmailField(
        label=_("Adresse électronique professionnelle"),
        help_text=_("Format attendu : nom@collectivite.fr"),
        max_length=254,
        error_messages={
            "invalid": _("Saisissez une adresse électronique valide, par exemple nom@exemple.fr.")
        },
        widget=forms.EmailInput(attrs=_input(autocomplete="email")),
    )

    field_order = ["email", "first_name", "last_name"]


class SignInLinkRequestForm(forms.Form):
    email = forms.EmailField(
        label=_("Adresse électronique"),
        help_text=_("Format attendu : nom@domaine.fr"),
        max_length=254,
        error_messages={
            "required": _("Indiquez votre adresse électronique."),
            "invalid": _("Saisissez une adresse électronique valide, au format nom@domaine.fr."),
        },
        widget=forms.EmailInput(attrs=_input(autocomplete="email")),
    )


class TotpCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code à 6 chiffres"),
        help_text=_("Le code affiché par votre application d’authentification."),
        min_length=6,
        max_length=7,
        error_messages={
            "required": _("Saisissez le code à 6 chiffres."),
            "min_length": _("Le code compte 6 chiffres."),
            "max_length": _("Le code compte 6 chiffres."),
        },
        widget=forms.TextInput(
            attrs=_input(
                autocomplete="one-time-code", inputmode="numeric", pattern="[0-9 ]*", size="7"
            )
        ),
    )

    def clean_code(self) -> str:
        code: str = self.cleaned_data["code"].replace(" ", "")
        if not code.isdigit() or len(code) != 6:
            raise forms.ValidationError(_("Le code compte 6 chiffres, sans lettres."))
        return code


class ErasureForm(forms.Form):
    confirm = forms.BooleanField(
        label=_(
            "Je comprends que mon compte et mes données seront effacés définitivement "
            "et que je perdrai mes accès."
        ),
        error_messages={"required": _("Cochez la case pour confirmer l’effacement.")},
    )
