import type { Layer, Service } from './service.js';

/** An inclusive HTTP status range, as in `HttpStatusRange`. */
export interface StatusRange {
  /** Lowest status matched. */
  min: number;
  /** Highest status matched. */
  max: number;
}

/** A condition on a response, the shape of Linkerd's `ResponseMatch`. */
export type ResponseMatch =
  | { all: ResponseMatch[] }
  | { any: ResponseMatch[] }
  | { not: ResponseMatch }
  | { status: StatusRange };

/** A ServiceProfile response class: responses matching `condition` are failures when `isFailure`. */
export interface ResponseClass {
  /** When the class applies. */
  condition: ResponseMatch;
  /** Whether matching responses count as failures. */
  isFailure: boolean;
}

/** The class of a response, as written in the `classification` metric label. */
export type Classification = 'success' | 'failure';

/** What a classifier needs to know about a finished response. */
export interface ResponseOutcome {
  /** The HTTP status (gRPC responses are normally 200). */
  status: number;
  /** Whether the request was gRPC (`content-type: application/grpc*`). */
  grpc?: boolean;
  /** The `grpc-status` from headers or trailers; `undefined` when absent. */
  grpcStatus?: number | undefined;
}

/** gRPC status codes Linkerd counts as failures: Unknown, DeadlineExceeded, PermissionDenied, Internal, Unavailable, DataLoss. */
const GRPC_FAILURES = new Set([2, 4, 7, 13, 14, 15]);

/** Tests a {@link ResponseMatch} against an HTTP status. */
export function matchResponse(match: ResponseMatch, status: number): boolean {
  if ('status' in match) return status >= match.status.min && status <= match.status.max;
  if ('all' in match) return match.all.every((m) => matchResponse(m, status));
  if ('any' in match) return match.any.some((m) => matchResponse(m, status));
  return !matchResponse(match.not, status);
}

/** Whether a gRPC status code is a failure by Linkerd's default rule; a missing status counts as Unknown. */
export function isGrpcFailure(code: number | undefined): boolean {
  return GRPC_FAILURES.has(code ?? 2);
}

/**
 * Classifies a response as Linkerd does: the first matching response class wins; with no match,
 * gRPC responses fail on the codes of {@link isGrpcFailure} and HTTP responses fail on 5xx.
 */
export function classifyResponse(
  outcome: ResponseOutcome,
  classes?: readonly ResponseClass[],
): Classification {
  if (classes !== undefined) {
    for (const c of classes) {
      if (matchResponse(c.condition, outcome.status)) return c.isFailure ? 'failure' : 'success';
    }
  }
  if (outcome.grpc === true) return isGrpcFailure(outcome.grpcStatus) ? 'failure' : 'success';
  return outcome.status >= 500 && outcome.status <= 599 ? 'failure' : 'success';
}

/** Options for {@link classify}. */
export interface ClassifyOptions<Req, Res> {
  /** Extracts what classification needs from a response. */
  outcome: (res: Res) => ResponseOutcome;
  /** Response classes of the route, if any. */
  classes?: readonly ResponseClass[];
  /** Receives every classification; errors are always failures. */
  record: (req: Req, classification: Classification, res: Res | undefined, error?: unknown) => void;
}

/** A layer that classifies each response (or error) and reports it, passing the response through unchanged. */
export function classify<Req, Res>(options: ClassifyOptions<Req, Res>): Layer<Req, Res> {
  const { outcome, classes, record } = options;
  return (inner: Service<Req, Res>): Service<Req, Res> =>
    (req) =>
      inner(req).then(
        (res) => {
          record(req, classifyResponse(outcome(res), classes), res);
          return res;
        },
        (err: unknown) => {
          record(req, 'failure', undefined, err);
          throw err;
        },
      );
}
