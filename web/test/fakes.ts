// Test doubles: a scriptable Transport and an in-memory RestClient.
import type { Ack, Message, Room, ServerEventName, ServerEvents } from '../src/api/types';
import type { RestClient } from '../src/api/rest';
import type { Transport, TransportState } from '../src/transport/transport';

export interface Sent {
  event: string;
  payload: any;
  resolve: (ack: Ack<any>) => void;
}

export class FakeTransport implements Transport {
  connected = false;
  sent: Sent[] = [];
  /** Answers requests automatically when set; otherwise they wait in `sent`. */
  auto: ((event: string, payload: any) => Ack<any> | undefined) | null = null;
  private handlers = new Map<string, Set<(p: any) => void>>();
  private stateHandlers = new Set<(s: TransportState) => void>();

  connect(): void {}
  disconnect(): void {
    this.connected = false;
  }
  setState(s: TransportState) {
    this.connected = s === 'connected';
    this.stateHandlers.forEach((h) => h(s));
  }
  request<T>(event: string, payload: unknown): Promise<Ack<T>> {
    if (!this.connected) return Promise.resolve({ ok: false, error: { code: 'offline' } });
    return new Promise((resolve) => {
      const answer = this.auto?.(event, payload);
      if (answer) resolve(answer as Ack<T>);
      else this.sent.push({ event, payload, resolve: resolve as (a: Ack<any>) => void });
    });
  }
  on<E extends ServerEventName>(event: E, handler: (payload: ServerEvents[E]) => void) {
    let set = this.handlers.get(event);
    if (!set) this.handlers.set(event, (set = new Set()));
    set.add(handler as (p: any) => void);
    return () => set!.delete(handler as (p: any) => void);
  }
  onState(handler: (s: TransportState) => void) {
    this.stateHandlers.add(handler);
    return () => this.stateHandlers.delete(handler);
  }
  emit<E extends ServerEventName>(event: E, payload: ServerEvents[E]) {
    this.handlers.get(event)?.forEach((h) => h(payload));
  }
  take(event: string): Sent[] {
    const out = this.sent.filter((s) => s.event === event);
    this.sent = this.sent.filter((s) => s.event !== event);
    return out;
  }
}

export function room(id: string, patch: Partial<Room> = {}): Room {
  return {
    id,
    name: id,
    type: 'public',
    member_count: 2,
    unread_count: 0,
    mention_count: 0,
    last_read_seq: 0,
    last_seq: 0,
    rev: 0,
    role: 'member',
    pinned_message_ids: [],
    ...patch,
  };
}

export function msg(roomId: string, seq: number, patch: Partial<Message> = {}): Message {
  return {
    id: `${roomId}-m${seq}`,
    room_id: roomId,
    seq,
    rev: seq,
    sender_id: 'u2',
    sender: { id: 'u2', username: 'bo' },
    content: `message ${seq}`,
    mentions: [],
    attachments: [],
    parent_id: null,
    reply_count: 0,
    reactions: [],
    edited: false,
    deleted: false,
    pinned: false,
    created_at: new Date(Date.UTC(2026, 10, 22, 10, 0, seq)).toISOString(),
    client_msg_id: null,
    ...patch,
  };
}

export type FakeRest = RestClient & {
  historyCalls: number;
  historyQueries: { before?: string; after?: string; around?: string }[];
};

export function fakeRest(rooms: Room[], history: Record<string, Message[]> = {}): FakeRest {
  const api = {
    historyCalls: 0,
    listRooms: async () => rooms,
    getRoom: async (id: string) => rooms.find((r) => r.id === id)!,
    historyQueries: [] as { before?: string; after?: string; around?: string }[],
    history: async (roomId: string, q: { before?: string; after?: string; around?: string; limit?: number }) => {
      api.historyCalls++;
      api.historyQueries.push({ before: q.before, after: q.after, around: q.around });
      const all = history[roomId] ?? [];
      const limit = q.limit ?? 50;
      if (q.after) {
        const start = all.findIndex((m) => m.id === q.after) + 1;
        return { messages: all.slice(start, start + limit), has_more: start + limit < all.length };
      }
      if (q.around) {
        // As the server: limit/2 older, then the centre and newer; has_more for either end.
        const i = all.findIndex((m) => m.id === q.around);
        const start = Math.max(0, i - Math.floor(limit / 2));
        const end = Math.min(all.length, i + (limit - Math.floor(limit / 2)));
        return { messages: all.slice(start, end), has_more: start > 0 || end < all.length };
      }
      let end = all.length;
      if (q.before) end = all.findIndex((m) => m.id === q.before);
      const start = Math.max(0, end - limit);
      return { messages: all.slice(start, end), has_more: start > 0 };
    },
    members: async () => [],
    thread: async () => {
      throw new Error('no thread');
    },
  };
  return api as unknown as FakeRest;
}

export const flush = () => new Promise((r) => setTimeout(r, 0));
