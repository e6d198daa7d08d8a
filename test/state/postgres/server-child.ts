// This file is a child process for the harness test: it starts a server, prints it as JSON, and waits to be killed.
import { startPostgres } from './server.js';

const server = await startPostgres();
process.stdout.write(`${JSON.stringify({ pid: server.pid, dir: server.dir, port: server.port })}\n`);
setInterval(() => {}, 60_000);
