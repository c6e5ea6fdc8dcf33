// Pure functions over one room's timeline: idempotent application of the
// room change stream (shared/API.md, "The room change stream"). A timeline
// keeps every known message by id, the top-level ids of the loaded window in
// seq order, and the cursor: the highest rev up to which every change has
// been applied. Revs applied above the cursor are remembered so that a gap
// can be told apart from a reordering, and closed once the missing revs come.
// The window normally runs to the newest message; after a jump to an old
// message (search) it ends at `windowEnd` until newer pages close the gap.
import type { Message, Reaction } from '../api/types';

export interface Timeline {
  byId: Record<string, Message>;
  /** Top-level message ids with windowStart <= seq <= windowEnd, ascending seq. */
  order: string[];
  /** Lowest seq of the loaded window; Infinity until a page was fetched. */
  windowStart: number;
  /** Highest seq of a window detached from the newest messages; Infinity when attached. */
  windowEnd: number;
  hasOlder: boolean;
  cursor: number;
  /** Revs applied above cursor+1, ascending. Non-empty means a gap. */
  ahead: number[];
}

export function emptyTimeline(cursor = 0): Timeline {
  return { byId: {}, order: [], windowStart: Infinity, windowEnd: Infinity, hasOlder: true, cursor, ahead: [] };
}

/** The window does not reach the newest messages (newer pages are to be loaded). */
export function isDetached(tl: Timeline): boolean {
  return tl.windowEnd !== Infinity;
}

function windowOrder(byId: Record<string, Message>, start: number, end: number): string[] {
  return Object.values(byId)
    .filter((m) => !m.parent_id && m.seq >= start && m.seq <= end)
    .sort((a, b) => a.seq - b.seq)
    .map((m) => m.id);
}

export type RevOutcome = 'applied' | 'duplicate';

/** Records that change `rev` was applied; returns 'duplicate' when it was already. */
export function noteRev(tl: Timeline, rev: number): { tl: Timeline; outcome: RevOutcome } {
  if (!Number.isFinite(rev) || rev <= tl.cursor || tl.ahead.includes(rev)) return { tl, outcome: 'duplicate' };
  let cursor = tl.cursor;
  let ahead = [...tl.ahead, rev].sort((a, b) => a - b);
  while (ahead.length && ahead[0] === cursor + 1) {
    cursor = ahead[0];
    ahead = ahead.slice(1);
  }
  return { tl: { ...tl, cursor, ahead }, outcome: 'applied' };
}

export function hasGap(tl: Timeline): boolean {
  return tl.ahead.length > 0;
}

/** Moves the cursor to at least `cursor` (a sync result), closing what it can. */
export function advanceCursor(tl: Timeline, cursor: number): Timeline {
  let c = Math.max(tl.cursor, cursor);
  let ahead = tl.ahead.filter((r) => r > c);
  while (ahead.length && ahead[0] === c + 1) {
    c = ahead[0];
    ahead = ahead.slice(1);
  }
  return { ...tl, cursor: c, ahead };
}

function insertOrdered(tl: Timeline, order: string[], msg: Message): string[] {
  if (msg.parent_id || msg.seq < tl.windowStart || msg.seq > tl.windowEnd) return order;
  if (order.includes(msg.id)) return order;
  let lo = 0;
  let hi = order.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (tl.byId[order[mid]].seq < msg.seq) lo = mid + 1;
    else hi = mid;
  }
  const next = order.slice();
  next.splice(lo, 0, msg.id);
  return next;
}

/**
 * Puts a full message state in the timeline unless a newer one is known.
 * An equal rev replaces too: full states from the server win over local
 * bookkeeping (e.g. a reply count bumped by a live reply).
 */
export function upsertMessage(
  tl: Timeline,
  msg: Message,
  opts: { live?: boolean } = {},
): { tl: Timeline; inserted: boolean; changed: boolean } {
  const old = tl.byId[msg.id];
  if (old && old.rev > msg.rev) return { tl, inserted: false, changed: false };
  let byId = { ...tl.byId, [msg.id]: msg };
  // A new live reply bumps its parent's count; the parent's own state may
  // not carry a new rev for it. Fetched replies are already counted.
  if (!old && opts.live && msg.parent_id) {
    const parent = byId[msg.parent_id];
    if (parent) {
      byId = {
        ...byId,
        [parent.id]: {
          ...parent,
          reply_count: (parent.reply_count ?? 0) + 1,
          last_reply_at: msg.created_at,
        },
      };
    }
  }
  const next = { ...tl, byId };
  return { tl: { ...next, order: insertOrdered(next, tl.order, msg) }, inserted: !old, changed: true };
}

