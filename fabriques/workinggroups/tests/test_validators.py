import pytest
from django.core.exceptions import ValidationError

from fabriques.workinggroups.validators import (
    normalize_organisation_identifier,
    validate_organisation_identifier,
)


@pytest.mark.parametrize(
    "value",
    ["", "13002603200016", "130 026 032 00016", "W751234567", "w751234567", "35600000000010"],
)
def test_valid_identifiers_pass(value):
    validate_organisation_identifier(value)


@pytest.mark.parametrize(
    ("value", "code", "fragment"),
    [
        ("13002603200017", "siret_key", "clé de contrôle"),
        ("1300260320001", "siret_length", "en compte 13"),
        ("W12345", "rna_format", "W suivi de 9 chiffres"),
        ("W12345678A", "rna_format", "W suivi de 9 chiffres"),
        ("SIRET123", "identifier_format", "autres caractères que des chiffres"),
    ],
)
def test_each_refusal_says_what_is_wrong(value, code, fragment):
    with pytest.raises(ValidationError) as caught:
        validate_organisation_identifier(value)
    assert caught.value.code == code
    assert fragment in caught.value.messages[0]
    assert value in caught.value.messages[0]


def test_normalisation_drops_spaces_and_capitalises_the_rna():
    assert normalize_organisation_identifier(" 130 026 032-00016 ") == "13002603200016"
    assert normalize_organisation_identifier("w751234567") == "W751234567"
