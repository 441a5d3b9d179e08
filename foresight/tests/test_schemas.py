import pytest

from foresight import METHODS
from foresight.tests.cli_helpers import SCHEMAS, validator
from foresight.tests.test_cib import HAND as CIB_HAND
from foresight.tests.test_cli import BAD, VALID
from foresight.tests.test_mactor import DOC as MACTOR_DOC
from foresight.tests.test_morpho import HAND as MORPHO_HAND

jsonschema = pytest.importorskip("jsonschema")


def test_one_schema_per_method() -> None:
    assert sorted(p.stem for p in SCHEMAS.glob("*.json")) == sorted(METHODS)


@pytest.mark.parametrize(
    ("method", "doc"),
    [*sorted(VALID.items()), ("cib", CIB_HAND), ("mactor", MACTOR_DOC), ("morpho", MORPHO_HAND)],
)
def test_valid_documents_match_their_schema(method: str, doc: object) -> None:
    validator(method).validate(doc)


# Bad inputs the schema alone can see (the rest needs cross-field checks in the library).
SHAPE_ERRORS = [
    "value 4 out of scale",
    "value 5 out of scale",
    "value -5 out of scale",
    "unknown colour",
    "empty component",
    "expected an integer",
    "]: duplicate name",
    "missing required field",
]


@pytest.mark.parametrize(
    ("method", "doc", "message"), [b for b in BAD if any(s in b[2] for s in SHAPE_ERRORS)]
)
def test_schemas_refuse_shape_errors(method: str, doc: object, message: str) -> None:
    assert not validator(method).is_valid(doc), message
