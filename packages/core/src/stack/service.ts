/**
 * A service handles one request and settles with its response. Services are plain async
 * functions so that composing them costs one call per layer and nothing else.
 *
 * @typeParam Req - the request type.
 * @typeParam Res - the response type.
 */
export type Service<Req, Res> = (req: Req) => Promise<Res>;

/**
 * A layer wraps an inner service in an outer one. Most layers keep the request and response
 * types; a layer that changes them names the outer types explicitly.
 */
export type Layer<InReq, InRes, OutReq = InReq, OutRes = InRes> = (
  inner: Service<InReq, InRes>,
) => Service<OutReq, OutRes>;

/**
 * A builder that composes layers bottom-up: the first pushed layer wraps the base service, and
 * the last pushed layer is outermost, so reading the pushes reads the request's path backwards
 * from the endpoint.
 *
 * @example
 * ```ts
 * const svc = stack(callEndpoint).push(classify()).push(timeout(1000)).service();
 * ```
 */
export class Stack<Req, Res> {
  readonly #service: Service<Req, Res>;

  /** Starts a stack from a base (innermost) service. Prefer {@link stack}. */
  constructor(service: Service<Req, Res>) {
    this.#service = service;
  }

  /** Wraps the current service in `layer`; the result is the new outermost service. */
  push<OutReq, OutRes>(layer: Layer<Req, Res, OutReq, OutRes>): Stack<OutReq, OutRes> {
    return new Stack(layer(this.#service));
  }

  /** Pushes `layer` only when `condition` holds; convenient for optional features. */
  pushIf(condition: boolean, layer: Layer<Req, Res>): Stack<Req, Res> {
    return condition ? this.push(layer) : this;
  }

  /** Returns the composed service. */
  service(): Service<Req, Res> {
    return this.#service;
  }
}

/** Starts a {@link Stack} from the innermost service. */
export function stack<Req, Res>(service: Service<Req, Res>): Stack<Req, Res> {
  return new Stack(service);
}

/**
 * Builds a value (usually a service) for a target, such as an authority or an endpoint.
 * Stacks are built per target, once, and never per request.
 */
export type NewService<Target, S> = (target: Target) => S;

/** A layer over {@link NewService}: wraps how per-target values are built. */
export type NewLayer<InTarget, InS, OutTarget = InTarget, OutS = InS> = (
  inner: NewService<InTarget, InS>,
) => NewService<OutTarget, OutS>;
