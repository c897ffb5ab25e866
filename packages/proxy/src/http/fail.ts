import type { FlowControl, ResponseHandler } from './types.js';

/** A {@link FlowControl} for exchanges that never reached an upstream. */
export const NO_FLOW_CONTROL: FlowControl = {
  pause(): void {},
  resume(): void {},
  abort(): void {},
};

/** Fails an exchange that never reached an upstream: `onStart` then `onError`. */
export function failExchange(handler: ResponseHandler, error: Error): void {
  handler.onStart(NO_FLOW_CONTROL);
  handler.onError(error);
}
