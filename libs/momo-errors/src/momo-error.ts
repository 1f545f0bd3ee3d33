/**
 * The one error base class of every momo package.
 *
 * Library code throws `MomoError`s with a stable `code`; only the CLI turns them into exit codes.
 * Narrow with {@link isMomoError}, never with `instanceof` alone: duplicate package copies and
 * errors that crossed a worker or Nx boundary as JSON are still recognised by their brand.
 */
const BRAND = '__momoError';

/** Exit codes DVC uses (dvc/cli/__init__.py); the CLI maps error codes onto these. */
export const EXIT = {
  OK: 0,
  FAILED: 1,
  CONFIG: 251,
  INTERRUPTED: 252,
  NOT_A_REPO: 253,
  USAGE: 254,
  UNEXPECTED: 255,
  BROKEN_PIPE: 141,
} as const;

export interface MomoErrorOptions {
  /** How to fix it, ideally a runnable command. */
  hint?: string;
  /** JSON-safe record of the inputs that led to the error. */
  data?: Record<string, unknown>;
  /** Process exit code the CLI should use; defaults to 1 (command failed). */
  exitCode?: number;
  docsUrl?: string;
  cause?: unknown;
}

export class MomoError extends Error {
  readonly [BRAND] = true;
  readonly code: string;
  readonly hint?: string;
  readonly data: Record<string, unknown>;
  readonly exitCode: number;
  readonly docsUrl?: string;
  /** The public operation during which the error escaped (set by api entry points). */
  operation?: string;

  constructor(code: string, message: string, options: MomoErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'MomoError';
    this.code = code;
    this.hint = options.hint;
    this.data = options.data ?? {};
    this.exitCode = options.exitCode ?? EXIT.FAILED;
    this.docsUrl = options.docsUrl;
  }

  toJSON(): Record<string, unknown> {
    return {
      [BRAND]: true,
      name: this.name,
      code: this.code,
      message: this.message,
      hint: this.hint,
      data: this.data,
      exitCode: this.exitCode,
      docsUrl: this.docsUrl,
      operation: this.operation,
    };
  }

  /** Rebuilds an error that crossed a JSON boundary (worker, daemon, Nx task). */
  static fromJSON(json: Record<string, unknown>): MomoError {
    const e = new MomoError(String(json.code), String(json.message), {
      hint: json.hint as string | undefined,
      data: (json.data as Record<string, unknown>) ?? {},
      exitCode: typeof json.exitCode === 'number' ? json.exitCode : EXIT.FAILED,
      docsUrl: json.docsUrl as string | undefined,
    });
    if (typeof json.operation === 'string') e.operation = json.operation;
    return e;
  }
}

/** True when `e` is a MomoError (by brand), optionally with the given code. */
export function isMomoError(e: unknown, code?: string): e is MomoError {
  if (typeof e !== 'object' || e === null) return false;
  if ((e as Record<string, unknown>)[BRAND] !== true) return false;
  return code === undefined || (e as MomoError).code === code;
}

/** A batch operation that finished what it could; `failures` pairs each failed item with its error. */
export class AggregateMomoError<T = unknown> extends MomoError {
  readonly failures: Array<[string, unknown]>;
  readonly partial: T | undefined;
  constructor(code: string, message: string, failures: Array<[string, unknown]>, partial?: T, options: MomoErrorOptions = {}) {
    super(code, message, options);
    this.failures = failures;
    this.partial = partial;
  }
}

/** A bug in momo, not a user error. The message asks for a report. */
export class InternalError extends MomoError {
  constructor(message: string, data: Record<string, unknown> = {}, cause?: unknown) {
    super('INTERNAL_ERROR', `${message}\nThis is a bug in momo: please report it with the command you ran.`, {
      data,
      cause,
      exitCode: EXIT.UNEXPECTED,
    });
  }
}

/** Adds `operation` to an escaping error, as public api entry points do. */
export async function withOperation<T>(operation: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (isMomoError(e) && !e.operation) e.operation = operation;
    throw e;
  }
}
