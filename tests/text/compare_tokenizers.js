#!/usr/bin/env node
// `frugal tokenize` against HuggingFace tokenizers (npm `tokenizers`, native Rust build):
// ids, tokens, offsets, word ids, type ids and sequence ids, token for token, on
//   - SQuAD v1.1 dev contexts and questions, and (question, context) pairs,
//   - SST-2 train and dev sentences,
//   - a generated stress corpus: every code point from U+0000 to U+10FFFF in runs, control
//     characters, combining marks, CJK, emoji, long words, whitespace runs, special tokens,
// for bert-base-uncased (tokenizer.json and vocab.txt), bert-base-cased, gpt2 (tokenizer.json and
// encoder.json/vocab.bpe) and roberta-base. Prints the mismatch count per case; exits 1 if any.
//
// node tests/text/compare_tokenizers.js --frugal build/frugal --mirror ../shared/data --work DIR [--quick]
'use strict';
const fs = require('fs');
const path = require('path');
const { execFileSync } = require('child_process');

const args = {};
for (let i = 2; i < process.argv.length; i++) {
  const a = process.argv[i];
  if (a === '--quick') args.quick = true;
  else args[a.replace(/^--/, '')] = process.argv[++i];
}
const peers = path.join(__dirname, '..', '..', 'tools', 'peers', 'node_modules', 'tokenizers');
const { Tokenizer } = require(peers);
fs.mkdirSync(args.work, { recursive: true });

