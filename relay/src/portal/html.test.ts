import { test } from 'node:test';
import assert from 'node:assert/strict';
import { html, rawHtml } from './html.js';

test('interpolated text is escaped, markup made by html is not, and empty values render nothing', () => {
  const name = `<script>alert("x")</script> & 'co'`;
  const escaped = '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;co&#39;';
  assert.equal(html`<p title="${name}">${name}</p>`.text, `<p title="${escaped}">${escaped}</p>`);
  const item = (text: string) => html`<li>${text}</li>`;
  const list = html`<ul>
    ${['a<b', 'c'].map(item)}
  </ul>`.text;
  assert.equal(list.replace(/\s+/g, ''), '<ul><li>a&lt;b</li><li>c</li></ul>');
  assert.equal(html`<b>${null}${undefined}${false}${0}</b>`.text, '<b>0</b>');
  assert.equal(html`<div>${rawHtml('<svg></svg>')}</div>`.text, '<div><svg></svg></div>');
});
