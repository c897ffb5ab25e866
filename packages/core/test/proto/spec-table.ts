// The linkerd2-proxy-api messages as /work/shared/spec/linkerd-data-plane.md §1.2–§1.8 and §1.10
// list them, transcribed into a small notation so tests can check the .proto files and the
// generated code against the spec rather than against themselves.
//
// Notation (the spec's own, made explicit where the spec elides a type):
//   name:type=N          a field; `[]type` is repeated, `map` is map<string,string>
//   oneof g{…}           a oneof group g
//   reserved N / reserved "name"
// Type names resolve like protobuf scopes: the message itself, then each enclosing scope, so
// `Seq` inside RequestMatch is RequestMatch.Seq and `net.TcpAddress` is io.linkerd.proxy.net.TcpAddress.
// `Dur` is google.protobuf.Duration and `Timestamp` is google.protobuf.Timestamp.

/** Messages keyed by full name; names without a `google.`/`transport.` prefix live under `io.linkerd.proxy.`. */
const MESSAGES_SHORT: Record<string, string> = {
  // §1.2 net.proto
  'net.IPAddress': 'oneof ip{ipv4:fixed32=1; ipv6:IPv6=2}',
  'net.IPv6': 'first:fixed64=1; last:fixed64=2',
  'net.IPNetwork': 'ip:IPAddress=1; prefix_len:uint32=2',
  'net.TcpAddress': 'ip:IPAddress=1; port:uint32=2',
  // §1.2 http_types.proto
  'http_types.HttpMethod': 'oneof type{registered:HttpMethod.Registered=1; unregistered:string=2}',
  'http_types.Scheme': 'oneof type{registered:Scheme.Registered=1; unregistered:string=2}',
  'http_types.Headers': 'headers:[]Headers.Header=1',
  'http_types.Headers.Header': 'name:string=1; value:bytes=2',
  // §1.2 meta.proto
  'meta.Metadata': 'oneof kind{default:string=1; resource:Resource=2}',
  'meta.Resource':
    'group:string=1; kind:string=2; name:string=3; namespace:string=4; section:string=5; port:uint32=6',

  // §1.3 destination.proto
  'destination.GetDestination': 'scheme:string=1; path:string=2; context_token:string=3',
  'destination.Update': 'oneof update{add:WeightedAddrSet=1; remove:AddrSet=2; no_endpoints:NoEndpoints=3}',
  'destination.AddrSet': 'addrs:[]net.TcpAddress=1',
  'destination.WeightedAddrSet': 'addrs:[]WeightedAddr=1; metric_labels:map=2',
  'destination.WeightedAddr':
    'addr:net.TcpAddress=1; weight:uint32=3; metric_labels:map=4; tls_identity:TlsIdentity=5; ' +
    'protocol_hint:ProtocolHint=6; authority_override:AuthorityOverride=7; http2:Http2ClientParams=8; ' +
    'resource_ref:meta.Metadata=9',
  'destination.TlsIdentity':
    'reserved 2; reserved "k8s_pod_identity"; ' +
    'oneof strategy{dns_like_identity:TlsIdentity.DnsLikeIdentity=1; uri_like_identity:TlsIdentity.UriLikeIdentity=3}; ' +
    'server_name:TlsIdentity.DnsLikeIdentity=4',
  'destination.TlsIdentity.DnsLikeIdentity': 'name:string=1',
  'destination.TlsIdentity.UriLikeIdentity': 'uri:string=1',
  'destination.AuthorityOverride': 'authority_override:string=1',
  'destination.NoEndpoints': 'exists:bool=1',
  'destination.ProtocolHint':
    'oneof protocol{h2:ProtocolHint.H2=1; opaque:ProtocolHint.Opaque=3}; ' +
    'opaque_transport:ProtocolHint.OpaqueTransport=2',
  'destination.ProtocolHint.H2': '',
  'destination.ProtocolHint.Opaque': '',
  'destination.ProtocolHint.OpaqueTransport': 'inbound_port:uint32=1',
  'destination.Http2ClientParams':
    'flow_control:FlowControl=1; keep_alive:KeepAlive=2; internals:Internals=3',
  'destination.Http2ClientParams.FlowControl':
    'initial_connection_window_size:uint32=1; initial_stream_window_size:uint32=2; adaptive_flow_control:bool=3',
  'destination.Http2ClientParams.KeepAlive': 'interval:Dur=1; timeout:Dur=2; while_idle:bool=3',
  'destination.Http2ClientParams.Internals':
    'max_concurrent_reset_streams:uint32=1; max_frame_size:uint32=2; max_send_buf_size:uint32=3',
  'destination.DestinationProfile':
    'routes:[]Route=1; retry_budget:RetryBudget=2; dst_overrides:[]WeightedDst=3; opaque_protocol:bool=4; ' +
    'fully_qualified_name:string=5; endpoint:WeightedAddr=6; parent_ref:meta.Metadata=7; profile_ref:meta.Metadata=8',
  'destination.Route':
    'condition:RequestMatch=1; response_classes:[]ResponseClass=2; metrics_labels:map=3; is_retryable:bool=4; timeout:Dur=5',
  'destination.RetryBudget': 'retry_ratio:float=1; min_retries_per_second:uint32=2; ttl:Dur=3',
  'destination.ResponseClass': 'condition:ResponseMatch=1; is_failure:bool=2',
  'destination.RequestMatch':
    'oneof match{all:RequestMatch.Seq=1; any:RequestMatch.Seq=2; not:RequestMatch=3; path:PathMatch=4; method:http_types.HttpMethod=5}',
  'destination.RequestMatch.Seq': 'matches:[]RequestMatch=1',
  'destination.PathMatch': 'regex:string=1',
  'destination.ResponseMatch':
    'oneof match{all:Seq=1; any:Seq=2; not:ResponseMatch=3; status:HttpStatusRange=4}',
  'destination.ResponseMatch.Seq': 'matches:[]ResponseMatch=1',
  'destination.HttpStatusRange': 'min:uint32=1; max:uint32=2',
  'destination.WeightedDst': 'authority:string=1; weight:uint32=2; backend_ref:meta.Metadata=3',

  // §1.4 identity.proto
  'identity.CertifyRequest': 'identity:string=1; token:bytes=2; certificate_signing_request:bytes=3',
  'identity.CertifyResponse':
    'leaf_certificate:bytes=1; intermediate_certificates:[]bytes=2; valid_until:Timestamp=3',

  // §1.5 tap.proto
  'tap.ObserveRequest': 'limit:uint32=1; match:Match=2; extract:Extract=3',
  'tap.ObserveRequest.Match':
    'oneof match{all:Match.Seq=1; any:Match.Seq=2; not:Match=3; source:Match.Tcp=4; destination:Match.Tcp=5; ' +
    'http:Match.Http=6; destination_label:Match.Label=7; route_label:Match.Label=8}',
  'tap.ObserveRequest.Match.Seq': 'matches:[]Match=1',
  'tap.ObserveRequest.Match.Label': 'key:string=1; value:string=2',
  'tap.ObserveRequest.Match.Tcp': 'oneof match{netmask:Tcp.Netmask=1; ports:Tcp.PortRange=3}',
  'tap.ObserveRequest.Match.Tcp.Netmask': 'ip:net.IPAddress=1; mask:uint32=2',
  'tap.ObserveRequest.Match.Tcp.PortRange': 'min:uint32=1; max:uint32=2',
  'tap.ObserveRequest.Match.Http':
    'oneof match{scheme:http_types.Scheme=1; authority:Http.StringMatch=2; method:http_types.HttpMethod=3; path:Http.StringMatch=4}',
  'tap.ObserveRequest.Match.Http.StringMatch': 'oneof match{exact:string=1; prefix:string=2}',
  'tap.ObserveRequest.Extract': 'oneof extract{http:Extract.Http=1}',
  'tap.ObserveRequest.Extract.Http': 'oneof extract{headers:Extract.Http.Headers=1}',
  'tap.ObserveRequest.Extract.Http.Headers': '',
  'tap.Eos': 'oneof end{grpc_status_code:uint32=1; reset_error_code:uint32=2}',
  'tap.TapEvent':
    'source:net.TcpAddress=1; destination:net.TcpAddress=2; oneof event{http:TapEvent.Http=3}; ' +
    'destination_meta:EndpointMeta=4; source_meta:EndpointMeta=5; proxy_direction:ProxyDirection=6; route_meta:RouteMeta=7',
  'tap.TapEvent.EndpointMeta': 'labels:map=1',
  'tap.TapEvent.RouteMeta': 'labels:map=1',
  'tap.TapEvent.Http':
    'oneof event{request_init:RequestInit=1; response_init:ResponseInit=2; response_end:ResponseEnd=3}',
  'tap.TapEvent.Http.StreamId': 'base:uint32=1; stream:uint64=2',
  'tap.TapEvent.Http.RequestInit':
    'id:StreamId=1; method:http_types.HttpMethod=2; scheme:http_types.Scheme=3; authority:string=4; path:string=5; ' +
    'headers:http_types.Headers=6',
  'tap.TapEvent.Http.ResponseInit':
    'id:StreamId=1; since_request_init:Dur=2; http_status:uint32=3; headers:http_types.Headers=4',
  'tap.TapEvent.Http.ResponseEnd':
    'id:StreamId=1; since_request_init:Dur=2; since_response_init:Dur=3; response_bytes:uint64=4; eos:Eos=5; ' +
    'trailers:http_types.Headers=6',

  // §1.6 inbound.proto
  'inbound.PortSpec': 'workload:string=1; port:uint32=2',
  'inbound.Server':
    'protocol:ProxyProtocol=1; server_ips:[]net.IPAddress=2; authorizations:[]Authz=3; labels:map=4',
  'inbound.ProxyProtocol':
    'oneof kind{detect:Detect=1; opaque:Opaque=2; tls:Tls=3; http1:Http1=4; http2:Http2=5; grpc:Grpc=6}',
  'inbound.ProxyProtocol.Detect':
    'timeout:Dur=1; reserved 2; http_routes:[]HttpRoute=3; http_local_rate_limit:HttpLocalRateLimit=4',
  'inbound.ProxyProtocol.Http1': 'reserved 1; routes:[]HttpRoute=2; local_rate_limit:HttpLocalRateLimit=3',
  'inbound.ProxyProtocol.Http2': 'reserved 1; routes:[]HttpRoute=2; local_rate_limit:HttpLocalRateLimit=3',
  'inbound.ProxyProtocol.Grpc': 'reserved 1; routes:[]GrpcRoute=2',
  'inbound.ProxyProtocol.Opaque': '',
  'inbound.ProxyProtocol.Tls': '',
  'inbound.Authz': 'networks:[]Network=1; authentication:Authn=2; labels:map=3; metadata:meta.Metadata=4',
  'inbound.Network': 'net:net.IPNetwork=1; except:[]net.IPNetwork=2',
  'inbound.Authn': 'oneof permit{unauthenticated:PermitUnauthenticated=1; meshTLS:PermitMeshTLS=2}',
  'inbound.Authn.PermitUnauthenticated': '',
  'inbound.Authn.PermitMeshTLS':
    'oneof clients{unauthenticated:PermitUnauthenticated=1; identities:PermitClientIdentities=2}',
  'inbound.Authn.PermitMeshTLS.PermitClientIdentities':
    'identities:[]Identity=1; suffixes:[]IdentitySuffix=2',
  'inbound.Identity': 'name:string=1',
  'inbound.IdentitySuffix': 'parts:[]string=1',
  'inbound.HttpRoute':
    'metadata:meta.Metadata=1; hosts:[]http_route.HostMatch=2; authorizations:[]Authz=3; rules:[]HttpRoute.Rule=4',
  'inbound.HttpRoute.Rule': 'matches:[]http_route.HttpRouteMatch=1; filters:[]HttpRoute.Filter=2',
  'inbound.HttpRoute.Filter':
    'oneof kind{failure_injector:http_route.HttpFailureInjector=1; request_header_modifier:http_route.RequestHeaderModifier=2; ' +
    'redirect:http_route.RequestRedirect=3}',
  'inbound.GrpcRoute':
    'metadata:meta.Metadata=1; hosts:[]http_route.HostMatch=2; authorizations:[]Authz=3; rules:[]GrpcRoute.Rule=4',
  'inbound.GrpcRoute.Rule': 'matches:[]grpc_route.GrpcRouteMatch=1; filters:[]GrpcRoute.Filter=2',
  'inbound.GrpcRoute.Filter':
    'oneof kind{failure_injector:grpc_route.GrpcFailureInjector=1; request_header_modifier:http_route.RequestHeaderModifier=2}',
  'inbound.HttpLocalRateLimit':
    'metadata:meta.Metadata=1; total:Limit=2; identity:Limit=3; overrides:[]Override=4',
  'inbound.HttpLocalRateLimit.Limit': 'requestsPerSecond:uint32=1',
  'inbound.HttpLocalRateLimit.Override': 'limit:Limit=1; clients:ClientIdentities=2',
  'inbound.HttpLocalRateLimit.Override.ClientIdentities': 'identities:[]Identity=1',

  // §1.7 outbound.proto
  'outbound.TrafficSpec': 'source_workload:string=1; oneof target{addr:net.TcpAddress=2; authority:string=3}',
  'outbound.OutboundPolicy': 'protocol:ProxyProtocol=1; metadata:meta.Metadata=2',
  'outbound.ProxyProtocol':
    'oneof kind{detect:Detect=1; opaque:Opaque=2; http1:Http1=3; http2:Http2=4; grpc:Grpc=5; tls:Tls=6}',
  'outbound.ProxyProtocol.Detect': 'timeout:Dur=1; opaque:Opaque=2; http1:Http1=3; http2:Http2=4',
  'outbound.ProxyProtocol.Opaque': 'routes:[]OpaqueRoute=1',
  'outbound.ProxyProtocol.Http1': 'routes:[]HttpRoute=1; failure_accrual:FailureAccrual=2',
  'outbound.ProxyProtocol.Http2': 'routes:[]HttpRoute=1; failure_accrual:FailureAccrual=2',
  'outbound.ProxyProtocol.Grpc': 'routes:[]GrpcRoute=1; failure_accrual:FailureAccrual=2',
  'outbound.ProxyProtocol.Tls': 'routes:[]TlsRoute=1',
  'outbound.HttpRoute': 'metadata:meta.Metadata=1; hosts:[]http_route.HostMatch=2; rules:[]HttpRoute.Rule=3',
  'outbound.HttpRoute.Rule':
    'matches:[]http_route.HttpRouteMatch=1; filters:[]Filter=2; backends:Distribution=3; requestTimeout:Dur=4; ' +
    'timeouts:http_route.Timeouts=5; retry:Retry=6; allow_l5d_request_headers:bool=7',
  'outbound.HttpRoute.Filter':
    'oneof kind{failure_injector:http_route.HttpFailureInjector=1; request_header_modifier:http_route.RequestHeaderModifier=2; ' +
    'redirect:http_route.RequestRedirect=3; response_header_modifier:http_route.ResponseHeaderModifier=4}',
  'outbound.HttpRoute.Distribution':
    'oneof kind{empty:Empty=1; first_available:FirstAvailable=2; random_available:RandomAvailable=3}',
  'outbound.HttpRoute.Distribution.Empty': '',
  'outbound.HttpRoute.Distribution.FirstAvailable': 'backends:[]RouteBackend=1',
  'outbound.HttpRoute.Distribution.RandomAvailable': 'backends:[]WeightedRouteBackend=1',
  'outbound.HttpRoute.Retry':
    'max_retries:uint32=1; max_request_bytes:uint32=2; conditions:Conditions=3; timeout:Dur=4; backoff:ExponentialBackoff=5',
  'outbound.HttpRoute.Retry.Conditions': 'status_ranges:[]StatusRange=1',
  'outbound.HttpRoute.Retry.Conditions.StatusRange': 'start:uint32=1; end:uint32=2',
  'outbound.HttpRoute.RouteBackend': 'backend:Backend=1; filters:[]Filter=3; requestTimeout:Dur=4',
  'outbound.HttpRoute.WeightedRouteBackend': 'backend:RouteBackend=1; weight:uint32=2',
  'outbound.GrpcRoute': 'metadata:meta.Metadata=1; hosts:[]http_route.HostMatch=2; rules:[]GrpcRoute.Rule=3',
  'outbound.GrpcRoute.Rule':
    'matches:[]grpc_route.GrpcRouteMatch=1; filters:[]Filter=2; backends:Distribution=3; requestTimeout:Dur=4; ' +
    'timeouts:http_route.Timeouts=5; retry:Retry=6; allow_l5d_request_headers:bool=7',
  'outbound.GrpcRoute.Filter':
    'oneof kind{failure_injector:grpc_route.GrpcFailureInjector=1; request_header_modifier:http_route.RequestHeaderModifier=2}',
  'outbound.GrpcRoute.Distribution':
    'oneof kind{empty:Empty=1; first_available:FirstAvailable=2; random_available:RandomAvailable=3}',
  'outbound.GrpcRoute.Distribution.Empty': '',
  'outbound.GrpcRoute.Distribution.FirstAvailable': 'backends:[]RouteBackend=1',
  'outbound.GrpcRoute.Distribution.RandomAvailable': 'backends:[]WeightedRouteBackend=1',
  'outbound.GrpcRoute.Retry':
    'max_retries:uint32=1; max_request_bytes:uint32=2; conditions:Conditions=3; timeout:Dur=4; backoff:ExponentialBackoff=5',
  'outbound.GrpcRoute.Retry.Conditions':
    'cancelled:bool=1; deadine_exceeded:bool=4; resource_exhausted:bool=8; internal:bool=13; unavailable:bool=14',
  'outbound.GrpcRoute.RouteBackend': 'backend:Backend=1; filters:[]Filter=3; requestTimeout:Dur=4',
  'outbound.GrpcRoute.WeightedRouteBackend': 'backend:RouteBackend=1; weight:uint32=2',
  'outbound.OpaqueRoute': 'metadata:meta.Metadata=1; rules:[]Rule=3; reserved 4',
  'outbound.OpaqueRoute.Rule': 'backends:Distribution=1; filters:[]Filter=2',
  'outbound.OpaqueRoute.Filter':
    'oneof kind{invalid:opaque_route.Invalid=1; forbidden:opaque_route.Forbidden=2}',
  'outbound.OpaqueRoute.Distribution':
    'oneof kind{empty:Empty=1; first_available:FirstAvailable=2; random_available:RandomAvailable=3}',
  'outbound.OpaqueRoute.Distribution.Empty': '',
  'outbound.OpaqueRoute.Distribution.FirstAvailable': 'backends:[]RouteBackend=1',
  'outbound.OpaqueRoute.Distribution.RandomAvailable': 'backends:[]WeightedRouteBackend=1',
  'outbound.OpaqueRoute.RouteBackend': 'backend:Backend=1; reserved 2; filters:[]Filter=3',
  'outbound.OpaqueRoute.WeightedRouteBackend': 'backend:RouteBackend=1; weight:uint32=2',
  'outbound.TlsRoute': 'metadata:meta.Metadata=1; snis:[]tls_route.SniMatch=2; rules:[]Rule=3; reserved 4',
  'outbound.TlsRoute.Rule': 'backends:Distribution=1; filters:[]Filter=2',
  'outbound.TlsRoute.Filter':
    'oneof kind{invalid:opaque_route.Invalid=1; forbidden:opaque_route.Forbidden=2}',
  'outbound.TlsRoute.Distribution':
    'oneof kind{empty:Empty=1; first_available:FirstAvailable=2; random_available:RandomAvailable=3}',
  'outbound.TlsRoute.Distribution.Empty': '',
  'outbound.TlsRoute.Distribution.FirstAvailable': 'backends:[]RouteBackend=1',
  'outbound.TlsRoute.Distribution.RandomAvailable': 'backends:[]WeightedRouteBackend=1',
  'outbound.TlsRoute.RouteBackend': 'backend:Backend=1; reserved 2; filters:[]Filter=3',
  'outbound.TlsRoute.WeightedRouteBackend': 'backend:RouteBackend=1; weight:uint32=2',
  'outbound.Backend':
    'metadata:meta.Metadata=1; oneof kind{forward:destination.WeightedAddr=2; balancer:BalanceP2c=3}; queue:Queue=4',
  'outbound.Backend.EndpointDiscovery': 'oneof kind{dst:DestinationGet=1}',
  'outbound.Backend.EndpointDiscovery.DestinationGet': 'path:string=1',
  'outbound.Backend.BalanceP2c':
    'discovery:EndpointDiscovery=1; oneof load{peak_ewma:PeakEwma=2; penalty_peak_ewma:PenaltyPeakEwma=3}',
  'outbound.Backend.BalanceP2c.PeakEwma': 'default_rtt:Dur=1; decay:Dur=2',
  'outbound.Backend.BalanceP2c.PenaltyPeakEwma':
    'default_rtt:Dur=1; decay:Dur=2; penalty:Dur=3; max_retry_after:Dur=4; penalty_decay:Dur=5',
  'outbound.Queue': 'capacity:uint32=1; failfast_timeout:Dur=2',
  'outbound.FailureAccrual':
    'oneof kind{consecutive_failures:ConsecutiveFailures=1; unified:Unified=2}; ejection:EjectionConfig=3',
  'outbound.FailureAccrual.ConsecutiveFailures': 'max_failures:uint32=1; backoff:ExponentialBackoff=2',
  'outbound.FailureAccrual.Unified':
    'success_rate_threshold:double=1; decay:Dur=2; min_requests:uint32=3; max_consecutive_failures:uint32=4; ' +
    'backoff:ExponentialBackoff=5',
  'outbound.EjectionConfig': 'min_ready_endpoints:uint32=1',
  'outbound.ExponentialBackoff':
    'min_backoff:Dur=1; max_backoff:Dur=2; jitter_ratio:float=3; respect_retry_after_hint:bool=4',

  // §1.8 http_route.proto
  'http_route.HostMatch': 'oneof match{exact:string=1; suffix:Suffix=2}',
  'http_route.HostMatch.Suffix': 'reverse_labels:[]string=1',
  'http_route.HttpRouteMatch':
    'path:PathMatch=1; headers:[]HeaderMatch=2; query_params:[]QueryParamMatch=3; method:http_types.HttpMethod=4',
  'http_route.PathMatch': 'oneof kind{exact:string=1; prefix:string=2; regex:string=3}',
  'http_route.HeaderMatch': 'name:string=1; oneof value{exact:bytes=2; regex:string=3}',
  'http_route.QueryParamMatch': 'name:string=1; oneof value{exact:string=2; regex:string=3}',
  'http_route.RequestHeaderModifier': 'add:http_types.Headers=1; set:http_types.Headers=2; remove:[]string=3',
  'http_route.ResponseHeaderModifier':
    'add:http_types.Headers=1; set:http_types.Headers=2; remove:[]string=3',
  'http_route.RequestRedirect':
    'scheme:http_types.Scheme=1; host:string=2; path:PathModifier=3; port:uint32=4; status:uint32=5',
  'http_route.PathModifier': 'oneof replace{full:string=1; prefix:string=2}',
  'http_route.HttpFailureInjector': 'status:uint32=1; message:string=2; ratio:Ratio=3',
  'http_route.Ratio': 'numerator:uint32=1; denominator:uint32=2',
  'http_route.Timeouts': 'response:Dur=1; request:Dur=2; idle:Dur=3',
  // §1.8 grpc_route.proto
  'grpc_route.GrpcRouteMatch': 'rpc:GrpcRpcMatch=1; headers:[]http_route.HeaderMatch=2',
  'grpc_route.GrpcRpcMatch': 'service:string=1; method:string=2',
  'grpc_route.GrpcFailureInjector': 'code:uint32=1; message:string=2; ratio:http_route.Ratio=3',
  // §1.8 opaque_route.proto and tls_route.proto
  'opaque_route.Invalid': 'message:string=1',
  'opaque_route.Forbidden': '',
  'tls_route.SniMatch': 'oneof match{exact:string=1; suffix:Suffix=2}',
  'tls_route.SniMatch.Suffix': 'reverse_labels:[]string=1',

  // §1.10 transport header
  'transport.l5d.io.Header': 'port:int32=1; name:string=2; session_protocol:SessionProtocol=3',
  'transport.l5d.io.SessionProtocol': 'oneof kind{http1:Http1=1; http2:Http2=2}',
  'transport.l5d.io.SessionProtocol.Http1': '',
  'transport.l5d.io.SessionProtocol.Http2': '',

  // google/protobuf well-known types (protobuf's own definitions)
  'google.protobuf.Duration': 'seconds:int64=1; nanos:int32=2',
  'google.protobuf.Timestamp': 'seconds:int64=1; nanos:int32=2',
};

