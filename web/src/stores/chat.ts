// The chat state of one signed-in user and the actions that change it. It is
// fed only by an injected Transport (real-time) and RestClient (REST), so the
// tests drive it with fakes. Everything the server reports is applied
// idempotently by rev; the cursors it keeps are what `sync` resumes from on
// every (re)connect and after a detected gap.
import { createStore, type StoreApi } from 'zustand/vanilla';
import type {
  FileInfo,
  Member,
  Message,
  Room,
  ServerEvents,
  Status,
  SyncResult,
  User,
} from '../api/types';
import type { RestClient } from '../api/rest';
import type { Transport, TransportState } from '../transport/transport';
import {
  advanceCursor,
  emptyTimeline,
  hasGap,
  isDetached,
  mergePage,
  noteRev,
  patchMessage,
  setWindow,
  tombstone,
  upsertMessage,
  withReaction,
  type Timeline,
} from './timeline';

export type ConnState = 'offline' | 'connecting' | 'reconnecting' | 'catching_up' | 'up_to_date' | 'unauthorized';

export interface PendingMessage {
  client_msg_id: string;
  room_id: string;
  parent_id: string | null;
  content: string;
  mentions: string[];
  /** Uploaded files, sent as attachment_ids in this order. */
  attachments: FileInfo[];
  /** sending: on the wire; queued: waits for a connection; failed: needs the user. */
  status: 'sending' | 'queued' | 'failed';
  error?: string;
  created_at: string;
  /** Bumped per emit so a stale ack (e.g. a timeout after a resend) is ignored. */
  attempt: number;
}

/** How a send ended up: stored, waiting for a connection, refused by the server, or not started. */
export interface SendResult {
  status: 'sent' | 'queued' | 'failed' | 'refused';
  clientMsgId: string;
  error?: string;
}

export interface SendOptions {
  parentId?: string | null;
  mentions?: string[];
  attachments?: FileInfo[];
  /** Reuse the id of an earlier attempt of the same message, so a resend stores it at most once. */
  clientMsgId?: string;
}

export const MAX_ATTACHMENTS = 10;

export interface TypingEntry {
  username: string;
  until: number;
}

export interface ChatDeps {
  transport: Transport;
  rest: RestClient;
  now?: () => number;
  newId?: () => string;
  /** Called for a live message that should raise a desktop notification. */
  notify?: (message: Message, room: Room | undefined) => void;
}

export interface ChatState {
  me: User | null;
  conn: ConnState;
  rooms: Record<string, Room>;
  timelines: Record<string, Timeline>;
  pending: Record<string, PendingMessage[]>;
  users: Record<string, User>;
  typing: Record<string, Record<string, TypingEntry>>;
  members: Record<string, Member[]>;
  receipts: Record<string, Record<string, number>>;
  activeRoomId: string | null;
  /** The tab is shown and focused: messages in the active room count as read. */
  visible: boolean;
  loadingOlder: Record<string, boolean>;
  loadingNewer: Record<string, boolean>;
  lastError: string | null;

  start(token: string, me: User): void;
  stop(): void;
  setVisible(visible: boolean): void;
  openRoom(roomId: string | null): Promise<void>;
  loadOlder(roomId: string): Promise<void>;
  /** The next newer page of a detached window (after a jump). */
  loadNewer(roomId: string): Promise<void>;
  /**
   * Opens the message's room with the message in the window: loads the page
   * around it (its thread's root for a reply) unless it is already shown.
   * Resolves false when the page could not be loaded.
   */
  jumpTo(message: Pick<Message, 'id' | 'room_id' | 'parent_id'>): Promise<boolean>;
  /** Puts a detached window back on the newest page. */
  jumpToLatest(roomId: string): Promise<void>;
  refreshRooms(): Promise<void>;
  /** Resolves false when the server could not be asked or refused. */
  syncRooms(roomIds?: string[]): Promise<boolean>;
  /** Resolves once the first attempt settled: sent, queued for the connection, failed or refused. */
  send(roomId: string, content: string, opts?: SendOptions): Promise<SendResult>;
  retry(roomId: string, clientMsgId: string): Promise<void>;
  discard(roomId: string, clientMsgId: string): void;
  edit(messageId: string, content: string): Promise<boolean>;
  remove(messageId: string): Promise<boolean>;
  toggleReaction(messageId: string, emoji: string): Promise<void>;
  setPinned(messageId: string, pinned: boolean): Promise<void>;
  /** Marks the room read up to its newest message we hold, or only up to `upToSeq`. */
  markRead(roomId: string, upToSeq?: number): Promise<void>;
  typingStart(roomId: string): void;
  typingStop(roomId: string): void;
  setStatus(status?: Status, customStatus?: string): Promise<void>;
  reportIdle(idle: boolean): void;
  loadMembers(roomId: string): Promise<void>;
  loadThread(parentId: string): Promise<void>;
  joinRoom(roomId: string): Promise<Room | null>;
  leaveRoom(roomId: string): Promise<void>;
  addRoom(room: Room): void;
  rememberUsers(users: User[]): void;
  pruneTyping(): void;
}

