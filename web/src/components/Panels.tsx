// The side panels: a thread beside the room, the room's details (members,
// pinned messages, admin settings, leave) and a user's profile. Search has
// its own file (SearchPanel) and shares the frame.
import { Icon } from './icons';
import { useEffect, useRef, useState } from 'react';
import type { Message, User } from '../api/types';
import { useChat, useServices } from '../app-context';
import { draftKey } from '../stores/uploads';
import { attachmentSummary, displayName, timeLabel } from '../utils/format';
import { useFileDrop } from '../viewmodels/files';
import { useThreadViewModel, useUser } from '../viewmodels/viewmodels';
import { Avatar, PresenceDot, statusLabel } from './common';
import { Composer } from './Composer';
import { MessageItem } from './MessageItem';
import { RowView, TypingLine } from './RoomView';

export function PanelFrame({
  title,
  children,
  testId,
  dropProps,
}: {
  title: string;
  children: React.ReactNode;
  testId: string;
  dropProps?: React.HTMLAttributes<HTMLElement>;
}) {
  const { ui } = useServices();
  return (
    <aside className="side-panel" aria-label={title} data-testid={testId} {...dropProps}>
      <header className="panel-header">
        <h2>{title}</h2>
        <button type="button" className="icon-button" aria-label={`Close ${title.toLowerCase()}`} onClick={() => ui.getState().setPanel(null)}>
          <Icon name="close" />
        </button>
      </header>
      {children}
    </aside>
  );
}

export function ThreadPanel({ roomId, parentId }: { roomId: string; parentId: string }) {
  const { chat, uploads } = useServices();
  const vm = useThreadViewModel(roomId, parentId);
  const archived = useChat((s) => !!s.rooms[roomId]?.archived);
  const drop = useFileDrop((files) => uploads.getState().add(draftKey(roomId, parentId), files), !archived);
  useEffect(() => {
    void chat.getState().loadThread(parentId);
  }, [chat, parentId]);
  return (
    <PanelFrame title="Thread" testId="thread-panel" dropProps={drop.handlers}>
      {drop.dragging && (
        <div className="drop-overlay" aria-hidden="true">
          <Icon name="paperclip" size={28} />
          Drop files to attach them to your reply
        </div>
      )}
      <div className="thread-scroll">
        {vm.parent ? <MessageItem message={vm.parent} grouped={false} inThread /> : <p className="list-note">Loading…</p>}
        <div className="thread-divider">
          {vm.parent?.reply_count ?? 0} {vm.parent?.reply_count === 1 ? 'reply' : 'replies'}
        </div>
        {vm.rows.map((r) => (
          <RowView key={r.key} row={r} inThread />
        ))}
      </div>
      <TypingLine roomId={roomId} />
      <Composer roomId={roomId} parentId={parentId} placeholder="Reply in thread" />
    </PanelFrame>
  );
}

type Role = 'owner' | 'admin' | 'member';

function MemberRow({
  user,
  role,
  onRemove,
  onRole,
}: {
  user: User;
  role?: string;
  onRemove?: () => void;
  onRole?: (role: Role) => void;
}) {
  const { ui } = useServices();
  const live = useUser(user.id) ?? user;
  return (
    <li className="member-row">
      {onRole && (
        <select
          className="member-role"
          aria-label={`Role of ${displayName(live)}`}
          value={role ?? 'member'}
          onChange={(e) => onRole(e.target.value as Role)}
        >
          <option value="member">member</option>
          <option value="admin">admin</option>
          <option value="owner">owner (hand over)</option>
        </select>
      )}
      {onRemove && (
        <button type="button" className="icon-button member-remove" aria-label={`Remove ${displayName(live)} from the room`} onClick={onRemove}>
          <Icon name="close" size={14} />
        </button>
      )}
      <button type="button" className="member-button" onClick={() => ui.getState().setPanel({ kind: 'profile', userId: user.id })}>
        <Avatar name={displayName(live)} url={live.avatar_url} size={28} status={live.status ?? 'offline'} />
        <span className="member-name">{displayName(live)}</span>
        <span className="member-sub">
          {statusLabel(live.status)}
          {role && role !== 'member' ? ` · ${role}` : ''}
        </span>
      </button>
    </li>
  );
}

