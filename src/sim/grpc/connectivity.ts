// grpc connectivity states (google.golang.org/grpc/connectivity), for subchannels and for
// the channel as a whole (spec client.md §3.1).

export type ConnectivityState = 'IDLE' | 'CONNECTING' | 'READY' | 'TRANSIENT_FAILURE' | 'SHUTDOWN';
