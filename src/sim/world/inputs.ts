// Inputs: every change a person or a scenario makes to a running world. Each is recorded
// with the virtual time and the kernel's fired-event count at which it was applied, so a
// run replays exactly from (seed, config, inputs).

import { z } from 'zod';
import { LinkSettingsSchema, NetworkSettingsSchema } from '../net/faults';

const Host = z.string().min(1).max(64);

export const InputSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('partition'), groups: z.array(z.array(Host).min(1)).min(1) }),
  z.object({ type: z.literal('heal') }),
  z.object({ type: z.literal('block'), from: Host, to: Host }),
  z.object({ type: z.literal('unblock'), from: Host, to: Host }),
  z.object({
    type: z.literal('link'),
    a: Host,
    b: Host,
    /** Also apply to the reverse direction. */
    both: z.boolean().default(true),
    settings: LinkSettingsSchema.optional(),
  }),
  z.object({ type: z.literal('network'), settings: NetworkSettingsSchema }),
  z.object({ type: z.literal('crash'), member: Host }),
  z.object({ type: z.literal('restart'), member: Host }),
]);

export type Input = z.infer<typeof InputSchema>;
export type InputRequest = z.input<typeof InputSchema>;

export interface RecordedInput {
  /** Virtual time of application (ms). */
  t: number;
  /** Kernel events fired before it was applied. */
  at: number;
  input: Input;
}
