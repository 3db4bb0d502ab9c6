// Membership changes and restore (spec §8.4, §8.7; etcd confchange tests).
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { ConfState } from '../raftpb';
import { confChangesFromString } from '../raftpb';
import { ProgressTracker } from '../tracker/tracker';
import { Changer } from './confchange';
import { restore } from './restore';

function apply(tr: ProgressTracker, r: { config: ProgressTracker['config']; progress: ProgressTracker['progress'] }): void {
  tr.config = r.config;
  tr.progress = r.progress;
}

describe('Changer', () => {
  it('simple changes add one voter at a time and learners freely', () => {
    const tr = new ProgressTracker(10, 0);
    apply(tr, new Changer(tr, 0).simple(confChangesFromString('v1')));
    apply(tr, new Changer(tr, 5).simple(confChangesFromString('v2 l3 l4')));
    expect(tr.config.toString()).toBe('voters=(1 2) learners=(3 4)');
    expect(tr.progress.toString()).toBe(
      '1: StateProbe match=0 next=1\n2: StateProbe match=0 next=5\n3: StateProbe match=0 next=5 learner\n4: StateProbe match=0 next=5 learner\n',
    );
    expect(() => new Changer(tr, 5).simple(confChangesFromString('v3 v4'))).toThrow('more than one voter changed without entering joint config');
    expect(() => new Changer(tr, 5).simple(confChangesFromString('r1 v5'))).toThrow('more than one voter changed without entering joint config');
    expect(() => new Changer(tr, 5).leaveJoint()).toThrow("can't leave a non-joint config");
  });

  it('joint changes demote through learners_next and leave', () => {
    const tr = new ProgressTracker(10, 0);
    apply(tr, new Changer(tr, 0).simple(confChangesFromString('v1')));
    apply(tr, new Changer(tr, 0).simple(confChangesFromString('v2')));
    apply(tr, new Changer(tr, 0).simple(confChangesFromString('v3')));
    apply(tr, new Changer(tr, 10).enterJoint(true, confChangesFromString('l1 v4 r2')));
    expect(tr.config.toString()).toBe('voters=(3 4)&&(1 2 3) learners_next=(1) autoleave');
    expect(() => new Changer(tr, 10).enterJoint(false, [])).toThrow('config is already joint');
    expect(() => new Changer(tr, 10).simple(confChangesFromString('v5'))).toThrow("can't apply simple config change in joint config");
    apply(tr, new Changer(tr, 10).leaveJoint());
    expect(tr.config.toString()).toBe('voters=(3 4) learners=(1)');
    expect(tr.progress.ids()).toEqual([1, 3, 4]);
  });

  it('refuses to remove all voters', () => {
    const tr = new ProgressTracker(10, 0);
    apply(tr, new Changer(tr, 0).simple(confChangesFromString('v1')));
    expect(() => new Changer(tr, 0).simple(confChangesFromString('r1'))).toThrow('removed all voters');
    expect(() => new Changer(new ProgressTracker(10, 0), 0).enterJoint(false, confChangesFromString('v1'))).toThrow(
      "can't make a zero-voter config joint",
    );
  });
});

describe('restore', () => {
  const ids = fc.uniqueArray(fc.integer({ min: 1, max: 9 }), { maxLength: 6 });
  it('round-trips any valid ConfState', () => {
    fc.assert(
      fc.property(ids, fc.boolean(), fc.boolean(), (all, joint, autoLeave) => {
        // Split the ids into disjoint roles that form a valid configuration.
        const role = (k: number) => all.filter((_, i) => i % 4 === k);
        const [voters, learners, outgoingOnly, next] = [role(0), role(1), role(2), role(3)];
        if (voters.length === 0) return;
        const cs: ConfState = joint
          ? { voters, learners, votersOutgoing: [...voters.slice(0, 1), ...outgoingOnly, ...next], learnersNext: next, autoLeave }
          : { voters, learners, votersOutgoing: [], learnersNext: [], autoLeave: false };
        const tr = new ProgressTracker(10, 0);
        const r = restore(new Changer(tr, 10), cs);
        apply(tr, r);
        const sort = (xs: number[]) => [...xs].sort((a, b) => a - b);
        const got = tr.confState();
        expect(got).toEqual({
          voters: sort(cs.voters),
          learners: sort(cs.learners),
          votersOutgoing: sort(cs.votersOutgoing),
          learnersNext: sort(cs.learnersNext),
          autoLeave: cs.autoLeave,
        });
      }),
      { seed: 7, numRuns: 200 },
    );
  });
});
