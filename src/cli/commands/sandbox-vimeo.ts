// This file is the Vimeo part of `vupload sandbox`: it starts the Vimeo emulator beside the YouTube one, in DIR/vimeo.
import { join } from 'node:path';
import { importVimeoSandbox } from '../esm-imports.cjs';

export interface VimeoPart {
  /** Env lines for stdout (API base and the sandbox app's id and secret, which are not confidential). */
  env: string[];
  /** Lines for humans on stderr: where it listens, a personal access token, a fault example. */
  notes: string[];
  close(): Promise<void>;
}

export async function startVimeoPart(
  dir: string,
  processingMs: number,
  log: ((line: string) => void) | undefined,
): Promise<VimeoPart> {
  const { startVimeoSandbox } = await importVimeoSandbox();
  // Ports are kept in DIR/vimeo/ports.json: saved logins and upload links go on working after a restart.
  const vimeo = await startVimeoSandbox({ dir: join(dir, 'vimeo'), processingMs, ...(log ? { log } : {}) });
  const moved = vimeo.movedFrom
    ? [
        `Vimeo: ports ${vimeo.movedFrom.port}/${vimeo.movedFrom.uploadPort}, used last, are taken; listening on ` +
          `${vimeo.port}/${vimeo.uploadPort}. Log in to Vimeo again; uploads saved against the old ports start over.`,
      ]
    : [];
  return {
    env: [
      `export VUPLOAD_VIMEO_API_URL=${vimeo.url}`,
      `export VUPLOAD_VIMEO_CLIENT_ID=${vimeo.app.clientId}`,
      `export VUPLOAD_VIMEO_CLIENT_SECRET=${vimeo.app.clientSecret}`,
    ],
    notes: [
      ...moved,
      `Vimeo emulator on ${vimeo.url} (tus uploads on ${vimeo.uploadUrl}); a personal access token for it:`,
      `  export VUPLOAD_VIMEO_TOKEN=${vimeo.personalToken()}`,
      `Vimeo faults: curl -X POST ${vimeo.url}/__sandbox/faults -d '{"on":"upload-chunk","status":503}'`,
    ],
    close: () => vimeo.close(),
  };
}
