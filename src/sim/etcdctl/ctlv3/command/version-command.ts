// etcdctl version (ctlv3/command/version_command.go).

import { API_VERSION, ETCDCTL_VERSION } from '../../cobra';
import type { Command } from '../../cobra';

export const versionCommand: Command = {
  use: 'version',
  short: 'Prints the version of etcdctl',
  run: async (inv) => {
    inv.io.println('etcdctl version:', ETCDCTL_VERSION);
    inv.io.println('API version:', API_VERSION);
  },
};
