// One message as shown in a room or a thread: author line, rich text,
// files, edited/deleted markers, reactions, thread replies, and the actions
// its viewer may take. A pending (local echo) message shows its sending state
// with retry and discard.
import { Icon } from './icons';
import { memo, useEffect, useRef, useState } from 'react';
import type { Message } from '../api/types';
import { useChat, useServices, useUi } from '../app-context';
import type { PendingMessage } from '../stores/chat';
import { displayName, timeLabel } from '../utils/format';
import { renderRichText } from '../utils/richtext';
import { messageLink } from '../viewmodels/browser';
import { AttachmentList } from './Attachments';
import { LinkPreviewList } from './LinkPreviews';
import { Avatar, EmojiPicker } from './common';

function EditBox({ message, onDone }: { message: Message; onDone: () => void }) {
  const { chat } = useServices();
  const [text, setText] = useState(message.content);
  const save = async () => {
    const t = text.trim();
    if (!t || t === message.content) return onDone();
    if (await chat.getState().edit(message.id, t)) onDone();
  };
  return (
    <div className="edit-box">
      <textarea
        aria-label="Edit message"
        value={text}
        autoFocus
        rows={Math.min(8, text.split('\n').length + 1)}
        onChange={(e) => setText(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && !e.shiftKey) {
            e.preventDefault();
            void save();
          } else if (e.key === 'Escape') {
            e.preventDefault();
            onDone();
          }
        }}
      />
      <div className="edit-actions">
        <span className="hint">Enter to save · Esc to cancel</span>
        <button type="button" onClick={onDone}>
          Cancel
        </button>
        <button type="button" className="primary" onClick={() => void save()}>
          Save
        </button>
      </div>
    </div>
  );
}

function EditedMark({ message }: { message: Message }) {
  const { rest } = useServices();
  const [edits, setEdits] = useState<{ content: string; edited_at: string }[] | null>(null);
  const toggle = async () => {
    if (edits) return setEdits(null);
    try {
      setEdits(await rest.editHistory(message.id));
    } catch {
      setEdits([]);
    }
  };
  return (
    <>
      {' '}
      <button
        type="button"
        className="edited-mark link-button"
        title={message.edited_at ? `Edited ${new Date(message.edited_at).toLocaleString()}` : undefined}
        aria-expanded={!!edits}
        data-testid="edited-mark"
        onClick={() => void toggle()}
      >
        (edited)
      </button>
      {edits && (
        <span className="edit-history" role="note" aria-label="Earlier versions">
          {edits.length === 0 && <span className="muted">No earlier versions available.</span>}
          {edits.map((e, i) => (
            <span key={i} className="edit-history-item">
              <time dateTime={e.edited_at}>{timeLabel(e.edited_at)}</time> {e.content}
            </span>
          ))}
        </span>
      )}
    </>
  );
}

