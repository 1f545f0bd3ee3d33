"""Text helpers: tokens and hashed embeddings."""
import hashlib
import math
import re

_WORD = re.compile(r"[a-z0-9]+")


def tokenize(text):
    """Split text into lower case word tokens, dropping punctuation and whitespace."""
    return _WORD.findall(text.lower())


def hash_embed(text, dimension=64):
    """Embed text by feature hashing of its tokens into a unit vector of the given dimension."""
    vector = [0.0] * dimension
    for token in tokenize(text):
        digest = hashlib.sha1(token.encode("utf-8")).digest()
        index = int.from_bytes(digest[:4], "little") % dimension
        sign = 1.0 if digest[4] & 1 else -1.0
        vector[index] += sign
    norm = math.sqrt(sum(x * x for x in vector))
    return [x / norm for x in vector] if norm else vector
