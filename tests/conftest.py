import json
from pathlib import Path

import pytest

from lianghui.exchange.importer import import_files

SEED_FACTS = Path(__file__).resolve().parents[1] / "src/lianghui/demo/fixtures/seed_facts.jsonl"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture
def seed_facts(db):
    """The demo's cited seed facts, loaded through the importer."""
    return import_files([str(SEED_FACTS)])


@pytest.fixture
def small_world(db):
    """A small hand-made world: two bodies, sessions, agencies, members, proposals."""
    return import_files([str(FIXTURES / "small_world.jsonl")])


@pytest.fixture
def jsonl(tmp_path):
    """Write records (dicts, or raw str/bytes lines) to a .jsonl file; return its path."""
    counter = {"n": 0}

    def write(*lines, name=None) -> str:
        counter["n"] += 1
        path = tmp_path / (name or f"import-{counter['n']}.jsonl")
        with open(path, "wb") as out:
            for line in lines:
                if isinstance(line, dict):
                    line = json.dumps(line, ensure_ascii=False)
                if isinstance(line, str):
                    line = line.encode("utf-8")
                out.write(line + b"\n")
        return str(path)

    return write