export type ChatStore = StoreApi<ChatState>;

const TYPING_THROTTLE_MS = 3000;
const TYPING_TTL_MS = 6000;
const SYNC_LIMIT = 200;
const MAX_RATE_LIMITED_TRIES = 5;
const PAGE = 50;

function findMessage(s: ChatState, id: string): Message | undefined {
  for (const tl of Object.values(s.timelines)) if (tl.byId[id]) return tl.byId[id];
  return undefined;
}

export function createChatStore(deps: ChatDeps): ChatStore {
  const { transport, rest } = deps;
  const now = deps.now ?? (() => Date.now());
  const newId = deps.newId ?? (() => crypto.randomUUID());
  let unsubs: (() => void)[] = [];
  const syncInFlight = new Set<string>();
  const syncAgain = new Set<string>();
  const olderWanted = new Set<string>();
  const lastTypingSent: Record<string, number> = {};
  const readTimers: Record<string, ReturnType<typeof setTimeout>> = {};
  let idleReported = false;

  const store = createStore<ChatState>()((set, get) => {
    const tl = (roomId: string) => get().timelines[roomId] ?? emptyTimeline(get().rooms[roomId]?.rev ?? 0);
    const putTl = (roomId: string, t: Timeline) => set((s) => ({ timelines: { ...s.timelines, [roomId]: t } }));
    const patchRoom = (roomId: string, patch: Partial<Room>) =>
      set((s) => (s.rooms[roomId] ? { rooms: { ...s.rooms, [roomId]: { ...s.rooms[roomId], ...patch } } } : {}));

    function isReading(roomId: string) {
      const s = get();
      return s.visible && s.activeRoomId === roomId;
    }

    function removePending(roomId: string, clientMsgId: string | null | undefined) {
      if (!clientMsgId) return;
      const list = get().pending[roomId];
      if (!list?.some((p) => p.client_msg_id === clientMsgId)) return;
      set((s) => ({ pending: { ...s.pending, [roomId]: list.filter((p) => p.client_msg_id !== clientMsgId) } }));
    }

    function updatePending(roomId: string, clientMsgId: string, patch: Partial<PendingMessage>) {
      set((s) => ({
        pending: {
          ...s.pending,
          [roomId]: (s.pending[roomId] ?? []).map((p) => (p.client_msg_id === clientMsgId ? { ...p, ...patch } : p)),
        },
      }));
    }

    /** Applies a stream event's rev; returns false for a duplicate. Starts a sync on a gap. */
    function stream(roomId: string, rev: number, apply: (t: Timeline) => Timeline): boolean {
      if (!get().rooms[roomId] && !get().timelines[roomId]) {
        // A room we do not know yet (joined elsewhere): learn it, then sync.
        void rest.getRoom(roomId).then((r) => get().addRoom(r), () => undefined);
        return false;
      }
      const { tl: t, outcome } = noteRev(tl(roomId), rev);
      if (outcome === 'duplicate') return false;
      const next = apply(t);
      putTl(roomId, next);
      patchRoom(roomId, { rev: Math.max(get().rooms[roomId]?.rev ?? 0, rev) });
      if (hasGap(next)) void get().syncRooms([roomId]);
      return true;
    }

    function onNewMessage(message: Message, live: boolean) {
      const roomId = message.room_id;
      const me = get().me;
      let inserted = false;
      const applied = stream(roomId, message.rev, (t) => {
        const r = upsertMessage(t, message, { live });
        inserted = r.inserted;
        return r.tl;
      });
      if (message.sender_id === me?.id) removePending(roomId, message.client_msg_id);
      if (!applied || !inserted) return;
      clearTyping(roomId, message.sender_id);
      const room = get().rooms[roomId];
      if (room) patchRoom(roomId, { last_seq: Math.max(room.last_seq ?? 0, message.seq) });
      if (!room || message.sender_id === me?.id) return;
      if (isReading(roomId)) {
        scheduleRead(roomId);
        return;
      }
      if (message.seq > (room.last_read_seq ?? 0)) {
        // The server's rule: unread counts top-level messages only, mentions
        // count thread replies too (docs/API.md, read state).
        const mentioned = !!me && (message.mentions ?? []).includes(me.id);
        patchRoom(roomId, {
          unread_count: (room.unread_count ?? 0) + (message.parent_id ? 0 : 1),
          mention_count: (room.mention_count ?? 0) + (mentioned ? 1 : 0),
        });
        if (mentioned || room.type === 'dm') deps.notify?.(message, room);
      }
    }

    function clearTyping(roomId: string, userId: string) {
      const t = get().typing[roomId];
      if (!t?.[userId]) return;
      const { [userId]: _gone, ...rest } = t;
      set((s) => ({ typing: { ...s.typing, [roomId]: rest } }));
    }

    // Reads are sent a moment later, in one go. A room left meanwhile is read
    // only up to what was on screen when the read was scheduled: a message
    // that arrives after the user switched away stays unread.
    function scheduleRead(roomId: string) {
      clearTimeout(readTimers[roomId]);
      let shown = 0;
      for (const m of Object.values(get().timelines[roomId]?.byId ?? {})) shown = Math.max(shown, m.seq);
      readTimers[roomId] = setTimeout(() => void get().markRead(roomId, isReading(roomId) ? undefined : shown), 250);
    }

    function applySync(res: SyncResult): string[] {
      const again: string[] = [];
      for (const r of res.rooms ?? []) {
        let t = get().timelines[r.room_id] ?? emptyTimeline(get().rooms[r.room_id]?.rev ?? 0);
        for (const m of r.messages ?? []) t = upsertMessage(t, m).tl;
        t = advanceCursor(t, typeof r.cursor === 'number' ? r.cursor : t.cursor);
        putTl(r.room_id, t);
        for (const m of r.messages ?? []) if (m.sender_id === get().me?.id) removePending(r.room_id, m.client_msg_id);
        const patch: Partial<Room> = { rev: Math.max(get().rooms[r.room_id]?.rev ?? 0, t.cursor) };
        if (r.unread_count !== undefined) patch.unread_count = r.unread_count;
        if (r.mention_count !== undefined) patch.mention_count = r.mention_count;
        if (r.last_read_seq !== undefined) patch.last_read_seq = r.last_read_seq;
        const top = (r.messages ?? []).reduce((a, m) => Math.max(a, m.seq), 0);
        if (top) patch.last_seq = Math.max(get().rooms[r.room_id]?.last_seq ?? 0, top);
        if (!get().rooms[r.room_id]) void rest.getRoom(r.room_id).then((room) => get().addRoom(room), () => undefined);
        else patchRoom(r.room_id, patch);
        if (r.has_more) again.push(r.room_id);
        if (isReading(r.room_id) && (r.unread_count ?? 0) > 0) scheduleRead(r.room_id);
      }
      for (const id of res.removed_room_ids ?? []) dropRoom(id);
      if (res.presence) get().rememberUsers(res.presence);
      return again;
    }

    function dropRoom(roomId: string) {
      set((s) => {
        const { [roomId]: _r, ...rooms } = s.rooms;
        const { [roomId]: _t, ...timelines } = s.timelines;
        return { rooms, timelines, activeRoomId: s.activeRoomId === roomId ? null : s.activeRoomId };
      });
    }

    async function emitSend(p: PendingMessage) {
      const attempt = p.attempt + 1;
      updatePending(p.room_id, p.client_msg_id, { status: 'sending', error: undefined, attempt });
      const current = () => get().pending[p.room_id]?.find((x) => x.client_msg_id === p.client_msg_id);
      const room = get().rooms[p.room_id];
      const target = room?.type === 'dm' ? { dm_id: p.room_id } : { room_id: p.room_id };
      const ack = await transport.request<{ message: Message }>('send_message', {
        ...target,
        content: p.content,
        client_msg_id: p.client_msg_id,
        ...(p.parent_id ? { parent_id: p.parent_id } : {}),
        ...(p.mentions.length ? { mentions: p.mentions } : {}),
        ...(p.attachments.length ? { attachment_ids: p.attachments.map((f) => f.id) } : {}),
      });
      if (ack.ok) {
        const m = ack.message;
        putTl(p.room_id, upsertMessage(tl(p.room_id), m).tl);
        removePending(p.room_id, p.client_msg_id);
      } else if (current()?.attempt !== attempt) {
        return;
      } else if (ack.error.code === 'offline') {
        // Never left the client: it goes out once the connection is back.
        updatePending(p.room_id, p.client_msg_id, { status: 'queued' });
      } else if (ack.error.code === 'rate_limited' && attempt < MAX_RATE_LIMITED_TRIES) {
        // Nothing was stored; try again when the server says, same client_msg_id.
        const wait = Math.max(100, Number(ack.error.retry_after_ms) || 1000);
        setTimeout(() => {
          const cur = current();
          if (cur && cur.attempt === attempt && cur.status === 'sending') void emitSend(cur);
        }, wait);
      } else {
        updatePending(p.room_id, p.client_msg_id, { status: 'failed', error: ack.error.message ?? ack.error.code });
      }
    }

    /** Waits until the pending message is gone (stored), queued or failed. */
    function settled(roomId: string, clientMsgId: string): Promise<SendResult> {
      const check = (s: ChatState): SendResult | null => {
        const p = s.pending[roomId]?.find((x) => x.client_msg_id === clientMsgId);
        if (!p) return { status: 'sent', clientMsgId };
        if (p.status === 'failed') return { status: 'failed', clientMsgId, error: p.error };
        if (p.status === 'queued') return { status: 'queued', clientMsgId };
        return null;
      };
      return new Promise((resolve) => {
        const first = check(get());
        if (first) return resolve(first);
        const unsub = store.subscribe((s) => {
          const r = check(s);
          if (r) {
            unsub();
            resolve(r);
          }
        });
      });
    }

    /** Shows one page of a room: the newest, or the one around a message. */
    async function loadWindow(roomId: string, around?: { id: string }): Promise<boolean> {
      try {
        const page = await rest.history(roomId, { limit: PAGE, around: around?.id });
        if (!around) {
          putTl(roomId, setWindow(tl(roomId), page.messages, { hasOlder: page.has_more, hasNewer: false }));
          return true;
        }
        // An around page's has_more covers both ends; a half that came back
        // short has nothing beyond it, so has_more speaks for the other one.
        const centre = page.messages.find((m) => m.id === around.id)?.seq;
        const tops = page.messages.filter((m) => !m.parent_id);
        const older = centre === undefined ? 0 : tops.filter((m) => m.seq < centre).length;
        const newer = tops.length - older;
        putTl(
          roomId,
          setWindow(tl(roomId), page.messages, {
            hasOlder: page.has_more && older >= Math.floor(PAGE / 2),
            hasNewer: page.has_more && newer >= PAGE - Math.floor(PAGE / 2),
          }),
        );
        return true;
      } catch (e) {
        set({ lastError: (e as Error).message });
        return false;
      }
    }

    async function flushQueued() {
      for (const list of Object.values(get().pending))
        for (const p of list) if (p.status === 'queued') await emitSend(p);
    }

    function bind() {
      const on = <E extends keyof ServerEvents>(e: E, h: (p: ServerEvents[E]) => void) =>
        unsubs.push(transport.on(e, h));
      unsubs.push(transport.onState((st: TransportState) => void onTransportState(st)));
      on('new_message', ({ message }) => onNewMessage(message, true));
      on('message_edited', ({ message }) =>
        stream(message.room_id, message.rev, (t) => upsertMessage(t, message).tl),
      );
      on('message_deleted', (e) =>
        stream(e.room_id, e.rev, (t) => patchMessage(t, e.message_id, e.rev, tombstone)),
      );
      on('reaction_added', (e) =>
        stream(e.room_id, e.rev, (t) => patchMessage(t, e.message_id, e.rev, (m) => withReaction(m, e.emoji, e.user_id, true))),
      );
      on('reaction_removed', (e) =>
        stream(e.room_id, e.rev, (t) =>
          patchMessage(t, e.message_id, e.rev, (m) => withReaction(m, e.emoji, e.user_id, false)),
        ),
      );
      const pin = (pinned: boolean) => (e: ServerEvents['message_pinned']) => {
        stream(e.room_id, e.rev, (t) => patchMessage(t, e.message_id, e.rev, (m) => ({ ...m, pinned })));
        const room = get().rooms[e.room_id];
        if (room) {
          const ids = (room.pinned_message_ids ?? []).filter((x) => x !== e.message_id);
          patchRoom(e.room_id, { pinned_message_ids: pinned ? [...ids, e.message_id] : ids });
        }
      };
      on('message_pinned', pin(true));
      on('message_unpinned', pin(false));
      on('user_typing', (e) => {
        if (e.user_id === get().me?.id) return;
        if (!e.typing) return clearTyping(e.room_id, e.user_id);
        set((s) => ({
          typing: {
            ...s.typing,
            [e.room_id]: { ...(s.typing[e.room_id] ?? {}), [e.user_id]: { username: e.username, until: now() + TYPING_TTL_MS } },
          },
        }));
      });
      on('presence_update', (e) => {
        const u = get().users[e.user_id];
        set((s) => ({
          users: {
            ...s.users,
            [e.user_id]: {
              ...(u ?? { id: e.user_id, username: '' }),
              status: e.status,
              last_seen: e.last_seen ?? u?.last_seen,
              custom_status: e.custom_status ?? null,
            },
          },
        }));
        if (e.user_id === get().me?.id)
          set((s) => ({ me: s.me && { ...s.me, status: e.status, custom_status: e.custom_status ?? null } }));
      });
      on('unread_update', (e) =>
        patchRoom(e.room_id, { unread_count: e.unread_count, mention_count: e.mention_count, last_read_seq: e.last_read_seq }),
      );
      on('read_receipt', (e) =>
        set((s) => ({ receipts: { ...s.receipts, [e.room_id]: { ...(s.receipts[e.room_id] ?? {}), [e.user_id]: e.last_read_seq } } })),
      );
      on('room_joined', ({ room }) => get().addRoom(room));
      on('room_updated', ({ room }) => {
        if (get().rooms[room.id]) {
          // Counters and cursors stay ours; the rest is the room's description.
          const { unread_count: _u, mention_count: _m, last_read_seq: _l, rev: _r, ...meta } = room;
          patchRoom(room.id, meta);
        } else get().addRoom(room);
      });
      on('room_left', ({ room_id }) => dropRoom(room_id));
      on('member_joined', ({ room_id, user }) => {
        get().rememberUsers([user]);
        const list = get().members[room_id];
        if (list && !list.some((m) => m.id === user.id))
          set((s) => ({ members: { ...s.members, [room_id]: [...list, { ...user, role: 'member' }] } }));
        const room = get().rooms[room_id];
        if (room && list && !list.some((m) => m.id === user.id)) patchRoom(room_id, { member_count: room.member_count + 1 });
      });
      on('member_left', ({ room_id, user_id }) => {
        const list = get().members[room_id];
        if (list?.some((m) => m.id === user_id)) {
          set((s) => ({ members: { ...s.members, [room_id]: list.filter((m) => m.id !== user_id) } }));
          const room = get().rooms[room_id];
          if (room) patchRoom(room_id, { member_count: Math.max(0, room.member_count - 1) });
        }
      });
    }

    async function onTransportState(st: TransportState) {
      if (st === 'connected') {
        set({ conn: 'catching_up' });
        await get().refreshRooms();
        // Up to date only once a sync went through; retry while connected.
        for (let attempt = 0; !(await get().syncRooms()); attempt++) {
          if (!transport.connected) return;
          await new Promise((r) => setTimeout(r, Math.min(5000, 500 * 2 ** attempt)));
          if (!transport.connected) return;
        }
        if (!transport.connected) return;
        set({ conn: 'up_to_date' });
        if (idleReported) void transport.request('activity', { idle: true });
        const active = get().activeRoomId;
        if (active && isReading(active)) scheduleRead(active);
        await flushQueued();
      } else if (st === 'reconnecting') {
        set({ conn: 'reconnecting', typing: {} });
        for (const [roomId, list] of Object.entries(get().pending))
          for (const p of list) if (p.status === 'sending') updatePending(roomId, p.client_msg_id, { status: 'queued' });
      } else if (st === 'connecting') set({ conn: 'connecting' });
      else if (st === 'unauthorized') set({ conn: 'unauthorized' });
      else set({ conn: 'offline' });
    }

    return {
      me: null,
      conn: 'offline',
      rooms: {},
      timelines: {},
      pending: {},
      users: {},
      typing: {},
      members: {},
      receipts: {},
      activeRoomId: null,
      visible: true,
      loadingOlder: {},
      loadingNewer: {},
      lastError: null,

      start(token, me) {
        get().stop();
        set({
          me,
          users: { [me.id]: me },
          conn: 'connecting',
          rooms: {},
          timelines: {},
          pending: {},
          typing: {},
          members: {},
          receipts: {},
          activeRoomId: null,
        });
        bind();
        void get().refreshRooms();
        transport.connect(token);
      },

      stop() {
        unsubs.forEach((u) => u());
        unsubs = [];
        transport.disconnect();
      },

      setVisible(visible) {
        set({ visible });
        const active = get().activeRoomId;
        if (visible && active && (get().rooms[active]?.unread_count ?? 0) > 0) scheduleRead(active);
      },

      async openRoom(roomId) {
        set({ activeRoomId: roomId });
        if (!roomId) return;
        const t = get().timelines[roomId];
        if (t && t.windowStart !== Infinity && isDetached(t)) {
          // Opening a room shows its newest messages, wherever a jump left it.
          await loadWindow(roomId);
        } else if (!t || t.windowStart === Infinity) {
          try {
            const page = await rest.history(roomId, { limit: PAGE });
            putTl(roomId, mergePage(tl(roomId), page.messages, { older: false, hasMore: page.has_more }));
          } catch (e) {
            set({ lastError: (e as Error).message });
          }
        }
        if (isReading(roomId)) scheduleRead(roomId);
      },

      async jumpTo(message) {
        const roomId = message.room_id;
        // Set at once, so the URL change that follows finds the room open.
        set({ activeRoomId: roomId });
        const anchor = message.parent_id ?? message.id;
        const t = get().timelines[roomId];
        let ok = true;
        if (!t || !t.order.includes(anchor)) {
          ok = await loadWindow(roomId, { id: anchor });
          if (!ok && (!get().timelines[roomId] || get().timelines[roomId].windowStart === Infinity)) await loadWindow(roomId);
        }
        if (isReading(roomId)) scheduleRead(roomId);
        return ok;
      },

      async jumpToLatest(roomId) {
        const t = get().timelines[roomId];
        if (t && isDetached(t)) await loadWindow(roomId);
      },

      async loadNewer(roomId) {
        const t = get().timelines[roomId];
        if (!t || !isDetached(t) || !t.order.length || get().loadingNewer[roomId]) return;
        set((s) => ({ loadingNewer: { ...s.loadingNewer, [roomId]: true } }));
        try {
          const last = t.order[t.order.length - 1];
          const page = await rest.history(roomId, { limit: PAGE, after: last });
          // A jump or a return to the latest replaced the window meanwhile: the page belongs to none.
          const cur = tl(roomId);
          if (isDetached(cur) && cur.order[cur.order.length - 1] === last)
            putTl(roomId, mergePage(cur, page.messages, { newer: true, hasMore: page.has_more }));
        } catch (e) {
          set({ lastError: (e as Error).message });
        } finally {
          set((s) => ({ loadingNewer: { ...s.loadingNewer, [roomId]: false } }));
        }
      },

      async loadOlder(roomId) {
        const t = get().timelines[roomId];
        if (!t || !t.hasOlder || !t.order.length) return;
        if (get().loadingOlder[roomId]) {
          // The reader reached the top again while a page was on its way:
          // they want the page after it too, and may not scroll again.
          olderWanted.add(roomId);
          return;
        }
        set((s) => ({ loadingOlder: { ...s.loadingOlder, [roomId]: true } }));
        let loaded = false;
        try {
          const page = await rest.history(roomId, { limit: PAGE, before: t.order[0] });
          // Unless a jump replaced the window meanwhile (the page would leave a hole).
          if (tl(roomId).order[0] === t.order[0]) {
            putTl(roomId, mergePage(tl(roomId), page.messages, { older: true, hasMore: page.has_more }));
            loaded = true;
          }
        } catch (e) {
          set({ lastError: (e as Error).message });
        } finally {
          set((s) => ({ loadingOlder: { ...s.loadingOlder, [roomId]: false } }));
        }
        if (olderWanted.delete(roomId) && loaded) await get().loadOlder(roomId);
      },

      async refreshRooms() {
        try {
          // Rooms listed with a null role are visible but not joined.
          const rooms = (await rest.listRooms()).filter((r) => r.type === 'dm' || r.role !== null);
          for (const r of rooms) get().addRoom(r);
          const ids = new Set(rooms.map((r) => r.id));
          for (const id of Object.keys(get().rooms)) if (!ids.has(id)) dropRoom(id);
        } catch {
          // Offline or flaky: sync still runs with the cursors we have.
        }
      },

      async syncRooms(roomIds) {
        const ids = roomIds ?? Object.keys(get().rooms);
        const todo = ids.filter((id) => {
          if (syncInFlight.has(id)) {
            syncAgain.add(id);
            return false;
          }
          return true;
        });
        if (!todo.length && roomIds) return true;
        todo.forEach((id) => syncInFlight.add(id));
        let ok = true;
        try {
          let batch = todo;
          let first = true;
          while (first || batch.length) {
            first = false;
            const cursors: Record<string, number> = {};
            for (const id of batch) cursors[id] = tl(id).cursor;
            const ack = await transport.request<SyncResult>('sync', { cursors, limit_per_room: SYNC_LIMIT }, 30000);
            if (!ack.ok) {
              ok = false;
              break;
            }
            batch = applySync(ack);
          }
        } finally {
          todo.forEach((id) => syncInFlight.delete(id));
        }
        const again = todo.filter((id) => syncAgain.delete(id) || (get().timelines[id] && hasGap(get().timelines[id])));
        if (ok && again.length && transport.connected) return get().syncRooms(again);
        return ok;
      },

      async send(roomId, content, opts = {}) {
        const text = content.trim();
        const attachments = opts.attachments ?? [];
        const clientMsgId = opts.clientMsgId ?? newId();
        if (!text && !attachments.length) return { status: 'refused', clientMsgId, error: 'Nothing to send' };
        if (attachments.length > MAX_ATTACHMENTS)
          return { status: 'refused', clientMsgId, error: `A message can carry at most ${MAX_ATTACHMENTS} files` };
        const p: PendingMessage = {
          client_msg_id: clientMsgId,
          room_id: roomId,
          parent_id: opts.parentId ?? null,
          content: text,
          mentions: opts.mentions ?? [],
          attachments,
          status: 'queued',
          created_at: new Date(now()).toISOString(),
          attempt: 0,
        };
        set((s) => ({ pending: { ...s.pending, [roomId]: [...(s.pending[roomId] ?? []), p] } }));
        get().typingStop(roomId);
        if (transport.connected && get().conn === 'up_to_date') await emitSend(p);
        return settled(roomId, clientMsgId);
      },

      async retry(roomId, clientMsgId) {
        const p = get().pending[roomId]?.find((x) => x.client_msg_id === clientMsgId);
        if (!p || p.status !== 'failed') return;
        if (transport.connected && get().conn === 'up_to_date') await emitSend(p);
        else updatePending(roomId, clientMsgId, { status: 'queued', error: undefined });
      },

      discard(roomId, clientMsgId) {
        const p = get().pending[roomId]?.find((x) => x.client_msg_id === clientMsgId);
        if (p && p.status !== 'sending') removePending(roomId, clientMsgId);
      },

      async edit(messageId, content) {
        const ack = await transport.request<{ message: Message }>('edit_message', { message_id: messageId, content });
        if (!ack.ok) {
          set({ lastError: ack.error.message ?? ack.error.code });
          return false;
        }
        const m = ack.message;
        putTl(m.room_id, upsertMessage(tl(m.room_id), m).tl);
        return true;
      },

      async remove(messageId) {
        const ack = await transport.request('delete_message', { message_id: messageId });
        if (!ack.ok) set({ lastError: ack.error.message ?? ack.error.code });
        return ack.ok;
      },

      async toggleReaction(messageId, emoji) {
        const m = findMessage(get(), messageId);
        const me = get().me;
        if (!m || !me) return;
        const mine = m.reactions?.find((r) => r.emoji === emoji)?.user_ids.includes(me.id);
        const ack = await transport.request<{ message: Message }>(mine ? 'remove_reaction' : 'add_reaction', {
          message_id: messageId,
          emoji,
        });
        if (ack.ok && ack.message) putTl(ack.message.room_id, upsertMessage(tl(ack.message.room_id), ack.message).tl);
        else if (!ack.ok) set({ lastError: ack.error.message ?? ack.error.code });
      },

      async setPinned(messageId, pinned) {
        const ack = await transport.request(pinned ? 'pin_message' : 'unpin_message', { message_id: messageId });
        if (!ack.ok) set({ lastError: ack.error.message ?? ack.error.code });
      },

      async markRead(roomId, upToSeq) {
        const t = get().timelines[roomId];
        const room = get().rooms[roomId];
        if (!t || !room || !transport.connected) return;
        let last: Message | undefined;
        for (const m of Object.values(t.byId))
          if ((upToSeq === undefined || m.seq <= upToSeq) && (!last || m.seq > last.seq)) last = m;
        if (!last || (last.seq <= (room.last_read_seq ?? 0) && !room.unread_count)) return;
        const target = room.type === 'dm' ? { dm_id: roomId } : { room_id: roomId };
        const ack = await transport.request<{ unread_count: number; mention_count: number }>('mark_read', {
          ...target,
          message_id: last.id,
        });
        if (ack.ok)
          patchRoom(roomId, {
            unread_count: ack.unread_count,
            mention_count: ack.mention_count,
            last_read_seq: Math.max(get().rooms[roomId]?.last_read_seq ?? 0, last.seq),
          });
      },

      typingStart(roomId) {
        const t = now();
        if (t - (lastTypingSent[roomId] ?? -Infinity) < TYPING_THROTTLE_MS) return;
        lastTypingSent[roomId] = t;
        const room = get().rooms[roomId];
        void transport.request('typing_start', room?.type === 'dm' ? { dm_id: roomId } : { room_id: roomId });
      },

      typingStop(roomId) {
        if (lastTypingSent[roomId] === undefined) return;
        delete lastTypingSent[roomId];
        const room = get().rooms[roomId];
        void transport.request('typing_stop', room?.type === 'dm' ? { dm_id: roomId } : { room_id: roomId });
      },

      async setStatus(status, customStatus) {
        const body: Record<string, unknown> = {};
        if (status) body.status = status;
        if (customStatus !== undefined) body.custom_status = customStatus;
        const ack = await transport.request<{ user: User }>('set_status', body);
        if (ack.ok && ack.user) {
          set((s) => ({ me: s.me && { ...s.me, ...ack.user }, users: { ...s.users, [ack.user.id]: ack.user } }));
        } else if (!ack.ok) set({ lastError: ack.error.message ?? ack.error.code });
      },

      reportIdle(idle) {
        if (idle === idleReported) return;
        idleReported = idle;
        void transport.request('activity', { idle });
      },

      async loadMembers(roomId) {
        try {
          const members = await rest.members(roomId);
          get().rememberUsers(members);
          // Where the room has read receipts, the list says how far each member read.
          const meId = get().me?.id;
          set((s) => {
            const seen = { ...(s.receipts[roomId] ?? {}) };
            for (const m of members)
              if (m.id !== meId && typeof m.last_read_seq === 'number') seen[m.id] = Math.max(seen[m.id] ?? 0, m.last_read_seq);
            return { members: { ...s.members, [roomId]: members }, receipts: { ...s.receipts, [roomId]: seen } };
          });
        } catch (e) {
          set({ lastError: (e as Error).message });
        }
      },

      async loadThread(parentId) {
        try {
          const th = await rest.thread(parentId);
          const roomId = th.parent_message.room_id;
          let t = tl(roomId);
          t = upsertMessage(t, th.parent_message).tl;
          for (const r of th.replies) t = upsertMessage(t, r).tl;
          putTl(roomId, t);
        } catch (e) {
          set({ lastError: (e as Error).message });
        }
      },

      async joinRoom(roomId) {
        const ack = await transport.request<{ room: Room }>('join_room', { room_id: roomId });
        if (!ack.ok) {
          set({ lastError: ack.error.message ?? ack.error.code });
          return null;
        }
        get().addRoom(ack.room);
        return ack.room;
      },

      async leaveRoom(roomId) {
        const me = get().me;
        if (!me) return;
        try {
          await rest.removeMember(roomId, me.id);
          dropRoom(roomId);
        } catch (e) {
          set({ lastError: (e as Error).message });
        }
      },

      addRoom(room) {
        const known = get().rooms[room.id];
        if (known) {
          // Counters come from the server's view at fetch time; the cursor is ours.
          patchRoom(room.id, { ...room, rev: Math.max(known.rev, room.rev) });
          return;
        }
        set((s) => ({
          rooms: { ...s.rooms, [room.id]: room },
          timelines: s.timelines[room.id] ? s.timelines : { ...s.timelines, [room.id]: emptyTimeline(room.rev ?? 0) },
        }));
        if (room.participants) get().rememberUsers(room.participants);
        // A room learnt while connected may already have moved on.
        if (get().conn === 'up_to_date') void get().syncRooms([room.id]);
      },

      rememberUsers(users) {
        set((s) => {
          const next = { ...s.users };
          for (const u of users) {
            const old = next[u.id];
            next[u.id] = { ...old, ...Object.fromEntries(Object.entries(u).filter(([, v]) => v !== undefined)) } as User;
          }
          return { users: next };
        });
      },

      pruneTyping() {
        const t = now();
        const typing = get().typing;
        let changed = false;
        const next: ChatState['typing'] = {};
        for (const [roomId, entries] of Object.entries(typing)) {
          next[roomId] = {};
          for (const [uid, e] of Object.entries(entries)) {
            if (e.until > t) next[roomId][uid] = e;
            else changed = true;
          }
        }
        if (changed) set({ typing: next });
      },
    };
  });
  return store;
}
