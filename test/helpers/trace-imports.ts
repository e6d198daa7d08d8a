// This file, preloaded with `node --import`, records every module the process loads into $TRACE_IMPORTS_FILE: each ES
// module URL as it is resolved, and at exit the path of each CommonJS module required (the bundled CLI requires the
// packages it keeps outside its bundle; the resolve hook does not see require() on Node 20).
import { appendFileSync } from 'node:fs';
import { createRequire, register } from 'node:module';

register('./trace-hooks.js', import.meta.url);

const required = createRequire(import.meta.url).cache;
process.on('exit', () => {
  const file = process.env.TRACE_IMPORTS_FILE;
  if (file)
    appendFileSync(
      file,
      Object.keys(required)
        .map((path) => `${path}\n`)
        .join(''),
    );
});
