// Search snippets: the server sends HTML-escaped text with each match in
// <mark>…</mark>. Rather than trusting it as HTML, this reads exactly those
// two tags and the five entities an escaper writes; everything else stays
// text, so the result is both safe and what the server meant.
import type { ReactNode } from 'react';

export interface SnippetPart {
  text: string;
  mark: boolean;
}

const ENTITIES: Record<string, string> = { '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#39;': "'" };

/** One pass, so "&amp;lt;" becomes "&lt;", not "<". Other entities stay as written. */
export function unescapeHtml(s: string): string {
  return s.replace(/&(?:amp|lt|gt|quot|#39);/g, (e) => ENTITIES[e]);
}

/**
 * Splits a snippet into text and marked parts. `<mark>` opens a match and
 * `</mark>` closes it; a stray `</mark>` or a second `<mark>` changes
 * nothing, and a match left open runs to the end. Empty parts are dropped
 * and neighbours of the same kind are joined.
 */
export function parseSnippet(snippet: string): SnippetPart[] {
  const parts: SnippetPart[] = [];
  let open = false;
  const push = (raw: string, mark: boolean) => {
    if (!raw) return;
    const text = unescapeHtml(raw);
    const last = parts[parts.length - 1];
    if (last && last.mark === mark) last.text += text;
    else parts.push({ text, mark });
  };
  for (const token of snippet.split(/(<mark>|<\/mark>)/)) {
    if (token === '<mark>') open = true;
    else if (token === '</mark>') open = false;
    else push(token, open);
  }
  return parts;
}

/** Text as text nodes, matches as <mark> elements: no HTML is ever parsed. */
export function renderParts(parts: SnippetPart[]): ReactNode[] {
  return parts.map((p, i) => (p.mark ? <mark key={i}>{p.text}</mark> : p.text));
}

export function renderSnippet(snippet: string): ReactNode[] {
  return renderParts(parseSnippet(snippet));
}
