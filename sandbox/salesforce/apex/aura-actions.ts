/**
 * `@AuraEnabled` methods called the way a Lightning component calls them (`import m from
 * '@salesforce/apex/Class.method'; m({ name: value })`): a static method of the org's Apex, with its parameters by
 * name, in a transaction of its own as the user, its return value serialized as JSON. An exception becomes the error
 * the component gets: an AuraHandledException its message, any other its type and message (Lightning Components
 * Developer Guide, "Returning Errors from an Apex Server-Side Controller"; Salesforce hides other exceptions' text
 * in production, the sandbox shows it so failures can be read).
 */
import type { SandboxUser } from '../org/users.js';
import type { ApexRuntime } from './apex-runtime.js';
import { ApexThrow, typeNameOf } from './exceptions.js';
import { serialize } from './library/json.js';
import type { Value } from './values.js';

export interface AuraActionCall {
  readonly user: SandboxUser;
  readonly className: string;
  readonly methodName: string;
  /** The parameters by name, as the component passes them (strings, numbers, booleans, null). */
  readonly params: Readonly<Record<string, string | number | boolean | null>>;
}

export type AuraActionResult =
  | { readonly state: 'SUCCESS'; readonly returnValue: unknown }
  | { readonly state: 'ERROR'; readonly exceptionType: string; readonly message: string };

export class AuraActionError extends Error {}

export async function invokeAuraAction(runtime: ApexRuntime, call: AuraActionCall): Promise<AuraActionResult> {
  const cls = [...runtime.program.classes.values()].find(
    (candidate) => candidate.name.toLowerCase() === call.className.toLowerCase(),
  );
  const method = cls?.methods.find(
    (candidate) =>
      candidate.name.toLowerCase() === call.methodName.toLowerCase() &&
      candidate.isStatic &&
      candidate.annotations.has('auraenabled'),
  );
  if (!cls || !method) {
    throw new AuraActionError(
      `${call.className}.${call.methodName} is not a static @AuraEnabled method of the org's Apex`,
    );
  }
  const args: Value[] = method.parameters.map((parameter) => {
    const value = call.params[parameter.name] ?? null;
    return value as Value;
  });
  try {
    return await runtime.transaction({ user: call.user }, async () => {
      const returned = await runtime.interpreter.callStaticMethod(cls, method.name, args);
      return { state: 'SUCCESS', returnValue: JSON.parse(serialize(runtime.interpreter, returned, method)) as unknown };
    });
  } catch (failure) {
    if (!(failure instanceof ApexThrow)) throw failure;
    return {
      state: 'ERROR',
      exceptionType: typeNameOf(failure.exception),
      message: failure.exception.exception?.message ?? '',
    };
  }
}
