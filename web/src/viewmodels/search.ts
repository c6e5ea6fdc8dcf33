// Search results shaped for the panel (room, sender, time, snippet parts),
// and the jump from a result to its message.
import { useCallback, useMemo } from 'react';
import type { Message, Room, SearchResult, User } from '../api/types';
import { useChat, useSearch, useServices } from '../app-context';
import { displayName, roomTitle, whenLabel } from '../utils/format';
import { parseSnippet, type SnippetPart } from '../utils/snippet';

export interface SearchHit {
  id: string;
  message: Message;
  room: string;
  sender: string;
  when: string;
  /** The server's snippet; when it has none, the start of the content (or the file names) as plain text. */
  parts: SnippetPart[];
  inThread: boolean;
  files: number;
}

const FALLBACK_CHARS = 200;

export function searchHit(r: SearchResult, rooms: Record<string, Room>, users: Record<string, User>, meId?: string): SearchHit {
  const m = r.message;
  const room = rooms[m.room_id];
  let parts = r.snippet ? parseSnippet(r.snippet) : [];
  if (!parts.length) {
    const names = (m.attachments ?? []).map((f) => f.file_name).join(', ');
    const text = m.content ? m.content.slice(0, FALLBACK_CHARS) + (m.content.length > FALLBACK_CHARS ? '…' : '') : names;
    parts = text ? [{ text, mark: false }] : [];
  }
  return {
    id: m.id,
    message: m,
    room: !room ? 'a room' : room.type === 'dm' ? roomTitle(room, meId, users) : `#${room.name}`,
    sender: displayName(users[m.sender_id] ?? m.sender),
    when: whenLabel(m.created_at),
    parts,
    inThread: !!m.parent_id,
    files: m.attachments?.length ?? 0,
  };
}

export function useSearchHits(): SearchHit[] {
  const results = useSearch((s) => s.results);
  const rooms = useChat((s) => s.rooms);
  const users = useChat((s) => s.users);
  const meId = useChat((s) => s.me?.id);
  return useMemo(() => results.map((r) => searchHit(r, rooms, users, meId)), [results, rooms, users, meId]);
}

/**
 * Opens the message's room around it (its thread too, for a reply) and
 * highlights it. On a narrow screen the panel covers the room, so it closes.
 */
export function useJumpToMessage() {
  const { chat, ui } = useServices();
  return useCallback(
    async (m: Pick<Message, 'id' | 'room_id' | 'parent_id'>): Promise<boolean> => {
      ui.getState().setEditing(null);
      // jumpTo marks the room open before the URL follows, so the URL change
      // does not reload the room's newest page over the jump.
      const loaded = chat.getState().jumpTo(m);
      const hash = `#/r/${m.room_id}`;
      if (location.hash !== hash) location.hash = hash;
      const ok = await loaded;
      const narrow = !!window.matchMedia?.('(max-width: 760px)').matches;
      if (m.parent_id) ui.getState().setPanel({ kind: 'thread', parentId: m.parent_id });
      else if (narrow) ui.getState().setPanel(null);
      ui.getState().setHighlight(m.id);
      return ok;
    },
    [chat, ui],
  );
}
