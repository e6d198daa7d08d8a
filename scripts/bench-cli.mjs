// This file is the pipe and proxy part of `npm run bench`: real `vupload upload` processes against the bench's
// sandbox — a file (in one request, and in 8 MiB chunks), the same number of bytes piped in from a generator process
// (`vupload upload -`), and the file through a local HTTP proxy — with wall time and each process's peak RSS and CPU.
// curl's single PUT of the file, direct and through the same proxy, is the yardstick of what the proxy costs any
// client: the proxy is a third busy process on the machine, and its CPU is counted too.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { MiB, makeSparseFile, measured, median, root, startSession } from './bench-run.mjs';

const bin = join(root, 'bin', 'vupload.cjs');
const preload = join(import.meta.dirname, 'bench-rss-preload.mjs');

/** A generator as a recorder would be: the same 1 MiB written again and again, with an MP4 header first. */
const GENERATOR = `const n=Number(process.argv[1]);const b=Buffer.alloc(1<<20,1);
Buffer.from('000000186674797069736f6d0000020069736f6d69736f32','hex').copy(b);
let i=0;const go=()=>{while(i<n){i++;if(!process.stdout.write(b))return process.stdout.once('drain',go)}};go();`;

/** One vupload process (its stdin from `stdin` if given); wall seconds, and its own peak RSS (MiB) and CPU seconds. */
function run(argv, env, usageFile, stdin) {
  const started = process.hrtime.bigint();
  const child = spawn(process.execPath, ['--import', preload, bin, ...argv], {
    env: { ...env, VUPLOAD_BENCH_USAGE: usageFile },
    stdio: [stdin ?? 'ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d) => {
    stderr += d;
  });
  return new Promise((resolve, reject) =>
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`vupload ${argv.join(' ')} exited ${code}: ${stderr}`));
      const wall = Number(process.hrtime.bigint() - started) / 1e9;
      const usage = JSON.parse(readFileSync(usageFile, 'utf8'));
      rmSync(usageFile, { force: true });
      resolve({ wall, rss: usage.maxRssMiB, cpu: usage.cpuMs / 1000 });
    }),
  );
}

async function startProxy() {
  const child = spawn(process.execPath, [join(import.meta.dirname, 'bench-proxy.mjs')], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const answer = async () => Number(String((await once(child.stdout, 'data'))[0]).trim());
  const port = await answer();
  return {
    url: `http://127.0.0.1:${port}`,
    /** CPU seconds the proxy process has spent so far. */
    cpu: () => {
      child.stdin.write('\n');
      return answer();
    },
    stop: () => child.kill(),
  };
}

/** `run` through the proxy, with the CPU seconds the proxy spent meanwhile as `proxyCpu`. */
async function proxied(proxy, run) {
  const before = await proxy.cpu();
  const m = await run();
  return { ...m, proxyCpu: (await proxy.cpu()) - before };
}

/**
 * Medians of `runs` interleaved runs (file, pipe, proxy, and curl direct and through the proxy when `curl` is
 * given) of `mib` MiB with `env` (logged in as `token`, pointing at the sandbox). Every proxy variable is cleared
 * for the direct runs; NO_PROXY is emptied so the proxy run uses it.
 */
export async function benchCli({ work, env, token, mib, runs, curl }) {
  const file = makeSparseFile(work, mib);
  const usage = join(work, 'usage.json');
  const direct = { ...env, NO_PROXY: '', no_proxy: '', HTTPS_PROXY: '', HTTP_PROXY: '', ALL_PROXY: '' };
  const upload = (args, extra = {}, stdin) =>
    run(['upload', ...args, '--force', '--quiet'], { ...direct, ...extra }, usage, stdin);
  const proxy = await startProxy();
  const cases = {
    file: () => upload([file, '--title', 'file']),
    // The pipe is sent in 8 MiB chunks: the same file in the same chunks shows what chunking alone costs.
    chunks: () => upload([file, '--title', 'chunks', '--chunk-size', '8M']),
    pipe: () => {
      const gen = spawn(process.execPath, ['-e', GENERATOR, String(mib)], {
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      return upload(['-', '--title', 'pipe'], {}, gen.stdout);
    },
    proxy: () => proxied(proxy, () => upload([file, '--title', 'proxy'], { HTTP_PROXY: proxy.url })),
  };
  if (curl) {
    const put = async (extra) =>
      measured(
        curl,
        [
          ...extra,
          ...['-sS', '-f', '-o', '/dev/null', '-H', 'Expect:', '-T', file],
          await startSession(env.VUPLOAD_API_URL, token, mib * MiB),
        ],
        { env: direct, dir: work },
      );
    cases.curl = () => put([]);
    // -p: a CONNECT tunnel, as vupload uses.
    cases.curlProxy = () => proxied(proxy, () => put(['-p', '-x', proxy.url]));
  }
  const results = Object.fromEntries(Object.keys(cases).map((name) => [name, []]));
  try {
    await cases.file(); // warm-up
    for (let i = 0; i < runs; i++)
      for (const name of Object.keys(cases)) results[name].push(await cases[name]());
  } finally {
    proxy.stop();
    rmSync(file);
  }
  const pick = (name) => ({
    wall: median(results[name].map((r) => r.wall)),
    rss: median(results[name].map((r) => r.rss)),
    cpu: median(results[name].map((r) => r.cpu)),
    proxyCpu: median(results[name].map((r) => r.proxyCpu ?? 0)),
  });
  return { size: mib * MiB, ...Object.fromEntries(Object.keys(cases).map((name) => [name, pick(name)])) };
}
