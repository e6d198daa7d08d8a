// This file, preloaded with `node --import`, records every module URL the process resolves into $TRACE_IMPORTS_FILE.
import { register } from 'node:module';

register('./trace-hooks.js', import.meta.url);
