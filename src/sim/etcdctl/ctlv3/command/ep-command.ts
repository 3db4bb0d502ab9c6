// etcdctl endpoint health / status / hashkv (ctlv3/command/ep_command.go).

import type { Command } from '../../cobra';
import { formatDuration } from '../../go-format';
import { Exit, ExitError } from '../../io';
import { clientConfigFromCmd, display, endpointsFromCluster, mustClient } from './global';
import type { EpHashKV, EpHealth, EpStatus } from './printer';

const PERMISSION_DENIED = 'etcdserver: permission denied';

const health: Command = {
  use: 'health',
  short: 'Checks the healthiness of endpoints specified in `--endpoints` flag',
  run: async (inv) => {
    const printer = display(inv);
    const eps = await endpointsFromCluster(inv);
    const results: EpHealth[] = [];
    // Each endpoint is checked concurrently; results are listed as they complete.
    await Promise.all(
      eps.map(async (ep) => {
        let c;
        try {
          c = await inv.env.connect(clientConfigFromCmd(inv, [ep]));
        } catch (err) {
          results.push({ ep, health: false, took: '', error: (err as Error).message });
          return;
        }
        const start = inv.env.now();
        let error = '';
        try {
          await c.get({ key: 'health' });
        } catch (err) {
          // Permission denied still proves the request went through consensus.
          if ((err as Error).message !== PERMISSION_DENIED) error = (err as Error).message;
        }
        const h: EpHealth = { ep, health: error === '', took: formatDuration(inv.env.now() - start), error };
        if (h.health) {
          try {
            const alarms = (await c.alarmList()).alarms;
            if (alarms.length > 0) {
              h.health = false;
              h.error = `Active Alarm(s): ${alarms.map((a) => (a.alarm === 'NONE' ? 'UNKNOWN' : a.alarm) + ' ').join('')}`;
            }
          } catch {
            h.health = false;
            h.error = 'Unable to fetch the alarm list';
          }
        }
        c.close();
        results.push(h);
      }),
    );
    printer.endpointHealth(results);
    if (results.some((h) => h.error !== '')) throw new Exit(ExitError, 'unhealthy cluster');
  },
};

const status: Command = {
  use: 'status',
  short: 'Prints out the status of endpoints specified in `--endpoints` flag',
  long: `When --write-out is set to simple, this command prints out comma-separated status lists for each endpoint.
The items in the lists are endpoint, ID, version, db size, is leader, is learner, raft term, raft index, raft applied index, errors.
`,
  run: async (inv) => {
    const printer = display(inv);
    const list: EpStatus[] = [];
    let failed = false;
    for (const ep of await endpointsFromCluster(inv)) {
      const c = await mustClient(clientConfigFromCmd(inv, [ep]), inv);
      try {
        list.push({ ep, resp: await c.status(ep) });
      } catch (err) {
        failed = true;
        inv.io.err(`Failed to get the status of endpoint ${ep} (${(err as Error).message})\n`);
      }
    }
    printer.endpointStatus(list);
    if (failed) throw new Exit(ExitError);
  },
};

const hashkv: Command = {
  use: 'hashkv',
  short: 'Prints the KV history hash for each endpoint in --endpoints',
  flags: [{ name: 'rev', type: 'int64', def: 0, usage: 'maximum revision to hash (default: all revisions)' }],
  run: async (inv) => {
    const printer = display(inv);
    const list: EpHashKV[] = [];
    let failed = false;
    for (const ep of await endpointsFromCluster(inv)) {
      const c = await mustClient(clientConfigFromCmd(inv, [ep]), inv);
      try {
        list.push({ ep, resp: await c.hashKV(ep, inv.flags.int('rev')) });
      } catch (err) {
        failed = true;
        inv.io.err(`Failed to get the hash of endpoint ${ep} (${(err as Error).message})\n`);
      }
    }
    printer.endpointHashKV(list);
    if (failed) throw new Exit(ExitError);
  },
};

export const endpointCommand: Command = {
  use: 'endpoint <subcommand>',
  short: 'Endpoint related commands',
  persistentFlags: [{ name: 'cluster', type: 'bool', def: false, usage: 'use all endpoints from the cluster member list' }],
  commands: [health, status, hashkv],
};
