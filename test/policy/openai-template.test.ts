import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ChatTemplate, DEFAULT_SYSTEM, QWEN25_MATH_TEMPLATE } from '../../src/policy/openai/index.ts';

test('the built-in template written out: head() equals the jinja render, on awkward problem texts', () => {
  const t = new ChatTemplate(QWEN25_MATH_TEMPLATE);
  const texts = ['What is 2 + 3?', 'Let $f(x) = \\frac{1}{x}$; {{ not jinja }} {% raw %} <|im_end|>', '', 'line one\n\nline two\r\n', 'ünïcødé ✓ 😀'];
  for (const system of [DEFAULT_SYSTEM, 'You are terse.', '']) {
    for (const q of texts) {
      const viaJinja = t.render(
        [
          { role: 'system', content: system },
          { role: 'user', content: q },
        ],
        true,
      );
      assert.is(t.head(q, system), viaJinja, JSON.stringify([system, q]));
    }
  }
});

test.run();