const ENUMS_SHORT: Record<string, string> = {
  'http_types.HttpMethod.Registered':
    'GET=0 POST=1 PUT=2 DELETE=3 PATCH=4 OPTIONS=5 CONNECT=6 HEAD=7 TRACE=8',
  'http_types.Scheme.Registered': 'HTTP=0 HTTPS=1',
  'tap.TapEvent.ProxyDirection': 'UNKNOWN=0 INBOUND=1 OUTBOUND=2',
};

/** Fields marked `[deprecated = true]` in the spec (§1.7, §1.9). */
export const DEPRECATED_FIELDS = [
  'io.linkerd.proxy.outbound.HttpRoute.Rule.requestTimeout',
  'io.linkerd.proxy.outbound.HttpRoute.RouteBackend.requestTimeout',
  'io.linkerd.proxy.outbound.GrpcRoute.Rule.requestTimeout',
  'io.linkerd.proxy.outbound.GrpcRoute.RouteBackend.requestTimeout',
];

/** Services and their methods: [name, request, response, server-streaming] (§1.3–§1.7). */
export const SERVICES: Record<string, [string, string, string, boolean][]> = {
  'io.linkerd.proxy.destination.Destination': [
    ['Get', 'io.linkerd.proxy.destination.GetDestination', 'io.linkerd.proxy.destination.Update', true],
    [
      'GetProfile',
      'io.linkerd.proxy.destination.GetDestination',
      'io.linkerd.proxy.destination.DestinationProfile',
      true,
    ],
  ],
  'io.linkerd.proxy.identity.Identity': [
    [
      'Certify',
      'io.linkerd.proxy.identity.CertifyRequest',
      'io.linkerd.proxy.identity.CertifyResponse',
      false,
    ],
  ],
  'io.linkerd.proxy.tap.Tap': [
    ['Observe', 'io.linkerd.proxy.tap.ObserveRequest', 'io.linkerd.proxy.tap.TapEvent', true],
  ],
  'io.linkerd.proxy.inbound.InboundServerPolicies': [
    ['GetPort', 'io.linkerd.proxy.inbound.PortSpec', 'io.linkerd.proxy.inbound.Server', false],
    ['WatchPort', 'io.linkerd.proxy.inbound.PortSpec', 'io.linkerd.proxy.inbound.Server', true],
  ],
  'io.linkerd.proxy.outbound.OutboundPolicies': [
    ['Get', 'io.linkerd.proxy.outbound.TrafficSpec', 'io.linkerd.proxy.outbound.OutboundPolicy', false],
    ['Watch', 'io.linkerd.proxy.outbound.TrafficSpec', 'io.linkerd.proxy.outbound.OutboundPolicy', true],
  ],
};

