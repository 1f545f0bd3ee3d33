"""Vector store of the seed workspace."""
from .store import VectorStore

__all__ = ["VectorStore"]
