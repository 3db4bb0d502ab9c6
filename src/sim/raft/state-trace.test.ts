// The TraceLogger events match etcd's own trace (the shared vector etcd-raft-trace,
// recorded from etcd/raft): a five-member bootstrap and node 2's election, event by event.
import path from 'node:path';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { EntryType, unmarshalConfChange } from './raftpb';
import { RawNode } from './rawnode';
import { MemoryStorage } from './storage';
import type { TracingEvent } from './state-trace';

const vector = path.resolve(process.cwd(), '../shared/vectors/etcd-raft-trace/example.ndjson');

describe('state trace', () => {
  it('matches etcd for a bootstrap and an election', () => {
    const want = readFileSync(vector, 'utf8')
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => (JSON.parse(l) as { event: TracingEvent }).event)
      .filter((e) => e.nid === '2')
      .slice(0, 22);

    const got: TracingEvent[] = [];
    const storage = new MemoryStorage();
    const rn = new RawNode({
      id: 2,
      electionTick: 10,
      heartbeatTick: 1,
      storage,
      maxSizePerMsg: Infinity,
      maxInflightMsgs: 256,
      traceLogger: { traceEvent: (e) => got.push(e) },
    });
    rn.bootstrap([1, 2, 3, 4, 5].map((id) => ({ id })));
    const rd = rn.ready();
    storage.setHardState(rd.hardState);
    storage.append(rd.entries);
    for (const e of rd.committedEntries) {
      if (e.type === EntryType.EntryConfChange) rn.applyConfChange(unmarshalConfChange(e.data));
    }
    rn.advance();
    rn.campaign();
    const rd2 = rn.ready();
    storage.setHardState(rd2.hardState);
    rn.advance();
    expect(JSON.parse(JSON.stringify(got.slice(0, 22)))).toEqual(want);
  });
});