// Deterministic PRNG (mulberry32).
function rng(seed) {
  return () => {
    seed |= 0; seed = (seed + 0x6D2B79F5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function stressCorpus() {
  const lines = [];
  // Every code point, 48 at a time, between letters (surrogates and line breaks skipped).
  let run = [];
  for (let cp = 0; cp <= 0x10FFFF; cp++) {
    if ((cp >= 0xD800 && cp <= 0xDFFF) || cp === 0x0A || cp === 0x0D) continue;
    run.push(String.fromCodePoint(cp));
    if (run.length === 48) { lines.push('a' + run.join('') + 'b'); run = []; }
  }
  if (run.length) lines.push(run.join(''));
  const r = rng(1234);
  const pick = (a) => a[Math.floor(r() * a.length)];
  const pieces = ['Hello', 'world', "don't", "it's", "we'll", 'İstanbul', 'ΟΔΥΣΣΕΥΣ', 'Straße', 'ﬁnancial', '中文字', '東京',
    '😀', '👍🏽', '🇫🇷', 'e\u0301', 'a\u0308\u0301', '\u0301', '\u200b', '\ufeff', '\u00a0', '\u3000', '\t', '  ', '   ',
    '\x00', '\x01', '\x1b', '\x7f', '\x85', '\ufffd', '[CLS]', '[SEP]', '[MASK]', '<|endoftext|>', '<s>', '</s>', '<mask>',
    '[UNK]', '1,000', '3.14', "'s", "'S", "''", 'x'.repeat(120), 'supercalifragilisticexpialidocious', 'ａｂｃ', 'ｶﾞ',
    'Ⅻ', '①', '½', '٣', 'ﬃ', 'ǅ', 'ß', 'ǰ', '\u0345', 'A\u030a', 'Å', 'Ω', 'K', '...', '—', '“quoted”', '«»', '¿¡',
    '$5', '+', '<>', '^_^', '~`|', '\\', '@#', 'http://x.y/z?a=b', 'naïve café', 'Ελληνικά', 'Русский', 'עברית',
    'العربية', 'हिन्दी', 'ไทย', '한국어', '日本語のテキスト', '\u2028', '\u2029', '\u180e', '\u00ad', '\u034f'];
  for (let i = 0; i < (args.quick ? 2000 : 20000); i++) {
    const n = 1 + Math.floor(r() * 12);
    let s = '';
    for (let k = 0; k < n; k++) s += pick(pieces) + (r() < 0.7 ? ' ' : r() < 0.5 ? '' : pick(['\t', '  ', '\u00a0', '\u3000', '\x0b']));
    lines.push(s.replace(/[\r\n]/g, ' '));
  }
  return lines;
}

function corpora() {
  const squad = JSON.parse(fs.readFileSync(path.join(args.mirror, 'squad', 'dev-v1.1.json'), 'utf8'));
  const contexts = [], questions = [], pairs = [];
  for (const a of squad.data) for (const p of a.paragraphs) {
    contexts.push(p.context.replace(/[\r\n]/g, ' '));
    for (const q of p.qas) {
      questions.push(q.question.replace(/[\r\n\t]/g, ' '));
      pairs.push(q.question.replace(/[\r\n\t]/g, ' ') + '\t' + p.context.replace(/[\r\n\t]/g, ' '));
    }
  }
  const sst = [];
  for (const f of ['train.tsv', 'dev.tsv']) {
    const rows = fs.readFileSync(path.join(args.mirror, 'sst2', f), 'utf8').split('\n').slice(1);
    for (const row of rows) if (row) sst.push(row.split('\t')[0]);
  }
  const limit = (a, n) => args.quick ? a.slice(0, n) : a;
  return {
    'squad-contexts': limit(contexts, 300), 'squad-questions': limit(questions, 1000),
    'squad-pairs': limit(pairs, args.quick ? 300 : 3000), 'sst2': limit(sst, 3000), 'stress': stressCorpus(),
  };
}

const V = path.join(args.mirror, 'vocab');
const tokenizers = [
  ['bert-base-uncased', path.join(V, 'bert-base-uncased', 'tokenizer.json'), path.join(V, 'bert-base-uncased', 'tokenizer.json')],
  ['bert-base-uncased vocab.txt', path.join(V, 'bert-base-uncased', 'tokenizer.json'), path.join(V, 'bert-base-uncased', 'vocab.txt')],
  ['bert-base-cased', path.join(V, 'bert-base-cased', 'tokenizer.json'), path.join(V, 'bert-base-cased', 'vocab.txt')],
  ['gpt2', path.join(V, 'gpt2', 'tokenizer.json'), path.join(V, 'gpt2', 'tokenizer.json')],
  ['gpt2 encoder.json', path.join(V, 'gpt2', 'tokenizer.json'), path.join(args.work, 'gpt2-files')],
  ['roberta-base', path.join(V, 'roberta-base', 'tokenizer.json'), path.join(args.work, 'roberta-files')],
];
// Directories with only the original-format files, so frugal loads those rather than tokenizer.json.
for (const [dir, files] of [['gpt2-files', [['gpt2', 'encoder.json'], ['gpt2', 'vocab.bpe']]],
                            ['roberta-files', [['roberta-base', 'vocab.json'], ['roberta-base', 'merges.txt']]]]) {
  fs.mkdirSync(path.join(args.work, dir), { recursive: true });
  for (const [src, f] of files) fs.copyFileSync(path.join(V, src, f), path.join(args.work, dir, f));
}

function same(a, b) { return JSON.stringify(a) === JSON.stringify(b); }

(async () => {
  const data = corpora();
  let total = 0, mismatches = 0;
  for (const [name, hfPath, frugalPath] of tokenizers) {
    const hf = Tokenizer.fromFile(hfPath);
    for (const [corpus, lines] of Object.entries(data)) {
      const isPair = corpus === 'squad-pairs';
      const input = path.join(args.work, corpus + '.txt');
      fs.writeFileSync(input, lines.join('\n') + '\n');
      const output = path.join(args.work, 'out.jsonl');
      execFileSync(args.frugal, ['--no-progress', 'tokenize', '--tokenizer', frugalPath, '--input', input, '--output', output,
        '--format', 'jsonl', ...(isPair ? ['--pair-tab'] : [])], { stdio: 'inherit' });
      const ours = fs.readFileSync(output, 'utf8').split('\n').filter((l) => l.length).map((l) => JSON.parse(l));
      const inputs = lines.map((l) => isPair ? l.split('\t', 2) : l);
      const theirs = [];
      if (isPair) {
        for (const [a, b] of inputs) theirs.push(await hf.encode(a, b, { addSpecialTokens: true }));
      } else {
        for (let i = 0; i < inputs.length; i += 2000) theirs.push(...await hf.encodeBatch(inputs.slice(i, i + 2000), { addSpecialTokens: true }));
      }
      let bad = 0, example = null;
      for (let i = 0; i < lines.length; i++) {
        const e = theirs[i], o = ours[i];
        const ref = { ids: e.getIds(), tokens: e.getTokens(), offsets: e.getOffsets(), word_ids: e.getWordIds() };
        const mine = o ? { ids: o.ids, tokens: o.tokens, offsets: o.offsets, word_ids: o.word_ids } : {};
        let ok = same(ref, mine);
        if (ok && isPair) ok = same(e.getTypeIds(), o.type_ids) && same(e.getSequenceIds(), o.sequence_ids);
        if (!ok) {
          bad++;
          if (!example) {
            let k = 0;
            while (k < ref.ids.length && same(ref.ids[k], (mine.ids || [])[k]) && same(ref.offsets[k], (mine.offsets || [])[k]) && same(ref.word_ids[k], (mine.word_ids || [])[k])) k++;
            example = { line: i + 1, text: lines[i].slice(0, 200), at: k,
              hf: { ids: ref.ids.slice(k, k + 4), tokens: ref.tokens.slice(k, k + 4), offsets: ref.offsets.slice(k, k + 4), word_ids: ref.word_ids.slice(k, k + 4), type_ids: isPair ? e.getTypeIds().slice(k, k + 4) : undefined },
              frugal: o ? { ids: o.ids.slice(k, k + 4), tokens: o.tokens.slice(k, k + 4), offsets: o.offsets.slice(k, k + 4), word_ids: o.word_ids.slice(k, k + 4), type_ids: isPair ? o.type_ids.slice(k, k + 4) : undefined } : null };
          }
        }
      }
      total += lines.length;
      mismatches += bad;
      console.log(`${bad === 0 ? 'ok      ' : 'MISMATCH'} ${name.padEnd(28)} ${corpus.padEnd(16)} ${lines.length} lines, ${bad} differ`);
      if (example) console.log('    first: ' + JSON.stringify(example));
    }
  }
  console.log(`${mismatches} of ${total} encodings differ`);
  process.exit(mismatches ? 1 : 0);
})().catch((e) => { console.error(e); process.exit(2); });
