// A small, safe rich-text renderer for message content: ``` blocks, `code`,
// **bold**, _italic_, http(s) links and @mentions become React elements.
// Content is never parsed as HTML; React escapes every text node.
import { Fragment, type ReactNode } from 'react';

const INLINE = /(`[^`\n]+`)|(\*\*[^*\n]+?\*\*)|(?<![\w])(_[^_\n]+?_)(?![\w])|(https?:\/\/[^\s<>"'`]+[^\s<>"'`.,;:!?)\]])|(@[A-Za-z0-9_.-]+)/g;

export interface RichTextOptions {
  /** Usernames that refer to the viewer: their @mentions are highlighted. */
  self?: string;
  knownUsernames?: (name: string) => boolean;
}

function inline(text: string, opts: RichTextOptions, keyBase: string, depth = 0): ReactNode[] {
  const out: ReactNode[] = [];
  let last = 0;
  let i = 0;
  for (const m of text.matchAll(INLINE)) {
    const at = m.index ?? 0;
    if (at > last) out.push(text.slice(last, at));
    const key = `${keyBase}.${i++}`;
    const [whole, code, bold, italic, link, mention] = m;
    if (code) out.push(<code key={key}>{code.slice(1, -1)}</code>);
    else if (bold)
      out.push(<strong key={key}>{depth < 3 ? inline(bold.slice(2, -2), opts, key, depth + 1) : bold.slice(2, -2)}</strong>);
    else if (italic)
      out.push(<em key={key}>{depth < 3 ? inline(italic.slice(1, -1), opts, key, depth + 1) : italic.slice(1, -1)}</em>);
    else if (link)
      out.push(
        <a key={key} href={link} target="_blank" rel="noopener noreferrer nofollow">
          {link}
        </a>,
      );
    else if (mention) {
      const name = mention.slice(1);
      const known = opts.knownUsernames ? opts.knownUsernames(name) : true;
      if (known)
        out.push(
          <span key={key} className={`mention${name === opts.self ? ' mention-self' : ''}`}>
            {mention}
          </span>,
        );
      else out.push(whole);
    } else out.push(whole);
    last = at + whole.length;
  }
  if (last < text.length) out.push(text.slice(last));
  return out;
}

export function renderRichText(content: string, opts: RichTextOptions = {}): ReactNode {
  const parts: ReactNode[] = [];
  const fence = /```(?:[A-Za-z0-9_+-]*\n)?([\s\S]*?)```/g;
  let last = 0;
  let n = 0;
  for (const m of content.matchAll(fence)) {
    const at = m.index ?? 0;
    if (at > last) parts.push(<Fragment key={`t${n}`}>{inline(content.slice(last, at), opts, `t${n}`)}</Fragment>);
    parts.push(
      <pre key={`p${n}`} className="code-block">
        <code>{m[1].replace(/\n$/, '')}</code>
      </pre>,
    );
    last = at + m[0].length;
    n++;
  }
  if (last < content.length) parts.push(<Fragment key={`t${n}`}>{inline(content.slice(last), opts, `t${n}`)}</Fragment>);
  return parts;
}
