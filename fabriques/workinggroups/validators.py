"""The identifiers of a member's organisation: SIRET (14 digits, Luhn key) or RNA (W + 9 digits).

Each refusal says what is wrong with the value typed, so that a line of an imported file can be
fixed without guessing.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

RNA = re.compile(r"W\d{9}")
# La Poste's establishments share one SIREN; their SIRETs follow another key (the digits'
# sum is a multiple of 5), published by INSEE.
LA_POSTE_SIREN = "356000000"


def normalize_organisation_identifier(value: str) -> str:
    """Spaces, dots and dashes dropped (« 130 005 481 00010 »), an RNA's W in capitals."""
    return re.sub(r"[\s.\-]", "", value or "").upper()


def luhn_valid(digits: str) -> bool:
    total = 0
    for position, char in enumerate(reversed(digits)):
        digit = int(char)
        if position % 2 == 1:
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return total % 10 == 0


def siret_valid(digits: str) -> bool:
    if digits.startswith(LA_POSTE_SIREN):
        return sum(int(char) for char in digits) % 5 == 0
    return luhn_valid(digits)


def validate_organisation_identifier(value: str) -> None:
    """Accept an empty value, a valid SIRET or a well-formed RNA number; say what is wrong."""
    identifier = normalize_organisation_identifier(value)
    if not identifier:
        return
    if identifier.startswith("W"):
        if not RNA.fullmatch(identifier):
            raise ValidationError(
                _(
                    "Un numéro RNA s’écrit W suivi de 9 chiffres (par exemple W123456789) : "
                    "« %(value)s » n’a pas cette forme."
                )
                % {"value": value},
                code="rna_format",
            )
        return
    if not identifier.isdigit():
        raise ValidationError(
            _(
                "« %(value)s » n’est ni un SIRET (14 chiffres) ni un numéro RNA (W suivi de "
                "9 chiffres) : il contient d’autres caractères que des chiffres."
            )
            % {"value": value},
            code="identifier_format",
        )
    if len(identifier) != 14:
        raise ValidationError(
            _("Un SIRET compte 14 chiffres : « %(value)s » en compte %(count)d.")
            % {"value": value, "count": len(identifier)},
            code="siret_length",
        )
    if not siret_valid(identifier):
        raise ValidationError(
            _(
                "Le SIRET « %(value)s » n’est pas valide : sa clé de contrôle (formule de Luhn) "
                "ne correspond pas. Vérifiez les chiffres."
            )
            % {"value": value},
            code="siret_key",
        )
