// Sending a composer's draft. The text and the finished uploads go out as
// one message (attachment_ids in chip order). The chips stay, locked, until
// the server has stored the message or it waits in the outbox for the
// connection; then they are cleared. Chips whose upload failed are not part
// of the message and stay until the user removes them. If the server refuses it, the draft
// comes back: the echo is dropped, the chips are unlocked and the text is
// handed back to the composer (`returned`), whose next send of the same
// draft reuses the client_msg_id (a timed-out send may have been stored).
// A text-only message keeps the outbox's Retry/Discard, as before.
import type { ChatStore, SendResult } from '../stores/chat';
import type { ReturnedSend, UploadStore } from '../stores/uploads';

export interface DraftToSend {
  draft: string;
  roomId: string;
  parentId?: string | null;
  text: string;
  mentions: string[];
  /** The draft's last refused send, if any. */
  retryOf?: ReturnedSend | null;
}

const sameIds = (a: string[], b: string[]) => a.length === b.length && a.every((x, i) => x === b[i]);

export async function sendDraft(deps: { chat: ChatStore; uploads: UploadStore }, d: DraftToSend): Promise<SendResult> {
  const { chat, uploads } = deps;
  const chips = uploads.getState().lock(d.draft);
  const keys = chips.map((c) => c.key);
  const fileIds = chips.map((c) => c.info!.id);
  const content = d.text.trim();
  const r = d.retryOf;
  const reuse = r && r.text === content && sameIds(r.fileIds, fileIds) ? r.clientMsgId : undefined;
  const result = await chat.getState().send(d.roomId, content, {
    parentId: d.parentId ?? null,
    mentions: d.mentions,
    attachments: chips.map((c) => c.info!),
    clientMsgId: reuse,
  });
  if (!chips.length) return result;
  const u = uploads.getState();
  if (result.status === 'sent' || result.status === 'queued') {
    u.clear(d.draft, keys);
    u.setNotice(d.draft, null);
  } else {
    if (result.status === 'failed') chat.getState().discard(d.roomId, result.clientMsgId);
    u.unlock(d.draft, keys);
    u.setNotice(d.draft, `Not sent: ${result.error ?? 'the server refused the message'}.`);
    u.setReturned(d.draft, { text: content, clientMsgId: result.clientMsgId, fileIds, error: result.error });
  }
  return result;
}
