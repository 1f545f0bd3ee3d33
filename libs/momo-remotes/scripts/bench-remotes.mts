/**
 * Small-object throughput of each driver against the real test servers (loopback, this machine):
 * N objects of ~100 bytes are uploaded from local files (as a push does), checked with existsMany,
 * listed, and downloaded. Usage: npx tsx libs/momo-remotes/scripts/bench-remotes.mts [N] [jobs]
 */
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { startSshd, startS3Server, startHttpServer } from '../../testing/src/index.ts';
import { createLocalRemote, createSshRemote, createS3Remote, createHttpRemote, objectPath, type Remote } from '../src/index.ts';
import { mapLimit } from '../src/concurrency.ts';

const N = Number(process.argv[2] ?? 2000);
const JOBS = Number(process.argv[3] ?? 32);
const work = mkdtempSync(join(tmpdir(), 'momo-bench-'));
const files: Array<{ file: string; path: string }> = [];
for (let i = 0; i < N; i++) {
  const data = `object ${i} `.repeat(8);
  const md5 = createHash('md5').update(data).digest('hex');
  const file = join(work, md5);
  writeFileSync(file, data);
  files.push({ file, path: objectPath(md5) });
}

async function bench(name: string, remote: Remote): Promise<void> {
  const t0 = performance.now();
  await mapLimit(files, JOBS, (f) => remote.upload(f.file, f.path));
  const t1 = performance.now();
  const found = await remote.existsMany(files.map((f) => f.path), { jobs: JOBS });
  const t2 = performance.now();
  let listed = 0;
  if (remote.capabilities.list) for await (const _ of remote.list('files/md5/')) listed++;
  const t3 = performance.now();
  await mapLimit(files, JOBS, (f) => remote.download(f.path, join(work, 'dl', name, f.path)));
  const t4 = performance.now();
  await remote.close();
  const rate = (ms: number) => `${Math.round((N / ms) * 1000)}/s`;
  console.log(
    `${name.padEnd(6)} upload ${rate(t1 - t0).padStart(7)}  existsMany ${rate(t2 - t1).padStart(8)}  list ${remote.capabilities.list ? rate(t3 - t2).padStart(8) : '     n/a'}  download ${rate(t4 - t3).padStart(7)}` +
      (found.every(Boolean) && (!remote.capabilities.list || listed === N) ? '' : '  (MISMATCH)'),
  );
}

console.log(`${N} objects, jobs=${JOBS}`);
await bench('local', createLocalRemote({ path: join(work, 'local-remote') }));
const sshd = await startSshd();
await bench('ssh', createSshRemote({ url: sshd.url('bench'), keyfile: sshd.keyfile, knownHostsFiles: [sshd.knownHostsFile], hostKeyPolicy: 'strict' }));
await sshd.stop();
const s3 = await startS3Server();
await bench('s3', createS3Remote({ url: `s3://${s3.bucket}/bench`, endpointUrl: s3.endpoint, accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey }));
await s3.stop();
const http = await startHttpServer();
await bench('http', createHttpRemote({ url: `${http.url}/bench` }));
await http.stop();
rmSync(work, { recursive: true, force: true });
