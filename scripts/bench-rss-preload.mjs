// This file is preloaded (`node --import`) into a benched vupload process: at exit it writes the process's peak RSS
// and CPU time to the file named by VUPLOAD_BENCH_USAGE, so the bench measures vupload and not its parent.
import { writeFileSync } from 'node:fs';

const file = process.env.VUPLOAD_BENCH_USAGE;
if (file) {
  process.on('exit', () => {
    const u = process.resourceUsage();
    writeFileSync(
      file,
      JSON.stringify({ maxRssMiB: u.maxRSS / 1024, cpuMs: (u.userCPUTime + u.systemCPUTime) / 1000 }),
    );
  });
}
