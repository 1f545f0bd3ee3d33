"""Exact cosine search over vectors kept in memory."""
import math


def cosine(a, b):
    """Cosine similarity of two vectors of the same length (0 when either is all zeros)."""
    dot = sum(x * y for x, y in zip(a, b))
    na = math.sqrt(sum(x * x for x in a))
    nb = math.sqrt(sum(y * y for y in b))
    return dot / (na * nb) if na and nb else 0.0


class VectorStore:
    """Keeps vectors by id and finds the nearest vectors by cosine similarity."""

    def __init__(self, dimension):
        """Create an empty store for vectors of the given dimension."""
        self.dimension = dimension
        self.vectors = {}

    def add(self, vector_id, vector):
        """Insert or replace the vector stored under an id; its length must match the dimension."""
        if len(vector) != self.dimension:
            raise ValueError("expected %d dimensions, got %d" % (self.dimension, len(vector)))
        self.vectors[vector_id] = list(vector)

    def search(self, query, limit=10):
        """Return the ids and scores of the nearest vectors by cosine similarity, best first."""
        scored = sorted(((cosine(query, v), i) for i, v in self.vectors.items()), key=lambda s: (-s[0], s[1]))
        return [(i, score) for score, i in scored[:limit]]
