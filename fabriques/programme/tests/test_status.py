"""The DSFR stepper over a Fabrique's eight statuses."""

from fabriques.programme.models import FabriqueStatus
from fabriques.programme.status import stepper

S = FabriqueStatus


def test_stepper_positions():
    assert stepper(S.IDEA).current == 1
    assert stepper(S.IDEA).next_label == "Conçue"
    last = stepper(S.FOLLOW_UP)
    assert (last.current, last.total, last.label, last.next_label) == (8, 8, "Suivi", "")
