// The one way an outage of a part becomes a domain error: a port is wrapped where it is handed to the
// request side, and every failure its adapter's classifier calls an outage ("the store is not there", "Redis
// did not answer") is thrown as a DomainError of that part. The HTTP error handler then maps domain errors
// to statuses and knows nothing of drivers. Refusals of the domain (already DomainErrors) and bugs pass as
// they are. The original failure stays as the `cause`, for the log; callers only ever see the fixed message.
import { DomainError, type ErrorCode } from './errors.js';

export interface OutageRule {
  /** The adapter's own test: true when the failure means the part is not there right now. */
  readonly isOutage: (error: unknown) => boolean;
  readonly code: ErrorCode;
  /** The message of the domain error (a 5xx body never shows it; the log does). */
  readonly message: (error: unknown) => string;
}

/** The failure as the rule says it: a DomainError for an outage, else the failure itself. */
export function asDomainOutage(error: unknown, rule: OutageRule): unknown {
  if (error instanceof DomainError || !rule.isOutage(error)) return error;
  return new DomainError(rule.code, rule.message(error), { cause: error });
}

/**
 * The same port, its methods' outages thrown as the rule's DomainError. Methods run on the port itself
 * (adapters keep #private fields); each wrapper is made once, on first use.
 */
export function withOutageBoundary<P extends object>(port: P, rule: OutageRule): P {
  const wrappers = new Map<PropertyKey, unknown>();
  const translate = (error: unknown): never => {
    throw asDomainOutage(error, rule);
  };
  return new Proxy(port, {
    get(target, property) {
      const made = wrappers.get(property);
      if (made !== undefined) return made;
      const value = Reflect.get(target, property, target);
      if (typeof value !== 'function') return value;
      const method = value as (...args: unknown[]) => unknown;
      const wrapper = (...args: unknown[]): unknown => {
        let result: unknown;
        try {
          result = method.apply(target, args);
        } catch (error) {
          translate(error);
        }
        return result instanceof Promise ? result.catch(translate) : result;
      };
      wrappers.set(property, wrapper);
      return wrapper;
    },
  });
}
