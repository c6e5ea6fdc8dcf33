// Small text helpers the views share: names, times, day labels, the typing line.
import type { Room, User } from '../api/types';

export function displayName(u: Pick<User, 'username' | 'display_name'> | undefined | null): string {
  if (!u) return 'Someone';
  return u.display_name || u.username || 'Someone';
}

export function typingLine(names: string[]): string {
  if (names.length === 0) return '';
  if (names.length === 1) return `${names[0]} is typing…`;
  if (names.length === 2) return `${names[0]} and ${names[1]} are typing…`;
  return 'Several people are typing…';
}

export function dayKey(iso: string): string {
  const d = new Date(iso);
  return `${d.getFullYear()}-${d.getMonth()}-${d.getDate()}`;
}

export function dayLabel(iso: string, now = new Date()): string {
  const d = new Date(iso);
  const today = dayKey(now.toISOString());
  const y = new Date(now);
  y.setDate(now.getDate() - 1);
  if (dayKey(iso) === today) return 'Today';
  if (dayKey(iso) === dayKey(y.toISOString())) return 'Yesterday';
  return d.toLocaleDateString(undefined, {
    weekday: 'long',
    month: 'long',
    day: 'numeric',
    year: d.getFullYear() === now.getFullYear() ? undefined : 'numeric',
  });
}

export function timeLabel(iso: string): string {
  return new Date(iso).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
}

export function roomTitle(room: Room, meId: string | undefined, users: Record<string, User>): string {
  if (room.type !== 'dm') return room.name;
  const others = (room.participants ?? []).filter((p) => p.id !== meId);
  if (!others.length) return room.name || 'Note to self';
  return others.map((p) => displayName(users[p.id] ?? p)).join(', ');
}

export function dmPartner(room: Room, meId: string | undefined): User | undefined {
  return (room.participants ?? []).find((p) => p.id !== meId);
}

/** Usernames written as @name in content, in order, without duplicates. */
export function mentionedNames(content: string): string[] {
  const out: string[] = [];
  for (const m of content.matchAll(/(?:^|[^\w@])@([A-Za-z0-9_.-]+)/g)) {
    const name = m[1].replace(/[.-]+$/, '');
    if (!out.includes(name)) out.push(name);
  }
  return out;
}

const SIZE_UNITS = ['B', 'KB', 'MB', 'GB', 'TB'];

/** A byte count for people: 1024-based, one decimal under 10 ("1.5 MB", "12 KB", "512 B"). */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return '';
  let unit = 0;
  let value = bytes;
  while (value >= 1024 && unit < SIZE_UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  let shown = unit === 0 ? value : value < 10 ? Math.round(value * 10) / 10 : Math.round(value);
  // 1,048,575 bytes is "1 MB", not "1024 KB".
  if (shown >= 1024 && unit < SIZE_UNITS.length - 1) {
    unit++;
    shown = 1;
  }
  return `${shown} ${SIZE_UNITS[unit]}`;
}

/** A short time for lists: the time today, else the date and time. */
export function whenLabel(iso: string, now = new Date()): string {
  const d = new Date(iso);
  if (dayKey(iso) === dayKey(now.toISOString())) return timeLabel(iso);
  const date = d.toLocaleDateString(undefined, {
    month: 'short',
    day: 'numeric',
    year: d.getFullYear() === now.getFullYear() ? undefined : 'numeric',
  });
  return `${date}, ${timeLabel(iso)}`;
}

/** A line for a message that has files and maybe no text: "photo.png", "3 files". */
export function attachmentSummary(files: { file_name: string }[] | undefined): string {
  if (!files?.length) return '';
  return files.length === 1 ? files[0].file_name : `${files.length} files`;
}

/** "Seen by Ana", "Seen by Ana and Bo", "Seen by Ana, Bo, Cy and 4 others". */
export function seenBy(names: string[]): string {
  if (names.length <= 2) return `Seen by ${names.join(' and ')}`;
  if (names.length === 3) return `Seen by ${names[0]}, ${names[1]} and ${names[2]}`;
  return `Seen by ${names.slice(0, 3).join(', ')} and ${names.length - 3} others`;
}