/** A scalar type name as the spec writes it. */
export type ScalarKind =
  | 'string'
  | 'bytes'
  | 'bool'
  | 'uint32'
  | 'int32'
  | 'uint64'
  | 'int64'
  | 'fixed32'
  | 'fixed64'
  | 'float'
  | 'double';

/** What a field holds: a scalar, a message or enum (by full name), or a map<string,string>. */
export type FieldKind =
  | { readonly kind: 'scalar'; readonly scalar: ScalarKind }
  | { readonly kind: 'message'; readonly type: string }
  | { readonly kind: 'enum'; readonly type: string }
  | { readonly kind: 'map' };

/** One field of the spec table. */
export interface SpecField {
  /** The name as written in the .proto (snake_case, or camelCase where Linkerd wrote it so). */
  readonly name: string;
  readonly number: number;
  readonly repeated: boolean;
  readonly type: FieldKind;
  /** The oneof group, if any. */
  readonly oneof: string | undefined;
}

/** One message of the spec table. */
export interface SpecMessage {
  readonly fullName: string;
  readonly fields: readonly SpecField[];
  readonly reservedNumbers: readonly number[];
  readonly reservedNames: readonly string[];
}

const SCALARS = new Set<string>([
  'string',
  'bytes',
  'bool',
  'uint32',
  'int32',
  'uint64',
  'int64',
  'fixed32',
  'fixed64',
  'float',
  'double',
]);

