/** Where the CLI writes: data to `out` (stdout), logs and progress to `err` (stderr). */
export interface Io {
  out(text: string): void;
  err(text: string): void;
  /** true when stderr is a terminal (progress may redraw) */
  isTTY: boolean;
  cwd: string;
  env: NodeJS.ProcessEnv;
}

export function processIo(): Io {
  return {
    out: (t) => process.stdout.write(t),
    err: (t) => process.stderr.write(t),
    isTTY: Boolean(process.stderr.isTTY),
    cwd: process.cwd(),
    env: process.env,
  };
}
