// The app's dialogs: own status, create a room, browse public rooms, start a DM.
import { useEffect, useState } from 'react';
import type { Room, Status, User } from '../api/types';
import { useChat, useServices, useUi } from '../app-context';
import { displayName } from '../utils/format';
import { switcherMatches, useSidebarViewModel } from '../viewmodels/viewmodels';
import { Avatar, Modal, PresenceDot } from './common';

function StatusDialog({ onClose }: { onClose: () => void }) {
  const { chat } = useServices();
  const me = useChat((s) => s.me);
  const [custom, setCustom] = useState(me?.custom_status ?? '');
  const set = async (status?: Status) => {
    await chat.getState().setStatus(status, custom.trim());
    onClose();
  };
  return (
    <Modal title="Your status" onClose={onClose}>
      <form
        className="form"
        onSubmit={(e) => {
          e.preventDefault();
          void set();
        }}
      >
        <fieldset className="status-options">
          <legend>Availability</legend>
          {(['online', 'away', 'busy'] as Status[]).map((s) => (
            <button key={s} type="button" className={me?.status === s ? 'selected' : ''} aria-pressed={me?.status === s} onClick={() => void set(s)}>
              <PresenceDot status={s} /> {s[0].toUpperCase() + s.slice(1)}
            </button>
          ))}
        </fieldset>
        <label>
          Custom status
          <input value={custom} maxLength={100} onChange={(e) => setCustom(e.target.value)} placeholder="In a meeting" />
        </label>
        <div className="form-actions">
          <button type="button" onClick={() => setCustom('')}>
            Clear
          </button>
          <button type="submit" className="primary">
            Save status
          </button>
        </div>
      </form>
    </Modal>
  );
}

function CreateRoomDialog({ onClose }: { onClose: () => void }) {
  const { chat, rest } = useServices();
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [type, setType] = useState<'public' | 'private'>('public');
  const [error, setError] = useState('');
  return (
    <Modal title="Create a room" onClose={onClose}>
      <form
        className="form"
        onSubmit={async (e) => {
          e.preventDefault();
          try {
            const room = await rest.createRoom({ name: name.trim(), description: description.trim(), type, member_ids: [] });
            chat.getState().addRoom(room);
            location.hash = `#/r/${room.id}`;
            onClose();
          } catch (err) {
            setError((err as Error).message);
          }
        }}
      >
        <label>
          Name
          <input value={name} onChange={(e) => setName(e.target.value)} required maxLength={80} autoFocus />
        </label>
        <label>
          Description
          <input value={description} onChange={(e) => setDescription(e.target.value)} maxLength={250} />
        </label>
        <fieldset>
          <legend>Visibility</legend>
          <label className="inline">
            <input type="radio" name="type" checked={type === 'public'} onChange={() => setType('public')} /> Public — anyone can join
          </label>
          <label className="inline">
            <input type="radio" name="type" checked={type === 'private'} onChange={() => setType('private')} /> Private — invitation only
          </label>
        </fieldset>
        {error && (
          <p role="alert" className="error-text">
            {error}
          </p>
        )}
        <div className="form-actions">
          <button type="submit" className="primary">
            Create room
          </button>
        </div>
      </form>
    </Modal>
  );
}

function BrowseRoomsDialog({ onClose }: { onClose: () => void }) {
  const { chat, rest } = useServices();
  const mine = useChat((s) => s.rooms);
  const [rooms, setRooms] = useState<Room[] | null>(null);
  const [filter, setFilter] = useState('');
  const [error, setError] = useState('');
  useEffect(() => {
    rest.listRooms('public').then(setRooms, (e) => setError((e as Error).message));
  }, [rest]);
  const shown = (rooms ?? []).filter((r) => r.name.toLowerCase().includes(filter.toLowerCase()));
  return (
    <Modal title="Browse rooms" onClose={onClose}>
      <label>
        Filter
        <input value={filter} onChange={(e) => setFilter(e.target.value)} autoFocus placeholder="Room name" />
      </label>
      {error && <p role="alert">{error}</p>}
      {!rooms && !error && <p role="status">Loading…</p>}
      <ul className="browse-list">
        {shown.map((r) => {
          const joined = !!mine[r.id] && mine[r.id].role != null;
          return (
            <li key={r.id}>
              <div>
                <strong># {r.name}</strong>
                <p className="muted">
                  {r.description || 'No description'} · {r.member_count} {r.member_count === 1 ? 'member' : 'members'}
                </p>
              </div>
              <button
                type="button"
                className={joined ? '' : 'primary'}
                aria-label={`${joined ? 'Open' : 'Join'} ${r.name}`}
                onClick={async () => {
                  if (!joined && !(await chat.getState().joinRoom(r.id))) return;
                  location.hash = `#/r/${r.id}`;
                  onClose();
                }}
              >
                {joined ? 'Open' : 'Join'}
              </button>
            </li>
          );
        })}
      </ul>
    </Modal>
  );
}

