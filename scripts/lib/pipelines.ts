import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, posix } from 'node:path';
import type { MetricValue, PipelineStageDoc } from '@momo/docs';
import { parse } from 'yaml';

function flatten(prefix: string, v: unknown, out: MetricValue[]): void {
  if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
    for (const k of Object.keys(v as object).sort()) flatten(prefix ? `${prefix}.${k}` : k, (v as Record<string, unknown>)[k], out);
  } else if (Array.isArray(v)) {
    v.forEach((x, i) => flatten(`${prefix}.${i}`, x, out));
  } else if (v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') {
    out.push({ key: prefix, value: v });
  }
}

/** The values of a metrics file (JSON or YAML) flattened to dotted keys, sorted. */
export function readMetricValues(abs: string): { values?: MetricValue[]; error?: string } {
  if (!existsSync(abs)) return { error: 'the file does not exist yet (the stage has not run)' };
  if (statSync(abs).isDirectory()) return { error: 'it is a directory' };
  try {
    const values: MetricValue[] = [];
    flatten('', parse(readFileSync(abs, 'utf8')), values);
    return { values };
  } catch (e) {
    return { error: `unreadable: ${(e as Error).message.split('\n')[0]}` };
  }
}

function cmdText(cmd: unknown): string {
  if (Array.isArray(cmd)) return cmd.map(String).join(' && ');
  return cmd === undefined || cmd === null ? '' : String(cmd);
}

/**
 * Loads dvc.yaml files with @momo/dvc (validation and `${}` templating as DVC does) and returns
 * their stages as the plain data @momo/docs documents, with the current values of every metrics
 * file. Paths are repo-relative; `root` is the repository root.
 */
export async function loadPipelineDocs(root: string, files: string[]): Promise<PipelineStageDoc[]> {
  const { loadPipeline, readParamsFile } = await import('@momo/dvc');
  const out: PipelineStageDoc[] = [];
  for (const file of files) {
    const text = readFileSync(join(root, file), 'utf8');
    const loaded = loadPipeline({ text, file, load: (p) => readParamsFile({ root, path: p }) });
    const dir = posix.dirname(file) === '.' ? '' : posix.dirname(file);
    for (const s of loaded.stages) {
      const wdir = posix.normalize(posix.join(dir || '.', s.wdir || '.'));
      const w = wdir === '.' ? '' : wdir;
      const metrics = s.outs
        .filter((o) => o.kind === 'metrics')
        .map((o) => ({ path: o.path, ...readMetricValues(join(root, w, o.path)) }));
      out.push({
        file,
        name: s.name,
        cmd: cmdText(s.cmd),
        wdir: w,
        deps: s.deps.map((d) => d.path),
        params: s.params.flatMap((p) => (p.keys.length ? p.keys.map((k) => `${p.path}:${k}`) : [p.path])),
        outs: s.outs.map((o) => ({ path: o.path, kind: o.kind, cache: o.cache, persist: o.persist })),
        metrics,
        ...(s.desc ? { desc: s.desc } : {}),
      });
    }
  }
  return out;
}
