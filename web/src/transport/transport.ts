// The client's one real-time connection. The Transport interface is what the
// stores depend on (tests inject a fake); createSocketTransport is the only
// code in the app that imports socket.io-client.
import { io, type Socket } from 'socket.io-client';
import type { Ack, ServerEventName, ServerEvents } from '../api/types';

export type TransportState = 'idle' | 'connecting' | 'connected' | 'reconnecting' | 'unauthorized';

export interface Transport {
  connect(token: string): void;
  disconnect(): void;
  readonly connected: boolean;
  /** Emits with an ack; resolves with the ack, or with an error ack when
   *  offline (code "offline") or unanswered in time (code "timeout"). Never
   *  buffers: a packet is on the wire at most once per call. */
  request<T = Record<string, unknown>>(event: string, payload: unknown, timeoutMs?: number): Promise<Ack<T>>;
  on<E extends ServerEventName>(event: E, handler: (payload: ServerEvents[E]) => void): () => void;
  onState(handler: (state: TransportState) => void): () => void;
}

type AnyHandler = (payload: unknown) => void;

export function createSocketTransport(url?: string): Transport {
  let socket: Socket | null = null;
  const handlers = new Map<string, Set<AnyHandler>>();
  const stateHandlers = new Set<(s: TransportState) => void>();
  const setState = (s: TransportState) => stateHandlers.forEach((h) => h(s));

  function attach(s: Socket) {
    s.on('connect', () => setState('connected'));
    s.on('disconnect', (reason) => {
      // A server-side disconnect is not retried by socket.io-client itself.
      if (reason === 'io server disconnect') {
        setState('reconnecting');
        setTimeout(() => s.connect(), 1000);
      } else setState('reconnecting');
    });
    s.on('connect_error', (err: Error & { data?: unknown }) => {
      if (err.message === 'unauthorized') setState('unauthorized');
      else setState('reconnecting');
    });
    s.onAny((event: string, payload: unknown) => {
      handlers.get(event)?.forEach((h) => h(payload));
    });
  }

  return {
    connect(token) {
      socket?.disconnect();
      setState('connecting');
      const opts = { auth: { token }, path: '/socket.io/', reconnectionDelay: 500, reconnectionDelayMax: 5000 };
      socket = url ? io(url, opts) : io(opts);
      attach(socket);
    },
    disconnect() {
      socket?.disconnect();
      socket?.removeAllListeners();
      socket = null;
      setState('idle');
    },
    get connected() {
      return socket?.connected ?? false;
    },
    request<T>(event: string, payload: unknown, timeoutMs = 15000): Promise<Ack<T>> {
      const s = socket;
      if (!s || !s.connected) return Promise.resolve({ ok: false, error: { code: 'offline', message: 'Not connected' } });
      return new Promise((resolve) => {
        s.timeout(timeoutMs).emit(event, payload, (err: Error | null, ack: Ack<T>) => {
          if (err) resolve({ ok: false, error: { code: 'timeout', message: 'The server did not answer' } });
          else resolve(ack ?? { ok: false, error: { code: 'internal', message: 'Empty ack' } });
        });
      });
    },
    on(event, handler) {
      let set = handlers.get(event);
      if (!set) handlers.set(event, (set = new Set()));
      set.add(handler as AnyHandler);
      return () => set!.delete(handler as AnyHandler);
    },
    onState(handler) {
      stateHandlers.add(handler);
      return () => stateHandlers.delete(handler);
    },
  };
}
