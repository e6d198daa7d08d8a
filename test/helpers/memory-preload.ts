// This file, preloaded with `node --import`, samples the process's array buffers (Buffer memory) every few
// milliseconds and writes the largest figure, in bytes, to the file VUPLOAD_TEST_MEMORY when the process exits.
import { writeFileSync } from 'node:fs';

const file = process.env.VUPLOAD_TEST_MEMORY;
if (file) {
  let peak = 0;
  const sample = () => {
    peak = Math.max(peak, process.memoryUsage().arrayBuffers);
  };
  setInterval(sample, 5).unref();
  process.on('exit', () => {
    sample();
    writeFileSync(file, String(peak));
  });
}
