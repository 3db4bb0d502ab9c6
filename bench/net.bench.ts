// net.delivered_per_wall_second: messages sent, traced and delivered per second by the
// simulated network alone, tracing at its default level ('info': one net.send row per
// message). 5 hosts keep 1,000 messages in flight over links of 10-15 ms, no faults;
// each delivery sends the next message, until 2,000,000 more have been sent. The count
// is every message delivered; handlers do nothing else.
import { Kernel } from '../src/sim/kernel/kernel';
import { Network } from '../src/sim/net/network';
import { NetworkSettingsSchema } from '../src/sim/net/faults';
import { rate, timed, type Figure } from './figures';

export function netDelivered(total = 2_000_000, inFlight = 1000): Figure {
  const kernel = new Kernel(1, 'info');
  const net = new Network(kernel, NetworkSettingsSchema.parse({ latency: { kind: 'uniform', min: 10, max: 15 } }));
  const hosts = ['m1', 'm2', 'm3', 'm4', 'm5'].map((h) => `${h}:2380`);
  let sent = 0;
  const payload = {};
  hosts.forEach((addr, i) =>
    net.listen(addr, () => {
      if (sent++ < total) net.send(addr, hosts[(i + 1 + (sent % 4)) % 5], 'MsgApp', payload, 64);
    }),
  );
  for (let i = 0; i < inFlight; i++) net.send(hosts[i % 5], hosts[(i + 1) % 5], 'MsgApp', payload, 64);
  const t = timed(() => {
    while (kernel.step()) {
      /* run to empty */
    }
  });
  return rate('net.delivered_per_wall_second', net.stats.delivered, 'messages/s', t, { traceEvents: kernel.trace.length });
}
