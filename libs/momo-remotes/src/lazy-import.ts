import { remoteError } from './errors.js';
import type { RemoteScheme } from './remote.js';

/**
 * Optional SDKs per scheme, with the exact versions momo is tested with. Drivers import them
 * lazily, so `momo status` never pays for the AWS SDK; a missing one raises `DEPENDENCY_MISSING`.
 */
export const DRIVER_DEPENDENCIES: Readonly<Record<RemoteScheme, Readonly<Record<string, string>>>> = {
  local: {},
  ssh: { ssh2: '1.17.0' },
  s3: { '@aws-sdk/client-s3': '3.1175.0', '@aws-sdk/lib-storage': '3.1175.0' },
  http: {},
  https: {},
};

/**
 * Imports an optional package, or returns `injected` when the caller passed the module itself
 * (the `lib` option). A missing package becomes `DEPENDENCY_MISSING` naming the install command.
 */
export async function importOptional<T>(scheme: RemoteScheme, pkg: string, injected: T | undefined, load: () => Promise<unknown>): Promise<T> {
  if (injected !== undefined) return injected;
  try {
    return (await load()) as T;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') {
      const version = DRIVER_DEPENDENCIES[scheme][pkg];
      throw remoteError(scheme, 'DEPENDENCY_MISSING', `the ${scheme} remote needs the package '${pkg}', which is not installed`, {
        hint: `install it with \`npm i -E ${pkg}${version ? `@${version}` : ''}\`, or pass the module as the \`lib\` option of createRemote()`,
        data: { package: pkg, version },
        cause: e,
      });
    }
    throw e;
  }
}
