// This file runs the local HTTP proxy of `npm run bench` in a process of its own and prints its port; each line on
// its stdin is answered with the CPU seconds it has spent so far, so the bench can say what the proxy itself costs.
import { createServer } from 'node:http';
import { createProxy } from 'proxy';

const server = createProxy(createServer());
server.listen(0, '127.0.0.1', () => process.stdout.write(`${server.address().port}\n`));
process.stdin.on('data', () => {
  const { user, system } = process.cpuUsage();
  process.stdout.write(`${(user + system) / 1e6}\n`);
});
