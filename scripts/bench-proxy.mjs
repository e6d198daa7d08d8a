// This file runs the local HTTP proxy of `npm run bench` in a process of its own and prints its port.
import { createServer } from 'node:http';
import { createProxy } from 'proxy';

const server = createProxy(createServer());
server.listen(0, '127.0.0.1', () => process.stdout.write(`${server.address().port}\n`));
