from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from rag.assistant import Assistant
from rag.settings import Settings
from tests.fakes import HashEmbedder, ScriptedGenerator

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data" / "sample"


@pytest.fixture
def sample_dir(tmp_path: Path) -> Path:
    """A private copy of the bundled sample corpus."""
    target = tmp_path / "corpus"
    shutil.copytree(SAMPLE, target)
    return target


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(home=tmp_path / "home", chroma_url=None, llm="extractive")


@pytest.fixture
def fake_assistant(settings: Settings):
    """An assistant with a real Chroma in tmp_path, a hashing embedder and a scripted LLM."""

    def make(*replies: str) -> Assistant:
        return Assistant(settings, embedder=HashEmbedder(), generator=ScriptedGenerator(*replies))

    return make


@pytest.fixture(scope="session")
def real_embedder():
    """The bundled all-MiniLM-L6-v2, loaded once per test session."""
    from index.embedder import SentenceTransformerEmbedder

    return SentenceTransformerEmbedder()


@pytest.fixture(scope="session")
def local_generator():
    """The bundled 1.5B model through llama.cpp, loaded once per test session."""
    from rag.llm import make_generator

    return make_generator(Settings(llm="local"))
