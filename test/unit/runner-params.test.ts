import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ParamError, pairsToParams, paramsToArgs, parseParamPairs } from '../../src/core/runner/params';

test('parses key=value pairs from one line, with quotes', () => {
  const pairs = parseParamPairs(`lr=0.010 epochs=3 name="my run" use_amp=true tag='a b' empty= opt.beta-1=0.9`);
  assert.deepEqual(pairsToParams(pairs), { lr: 0.01, epochs: 3, name: 'my run', use_amp: true, tag: 'a b', empty: '', 'opt.beta-1': 0.9 });
  // Arguments keep the text as typed.
  assert.deepEqual(paramsToArgs(pairs), ['--lr', '0.010', '--epochs', '3', '--name', 'my run', '--use_amp', 'true', '--tag', 'a b', '--empty', '', '--opt.beta-1', '0.9']);
});

test('values that only look numeric stay strings', () => {
  assert.deepEqual(pairsToParams(parseParamPairs(['a=1e-3', 'b=nan', 'c=inf', 'd=0x10', 'e=1.2.3', 'f=-.5', 'g=x=y'])), {
    a: 0.001,
    b: 'nan',
    c: 'inf',
    d: '0x10',
    e: '1.2.3',
    f: -0.5,
    g: 'x=y',
  });
});

test('clear errors for bad input', () => {
  assert.throws(() => parseParamPairs('lr'), (e: unknown) => e instanceof ParamError && /Expected key=value, got "lr"/.test(e.message));
  assert.throws(() => parseParamPairs('=3'), /Missing parameter name/);
  assert.throws(() => parseParamPairs('--lr=3'), /Invalid parameter name "--lr"/);
  assert.throws(() => parseParamPairs('lr=1 lr=2'), /given twice/);
  assert.throws(() => parseParamPairs('name="open'), /Unclosed " quote/);
  assert.throws(() => paramsToArgs({ 'bad key': 1 }), ParamError);
});

test('a params record becomes --key value arguments', () => {
  assert.deepEqual(paramsToArgs({ lr: 0.1, flag: false, none: null }), ['--lr', '0.1', '--flag', 'false', '--none', '']);
  assert.deepEqual(parseParamPairs('   '), []);
});
