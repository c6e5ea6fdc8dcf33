// Hooks that connect the chat store to the browser: the room in the URL
// hash, tab visibility, idle detection, the unread count in the title, and
// desktop notifications.
import { useEffect, useState } from 'react';
import type { Message, Room } from '../api/types';
import type { ChatStore } from '../stores/chat';
import { attachmentSummary, displayName } from '../utils/format';

export function roomFromHash(): string | null {
  const m = /^#\/r\/(.+)$/.exec(location.hash);
  return m ? decodeURIComponent(m[1]) : null;
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
    location.hash = `#/r/${message.room_id}`;
  };
}
