// The load balancer of the shared-state benchmark, in its own process: each request to the next
// instance in turn (test/helpers/round-robin.ts). rpc 'targets' (ports) sets the instances.
import { startRoundRobin } from '../../test/helpers/round-robin.js';
import { serveChild } from '../lib/proc.js';

const lb = await startRoundRobin();
serveChild({ origin: lb.origin }, {
  targets: (ports) => { lb.setTargets(ports as number[]); return true; },
});
