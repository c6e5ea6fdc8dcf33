// Hooks that connect the chat store to the browser: the room in the URL
// hash, tab visibility, idle detection, the unread count in the title, and
// desktop notifications.
import { useEffect, useState } from 'react';
import type { Message, Room } from '../api/types';
import type { ChatStore } from '../stores/chat';
import { attachmentSummary, displayName } from '../utils/format';

// `#/r/<room>`, or a message's link: `#/r/<room>/m/<message>`, and for a
// thread reply `#/r/<room>/m/<root>/<reply>`.
const HASH = /^#\/r\/([^/]+)(?:\/m\/([^/]+)(?:\/([^/]+))?)?$/;

// A link typed or pasted by hand may hold a malformed %-escape.
function decode(part: string): string | null {
  try {
    return decodeURIComponent(part);
  } catch {
    return null;
  }
}

export function roomFromHash(): string | null {
  const m = HASH.exec(location.hash);
  return m ? decode(m[1]) : null;
}

/** The message a link in the URL points at, shaped as a jump needs it. */
export function linkedMessage(hash: string): { id: string; room_id: string; parent_id: string | null } | null {
  const m = HASH.exec(hash);
  if (!m || !m[2]) return null;
  const room = decode(m[1]);
  const root = decode(m[2]);
  const reply = m[3] === undefined ? undefined : decode(m[3]);
  if (room === null || root === null || reply === null) return null;
  return reply ? { id: reply, room_id: room, parent_id: root } : { id: root, room_id: room, parent_id: null };
}

/** A link to a message, for sharing: it opens the message (in its thread, for a reply). */
export function messageLink(m: { id: string; room_id: string; parent_id?: string | null }): string {
  const enc = encodeURIComponent;
  const path = m.parent_id ? `${enc(m.parent_id)}/${enc(m.id)}` : enc(m.id);
  return `${location.origin}${location.pathname}#/r/${encodeURIComponent(m.room_id)}/m/${path}`;
}

export function useHashRoom(): string | null {
  const [room, setRoom] = useState(roomFromHash);
  useEffect(() => {
    const on = () => setRoom(roomFromHash());
    window.addEventListener('hashchange', on);
    return () => window.removeEventListener('hashchange', on);
  }, []);
  return room;
}

export function useVisibility(chat: ChatStore) {
  useEffect(() => {
    // A room shown on screen counts as read, focused or not (a second monitor).
    const update = () => chat.getState().setVisible(document.visibilityState === 'visible');
    update();
    document.addEventListener('visibilitychange', update);
    return () => document.removeEventListener('visibilitychange', update);
  }, [chat]);
}

/** Reports idle after `parlor.idleMs` (default 5 min) without input, and active on the next input. */
export function useIdle(chat: ChatStore) {
  useEffect(() => {
    const idleMs = Number(localStorage.getItem('parlor.idleMs')) || 5 * 60 * 1000;
    let timer: ReturnType<typeof setTimeout>;
    const arm = () => {
      clearTimeout(timer);
      chat.getState().reportIdle(false);
      timer = setTimeout(() => chat.getState().reportIdle(true), idleMs);
    };
    const events = ['pointerdown', 'pointermove', 'keydown', 'wheel', 'touchstart', 'focus'];
    events.forEach((e) => window.addEventListener(e, arm, { passive: true }));
    arm();
    return () => {
      clearTimeout(timer);
      events.forEach((e) => window.removeEventListener(e, arm));
    };
  }, [chat]);
}

export function useTitle(totalUnread: number, roomTitle: string | null) {
  useEffect(() => {
    const base = roomTitle ? `${roomTitle} · Parlor` : 'Parlor';
    document.title = totalUnread > 0 ? `(${totalUnread}) ${base}` : base;
  }, [totalUnread, roomTitle]);
}

export function notifyDesktop(message: Message, room: Room | undefined) {
  if (typeof Notification === 'undefined' || Notification.permission !== 'granted') return;
  if (document.visibilityState === 'visible') return;
  const who = displayName(message.sender);
  const where = room?.type === 'dm' ? who : `${who} in #${room?.name ?? ''}`;
  const body = message.content ? message.content.slice(0, 200) : attachmentSummary(message.attachments);
  const n = new Notification(where, { body, tag: message.id });
  n.onclick = () => {
    window.focus();
    location.hash = new URL(messageLink(message)).hash;
  };
}