function NewDmDialog({ onClose }: { onClose: () => void }) {
  const { chat, rest } = useServices();
  const me = useChat((s) => s.me);
  const [query, setQuery] = useState('');
  const [users, setUsers] = useState<User[]>([]);
  const [error, setError] = useState('');
  useEffect(() => {
    const t = setTimeout(() => rest.searchUsers(query.trim(), 20).then(setUsers, (e) => setError((e as Error).message)), 150);
    return () => clearTimeout(t);
  }, [query, rest]);
  return (
    <Modal title="Start a direct message" onClose={onClose}>
      <label>
        Find people
        <input value={query} onChange={(e) => setQuery(e.target.value)} autoFocus placeholder="Name or username" />
      </label>
      {error && <p role="alert">{error}</p>}
      <ul className="browse-list">
        {users
          .filter((u) => u.id !== me?.id)
          .map((u) => (
            <li key={u.id}>
              <Avatar name={displayName(u)} url={u.avatar_url} size={28} status={u.status} />
              <span className="grow">
                {displayName(u)} <span className="muted">@{u.username}</span>
              </span>
              <button
                type="button"
                className="primary"
                aria-label={`Message ${u.username}`}
                onClick={async () => {
                  try {
                    const room = await rest.openDm([u.id]);
                    chat.getState().addRoom(room);
                    location.hash = `#/r/${room.id}`;
                    onClose();
                  } catch (e) {
                    setError((e as Error).message);
                  }
                }}
              >
                Message
              </button>
            </li>
          ))}
      </ul>
    </Modal>
  );
}

// Ctrl/Cmd+K: type part of a room's or person's name, Enter opens it.
function SwitchRoomDialog({ onClose }: { onClose: () => void }) {
  const vm = useSidebarViewModel();
  const [query, setQuery] = useState('');
  const [sel, setSel] = useState(0);
  const matches = switcherMatches([...vm.channels, ...vm.dms], query);
  const open = (id: string | undefined) => {
    if (!id) return;
    location.hash = `#/r/${id}`;
    onClose();
  };
  return (
    <Modal title="Jump to a conversation" onClose={onClose}>
      <input
        autoFocus
        aria-label="Room or person"
        role="combobox"
        aria-expanded
        aria-controls="switcher-list"
        aria-activedescendant={matches[sel] ? `switch-${matches[sel].id}` : undefined}
        placeholder="Room or person"
        value={query}
        onChange={(e) => {
          setQuery(e.target.value);
          setSel(0);
        }}
        onKeyDown={(e) => {
          if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
            e.preventDefault();
            const step = e.key === 'ArrowDown' ? 1 : -1;
            setSel((i) => (matches.length ? (i + step + matches.length) % matches.length : 0));
          } else if (e.key === 'Enter') {
            e.preventDefault();
            open(matches[sel]?.id);
          }
        }}
      />
      <ul className="browse-list switcher-list" id="switcher-list" role="listbox" data-testid="switcher-list">
        {matches.map((m, i) => (
          <li
            key={m.id}
            id={`switch-${m.id}`}
            role="option"
            aria-selected={i === sel}
            className={i === sel ? 'selected' : ''}
            onMouseEnter={() => setSel(i)}
            onClick={() => open(m.id)}
          >
            <span>
              {m.type === 'dm' ? <PresenceDot status={m.presence} /> : '# '}
              {m.title}
            </span>
            {m.unread > 0 && <span className="muted">{m.unread} unread</span>}
          </li>
        ))}
        {!matches.length && <li className="muted">No room or person by that name.</li>}
      </ul>
    </Modal>
  );
}

export function Dialogs() {
  const { ui } = useServices();
  const dialog = useUi((s) => s.dialog);
  const close = () => ui.getState().setDialog(null);
  if (dialog === 'status') return <StatusDialog onClose={close} />;
  if (dialog === 'create_room') return <CreateRoomDialog onClose={close} />;
  if (dialog === 'browse_rooms') return <BrowseRoomsDialog onClose={close} />;
  if (dialog === 'new_dm') return <NewDmDialog onClose={close} />;
  if (dialog === 'switch_room') return <SwitchRoomDialog onClose={close} />;
  return null;
}
