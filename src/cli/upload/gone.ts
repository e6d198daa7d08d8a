// This file settles files that housekeeping took away from their names: put back after a kill.
import { basename } from 'node:path';
import type { CliContext, GlobalOptions } from '../context.js';
import type { Output } from '../output.js';
import { stateStore } from '../state.js';

/**
 * Puts `file` back if a run killed during its --move-to / --delete-after left it under its private name
 * (src/unattended/held-file.ts), before anything looks at the file; says so on stderr. The state store (for the
 * content's lock) is opened only when there is such a file.
 */
export async function putBackHeld(
  file: string,
  ctx: CliContext,
  globals: GlobalOptions,
  out: Output,
): Promise<void> {
  const { heldPath, restoreHeld } = await import('../../unattended/held-file.js');
  const held = heldPath(file);
  const path = await restoreHeld(file, async () => (await stateStore(ctx, globals, out)).locks);
  if (path === undefined) return;
  if (path === file)
    out.info(
      `Put ${basename(file)} back: a vupload stopped while moving or deleting it had left it as ${basename(held)}.`,
    );
  else
    out.warn(
      `${basename(held)}, left by a vupload stopped while moving or deleting ${basename(file)}, was put back as ` +
        `${basename(path)}, since ${basename(file)} is another file now.`,
    );
}
