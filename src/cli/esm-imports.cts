// This file loads what is an ES module only (ora, open, leven, the sandboxes) for the rest of the CLI, on first use.
//
// CommonJS on purpose: bin/vupload.cjs runs the bundled CLI from V8's code cache, and on Node 20 code read from a
// code cache cannot call import() (the cache keeps the host options of the process that made it: V8 issue 10284,
// Node's ERR_VM_DYNAMIC_IMPORT_CALLBACK_MISSING). The bundle requires this file instead (scripts/bundle.mjs keeps
// it outside), so these import() calls are compiled by Node itself in every process.

export const importOra = (): Promise<typeof import('ora')> => import('ora');
export const importOpen = (): Promise<typeof import('open')> => import('open');
export const importLeven = (): Promise<typeof import('leven')> => import('leven');
export const importSandbox = (): Promise<typeof import('../sandbox/youtube/index.js')> =>
  import('../sandbox/youtube/index.js');
export const importVimeoSandbox = (): Promise<typeof import('../sandbox/vimeo/index.js')> =>
  import('../sandbox/vimeo/index.js');
export const importPeerTubeSandbox = (): Promise<typeof import('../sandbox/peertube/index.js')> =>
  import('../sandbox/peertube/index.js');
