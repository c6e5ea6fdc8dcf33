// The REST half of the contract: one typed function per endpoint, JSON in and
// out, `Authorization: Bearer <jwt>`. Errors come back as ApiError values
// carrying the contract's code, never as raw responses.
import type { Member, Message, Room, RoomType, User } from './types';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}

export interface HistoryQuery {
  limit?: number;
  before?: string;
  after?: string;
  around?: string;
}

export interface RestClient {
  register(username: string, email: string, password: string): Promise<{ token: string; user: User }>;
  login(login: string, password: string): Promise<{ token: string; user: User }>;
  logout(): Promise<void>;
  me(): Promise<User>;
  searchUsers(query: string, limit?: number): Promise<User[]>;
  getUser(id: string): Promise<User>;
  updateMe(patch: Partial<Pick<User, 'display_name' | 'avatar_url' | 'status' | 'custom_status'>>): Promise<User>;
  listRooms(type?: RoomType): Promise<Room[]>;
  createRoom(body: { name: string; description: string; type: RoomType; member_ids: string[] }): Promise<Room>;
  getRoom(id: string): Promise<Room>;
  updateRoom(id: string, patch: { name?: string; description?: string; archived?: boolean }): Promise<Room>;
  members(roomId: string): Promise<Member[]>;
  addMembers(roomId: string, userIds: string[]): Promise<Room>;
  removeMember(roomId: string, userId: string): Promise<void>;
  history(roomId: string, q: HistoryQuery): Promise<{ messages: Message[]; has_more: boolean }>;
  pinned(roomId: string): Promise<Message[]>;
  openDm(participantIds: string[]): Promise<Room>;
  thread(messageId: string): Promise<{ parent_message: Message; replies: Message[] }>;
  editHistory(messageId: string): Promise<{ content: string; edited_at: string }[]>;
}

export function createRestClient(getToken: () => string | null, base = ''): RestClient {
  async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = {};
    const token = getToken();
    if (token) headers.Authorization = `Bearer ${token}`;
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    let res: Response;
    try {
      res = await fetch(base + path, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch {
      throw new ApiError(0, 'network', 'The server cannot be reached');
    }
    const text = await res.text();
    let json: unknown = undefined;
    try {
      json = text ? JSON.parse(text) : {};
    } catch {
      json = undefined;
    }
    if (!res.ok) {
      const err = (json as { error?: { code?: string; message?: string; retry_after_ms?: number } })?.error;
      throw new ApiError(res.status, err?.code ?? 'internal', err?.message ?? res.statusText, err?.retry_after_ms);
    }
    return json as T;
  }

  const qs = (params: Record<string, string | number | undefined>) => {
    const p = new URLSearchParams();
    for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') p.set(k, String(v));
    const s = p.toString();
    return s ? `?${s}` : '';
  };
  const enc = encodeURIComponent;

  return {
    register: (username, email, password) => call('POST', '/api/auth/register', { username, email, password }),
    login: (login, password) =>
      call('POST', '/api/auth/login', login.includes('@') ? { email: login, password } : { username: login, password }),
    logout: async () => {
      await call('POST', '/api/auth/logout');
    },
    me: async () => (await call<{ user: User }>('GET', '/api/auth/me')).user,
    searchUsers: async (query, limit = 20) =>
      (await call<{ users: User[] }>('GET', `/api/users${qs({ query, limit })}`)).users,
    getUser: async (id) => (await call<{ user: User }>('GET', `/api/users/${enc(id)}`)).user,
    updateMe: async (patch) => (await call<{ user: User }>('PATCH', '/api/users/me', patch)).user,
    listRooms: async (type) => (await call<{ rooms: Room[] }>('GET', `/api/rooms${qs({ type })}`)).rooms,
    createRoom: async (body) => (await call<{ room: Room }>('POST', '/api/rooms', body)).room,
    getRoom: async (id) => (await call<{ room: Room }>('GET', `/api/rooms/${enc(id)}`)).room,
    updateRoom: async (id, patch) => (await call<{ room: Room }>('PATCH', `/api/rooms/${enc(id)}`, patch)).room,
    members: async (roomId) => (await call<{ members: Member[] }>('GET', `/api/rooms/${enc(roomId)}/members`)).members,
    addMembers: async (roomId, user_ids) =>
      (await call<{ room: Room }>('POST', `/api/rooms/${enc(roomId)}/members`, { user_ids })).room,
    removeMember: async (roomId, userId) => {
      await call('DELETE', `/api/rooms/${enc(roomId)}/members/${enc(userId)}`);
    },
    history: (roomId, q) =>
      call('GET', `/api/rooms/${enc(roomId)}/messages${qs({ limit: q.limit ?? 50, before: q.before, after: q.after, around: q.around })}`),
    pinned: async (roomId) => (await call<{ messages: Message[] }>('GET', `/api/rooms/${enc(roomId)}/pinned`)).messages,
    openDm: async (participant_ids) => {
      const { conversation } = await call<{ conversation: Partial<Room> & { id: string } }>('POST', '/api/direct-messages', {
        participant_ids,
      });
      // A conversation is a DM room; its full room object carries the counters and rev.
      try {
        return await call<{ room: Room }>('GET', `/api/rooms/${enc(conversation.id)}`).then((r) => r.room);
      } catch {
        return {
          name: '',
          type: 'dm',
          member_count: (conversation.participants?.length ?? 2),
          unread_count: 0,
          mention_count: 0,
          last_read_seq: 0,
          last_seq: 0,
          rev: 0,
          ...conversation,
        } as Room;
      }
    },
    thread: (messageId) => call('GET', `/api/messages/${enc(messageId)}/thread`),
    editHistory: async (messageId) =>
      (await call<{ edits: { content: string; edited_at: string }[] }>('GET', `/api/messages/${enc(messageId)}/history`)).edits,
  };
}