export function DetailsPanel({ roomId }: { roomId: string }) {
  const { chat, rest } = useServices();
  const room = useChat((s) => s.rooms[roomId]);
  const members = useChat((s) => s.members[roomId]);
  const me = useChat((s) => s.me);
  const pinnedIds = room?.pinned_message_ids?.join(',') ?? '';
  const [pinned, setPinned] = useState<Message[]>([]);
  const [name, setName] = useState(room?.name ?? '');
  const [description, setDescription] = useState(room?.description ?? '');
  const [note, setNote] = useState('');
  const [invite, setInvite] = useState('');
  const [found, setFound] = useState<User[]>([]);

  useEffect(() => {
    void chat.getState().loadMembers(roomId);
  }, [chat, roomId]);
  useEffect(() => {
    rest.pinned(roomId).then(setPinned, () => setPinned([]));
  }, [rest, roomId, pinnedIds]);
  useEffect(() => {
    if (!invite.trim()) return setFound([]);
    const t = setTimeout(() => rest.searchUsers(invite.trim(), 8).then(setFound, () => setFound([])), 200);
    return () => clearTimeout(t);
  }, [invite, rest]);

  if (!room) return null;
  const admin = room.role === 'owner' || room.role === 'admin';
  const save = async (patch: { name?: string; description?: string; archived?: boolean }) => {
    try {
      const r = await rest.updateRoom(roomId, patch);
      chat.getState().addRoom(r);
      setNote('Saved.');
    } catch (e) {
      setNote((e as Error).message);
    }
  };
  return (
    <PanelFrame title="Room details" testId="details-panel">
      <div className="panel-scroll">
        <section>
          <h3>About</h3>
          <p>{room.description || 'No description'}</p>
          <p className="muted">
            {room.type} · {room.member_count} {room.member_count === 1 ? 'member' : 'members'}
          </p>
        </section>
        <section>
          <h3>Members</h3>
          <ul className="member-list">
            {(members ?? []).map((m) => (
              <MemberRow
                key={m.id}
                user={m}
                role={m.role}
                onRemove={
                  admin && room.type !== 'dm' && m.id !== me?.id && m.role !== 'owner'
                    ? async () => {
                        try {
                          await rest.removeMember(roomId, m.id);
                          await chat.getState().loadMembers(roomId);
                        } catch (e) {
                          setNote((e as Error).message);
                        }
                      }
                    : undefined
                }
                onRole={
                  room.role === 'owner' && room.type !== 'dm' && m.id !== me?.id
                    ? async (role) => {
                        try {
                          await rest.setRole(roomId, m.id, role);
                          await chat.getState().loadMembers(roomId);
                          // Handing over changes our own role too.
                          if (role === 'owner') chat.getState().addRoom(await rest.getRoom(roomId));
                        } catch (e) {
                          setNote((e as Error).message);
                        }
                      }
                    : undefined
                }
              />
            ))}
          </ul>
          {room.type !== 'dm' && (admin || room.type === 'private') && (
            <div className="invite">
              <label>
                Add people
                <input value={invite} onChange={(e) => setInvite(e.target.value)} placeholder="Search by name" />
              </label>
              <ul className="search-results">
                {found
                  .filter((u) => !(members ?? []).some((m) => m.id === u.id))
                  .map((u) => (
                    <li key={u.id}>
                      <button
                        type="button"
                        onClick={async () => {
                          try {
                            chat.getState().addRoom(await rest.addMembers(roomId, [u.id]));
                            await chat.getState().loadMembers(roomId);
                            setInvite('');
                          } catch (e) {
                            setNote((e as Error).message);
                          }
                        }}
                      >
                        Add {displayName(u)}
                      </button>
                    </li>
                  ))}
              </ul>
            </div>
          )}
        </section>
        <section>
          <h3>Pinned messages</h3>
          {pinned.length === 0 && <p className="muted">Nothing pinned yet.</p>}
          <ul className="pinned-list">
            {pinned.map((m) => (
              <li key={m.id}>
                <strong>{displayName(m.sender)}</strong> <span className="muted">{timeLabel(m.created_at)}</span>
                <p>{m.deleted ? 'This message was deleted.' : m.content || attachmentSummary(m.attachments)}</p>
              </li>
            ))}
          </ul>
        </section>
        {admin && room.type !== 'dm' && (
          <section>
            <h3>Settings</h3>
            <form
              className="form"
              onSubmit={(e) => {
                e.preventDefault();
                void save({ name: name.trim(), description: description.trim() });
              }}
            >
              <label>
                Name
                <input value={name} onChange={(e) => setName(e.target.value)} required />
              </label>
              <label>
                Description
                <textarea value={description} onChange={(e) => setDescription(e.target.value)} rows={2} />
              </label>
              <button type="submit" className="primary">
                Save changes
              </button>
              <button type="button" onClick={() => void save({ archived: !room.archived })}>
                {room.archived ? 'Unarchive room' : 'Archive room'}
              </button>
            </form>
          </section>
        )}
        {note && (
          <p role="status" className="muted">
            {note}
          </p>
        )}
        {room.type !== 'dm' && (
          <section>
            <button
              type="button"
              className="danger"
              onClick={async () => {
                await chat.getState().leaveRoom(roomId);
                // Off the room's address, or it would offer to join it again.
                if (!chat.getState().rooms[roomId] && location.hash.startsWith(`#/r/${roomId}`)) location.hash = '';
              }}
            >
              Leave room
            </button>
          </section>
        )}
      </div>
    </PanelFrame>
  );
}