const fullNameOf = (short: string): string =>
  short.startsWith('google.') || short.startsWith('transport.') ? short : `io.linkerd.proxy.${short}`;

/** Enums keyed by full name, each a map of value name to number. */
export const SPEC_ENUMS: ReadonlyMap<string, ReadonlyMap<string, number>> = new Map(
  Object.entries(ENUMS_SHORT).map(([short, values]) => [
    fullNameOf(short),
    new Map(
      values.split(' ').map((pair) => {
        const [name, value] = pair.split('=');
        return [name!, Number(value)] as const;
      }),
    ),
  ]),
);

const messageNames = new Set(Object.keys(MESSAGES_SHORT).map(fullNameOf));

function resolveType(scope: string, ref: string): FieldKind {
  if (ref === 'Dur') return { kind: 'message', type: 'google.protobuf.Duration' };
  if (ref === 'Timestamp') return { kind: 'message', type: 'google.protobuf.Timestamp' };
  const parts = scope.split('.');
  for (let i = parts.length; i >= 0; i--) {
    const candidate = [...parts.slice(0, i), ref].join('.');
    if (messageNames.has(candidate)) return { kind: 'message', type: candidate };
    if (SPEC_ENUMS.has(candidate)) return { kind: 'enum', type: candidate };
  }
  throw new Error(`spec table: cannot resolve ${ref} from ${scope}`);
}

