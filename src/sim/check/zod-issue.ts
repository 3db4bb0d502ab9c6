import type { z } from 'zod';

/** The first problem zod found, as "field: message". */
export function describeZodError(error: z.ZodError): string {
  const issue = error.issues[0];
  const field = issue.path.join('.');
  return field === '' ? issue.message : `${field}: ${issue.message}`;
}
