from pathlib import Path

import pytest

import support


@pytest.fixture(scope="session")
def reference_cli() -> Path:
    return support.reference_cli()
