// propose ID DATA and propose-conf-change ID [v1=bool] [transition=..] with a `v1 l2 r3`
// input line (rafttest/interaction_env_handler_propose{,_conf_change}.go).
import type { ConfChange, ConfChangeV2 } from '../raftpb';
import { ConfChangeTransition, confChangesFromString } from '../raftpb';
import type { CmdArg } from './datadriven';
import { keyAsInt, scanBool } from './datadriven';
import type { InteractionEnv } from './interaction-env';

export function handlePropose(env: InteractionEnv, args: CmdArg[]): Error | undefined {
  if (args.length !== 2 || args[1].vals.length > 0) throw new Error('expected exactly two arguments: node id and data');
  // Quotes are not interpreted: `propose 1 "foo"` proposes the five bytes "foo" with quotes.
  return env.node(keyAsInt(args, 0) - 1).rawNode.propose(new TextEncoder().encode(args[1].key));
}

export function handleProposeConfChange(env: InteractionEnv, args: CmdArg[], input: string): Error | undefined {
  const idx = keyAsInt(args, 0) - 1;
  let v1 = false;
  let transition = ConfChangeTransition.ConfChangeTransitionAuto;
  for (const arg of args.slice(1)) {
    for (let i = 0; i < arg.vals.length; i++) {
      switch (arg.key) {
        case 'v1':
          v1 = scanBool(arg, i);
          break;
        case 'transition':
          switch (arg.vals[i]) {
            case 'auto':
              transition = ConfChangeTransition.ConfChangeTransitionAuto;
              break;
            case 'implicit':
              transition = ConfChangeTransition.ConfChangeTransitionJointImplicit;
              break;
            case 'explicit':
              transition = ConfChangeTransition.ConfChangeTransitionJointExplicit;
              break;
            default:
              return new Error(`unknown transition ${arg.vals[i]}`);
          }
          break;
        default:
          return new Error(`unknown command ${arg.key}`);
      }
    }
  }
  let ccs;
  try {
    ccs = confChangesFromString(input);
  } catch (err) {
    return err as Error;
  }
  let c: ConfChange | ConfChangeV2;
  if (v1) {
    if (ccs.length > 1 || transition !== ConfChangeTransition.ConfChangeTransitionAuto) {
      return new Error('v1 conf change can only have one operation and no transition');
    }
    c = { id: 0, type: ccs[0].type, nodeID: ccs[0].nodeID, context: undefined };
  } else {
    c = { transition, changes: ccs, context: undefined };
  }
  return env.node(idx).rawNode.proposeConfChange(c);
}
