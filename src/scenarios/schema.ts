// The scenario format: a versioned JSON document that a page and Node replay identically.
// A scenario is a world configuration, a seed, steps (world inputs at a virtual time or
// when a condition on the trace holds), the lesson's narration, and expectations over
// the trace. Validated with zod so a bad file gets an error naming the field.

import { z } from 'zod';
import { WorldConfigSchema } from '../sim/world/config';
import { InputSchema } from '../sim/world/inputs';

/** The newest scenario format this simulator reads. */
export const SCENARIO_VERSION = 1;

/** A member by its role at the moment a step applies. */
export const MemberRef = z.enum(['@leader', '@follower', '@follower2', '@follower3', '@follower4']);
export type MemberRef = z.infer<typeof MemberRef>;

const Ms = z.number().min(0).max(24 * 3600 * 1000);
const FieldValue = z.union([z.string(), z.number(), z.boolean()]);
const CommandLine = z.string().regex(/\S/, 'a command line, e.g. "put foo bar"');

/** Selects trace events: by kind, optionally by source, exact field values and text. */
export const TraceMatchSchema = z
  .object({
    kind: z.string().min(1),
    source: z.string().min(1).optional(),
    /** Fields that must equal these values (e.g. {role: "leader"}). */
    fields: z.record(z.string(), FieldValue).optional(),
    /** A substring of the event's `text` (raft.log) or `reason`. */
    text: z.string().min(1).optional(),
  })
  .strict();

/** What a `when` step waits for. */
export const ConditionSchema = z.discriminatedUnion('type', [
  /** Some member is leader (and, with `not`, it is not this member). */
  z.object({ type: z.literal('leader'), not: z.string().optional() }).strict(),
  /** No member is leader. */
  z.object({ type: z.literal('no-leader') }).strict(),
  /** A trace event matching this happened since the step started waiting. */
  z.object({ type: z.literal('event'), match: TraceMatchSchema }).strict(),
  /** The request with this label has answered (either way). */
  z.object({ type: z.literal('response'), label: z.string().min(1) }).strict(),
]);

export const StepSchema = z
  .object({
    /** Apply at this virtual time (ms) ... */
    at: Ms.optional(),
    /** ... or when this holds, waiting from the previous step. */
    when: ConditionSchema.optional(),
    /** With `when`: the wait gives up (the step fails) after this long. */
    withinMs: Ms.default(30_000),
    /** With `when`: a further delay after the condition holds. */
    afterMs: Ms.default(0),
    /**
     * Names for members as they are when the step applies ({"old": "@leader"}); later
     * actions, conditions and expectations write "$old". In any action, "@leader" names
     * the member that leads and "@follower" .. "@follower4" the running followers in
     * member order, at that moment.
     */
    bind: z.record(z.string().regex(/^[a-z][a-zA-Z0-9]*$/, 'a name of letters and digits'), MemberRef).optional(),
    /** What the lesson says at this step. */
    narration: z.string().min(1),
    /** World inputs applied at the step (faults, requests, endpoint changes, ...). */
    actions: z.array(InputSchema).default([]),
    /**
     * etcdctl command lines run at the step, after the actions, each as a new etcdctl
     * process on the host "etcdctl" ("put foo bar"; lines after the first are its stdin).
     */
    etcdctl: z.union([CommandLine, z.array(CommandLine).min(1)]).optional(),
  })
  .strict()
  .refine((s) => (s.at === undefined) !== (s.when === undefined), { message: 'a step needs exactly one of "at" (a virtual time) or "when" (a condition)' });

const Teaches = { teaches: z.string().min(1).optional() };
const Window = { afterMs: Ms.optional(), beforeMs: Ms.optional() };

export const ExpectationSchema = z.discriminatedUnion('type', [
  /** By virtual time `byMs`, exactly one member leads in the newest term (optionally not `not`). */
  z.object({ type: z.literal('one-leader'), byMs: Ms, not: z.string().optional(), ...Teaches }).strict(),
  z.object({ type: z.literal('request-succeeds'), label: z.string().min(1), result: z.string().optional(), ...Teaches }).strict(),
  /** The request fails with an error whose message contains `message`. */
  z.object({ type: z.literal('request-fails'), label: z.string().min(1), message: z.string().min(1), ...Teaches }).strict(),
  z.object({ type: z.literal('event-occurs'), match: TraceMatchSchema, minCount: z.number().int().min(1).default(1), ...Window, ...Teaches }).strict(),
  z.object({ type: z.literal('no-event'), match: TraceMatchSchema, ...Window, ...Teaches }).strict(),
  /** These events happen in this order (each after the previous one). */
  z.object({ type: z.literal('sequence'), events: z.array(TraceMatchSchema).min(2), ...Window, ...Teaches }).strict(),
  /**
   * The etcdctl command run by a step with this line exits with `exitCode` (default 0) and
   * its standard output / error contain these texts.
   */
  z.object({ type: z.literal('etcdctl-output'), line: CommandLine, stdout: z.string().optional(), stderr: z.string().optional(), exitCode: z.number().int().min(0).default(0), ...Teaches }).strict(),
  /** The client's workload history is linearizable. */
  z.object({ type: z.literal('linearizable'), client: z.string().min(1), ...Teaches }).strict(),
  /**
   * Every put acknowledged to a client (a request or a workload operation) is, at the end,
   * in every running member's history at its revision with its value.
   */
  z.object({ type: z.literal('no-acknowledged-write-lost'), ...Teaches }).strict(),
  /** The Raft invariant checker found nothing (no two leaders in a term, no lost commit, ...). */
  z.object({ type: z.literal('no-invariant-violations'), ...Teaches }).strict(),
]);

export const ScenarioSchema = z
  .object({
    version: z.literal(SCENARIO_VERSION),
    /** Short identifier used in URLs and on the command line. */
    name: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'lower-case letters, digits and dashes'),
    title: z.string().min(1),
    description: z.string().min(1),
    /** The seed the story was written at. */
    seed: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
    /** Other seeds it passes at, or "seed-dependent" when the story needs its own seed. */
    otherSeeds: z.union([z.array(z.number().int().min(0)), z.literal('seed-dependent')]).default([]),
    /** The world (the seed comes from `seed`). */
    world: WorldConfigSchema.omit({ seed: true }).default(WorldConfigSchema.omit({ seed: true }).parse({})),
    steps: z.array(StepSchema).min(1),
    /** Virtual time the replay runs to, at least past the last step. */
    durationMs: Ms,
    /** What the lesson concludes. */
    conclusion: z.string().min(1).optional(),
    expectations: z.array(ExpectationSchema).min(1),
  })
  .strict();

export type TraceMatch = z.infer<typeof TraceMatchSchema>;
export type Condition = z.infer<typeof ConditionSchema>;
export type Step = z.infer<typeof StepSchema>;
export type Expectation = z.infer<typeof ExpectationSchema>;
export type Scenario = z.infer<typeof ScenarioSchema>;
/** What an author writes: defaults may be left out. */
export type ScenarioInput = z.input<typeof ScenarioSchema>;
