"""Embed every function and class of momo_kb with momo_kb's own hash_embed; measure the result.

Writes data/embeddings/embeddings.json (ids and vectors), data/indices/tokens.json (an inverted
index token -> ids) and benchmarks/embedding_metrics.json. Deterministic: sorted keys, rounded floats.
"""
import ast
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, ROOT)
# momo_kb imports momo_vector_store, its sibling in libs/python (a path dependency in a uv workspace)
sys.path.insert(0, os.path.join(os.path.dirname(ROOT), "momo-vector-store"))

from momo_kb.text import hash_embed, tokenize  # noqa: E402


def items():
    out = []
    pkg = os.path.join(ROOT, "momo_kb")
    for name in sorted(os.listdir(pkg)):
        if not name.endswith(".py"):
            continue
        source = open(os.path.join(pkg, name), encoding="utf-8").read()
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
                text = (ast.get_docstring(node) or "") + " " + node.name.replace("_", " ")
                out.append(("momo_kb/%s#%s" % (name, node.name), text))
    return sorted(out)


def write_json(path, value):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path + ".tmp", "w", encoding="utf-8") as f:
        json.dump(value, f, indent=2, sort_keys=True)
        f.write("\n")
    os.replace(path + ".tmp", path)


def main():
    params = json.load(open(os.path.join(ROOT, "params.json"), encoding="utf-8"))
    dimension = params["embedding"]["dimension"]
    entries = items()
    vectors = {i: [round(x, 6) for x in hash_embed(t, dimension)] for i, t in entries}
    index = {}
    for i, t in entries:
        for token in sorted(set(tokenize(t))):
            index.setdefault(token, []).append(i)
    # self-retrieval: querying with an item's own name must find the item first
    hits = 0
    for i, _ in entries:
        name = i.split("#", 1)[1].replace("_", " ")
        q = hash_embed(name, dimension)
        best = max(vectors, key=lambda j: (sum(a * b for a, b in zip(q, vectors[j])), j))
        hits += best == i
    write_json(os.path.join(ROOT, "data", "embeddings", "embeddings.json"), vectors)
    write_json(os.path.join(ROOT, "data", "indices", "tokens.json"), index)
    write_json(
        os.path.join(ROOT, "benchmarks", "embedding_metrics.json"),
        {
            "items": len(entries),
            "dimension": dimension,
            "vocabulary": len(index),
            "name_recall_at_1": round(hits / len(entries), 4) if entries else 0,
        },
    )
    print("process-embeddings (python %d.%d): %d items, %d tokens" % (sys.version_info[0], sys.version_info[1], len(entries), len(index)))


if __name__ == "__main__":
    main()