export const MessageItem = memo(function MessageItem({
  message,
  grouped,
  inThread = false,
}: {
  message: Message;
  grouped: boolean;
  inThread?: boolean;
}) {
  const { chat, ui } = useServices();
  const me = useChat((s) => s.me);
  const sender = useChat((s) => s.users[message.sender_id]);
  const role = useChat((s) => s.rooms[message.room_id]?.role);
  const users = useChat((s) => s.users);
  const editing = useUi((s) => s.editingId === message.id);
  const highlight = useUi((s) => (s.highlight?.messageId === message.id ? s.highlight.token : 0));
  const [picker, setPicker] = useState(false);
  const [copied, setCopied] = useState(false);
  const copyLink = async () => {
    const link = messageLink(message);
    try {
      await navigator.clipboard.writeText(link);
      setCopied(true);
      setTimeout(() => setCopied(false), 1500);
    } catch {
      // No clipboard outside a secure context (plain http on a LAN): show it to copy by hand.
      window.prompt('Link to this message', link);
    }
  };
  const self = useRef<HTMLElement>(null);
  useEffect(() => {
    // A thread is a plain scroll box; the room's list scrolls itself (RoomView).
    if (highlight && inThread) self.current?.scrollIntoView?.({ block: 'center' });
  }, [highlight, inThread]);
  const author = displayName(sender ?? message.sender);
  const mine = message.sender_id === me?.id;
  const canModerate = role === 'owner' || role === 'admin';
  const isMember = !!role;  // any member may pin, as in Slack and Mattermost

  const react = (emoji: string) => {
    setPicker(false);
    void chat.getState().toggleReaction(message.id, emoji);
  };

  return (
    <article
      ref={self}
      className={`message${grouped ? ' grouped' : ''}${message.deleted ? ' deleted' : ''}${
        (message.mentions ?? []).includes(me?.id ?? '') ? ' mentions-me' : ''
      }${highlight ? ' highlighted' : ''}`}
      aria-label={`${author} at ${timeLabel(message.created_at)}`}
      data-testid="message"
      data-message-id={message.id}
      data-seq={message.seq}
      tabIndex={-1}
    >
      <div className="message-gutter">
        {grouped ? (
          <time className="message-time-hover" dateTime={message.created_at}>
            {timeLabel(message.created_at)}
          </time>
        ) : (
          <button
            type="button"
            className="avatar-button"
            aria-label={`Profile of ${author}`}
            onClick={() => ui.getState().setPanel({ kind: 'profile', userId: message.sender_id })}
          >
            <Avatar name={author} url={sender?.avatar_url ?? message.sender?.avatar_url} />
          </button>
        )}
      </div>
      <div className="message-main">
        {!grouped && (
          <div className="message-head">
            <span className="message-author">{author}</span>
            <time dateTime={message.created_at}>{timeLabel(message.created_at)}</time>
            {message.pinned && (
              <span className="pin-mark" role="img" aria-label="Pinned">
                <Icon name="pin" size={14} />
              </span>
            )}
          </div>
        )}
        {message.deleted ? (
          <p className="message-body tombstone" data-testid="message-deleted">
            This message was deleted.
          </p>
        ) : editing ? (
          <EditBox message={message} onDone={() => ui.getState().setEditing(null)} />
        ) : (
          (message.content || message.edited || !message.attachments?.length) && (
            <div className="message-body" data-testid="message-body">
              {renderRichText(message.content, {
                self: me?.username,
              })}
              {message.edited && <EditedMark message={message} />}
            </div>
          )
        )}
        {!message.deleted && <AttachmentList files={message.attachments} />}
        {!message.deleted && <LinkPreviewList previews={message.link_previews} />}
        {!message.deleted && (message.reactions?.length ?? 0) > 0 && (
          <div className="reactions" role="group" aria-label="Reactions">
            {message.reactions!.map((r) => {
              const mineR = !!me && r.user_ids.includes(me.id);
              const who = r.user_ids.map((id) => displayName(users[id] ?? { username: id })).join(', ');
              return (
                <button
                  key={r.emoji}
                  type="button"
                  className={`reaction${mineR ? ' mine' : ''}`}
                  aria-pressed={mineR}
                  aria-label={`${r.emoji} ${r.count}, by ${who}`}
                  title={who}
                  data-testid="reaction"
                  onClick={() => react(r.emoji)}
                >
                  <span>{r.emoji}</span> <span className="reaction-count">{r.count}</span>
                </button>
              );
            })}
          </div>
        )}
        {!inThread && (message.reply_count ?? 0) > 0 && (
          <button
            type="button"
            className="thread-link"
            data-testid="thread-link"
            onClick={() => ui.getState().setPanel({ kind: 'thread', parentId: message.id })}
          >
            {message.reply_count} {message.reply_count === 1 ? 'reply' : 'replies'}
          </button>
        )}
      </div>
      {!message.deleted && !editing && (
        <div className="message-actions" role="toolbar" aria-label="Message actions">
          <button type="button" className="icon-button" aria-label="Add reaction" onClick={() => setPicker((v) => !v)}>
            <Icon name="smile" />
          </button>
          {!inThread && (
            <button
              type="button"
              className="icon-button"
              aria-label="Reply in thread"
              onClick={() => ui.getState().setPanel({ kind: 'thread', parentId: message.id })}
            >
              <Icon name="reply" />
            </button>
          )}
          <button type="button" className="icon-button" aria-label="Copy link to message" title={copied ? 'Link copied' : 'Copy link'} onClick={() => void copyLink()}>
            <Icon name={copied ? 'check' : 'link'} />
          </button>
          {mine && (
            <button type="button" className="icon-button" aria-label="Edit message" onClick={() => ui.getState().setEditing(message.id)}>
              <Icon name="edit" />
            </button>
          )}
          {isMember && (
            <button
              type="button"
              className="icon-button"
              aria-label={message.pinned ? 'Unpin message' : 'Pin message'}
              onClick={() => void chat.getState().setPinned(message.id, !message.pinned)}
            >
              <Icon name="pin" />
            </button>
          )}
          {(mine || canModerate) && (
            <button
              type="button"
              className="icon-button"
              aria-label="Delete message"
              onClick={() => {
                if (window.confirm('Delete this message?')) void chat.getState().remove(message.id);
              }}
            >
              <Icon name="trash" />
            </button>
          )}
          {picker && <EmojiPicker label="Pick a reaction" onPick={react} onClose={() => setPicker(false)} />}
        </div>
      )}
    </article>
  );
});

export function PendingItem({ pending, grouped }: { pending: PendingMessage; grouped: boolean }) {
  const { chat } = useServices();
  const me = useChat((s) => s.me);
  const name = displayName(me);
  return (
    <article className={`message pending${grouped ? ' grouped' : ''} ${pending.status}`} data-testid="pending-message" data-status={pending.status}>
      <div className="message-gutter">{!grouped && <Avatar name={name} url={me?.avatar_url} />}</div>
      <div className="message-main">
        {!grouped && (
          <div className="message-head">
            <span className="message-author">{name}</span>
          </div>
        )}
        {pending.content && <div className="message-body">{renderRichText(pending.content, { self: me?.username })}</div>}
        <AttachmentList files={pending.attachments} />
        <div className="pending-state" role="status">
          {pending.status === 'sending' && 'Sending…'}
          {pending.status === 'queued' && 'Waiting for connection…'}
          {pending.status === 'failed' && (
            <>
              <span className="error-text">Not sent{pending.error ? `: ${pending.error}` : ''}.</span>{' '}
              <button type="button" className="link-button" onClick={() => void chat.getState().retry(pending.room_id, pending.client_msg_id)}>
                Retry
              </button>{' '}
              <button type="button" className="link-button" onClick={() => chat.getState().discard(pending.room_id, pending.client_msg_id)}>
                Discard
              </button>
            </>
          )}
        </div>
      </div>
    </article>
  );
}
