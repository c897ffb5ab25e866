import type { MessageClass } from './messages.js';

/**
 * A grpc-js method definition built from generated message classes. It is a
 * `@grpc/grpc-js` `MethodDefinition`, typed precisely on each side: callers pass plain objects
 * (`RequestIn`), handlers receive decoded messages (`RequestOut`), and the same for responses.
 */
export interface LinkerdMethodDefinition<
  RequestIn,
  RequestOut,
  ResponseIn,
  ResponseOut,
  ResponseStream extends boolean = boolean,
> {
  /** `/<package>.<Service>/<Method>`. */
  readonly path: string;
  /** Always false: no Linkerd API method streams requests. */
  readonly requestStream: boolean;
  /** True for server-streaming methods. */
  readonly responseStream: ResponseStream;
  /** The method's name in the .proto file (`GetProfile`); grpc-js also accepts it as a handler key. */
  readonly originalName: string;
  /** Encodes a request. */
  readonly requestSerialize: (value: RequestIn) => Buffer;
  /** Decodes a request; throws on malformed bytes (grpc-js then fails the call). */
  readonly requestDeserialize: (bytes: Buffer) => RequestOut;
  /** Encodes a response. */
  readonly responseSerialize: (value: ResponseIn) => Buffer;
  /** Decodes a response; throws on malformed bytes (grpc-js then fails the call). */
  readonly responseDeserialize: (bytes: Buffer) => ResponseOut;
}

function serializerOf<In>(type: MessageClass<In, unknown>): (value: In) => Buffer {
  return (value) => {
    const bytes = type.encode(value).finish();
    return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  };
}

function deserializerOf<Out>(type: MessageClass<never, Out>): (bytes: Buffer) => Out {
  return (bytes) => type.decode(bytes);
}

/** @internal Builds a unary or server-streaming method definition for `/<service>/<method>`. */
export function linkerdMethod<RequestIn, RequestOut, ResponseIn, ResponseOut, ResponseStream extends boolean>(
  service: string,
  method: string,
  responseStream: ResponseStream,
  request: MessageClass<RequestIn, RequestOut>,
  response: MessageClass<ResponseIn, ResponseOut>,
): LinkerdMethodDefinition<RequestIn, RequestOut, ResponseIn, ResponseOut, ResponseStream> {
  return {
    path: `/${service}/${method}`,
    requestStream: false,
    responseStream,
    originalName: method,
    requestSerialize: serializerOf(request),
    requestDeserialize: deserializerOf(request),
    responseSerialize: serializerOf(response),
    responseDeserialize: deserializerOf(response),
  };
}
