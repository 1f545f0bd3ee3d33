"""The knowledge base: documents in, answers out."""
from momo_vector_store import VectorStore

from .text import hash_embed


class KnowledgeBase:
    """Holds documents and answers questions by embedding similarity."""

    def __init__(self, dimension=64):
        """Create an empty knowledge base whose embeddings have the given dimension."""
        self.dimension = dimension
        self.store = VectorStore(dimension)
        self.documents = {}

    def add_document(self, doc_id, text):
        """Store a document and index its embedding under its id."""
        self.documents[doc_id] = text
        self.store.add(doc_id, hash_embed(text, self.dimension))

    def answer(self, question, limit=3):
        """Answer a question from the knowledge base with the most similar documents."""
        hits = self.store.search(hash_embed(question, self.dimension), limit)
        return [(doc_id, score, self.documents[doc_id]) for doc_id, score in hits]
