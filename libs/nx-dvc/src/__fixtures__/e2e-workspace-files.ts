/**
 * The e2e workspace's own code, as its developers would have written it: two TypeScript libraries,
 * a Python library (a uv project whose stage really runs Python), and the seed's Phase 5 scripts
 * (kb-ingest, docs-generate, benchmark-kb) in plain Python with only the standard library.
 */
import type { FileTree } from '@momo/testing';

const KB_INGEST = `"""Knowledge base ingestion (the seed's Phase 5.1, reduced to the standard library)."""
import json
from pathlib import Path

files = sorted(str(p) for p in Path("libs/python").glob("*/momo_*/**/*.py"))
for out in ("data/knowledge-base", "data/vectors", "data/graphs"):
    Path(out).mkdir(parents=True, exist_ok=True)
Path("data/knowledge-base/index.json").write_text(json.dumps({"files": files}, indent=2) + "\\n")
Path("data/vectors/vectors.json").write_text(json.dumps({f: [len(f), f.count("/")] for f in files}) + "\\n")
Path("data/graphs/graph.json").write_text(json.dumps({"nodes": files, "edges": []}) + "\\n")
print(f"kb-ingest: {len(files)} files")
`;

const DOCS_GENERATE = `"""Documentation from the knowledge base (the seed's Phase 5.2)."""
import json
from pathlib import Path

index = json.loads(Path("data/knowledge-base/index.json").read_text())
Path("docs/generated").mkdir(parents=True, exist_ok=True)
Path("docs/generated/modules.md").write_text("# Modules\\n\\n" + "".join(f"- {f}\\n" for f in index["files"]))
`;

const BENCHMARK_KB = `"""A tiny KB benchmark writing metrics."""
import json
from pathlib import Path

index = json.loads(Path("data/knowledge-base/index.json").read_text())
Path("benchmarks").mkdir(exist_ok=True)
Path("benchmarks/kb_metrics.json").write_text(json.dumps({"files": len(index["files"])}) + "\\n")
`;

const PROCESS_DATA = `"""Feature extraction of momo-py, run with uv (reads the shared raw data)."""
import json
import platform
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from momo_py import features  # noqa: E402

rows = []
for csv in sorted(Path("../../../data/raw").glob("*.csv")):
    lines = csv.read_text().splitlines()[1:]
    rows += [line.split(",") for line in lines if line]
result = features(rows)
Path("data/processed").mkdir(parents=True, exist_ok=True)
Path("data/processed/features.json").write_text(json.dumps(result, indent=2, sort_keys=True) + "\\n")
Path("benchmarks").mkdir(exist_ok=True)
Path("benchmarks/metrics.json").write_text(json.dumps({"rows": len(rows)}) + "\\n")
print(f"process-data: {len(rows)} rows with Python {platform.python_version()}")
`;

const MOMO_PY = `def features(rows):
    """Count rows per label and sum their values."""
    out = {}
    for label, value in rows:
        f = out.setdefault(label, {"count": 0, "total": 0})
        f["count"] += 1
        f["total"] += int(value)
    return out
`;

const SUMMARIZE = `import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
const features = JSON.parse(readFileSync('../python/momo-py/data/processed/features.json', 'utf8'));
const labels = Object.keys(features).sort();
mkdirSync('data', { recursive: true });
writeFileSync('data/summary.json', JSON.stringify({ labels, total: labels.reduce((n, l) => n + features[l].total, 0) }) + '\\n');
console.log('summarize: ' + labels.length + ' labels');
`;

const REPORT = `import { readFileSync, writeFileSync } from 'node:fs';
const summary = JSON.parse(readFileSync('../ts-b/data/summary.json', 'utf8'));
writeFileSync('report.md', '# Report\\n\\nLabels: ' + summary.labels.join(', ') + '\\nTotal: ' + summary.total + '\\n');
`;

/** The workspace before `nx g @momo/nx-dvc:init`. */
export function e2eWorkspaceFiles(): FileTree {
  return {
    'CLAUDE.md': '# Acme\n\nDeveloper notes.\n',
    scripts: { 'kb-ingest.py': KB_INGEST, 'docs-generate.py': DOCS_GENERATE, 'benchmark-kb.py': BENCHMARK_KB },
    libs: {
      'ts-a': {
        'package.json': '{ "name": "ts-a", "version": "0.0.0", "type": "module" }\n',
        src: { 'index.ts': 'export const a = 1;\n' },
        'report.mjs': REPORT,
      },
      'ts-b': {
        'package.json': '{ "name": "ts-b", "version": "0.0.0", "type": "module" }\n',
        src: { 'index.ts': 'export const b = 2;\n' },
        'summarize.mjs': SUMMARIZE,
      },
      python: {
        'momo-py': {
          'pyproject.toml': '[project]\nname = "momo-py"\nversion = "0.1.0"\nrequires-python = ">=3.10"\ndependencies = []\n',
          'momo.md': '# momo-py\n',
          momo_py: { '__init__.py': MOMO_PY },
          scripts: { 'process_data.py': PROCESS_DATA },
        },
      },
    },
  };
}

/** Raw data the module pipeline reads (tracked with `momo add data/raw`). */
export const RAW_CSV = 'label,value\nalpha,3\nbeta,4\nalpha,5\n';

/** `nx g @momo/nx-dvc:stage` arguments for the two TypeScript libraries' stages. */
export const TS_STAGES = [
  ['--project=ts-b', '--name=summarize', '--cmd=node summarize.mjs', '--deps=summarize.mjs', '--deps=../python/momo-py/data/processed/features.json', '--outs=data/summary.json'],
  ['--project=ts-a', '--name=report', '--cmd=node report.mjs', '--deps=report.mjs', '--deps=../ts-b/data/summary.json', '--outs=report.md'],
];