/** Applies a change to a known message when the change is newer than its state. */
export function patchMessage(tl: Timeline, id: string, rev: number, patch: (m: Message) => Message): Timeline {
  const old = tl.byId[id];
  if (!old || old.rev >= rev) return tl;
  return { ...tl, byId: { ...tl.byId, [id]: { ...patch(old), rev } } };
}

export function withReaction(m: Message, emoji: string, userId: string, add: boolean): Message {
  const reactions: Reaction[] = (m.reactions ?? []).map((r) => ({ ...r, user_ids: [...r.user_ids] }));
  let r = reactions.find((x) => x.emoji === emoji);
  if (add) {
    if (!r) reactions.push((r = { emoji, count: 0, user_ids: [] }));
    if (!r.user_ids.includes(userId)) r.user_ids.push(userId);
  } else if (r) {
    r.user_ids = r.user_ids.filter((u) => u !== userId);
  }
  const out = reactions.map((x) => ({ ...x, count: x.user_ids.length })).filter((x) => x.count > 0);
  return { ...m, reactions: out };
}

export function tombstone(m: Message): Message {
  return { ...m, deleted: true, content: '', reactions: [], attachments: [], mentions: [] };
}

/**
 * Merges a history page (ascending seq) into the timeline and widens the
 * window: downwards for the newest or an older page, upwards for a newer
 * page of a detached window (which attaches once nothing newer is left).
 */
export function mergePage(
  tl: Timeline,
  messages: Message[],
  opts: { older?: boolean; newer?: boolean; hasMore: boolean },
): Timeline {
  let next = tl;
  const topSeqs = messages.filter((m) => !m.parent_id).map((m) => m.seq);
  if (opts.newer) {
    const windowEnd = opts.hasMore ? Math.max(tl.windowEnd === Infinity ? 0 : tl.windowEnd, ...topSeqs) : Infinity;
    for (const m of messages) next = upsertMessage(next, m).tl;
    // Messages known before (live or from sync) now fall inside the window.
    return { ...next, windowEnd, order: windowOrder(next.byId, next.windowStart, windowEnd) };
  }
  const pageStart = topSeqs.length ? Math.min(...topSeqs) : next.windowStart;
  const windowStart = Math.min(next.windowStart, pageStart === Infinity && !opts.hasMore ? 0 : pageStart);
  if (windowStart !== next.windowStart) {
    // Messages known before (e.g. from sync) now fall inside the window.
    next = { ...next, windowStart, order: windowOrder(next.byId, windowStart, next.windowEnd) };
  }
  for (const m of messages) next = upsertMessage(next, m).tl;
  if (opts.older || tl.windowStart === Infinity) next = { ...next, hasOlder: opts.hasMore };
  return next;
}

/**
 * Replaces the window by one page: the newest page (hasNewer false) or a
 * page around a message. Known messages stay known; only what is shown
 * changes.
 */
export function setWindow(tl: Timeline, messages: Message[], opts: { hasOlder: boolean; hasNewer: boolean }): Timeline {
  let next = tl;
  for (const m of messages) next = upsertMessage(next, m).tl;
  const topSeqs = messages.filter((m) => !m.parent_id).map((m) => m.seq);
  const windowStart = topSeqs.length ? Math.min(...topSeqs) : 0;
  const windowEnd = opts.hasNewer && topSeqs.length ? Math.max(...topSeqs) : Infinity;
  return {
    ...next,
    windowStart,
    windowEnd,
    hasOlder: topSeqs.length ? opts.hasOlder : false,
    order: windowOrder(next.byId, windowStart, windowEnd),
  };
}

export function threadReplies(tl: Timeline, parentId: string): Message[] {
  return Object.values(tl.byId)
    .filter((m) => m.parent_id === parentId)
    .sort((a, b) => a.seq - b.seq);
}
