import { describe, expect, it } from 'vitest';
import { renderToStaticMarkup } from 'react-dom/server';
import { parseSnippet, renderSnippet, unescapeHtml } from '../src/utils/snippet';

const html = (s: string) => renderToStaticMarkup(<p>{renderSnippet(s)}</p>);

describe('parseSnippet', () => {
  it('splits text and <mark> matches', () => {
    expect(parseSnippet('…say <mark>hello</mark> to <mark>Hélène</mark>…')).toEqual([
      { text: '…say ', mark: false },
      { text: 'hello', mark: true },
      { text: ' to ', mark: false },
      { text: 'Hélène', mark: true },
      { text: '…', mark: false },
    ]);
    expect(parseSnippet('<mark>a</mark><mark>b</mark>')).toEqual([{ text: 'ab', mark: true }]);
    expect(parseSnippet('')).toEqual([]);
  });

  it('unescapes exactly the five entities, in one pass', () => {
    expect(unescapeHtml('a &amp; b &lt;c&gt; &quot;d&quot; &#39;e&#39;')).toBe('a & b <c> "d" \'e\'');
    // "&amp;lt;" is an escaped "&lt;", not "<".
    expect(unescapeHtml('&amp;lt;')).toBe('&lt;');
    // Anything else is left as written.
    expect(unescapeHtml('&nbsp; &#x27; &apos; &copy &AMP;')).toBe('&nbsp; &#x27; &apos; &copy &AMP;');
    expect(parseSnippet('<mark>R&amp;D</mark> &lt;3')).toEqual([
      { text: 'R&D', mark: true },
      { text: ' <3', mark: false },
    ]);
  });

  it('keeps an escaped tag as text, even one spelled like a mark', () => {
    expect(parseSnippet('&lt;b&gt;bold&lt;/b&gt; <mark>x</mark>')).toEqual([
      { text: '<b>bold</b> ', mark: false },
      { text: 'x', mark: true },
    ]);
    expect(parseSnippet('&lt;mark&gt;not a match&lt;/mark&gt;')).toEqual([{ text: '<mark>not a match</mark>', mark: false }]);
    // Only the exact tags count: other tags in the string stay text.
    expect(parseSnippet('<b>x</b> <MARK>y</MARK> <mark class="a">z</mark>')).toEqual([
      { text: '<b>x</b> <MARK>y</MARK> <mark class="a">z', mark: false },
    ]);
  });

  it('copes with unbalanced marks', () => {
    // A stray close changes nothing; a second open changes nothing; an open match runs to the end.
    expect(parseSnippet('a</mark>b')).toEqual([{ text: 'ab', mark: false }]);
    expect(parseSnippet('<mark>a<mark>b</mark>c')).toEqual([
      { text: 'ab', mark: true },
      { text: 'c', mark: false },
    ]);
    expect(parseSnippet('x <mark>tail')).toEqual([
      { text: 'x ', mark: false },
      { text: 'tail', mark: true },
    ]);
  });
});

describe('renderSnippet', () => {
  it('renders matches as <mark> elements and everything else as escaped text', () => {
    expect(html('say <mark>hi</mark> &amp; bye')).toBe('<p>say <mark>hi</mark> &amp; bye</p>');
    const out = html('&lt;img src=x onerror=alert(1)&gt; <mark>&lt;script&gt;</mark>');
    expect(out).not.toContain('<img');
    expect(out).not.toContain('<script');
    expect(out).toBe('<p>&lt;img src=x onerror=alert(1)&gt; <mark>&lt;script&gt;</mark></p>');
    // A raw tag the server should have escaped is shown, not obeyed.
    expect(html('<b>x</b>')).toBe('<p>&lt;b&gt;x&lt;/b&gt;</p>');
  });
});
