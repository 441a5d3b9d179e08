import pytest

from foresight.tests.cli_helpers import Cli


@pytest.fixture
def cli(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Cli:
    """Runs the command line in process: ``cli.run``, ``cli.ok``, ``cli.bad``."""
    return Cli(monkeypatch, capsys)
