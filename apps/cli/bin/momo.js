#!/usr/bin/env node
import { main } from '../dist/main.js';

// The AWS SDK (imported lazily by the S3 remote for credential chains and multipart uploads) warns
// on every run under Node < 22 that its future releases will need Node 22. momo pins the SDK, so
// for a CLI user the warning is noise on stderr.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
