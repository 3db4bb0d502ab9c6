/**
 * Operations on a single integer register, shared by the etcd model (Porcupine)
 * and the cas-register model (Knossos), which read these same histories under
 * different rules.
 */

export type RegisterInput =
  | { kind: 'read' }
  | { kind: 'write'; value: number }
  | { kind: 'cas'; from: number; to: number };

export interface RegisterOutput {
  /** The outcome is not known (timed out): any result is accepted. */
  unknown: boolean;
  /** What a read returned; null is "absent" (etcd) or "not recorded" (Knossos). */
  value: number | null;
  /** Whether a cas succeeded. */
  ok: boolean;
}

export function describeRegisterOperation(input: RegisterInput, output: RegisterOutput): string {
  const result = (known: string) => (output.unknown ? ' → ?' : known);
  switch (input.kind) {
    case 'read':
      return `read()${result(` → ${output.value ?? 'nil'}`)}`;
    case 'write':
      return `write(${input.value})${result('')}`;
    case 'cas':
      return `cas(${input.from}, ${input.to})${result(output.ok ? ' → ok' : ' → failed')}`;
  }
}