function OwnProfileForm({ user }: { user: User }) {
  const { chat, rest, session, ui } = useServices();
  const [name, setName] = useState(user.display_name ?? '');
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const picker = useRef<HTMLInputElement>(null);
  const saved = (updated: User) => {
    chat.getState().rememberUsers([updated]);
    chat.setState((s) => ({ me: s.me && { ...s.me, ...updated } }));
    session.getState().setUser(updated);
  };
  // A picture is uploaded like any file; its thumbnail becomes the avatar.
  const setPicture = async (file: File | null) => {
    setBusy(true);
    setNote('');
    try {
      let avatar_url = '';
      if (file) {
        const info = await rest.uploadFile(file);
        if (!info.thumbnail_url) throw new Error('That file is not a picture this server can show.');
        avatar_url = info.thumbnail_url;
      }
      saved(await rest.updateMe({ avatar_url }));
      setNote(file ? 'Picture changed.' : 'Picture removed.');
    } catch (err) {
      setNote((err as Error).message);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form
      className="form profile-form"
      onSubmit={async (e) => {
        e.preventDefault();
        try {
          saved(await rest.updateMe({ display_name: name.trim() }));
          setNote('Saved.');
        } catch (err) {
          setNote((err as Error).message);
        }
      }}
    >
      <div className="form-actions">
        <button type="button" disabled={busy} onClick={() => picker.current?.click()}>
          {busy ? 'Uploading…' : 'Change picture'}
        </button>
        {user.avatar_url && (
          <button type="button" disabled={busy} onClick={() => void setPicture(null)}>
            Remove picture
          </button>
        )}
        <input
          ref={picker}
          type="file"
          accept="image/*"
          hidden
          aria-label="Profile picture"
          data-testid="avatar-input"
          onChange={(e) => {
            const file = e.target.files?.[0] ?? null;
            e.target.value = '';
            if (file) void setPicture(file);
          }}
        />
      </div>
      <label>
        Display name
        <input value={name} onChange={(e) => setName(e.target.value)} maxLength={80} />
      </label>
      <div className="form-actions">
        <button type="button" onClick={() => ui.getState().setDialog('status')}>
          Set status
        </button>
        <button type="submit" className="primary">
          Save profile
        </button>
      </div>
      {note && <p role="status" className="muted">{note}</p>}
    </form>
  );
}

export function ProfilePanel({ userId }: { userId: string }) {
  const { chat, rest, ui } = useServices();
  const cached = useUser(userId);
  const me = useChat((s) => s.me);
  const [user, setUser] = useState<User | undefined>(cached);
  useEffect(() => {
    rest.getUser(userId).then(
      (u) => {
        chat.getState().rememberUsers([u]);
        setUser(u);
      },
      () => undefined,
    );
  }, [rest, chat, userId]);
  const u = cached ?? user;
  if (!u) return null;
  const startDm = async () => {
    try {
      const room = await rest.openDm([userId]);
      chat.getState().addRoom(room);
      location.hash = `#/r/${room.id}`;
      ui.getState().setPanel(null);
    } catch {
      // The profile stays open; nothing changed.
    }
  };
  return (
    <PanelFrame title="Profile" testId="profile-panel">
      <div className="panel-scroll profile">
        <Avatar name={displayName(u)} url={u.avatar_url} size={96} status={u.status ?? 'offline'} />
        <h3>{displayName(u)}</h3>
        <p className="muted">@{u.username}</p>
        <p>
          <PresenceDot status={u.status} /> {statusLabel(u.status)}
          {u.custom_status ? ` — ${u.custom_status}` : ''}
        </p>
        {u.status === 'offline' && u.last_seen && <p className="muted">Last seen {new Date(u.last_seen).toLocaleString()}</p>}
        {u.id !== me?.id ? (
          <button type="button" className="primary" onClick={() => void startDm()}>
            Send a message
          </button>
        ) : (
          <OwnProfileForm user={u} />
        )}
      </div>
    </PanelFrame>
  );
}
