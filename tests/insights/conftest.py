from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def fixture_dir() -> Path:
    return FIXTURES


@pytest.fixture(scope="session")
def router():
    from lianghui.insights.cli import _read_responsibilities
    from lianghui.insights.evaluation import read_labelled_csv
    from lianghui.insights.routing import Router

    texts, labels = read_labelled_csv(FIXTURES / "proposals_train.csv", "text", "agency")
    resp = _read_responsibilities(str(FIXTURES / "responsibilities.csv"))
    return Router().fit(texts, labels, responsibilities=resp)
