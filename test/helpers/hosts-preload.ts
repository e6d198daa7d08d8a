// This file, preloaded with `node --import`, resolves the names in VUPLOAD_TEST_HOSTS (`name=address,…`) to those
// addresses, as an /etc/hosts line would: a test can give vupload a proxy named `proxy.example`, off this machine by
// its name, that is in fact a listener on 127.0.0.1 (tests are offline), and see what would have reached it.
import dns from 'node:dns';
import { syncBuiltinESMExports } from 'node:module';

const hosts = new Map(
  (process.env.VUPLOAD_TEST_HOSTS ?? '')
    .split(',')
    .filter((entry) => entry.includes('='))
    .map((entry) => entry.split('=', 2) as [string, string]),
);

type Lookup = typeof dns.lookup;
const original: Lookup = dns.lookup;
// net.connect and every agent resolve through dns.lookup; a mapped name becomes its address, others are untouched.
dns.lookup = ((hostname: string, ...rest: unknown[]) => {
  const address = hosts.get(hostname.toLowerCase());
  return (original as (...args: unknown[]) => unknown)(address ?? hostname, ...rest);
}) as Lookup;
syncBuiltinESMExports();
