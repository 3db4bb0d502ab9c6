import { describe, expect, it } from 'vitest';
import type { Member } from './membership/member';
import type { MemberAddResponse } from './cluster-api';
import { TestCluster } from './testing/cluster';

// etcd 3.6 configure: a member add/remove/promote answers only after raft has advanced
// past the Ready that carried the conf change (confChangeResponse.raftAdvanceC, etcd
// issue 15528). A conf change sent right after the answer then finds nothing pending.

describe('conf-change responses wait for raft to advance', () => {
  it('a member remove sent the moment a member add answers is applied, not dropped as a second pending change', async () => {
    // A slow WAL fsync: the leader applies the add well before its Ready's Advance.
    const c = await TestCluster.create({ size: 3, disk: { fsyncLatency: { kind: 'constant', ms: 20 }, tornWriteProbability: 0 } });
    const l = c.waitForLeader();
    c.run(6_000); // strict reconfig: peers connected for 5 s
    let removed: { err?: Error; members?: Member[] } | undefined;
    let raftApplied = -1;
    const add = c.call<MemberAddResponse>((done) =>
      l.memberAdd({ peerURLs: ['http://m4:2380'], isLearner: true }, {}, (err, resp) => {
        // Raft's applied index includes the add once it has advanced past it.
        raftApplied = l.node.rawNode.raft.raftLog.applied;
        done(err, resp);
        if (resp !== undefined) l.memberRemove({ id: resp.member.id }, { deadline: c.kernel.now + 3_000 }, (e, members) => (removed = { err: e, members }));
      }),
    );
    expect(add.err).toBeUndefined();
    expect(raftApplied).toBeGreaterThanOrEqual(l.appliedIndex);
    c.runUntil(() => removed !== undefined, 5_000);
    expect(removed?.err).toBeUndefined();
    expect(removed?.members?.map((m) => m.name).sort()).toEqual(['m1', 'm2', 'm3']);
    expect(c.violations).toEqual([]);
  });

  it('the answer traces that raft advanced past the change', async () => {
    const c = await TestCluster.create({ size: 3, traceLevel: 'info' });
    const l = c.waitForLeader();
    c.run(6_000);
    const add = c.call<MemberAddResponse>((done) => l.memberAdd({ peerURLs: ['http://m4:2380'], isLearner: true }, {}, done));
    expect(add.err).toBeUndefined();
    const answered = c.kernel.trace.all().filter((e) => e.kind === 'server.member' && e.op === 'ConfChangeAddLearnerNode request');
    expect(answered.map((e) => e.reason)).toEqual(['membership request applied through raft, and raft advanced past it']);
  });
});
