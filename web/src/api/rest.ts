// The REST half of the contract: one typed function per endpoint, JSON in and
// out, `Authorization: Bearer <jwt>`. Errors come back as ApiError values
// carrying the contract's code, never as raw responses. Uploads go through
// XMLHttpRequest, the one browser API that reports upload progress.
import type { FileInfo, Member, Message, Room, RoomType, SearchPage, SearchParams, User } from './types';

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

/** The contract's code for a status, when a body (e.g. a proxy's 413 page) carries none. */
const STATUS_CODE: Record<number, string> = {
  400: 'invalid',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  409: 'conflict',
  413: 'too_large',
  429: 'rate_limited',
};

function errorFrom(status: number, json: unknown, statusText: string): ApiError {
  const err = (json as { error?: { code?: string; message?: string; retry_after_ms?: number } } | undefined)?.error;
  const code = err?.code ?? STATUS_CODE[status] ?? 'internal';
  return new ApiError(status, code, err?.message || statusText || code, err?.retry_after_ms);
}

function parseJson(text: string): unknown {
  try {
    return text ? JSON.parse(text) : {};
  } catch {
    return undefined;
  }
}

/** Upload progress, 0..1 of the bytes sent. */
export type ProgressFn = (fraction: number) => void;

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
  /** Owner only: make a member admin or member again, or hand the room over ('owner'). */
  setRole(roomId: string, userId: string, role: 'owner' | 'admin' | 'member'): Promise<void>;
  history(roomId: string, q: HistoryQuery): Promise<{ messages: Message[]; has_more: boolean }>;
  pinned(roomId: string): Promise<Message[]>;
  openDm(participantIds: string[]): Promise<Room>;
  thread(messageId: string): Promise<{ parent_message: Message; replies: Message[] }>;
  editHistory(messageId: string): Promise<{ content: string; edited_at: string }[]>;
  /** POST /api/upload, multipart with one `file` part. Aborting rejects with code "aborted". */
  uploadFile(file: File, onProgress?: ProgressFn, opts?: { signal?: AbortSignal }): Promise<FileInfo>;
  search(params: SearchParams): Promise<SearchPage>;
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
    const json = parseJson(await res.text());
    if (!res.ok) throw errorFrom(res.status, json, res.statusText);
    return json as T;
  }

  function upload(file: File, onProgress?: ProgressFn, opts: { signal?: AbortSignal } = {}): Promise<FileInfo> {
    return new Promise<FileInfo>((resolve, reject) => {
      const aborted = () => new ApiError(0, 'aborted', 'Upload cancelled');
      if (opts.signal?.aborted) return reject(aborted());
      const xhr = new XMLHttpRequest();
      xhr.open('POST', `${base}/api/upload`);
      const token = getToken();
      if (token) xhr.setRequestHeader('Authorization', `Bearer ${token}`);
      xhr.upload.onprogress = (e) => {
        if (e.lengthComputable && e.total > 0) onProgress?.(Math.min(1, e.loaded / e.total));
      };
      xhr.onload = () => {
        const json = parseJson(xhr.responseText);
        if (xhr.status < 200 || xhr.status >= 300) return reject(errorFrom(xhr.status, json, xhr.statusText));
        const body = json as (FileInfo & { file?: FileInfo }) | undefined;
        const info = body?.file ?? body;
        if (!info?.id) return reject(new ApiError(xhr.status, 'internal', 'The server sent no file'));
        onProgress?.(1);
        resolve(info);
      };
      xhr.onerror = () => reject(new ApiError(0, 'network', 'The server cannot be reached'));
      xhr.onabort = () => reject(aborted());
      opts.signal?.addEventListener('abort', () => xhr.abort(), { once: true });
      const form = new FormData();
      form.append('file', file, file.name);
      xhr.send(form);
    });
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
    setRole: async (roomId, userId, role) => {
      await call('PATCH', `/api/rooms/${enc(roomId)}/members/${enc(userId)}`, { role });
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
    uploadFile: upload,
    search: async (params) => {
      const page = await call<Partial<SearchPage>>('POST', '/api/search', params);
      return { results: page.results ?? [], next_cursor: page.next_cursor ?? null };
    },
  };
}
