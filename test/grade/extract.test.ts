import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { extractAnswer, extractWithRule, isBare, lastBoxed } from '../../src/grade/extract.ts';

test('the last brace-matched \\boxed{} or \\fbox{} wins', () => {
  assert.is(extractAnswer('first $\\boxed{1}$ then $\\boxed{\\frac{1}{2}}$.'), '\\frac{1}{2}');
  assert.is(extractAnswer('so \\fbox{x^{2}+1} is it'), 'x^{2}+1');
  assert.is(extractAnswer('\\boxed{\\begin{pmatrix}1\\\\2\\end{pmatrix}}'), '\\begin{pmatrix}1\\\\2\\end{pmatrix}');
  assert.is(lastBoxed('$\\boxed 5$'), '5');
  assert.is(lastBoxed('\\boxed{unclosed {'), null);
  assert.is(lastBoxed('no box'), null);
  assert.is(extractAnswer('we get 5, so $\\boxed{}$'), null);
});

test('GSM8K #### N, "final answer is", "The answer is"', () => {
  assert.equal(extractWithRule('48/2 = <<48/2=24>>24\n#### 72'), { answer: '72', rule: 'hashes' });
  assert.equal(extractWithRule('Final Answer: The final answer is $\\frac{3}{4}$. I hope it is correct.'), { answer: '\\frac{3}{4}', rule: 'final-answer-is' });
  assert.equal(extractWithRule('Adding up, the answer is 18.5. Done.'), { answer: '18.5', rule: 'answer-is' });
  assert.equal(extractWithRule('Thus the answer is $5$ dollars.'), { answer: '5', rule: 'answer-is' });
  assert.equal(extractWithRule('So the answer is: (B)'), { answer: '(B)', rule: 'answer-is' });
});

test('a bare answer is returned as it is; prose falls back to its last number', () => {
  for (const s of ['\\frac{1}{2}', '(1, 2]', 'x = 5', '\\text{Evelyn}', '12 square units', '(A)', '2\\sqrt{2}', '\\{1,2,3\\}'])
    assert.equal(extractWithRule(s), { answer: s, rule: 'bare' }, s);
  assert.equal(extractWithRule('She pays 3 + 4 = 7 dollars, so she pays $18.00 in total'), { answer: '18.00', rule: 'last-number' });
  assert.is(extractAnswer('It costs 1,234 dollars in all. Then we stop'), '1,234');
  assert.is(extractAnswer('no numbers here at all, sorry about that'), null);
  assert.not.ok(isBare('We add the two numbers. Then we divide'));
});

test('extraction is linear on huge inputs', () => {
  const big = 'a '.repeat(500_000) + '7';
  assert.is(extractAnswer(big), '7');
  assert.is(extractAnswer('\\boxed{' + '{'.repeat(25_000) + '1' + '}'.repeat(25_000) + '}')!.length, 50_001);
});

test.run();
