// Viewmodel hooks: they read the stores and shape typed view state, so the
// components only render. Selectors return store slices as they are (stable
// references); derived data is memoised here.
import { useMemo } from 'react';
import type { Message, Room, Status, User } from '../api/types';
import { useChat, useServices } from '../app-context';
import type { PendingMessage } from '../stores/chat';
import { isDetached } from '../stores/timeline';
import { dayKey, dayLabel, displayName, dmPartner, roomTitle, typingLine } from '../utils/format';

export interface RoomItem {
  id: string;
  title: string;
  type: Room['type'];
  unread: number;
  mentions: number;
  active: boolean;
  presence?: Status;
  archived: boolean;
}

/**
 * The quick switcher's choices for what was typed: rooms and DMs whose title
 * starts with it first, then those that contain it; unread ones first within
 * each; the open room last (switching to it changes nothing).
 */
export function switcherMatches(items: RoomItem[], query: string, limit = 8): RoomItem[] {
  const q = query.trim().toLowerCase().replace(/^[#@]/, '');
  const rank = (i: RoomItem) => {
    const t = i.title.toLowerCase();
    const where = !q ? 0 : t.startsWith(q) ? 0 : t.includes(q) ? 1 : -1;
    return where < 0 ? -1 : where * 4 + (i.active ? 2 : 0) + (i.unread || i.mentions ? 0 : 1);
  };
  return items
    .map((i) => ({ i, r: rank(i) }))
    .filter((x) => x.r >= 0 && !x.i.archived)
    .sort((a, b) => a.r - b.r || a.i.title.localeCompare(b.i.title))
    .slice(0, limit)
    .map((x) => x.i);
}

export function useSidebarViewModel() {
  const rooms = useChat((s) => s.rooms);
  const users = useChat((s) => s.users);
  const me = useChat((s) => s.me);
  const active = useChat((s) => s.activeRoomId);
  return useMemo(() => {
    const items = Object.values(rooms)
      .map<RoomItem>((r) => {
        const partner = r.type === 'dm' ? dmPartner(r, me?.id) : undefined;
        return {
          id: r.id,
          title: roomTitle(r, me?.id, users),
          type: r.type,
          unread: r.unread_count ?? 0,
          mentions: r.mention_count ?? 0,
          active: r.id === active,
          presence: partner ? (users[partner.id]?.status ?? partner.status ?? 'offline') : undefined,
          archived: !!r.archived,
        };
      })
      // Archived rooms go last; they stay reachable so admins can unarchive.
      .sort((a, b) => Number(a.archived) - Number(b.archived) || a.title.localeCompare(b.title));
    return {
      channels: items.filter((i) => i.type !== 'dm'),
      dms: items.filter((i) => i.type === 'dm'),
      totalUnread: items.reduce((a, i) => a + i.unread, 0),
    };
  }, [rooms, users, me, active]);
}

export type Row =
  | { kind: 'start'; key: string; text: string }
  | { kind: 'loading'; key: string }
  | { kind: 'newer'; key: string }
  | { kind: 'day'; key: string; label: string }
  | { kind: 'unread'; key: string }
  | { kind: 'message'; key: string; message: Message; grouped: boolean; mine: boolean }
  | { kind: 'pending'; key: string; pending: PendingMessage; grouped: boolean }
  /** Our last message was read: by the other side of a DM, or by these members. */
  | { kind: 'seen'; key: string; by?: string[] };

const GROUP_MS = 5 * 60 * 1000;

/** What was unread when the room was opened: seqs in (after, upTo]. */
export interface UnreadAtOpen {
  after: number;
  upTo: number;
}

/**
 * The "New messages" line goes above the first message that was unread when
 * the room was opened, and stays while it is open (reading it moves the read
 * mark at once, and messages arriving meanwhile are read as they come).
 */
export function unreadAtOpen(room: { unread_count?: number; last_read_seq?: number; last_seq?: number } | undefined): UnreadAtOpen | null {
  if (!room || !room.unread_count) return null;
  return { after: room.last_read_seq ?? 0, upTo: room.last_seq ?? Number.MAX_SAFE_INTEGER };
}

export function buildRows(
  order: string[],
  byId: Record<string, Message>,
  pending: PendingMessage[],
  meId: string | undefined,
  opts: {
    hasOlder: boolean;
    hasNewer?: boolean;
    title: string;
    parentId?: string;
    seenSeq?: number;
    /** Rooms with read receipts: who (but us) has read up to `seq`. */
    readersOf?: (seq: number) => string[];
    unread?: UnreadAtOpen | null;
  },
): Row[] {
  const rows: Row[] = [];
  rows.push(opts.hasOlder ? { kind: 'loading', key: 'top' } : { kind: 'start', key: 'top', text: opts.title });
  let prev: { sender: string; at: number; day: string } | null = null;
  let unreadLine = false;
  for (const id of order) {
    const m = byId[id];
    if (!m) continue;
    const day = dayKey(m.created_at);
    if (!prev || prev.day !== day) rows.push({ kind: 'day', key: `day-${day}`, label: dayLabel(m.created_at) });
    const firstUnread =
      !unreadLine && !!opts.unread && m.seq > opts.unread.after && m.seq <= opts.unread.upTo && m.sender_id !== meId;
    if (firstUnread) {
      rows.push({ kind: 'unread', key: 'unread-line' });
      unreadLine = true;
    }
    const at = Date.parse(m.created_at);
    const grouped =
      !firstUnread &&
      !!prev &&
      prev.day === day &&
      prev.sender === m.sender_id &&
      at - prev.at < GROUP_MS &&
      !m.deleted &&
      !m.pinned; // a pinned message shows its header, where the pin mark is
    rows.push({ kind: 'message', key: m.id, message: m, grouped, mine: m.sender_id === meId });
    prev = { sender: m.sender_id, at, day };
  }
  // A window that stops short of the newest messages (after a jump) ends in
  // a loading row; the "seen" mark and messages being sent belong at the end.
  if (opts.hasNewer) {
    rows.push({ kind: 'newer', key: 'bottom' });
    return rows;
  }
  // DMs: the other side has read up to our last message.
  const last = rows[rows.length - 1];
  if (last?.kind === 'message' && last.mine) {
    if (opts.seenSeq !== undefined && last.message.seq <= opts.seenSeq) rows.push({ kind: 'seen', key: 'seen' });
    else if (opts.readersOf) {
      const by = opts.readersOf(last.message.seq);
      if (by.length) rows.push({ kind: 'seen', key: 'seen', by });
    }
  }
  for (const p of pending) {
    if ((p.parent_id ?? undefined) !== opts.parentId) continue;
    const grouped = !!prev && prev.sender === meId;
    rows.push({ kind: 'pending', key: `pending-${p.client_msg_id}`, pending: p, grouped });
    prev = { sender: meId ?? '', at: Date.parse(p.created_at), day: dayKey(p.created_at) };
  }
  return rows;
}

const NO_PENDING: PendingMessage[] = [];

export function useRoomViewModel(roomId: string, unread: UnreadAtOpen | null = null) {
  const room = useChat((s) => s.rooms[roomId]);
  const tl = useChat((s) => s.timelines[roomId]);
  const pending = useChat((s) => s.pending[roomId]) ?? NO_PENDING;
  const me = useChat((s) => s.me);
  const users = useChat((s) => s.users);
  const loadingOlder = useChat((s) => !!s.loadingOlder[roomId]);
  const detached = !!tl && tl.windowStart !== Infinity && isDetached(tl);
  const title = room ? roomTitle(room, me?.id, users) : '';
  const partnerId = room?.type === 'dm' ? dmPartner(room, me?.id)?.id : undefined;
  const seenSeq = useChat((s) => (partnerId ? s.receipts[roomId]?.[partnerId] : undefined));
  const receipts = useChat((s) => (partnerId ? undefined : s.receipts[roomId]));
  const readersOf = useMemo(
    () =>
      receipts
        ? (seq: number) =>
            Object.entries(receipts)
              .filter(([id, read]) => id !== me?.id && read >= seq)
              .map(([id]) => displayName(users[id] ?? { username: '?' }))
              .sort((a, b) => a.localeCompare(b))
        : undefined,
    [receipts, users, me?.id],
  );
  const rows = useMemo(
    () =>
      tl && tl.windowStart !== Infinity
        ? buildRows(tl.order, tl.byId, pending, me?.id, { hasOlder: tl.hasOlder, hasNewer: isDetached(tl), title, seenSeq, readersOf, unread })
        : null,
    [tl, pending, me?.id, title, seenSeq, readersOf, unread],
  );
  const partner = room?.type === 'dm' ? dmPartner(room, me?.id) : undefined;
  return {
    room,
    title,
    rows,
    loadingOlder,
    /** The window stops short of the newest messages (after a jump). */
    detached,
    me,
    partner: partner ? (users[partner.id] ?? partner) : undefined,
  };
}

export function useThreadViewModel(roomId: string, parentId: string) {
  const tl = useChat((s) => s.timelines[roomId]);
  const pending = useChat((s) => s.pending[roomId]) ?? NO_PENDING;
  const me = useChat((s) => s.me);
  return useMemo(() => {
    const parent = tl?.byId[parentId];
    const replies = tl
      ? Object.values(tl.byId)
          .filter((m) => m.parent_id === parentId)
          .sort((a, b) => a.seq - b.seq)
      : [];
    const rows = buildRows(
      replies.map((r) => r.id),
      tl?.byId ?? {},
      pending,
      me?.id,
      { hasOlder: false, title: '', parentId },
    ).filter((r) => r.kind !== 'start');
    return { parent, rows };
  }, [tl, pending, me?.id, parentId]);
}

export function useTypingLine(roomId: string): string {
  const typing = useChat((s) => s.typing[roomId]);
  const users = useChat((s) => s.users);
  return useMemo(() => {
    const names = Object.entries(typing ?? {}).map(([id, e]) => displayName(users[id] ?? { username: e.username }));
    return typingLine(names);
  }, [typing, users]);
}

export function useUser(id: string | undefined): User | undefined {
  return useChat((s) => (id ? s.users[id] : undefined));
}

export function useMentionCandidates(roomId: string, query: string | null): User[] {
  const members = useChat((s) => s.members[roomId]);
  const users = useChat((s) => s.users);
  const { chat } = useServices();
  return useMemo(() => {
    if (query === null) return [];
    const meId = chat.getState().me?.id;
    const pool = members ?? Object.values(users);
    const q = query.toLowerCase();
    return pool
      .filter((u) => u.id !== meId && u.username)
      .filter((u) => u.username.toLowerCase().startsWith(q) || (u.display_name ?? '').toLowerCase().startsWith(q))
      .slice(0, 8);
  }, [members, users, query, chat]);
}
