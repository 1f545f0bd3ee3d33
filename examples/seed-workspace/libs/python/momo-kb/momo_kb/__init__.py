"""Knowledge base of the seed workspace."""
from .knowledge_base import KnowledgeBase
from .text import hash_embed, tokenize

__all__ = ["KnowledgeBase", "hash_embed", "tokenize"]
