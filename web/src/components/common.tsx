// Small shared pieces: avatar, presence dot, badges, a modal dialog, and the
// emoji picker.
import { Icon } from './icons';
import { useEffect, useRef, useState, type ReactNode } from 'react';
import type { Status } from '../api/types';
import { EMOJI } from '../utils/emoji';

const STATUS_LABEL: Record<Status, string> = { online: 'Online', away: 'Away', busy: 'Busy', offline: 'Offline' };

export function statusLabel(s: Status | undefined): string {
  return STATUS_LABEL[s ?? 'offline'];
}

export function PresenceDot({ status, className = '' }: { status?: Status; className?: string }) {
  const s = status ?? 'offline';
  return <span className={`presence presence-${s} ${className}`} role="img" aria-label={STATUS_LABEL[s]} title={STATUS_LABEL[s]} data-status={s} />;
}

function hue(text: string): number {
  let h = 0;
  for (const c of text) h = (h * 31 + c.codePointAt(0)!) % 360;
  return h;
}

export function Avatar({ name, url, size = 36, status }: { name: string; url?: string | null; size?: number; status?: Status }) {
  const initial = [...(name || '?')][0]?.toUpperCase() ?? '?';
  return (
    <span className="avatar" style={{ width: size, height: size }} aria-hidden="true">
      {url && /^https?:\/\/|^\//.test(url) ? (
        <img src={url} alt="" width={size} height={size} />
      ) : (
        <span className="avatar-fallback" style={{ background: `hsl(${hue(name)} 55% 45%)`, fontSize: size * 0.45 }}>
          {initial}
        </span>
      )}
      {status && <PresenceDot status={status} className="avatar-dot" />}
    </span>
  );
}

export function Badge({ count, kind, label }: { count: number; kind: 'unread' | 'mention'; label: string }) {
  if (!count) return null;
  return (
    <span className={`badge badge-${kind}`} aria-label={label} data-testid={`${kind}-badge`}>
      {kind === 'mention' ? `@${count}` : count > 99 ? '99+' : count}
    </span>
  );
}

export function Modal({ title, onClose, children }: { title: string; onClose: () => void; children: ReactNode }) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const d = ref.current;
    if (d && !d.open) d.showModal();
    return () => d?.close();
  }, []);
  return (
    <dialog
      ref={ref}
      className="modal"
      aria-label={title}
      onCancel={(e) => {
        e.preventDefault();
        onClose();
      }}
      onClick={(e) => {
        if (e.target === ref.current) onClose();
      }}
    >
      <div className="modal-body">
        <header className="modal-header">
          <h2>{title}</h2>
          <button type="button" className="icon-button" aria-label="Close" onClick={onClose}>
            <Icon name="close" />
          </button>
        </header>
        {children}
      </div>
    </dialog>
  );
}

export function EmojiPicker({ onPick, onClose, label = 'Emoji picker' }: { onPick: (e: string) => void; onClose: () => void; label?: string }) {
  const [filter, setFilter] = useState('');
  const ref = useRef<HTMLDivElement>(null);
  const list = EMOJI.filter(([, name]) => name.includes(filter.toLowerCase()));
  useEffect(() => {
    ref.current?.querySelector<HTMLInputElement>('input')?.focus();
    const onDoc = (e: MouseEvent) => {
      if (ref.current && !ref.current.contains(e.target as Node)) onClose();
    };
    document.addEventListener('mousedown', onDoc);
    return () => document.removeEventListener('mousedown', onDoc);
  }, [onClose]);
  return (
    <div
      className="emoji-picker"
      ref={ref}
      role="dialog"
      aria-label={label}
      onKeyDown={(e) => {
        if (e.key === 'Escape') {
          e.stopPropagation();
          onClose();
        }
      }}
    >
      <input aria-label="Filter emoji" placeholder="Search emoji" value={filter} onChange={(e) => setFilter(e.target.value)} />
      <div className="emoji-grid">
        {list.map(([emoji, name]) => (
          <button key={emoji} type="button" className="emoji-cell" aria-label={name} title={name} onClick={() => onPick(emoji)}>
            {emoji}
          </button>
        ))}
      </div>
    </div>
  );
}
