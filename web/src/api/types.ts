// The wire contract's objects and event payloads (shared/API.md), as the
// client sees them. Ids are opaque strings; times are ISO 8601 strings.

export type Status = 'online' | 'away' | 'busy' | 'offline';
export type RoomType = 'public' | 'private' | 'dm';
export type Role = 'owner' | 'admin' | 'member';

export interface User {
  id: string;
  username: string;
  display_name?: string | null;
  avatar_url?: string | null;
  status?: Status;
  custom_status?: string | null;
  last_seen?: string | null;
  email?: string;
}

export interface Member extends User {
  role?: Role;
  /** How far they have read, in rooms that send read receipts (DMs, up to 100 members). */
  last_read_seq?: number;
}

export interface Room {
  id: string;
  name: string;
  description?: string | null;
  type: RoomType;
  member_count: number;
  unread_count: number;
  mention_count: number;
  last_read_seq: number;
  last_seq: number;
  rev: number;
  role?: Role | null;
  pinned_message_ids?: string[];
  participants?: User[];
  archived?: boolean;
}

export interface Reaction {
  emoji: string;
  count: number;
  user_ids: string[];
}

export interface FileInfo {
  id: string;
  url: string;
  file_name: string;
  file_size: number;
  content_type: string;
  thumbnail_url?: string | null;
  width?: number | null;
  height?: number | null;
}

export interface Message {
  id: string;
  room_id: string;
  seq: number;
  rev: number;
  sender_id: string;
  sender?: { id: string; username: string; display_name?: string | null; avatar_url?: string | null };
  content: string;
  mentions?: string[];
  attachments?: FileInfo[];
  parent_id?: string | null;
  reply_count?: number;
  last_reply_at?: string | null;
  reactions?: Reaction[];
  edited?: boolean;
  edited_at?: string | null;
  deleted?: boolean;
  pinned?: boolean;
  created_at: string;
  client_msg_id?: string | null;
  link_previews?: LinkPreview[];
}

/** What a linked page says of itself; added by the server after the message (a new rev). */
export interface LinkPreview {
  url: string;
  title: string;
  description: string | null;
  image_url: string | null;
  site_name: string | null;
}

/** POST /api/search: `query` may be empty when a filter is given. */
export interface SearchParams {
  query: string;
  room_id?: string;
  sender_id?: string;
  from?: string;
  to?: string;
  has_file?: boolean;
  limit?: number;
  cursor?: string;
}

export interface SearchResult {
  message: Message;
  /** HTML-escaped text with each match in <mark>…</mark> (see utils/snippet). */
  snippet: string;
}

export interface SearchPage {
  /** Newest first. */
  results: SearchResult[];
  /** Pass as `cursor` for the next page; null after the last. */
  next_cursor: string | null;
}

export interface ErrorBody {
  code: string;
  message?: string;
  retry_after_ms?: number;
}

export type Ack<T = Record<string, unknown>> =
  | ({ ok: true } & T)
  | { ok: false; error: ErrorBody };

export interface SyncRoom {
  room_id: string;
  messages: Message[];
  has_more: boolean;
  cursor: number;
  unread_count?: number;
  mention_count?: number;
  last_read_seq?: number;
}

export interface SyncResult {
  rooms: SyncRoom[];
  removed_room_ids?: string[];
  presence?: User[];
  server_time?: string;
}

export interface MessageDeleted {
  message_id: string;
  room_id: string;
  rev: number;
  parent_id?: string | null;
}

export interface ReactionEvent {
  message_id: string;
  room_id: string;
  emoji: string;
  user_id: string;
  rev: number;
}

export interface PinEvent {
  message_id: string;
  room_id: string;
  rev: number;
  user_id: string;
}

export interface TypingEvent {
  room_id: string;
  user_id: string;
  username: string;
  typing: boolean;
}

export interface PresenceUpdate {
  user_id: string;
  status: Status;
  last_seen?: string | null;
  custom_status?: string | null;
}

export interface UnreadUpdate {
  room_id: string;
  unread_count: number;
  mention_count: number;
  last_read_seq: number;
}

export interface ReadReceipt {
  room_id: string;
  user_id: string;
  last_read_seq: number;
}

/** Server-to-client events and their payloads. */
export interface ServerEvents {
  new_message: { message: Message };
  message_edited: { message: Message };
  message_deleted: MessageDeleted;
  reaction_added: ReactionEvent;
  reaction_removed: ReactionEvent;
  message_pinned: PinEvent;
  message_unpinned: PinEvent;
  user_typing: TypingEvent;
  presence_update: PresenceUpdate;
  read_receipt: ReadReceipt;
  unread_update: UnreadUpdate;
  mention: { message: Message };
  room_joined: { room: Room };
  room_updated: { room: Room };
  room_left: { room_id: string };
  member_joined: { room_id: string; user: User };
  member_left: { room_id: string; user_id: string };
}

export type ServerEventName = keyof ServerEvents;
