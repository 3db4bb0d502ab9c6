// Command dispatch for interaction transcripts (rafttest/interaction_env_handler.go).
import type { CmdArg, TestCase } from './datadriven';
import { parseLine } from './datadriven';
import type { Handler, InteractionEnv } from './interaction-env';
import { handleAddNodes } from './handler-add-nodes';
import { handleDeliverMsgs } from './handler-deliver-msgs';
import { handleLogLevel, handleRaftLog, handleRaftState, handleStatus } from './handler-inspect';
import {
  handleCampaign,
  handleCompact,
  handleForgetLeader,
  handleReportUnreachable,
  handleSendSnapshot,
  handleSetRandomizedElectionTimeout,
  handleTickElection,
  handleTickHeartbeat,
  handleTransferLeadership,
} from './handler-node-ops';
import { handleProcessReady } from './handler-process-ready';
import { handlePropose, handleProposeConfChange } from './handler-propose';
import { handleStabilize } from './handler-stabilize';
import { handleProcessAppendThread, handleProcessApplyThread } from './handler-threads';

const handlers: Record<string, Handler> = {
  _breakpoint: () => undefined,
  'add-nodes': handleAddNodes,
  campaign: handleCampaign,
  compact: handleCompact,
  'deliver-msgs': handleDeliverMsgs,
  'process-ready': handleProcessReady,
  'process-append-thread': handleProcessAppendThread,
  'process-apply-thread': handleProcessApplyThread,
  'log-level': handleLogLevel,
  'raft-log': handleRaftLog,
  'raft-state': handleRaftState,
  'set-randomized-election-timeout': handleSetRandomizedElectionTimeout,
  stabilize: handleStabilize,
  status: handleStatus,
  'tick-election': handleTickElection,
  'tick-heartbeat': handleTickHeartbeat,
  'transfer-leadership': handleTransferLeadership,
  'forget-leader': handleForgetLeader,
  'send-snapshot': handleSendSnapshot,
  propose: handlePropose,
  'report-unreachable': handleReportUnreachable,
};

function handleSingle(env: InteractionEnv, cmd: string, args: CmdArg[]): Error | undefined {
  const h = handlers[cmd];
  if (h === undefined) return new Error('unknown command');
  return h(env, args, '');
}

/**
 * Runs one test case and returns its output (`ok` when empty). Errors from raft are part
 * of the output; a malformed command throws.
 */
export function handle(env: InteractionEnv, tc: TestCase): string {
  env.output.reset();
  let err: Error | undefined;
  if (tc.cmd === 'propose-conf-change') {
    err = handleProposeConfChange(env, tc.args, tc.input);
  } else {
    err = handleSingle(env, tc.cmd, tc.args);
    // Any input lines are further commands.
    for (const line of err === undefined && tc.input !== '' ? tc.input.split('\n') : []) {
      const { cmd, args } = parseLine(line);
      const e = handleSingle(env, cmd, args);
      if (e !== undefined) {
        if (env.output.quiet()) {
          err = e;
          break;
        }
        env.output.write(e.message);
      }
    }
  }
  if (err !== undefined) {
    // Errors are printed even at log level NONE.
    if (env.output.quiet()) return err.message;
    env.output.write(err.message);
  }
  const out = env.output.text();
  return out === '' ? 'ok' : out;
}
