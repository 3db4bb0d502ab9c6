// "No acknowledged write lost": every put a client was told succeeded (a scenario's
// request or a workload operation) is, at the end, part of every running member's
// key-value history at the revision the client was given, with the value it wrote. Later
// writes to the key do not matter: they come after it in the same history.

import type { TraceEvent } from '../sim/trace/trace';
import type { HistoryEvent } from '../sim/client/history';
import { sized, RequestOpSchema } from '../sim/world/requests';

export interface AcknowledgedPut {
  key: string;
  value: string;
  revision: number;
  /** Who was told: a request label or "<client> op <process>". */
  by: string;
}

/** A running member's store, read at a revision. */
export interface MemberStore {
  member: string;
  /** The store's current and compacted revisions. */
  revision: number;
  compacted: number;
  /** The key as of `revision` (its last modification then), or undefined when absent. */
  readAt(key: string, revision: number): { value: string; modRevision: number } | undefined;
}

/** The puts acknowledged to the application, from the requests in the trace and the clients' histories. */
export function acknowledgedPuts(events: readonly TraceEvent[], histories: readonly (readonly HistoryEvent[])[], clients: readonly string[]): AcknowledgedPut[] {
  const acked: AcknowledgedPut[] = [];
  const sent = new Map<string, string>();
  for (const e of events) {
    if (e.kind === 'world.request' && e.op === 'put') sent.set(e.label, e.detail);
    if (e.kind === 'world.response' && e.op === 'put' && e.outcome === 'ok' && e.revision !== undefined) {
      const req = RequestOpSchema.parse(JSON.parse(sent.get(e.label) ?? '{}'));
      if (req.op === 'put') acked.push({ key: req.key, value: sized(req.value, req.valueSize), revision: e.revision, by: e.label });
    }
  }
  histories.forEach((history, i) => {
    const invoked = new Map<number, HistoryEvent>();
    for (const h of history) {
      if (h.type === 'invoke') invoked.set(h.process, h);
      else if (h.type === 'ok' && h.f === 'put' && h.revision !== undefined) {
        const inv = invoked.get(h.process);
        if (inv?.value !== undefined) acked.push({ key: inv.key, value: inv.value, revision: h.revision, by: `${clients[i]} op ${h.process}` });
      }
    }
  });
  return acked;
}

/** What is wrong with each acknowledged put on each store ([] = nothing lost). */
export function lostWrites(acked: readonly AcknowledgedPut[], stores: readonly MemberStore[]): string[] {
  const problems: string[] = [];
  for (const s of stores) {
    for (const w of acked) {
      const what = `${w.by} (${w.key}=${short(w.value)} at revision ${w.revision})`;
      if (s.revision < w.revision) problems.push(`${s.member} is at revision ${s.revision}, before ${what}`);
      else if (w.revision <= s.compacted) {
        // Compacted away: the key must still hold that write or a later one.
        const now = s.readAt(w.key, s.revision);
        if (now === undefined || now.modRevision < w.revision) problems.push(`${s.member} lost ${what}`);
      } else {
        const then = s.readAt(w.key, w.revision);
        if (then === undefined || then.modRevision !== w.revision || then.value !== w.value) {
          problems.push(`${s.member} lost ${what}: at that revision it has ${then === undefined ? 'no key' : `${short(then.value)} from revision ${then.modRevision}`}`);
        }
      }
    }
  }
  return problems;
}

function short(v: string): string {
  return v.length > 20 ? `${v.slice(0, 17)}...` : v;
}
