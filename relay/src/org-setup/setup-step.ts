/**
 * One post-deploy setup step: read what the org has, change it when it is not what the connector needs, and read it
 * again to verify. A step that an API cannot do (or that needs something the admin did not give) says what to do
 * by hand instead. Running the steps again changes nothing that is already right.
 */
export type SetupStatus = 'already' | 'done' | 'manual' | 'failed';

export interface SetupStepResult {
  /** What the step is about, e.g. `Contacts to Multiple Accounts`. */
  readonly step: string;
  readonly status: SetupStatus;
  /** What was found or changed; for `manual` and `failed`, why. */
  readonly detail: string;
  /** For `manual` and `failed`: what the admin does next. */
  readonly todo?: string;
}

export const already = (step: string, detail: string): SetupStepResult => ({ step, status: 'already', detail });
export const done = (step: string, detail: string): SetupStepResult => ({ step, status: 'done', detail });
export const manual = (step: string, detail: string, todo: string): SetupStepResult => ({
  step,
  status: 'manual',
  detail,
  todo,
});
export const failed = (step: string, detail: string, todo: string): SetupStepResult => ({
  step,
  status: 'failed',
  detail,
  todo,
});

/** Salesforce's error text (jsforce errors carry `errorCode`), never a stack. */
export function salesforceMessage(error: unknown): string {
  const { errorCode, message } = (error ?? {}) as { errorCode?: string; message?: string };
  const text = message ?? String(error);
  return errorCode && !text.startsWith(errorCode) ? `${errorCode}: ${text}` : text;
}