/** Splits `a; oneof g{b; c}; d` at top-level semicolons. */
function splitTopLevel(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '{') depth++;
    else if (text[i] === '}') depth--;
    else if (text[i] === ';' && depth === 0) {
      out.push(text.slice(start, i));
      start = i + 1;
    }
  }
  out.push(text.slice(start));
  return out.map((s) => s.trim()).filter((s) => s.length > 0);
}

function parseField(scope: string, text: string, oneof: string | undefined): SpecField {
  const match = /^(\w+):(\[\])?([\w.]+)=(\d+)$/.exec(text);
  if (!match) throw new Error(`spec table: bad field ${JSON.stringify(text)} in ${scope}`);
  const [, name, repeated, typeName, number] = match;
  const type: FieldKind =
    typeName === 'map'
      ? { kind: 'map' }
      : SCALARS.has(typeName!)
        ? { kind: 'scalar', scalar: typeName as ScalarKind }
        : resolveType(scope, typeName!);
  return { name: name!, number: Number(number), repeated: repeated === '[]', type, oneof };
}

function parseMessage(fullName: string, text: string): SpecMessage {
  const fields: SpecField[] = [];
  const reservedNumbers: number[] = [];
  const reservedNames: string[] = [];
  for (const item of splitTopLevel(text)) {
    const oneof = /^oneof (\w+)\{(.*)\}$/.exec(item);
    const reserved = /^reserved (?:(\d+)|"(\w+)")$/.exec(item);
    if (oneof) {
      for (const member of oneof[2]!.split(';')) fields.push(parseField(fullName, member.trim(), oneof[1]));
    } else if (reserved) {
      if (reserved[1] !== undefined) reservedNumbers.push(Number(reserved[1]));
      else reservedNames.push(reserved[2]!);
    } else {
      fields.push(parseField(fullName, item, undefined));
    }
  }
  return { fullName, fields, reservedNumbers, reservedNames };
}

/** Every message of the spec, keyed by full name. */
export const SPEC_MESSAGES: ReadonlyMap<string, SpecMessage> = new Map(
  Object.entries(MESSAGES_SHORT).map(([short, text]) => [
    fullNameOf(short),
    parseMessage(fullNameOf(short), text),
  ]),
);

/** The property name protobufjs gives a field (it camel-cases at underscores). */
export function jsName(protoName: string): string {
  return protoName.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/** The protobuf wire type a field of this kind is encoded with. */
export function wireTypeOf(field: SpecField): number {
  if (field.type.kind !== 'scalar') return field.type.kind === 'enum' && !field.repeated ? 0 : 2;
  if (field.repeated) return 2; // strings/bytes are length-delimited; proto3 packs numeric repeats
  switch (field.type.scalar) {
    case 'string':
    case 'bytes':
      return 2;
    case 'fixed64':
    case 'double':
      return 1;
    case 'fixed32':
    case 'float':
      return 5;
    default:
      return 0;
  }
}
