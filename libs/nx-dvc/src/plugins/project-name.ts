import { readFileSync } from 'node:fs';
import { join } from 'node:path';

function readJson(path: string): Record<string, unknown> | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    // no such file: the directory simply has no project.json/package.json
    return undefined;
  }
  try {
    const v = JSON.parse(text) as unknown;
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    // Nx's own project.json/package.json plugins report the syntax error; we just create no project
    return undefined;
  }
}

/**
 * The name Nx gives the project at `root` (workspace-relative), read the way Nx's project.json and
 * package.json plugins do: `project.json` `name`, else `package.json` `nx.name`, else `name`.
 * Undefined when the directory has neither file (then it is not an Nx project and the plugin
 * creates nothing there) or neither names the project.
 */
export function resolveProjectName(workspaceRoot: string, root: string): string | undefined {
  const dir = root === '.' ? workspaceRoot : join(workspaceRoot, root);
  const projectJson = readJson(join(dir, 'project.json'));
  if (typeof projectJson?.name === 'string' && projectJson.name) return projectJson.name;
  const pkg = readJson(join(dir, 'package.json'));
  const nx = pkg?.nx as Record<string, unknown> | undefined;
  if (typeof nx?.name === 'string' && nx.name) return nx.name;
  if (typeof pkg?.name === 'string' && pkg.name) return pkg.name;
  return undefined;
}
