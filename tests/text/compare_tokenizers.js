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

// Truncation, overflowing windows with a stride, and padding: frugal flags and the same
// settings on the HF tokenizer.
// tokenizers 0.23 (this peer) cuts the input text to about max_length tokens before it
// tokenizes: its overflowing windows stop there (the last one cut short) and, with left
// truncation, its word ids count from the cut. frugal keeps the classic semantics (windows
// over the whole sequence, word ids of the whole text), which QA over long contexts needs.
// So the main encoding is compared in full (word ids only with right truncation), and the
// peer's overflowing windows, but its last, must equal frugal's first ones.
const lengthCases = [
  { name: 'qa-windows', corpus: 'squad-pairs', frugal: ['--max-length', '64', '--stride', '16', '--truncation', 'only_second', '--padding', 'max_length'],
    hf: (t, pad) => { t.setTruncation(64, { stride: 16, strategy: 'OnlySecond' }); t.setPadding({ maxLength: 64, ...pad }); } },
  { name: 'pair-longest-first', corpus: 'squad-pairs', frugal: ['--max-length', '40'], bothCutBudget: 37,
    hf: (t) => { t.setTruncation(40, { strategy: 'LongestFirst' }); } },
  { name: 'left-windows', corpus: 'sst2', noWordIds: true, noOverflow: true, frugal: ['--max-length', '12', '--stride', '3', '--truncation-side', 'left', '--padding', 'max_length', '--pad-to-multiple-of', '8', '--padding-side', 'left'],
    hf: (t, pad) => { t.setTruncation(12, { stride: 3, direction: 'left' }); t.setPadding({ maxLength: 12, padToMultipleOf: 8, direction: 'left', ...pad }); } },
];

// The first place two encoding views differ, as a short string.
function firstDifference(a, b, where = '') {
  if (!b) return where + ': missing';
  for (const key of Object.keys(a)) {
    if (key === 'overflowing') {
      if (a.overflowing.length !== b.overflowing.length) return `${where}overflowing: ${a.overflowing.length} vs ${b.overflowing.length} windows`;
      for (let w = 0; w < a.overflowing.length; w++) {
        const d = firstDifference(a.overflowing[w], b.overflowing[w], `${where}overflowing[${w}].`);
        if (d) return d;
      }
      continue;
    }
    const x = a[key], y = b[key];
    if (same(x, y)) continue;
    let k = 0;
    while (k < x.length && same(x[k], y[k])) k++;
    return `${where}${key}[${k}] (len ${x.length} vs ${y.length}): hf ${JSON.stringify(x.slice(k, k + 3))} frugal ${JSON.stringify(y.slice(k, k + 3))}`;
  }
  return null;
}

function view(e) {
  return { ids: e.getIds(), tokens: e.getTokens(), offsets: e.getOffsets(), word_ids: e.getWordIds(), type_ids: e.getTypeIds(),
           attention_mask: e.getAttentionMask(), overflowing: e.getOverflowing().map(view) };
}
function viewOurs(o) {
  return { ids: o.ids, tokens: o.tokens, offsets: o.offsets, word_ids: o.word_ids, type_ids: o.type_ids,
           attention_mask: o.attention_mask || o.ids.map(() => 1), overflowing: (o.overflowing || []).map(viewOurs) };
}

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
  for (const c of lengthCases) {
    for (const [name, hfPath, frugalPath] of tokenizers) {
      if (name.includes(' ')) continue;  // the tokenizer.json variants suffice here
      const hf = Tokenizer.fromFile(hfPath);
      const padToken = ['[PAD]', '<pad>', '<|endoftext|>'].find((t) => hf.tokenToId(t) !== null && hf.tokenToId(t) !== undefined);
      c.hf(hf, { padId: hf.tokenToId(padToken), padToken });
      const isPair = c.corpus === 'squad-pairs';
      const lines = data[c.corpus].slice(0, args.quick ? 200 : 2000);
      const input = path.join(args.work, c.name + '.txt');
      fs.writeFileSync(input, lines.join('\n') + '\n');
      const output = path.join(args.work, 'out.jsonl');
      execFileSync(args.frugal, ['--no-progress', 'tokenize', '--tokenizer', frugalPath, '--input', input, '--output', output,
        '--format', 'jsonl', '--pair-tab', ...c.frugal], { stdio: 'inherit' });
      const ours = fs.readFileSync(output, 'utf8').split('\n').filter((l) => l.length).map((l) => JSON.parse(l));
      let bad = 0, skipped = 0, example = null;
      for (let i = 0; i < lines.length; i++) {
        const e = isPair ? await hf.encode(...lines[i].split('\t', 2)) : await hf.encode(lines[i]);
        if (c.bothCutBudget && ours[i]) {
          // Both sequences cut to half the budget: which one gets the odd token follows the
          // peer's length comparison of its pre-cut encodings (see above), not the real lengths.
          // Such a line is compared unless the peer gave the odd token to the other side.
          const count = (ids, k) => ids.filter((x) => x === k).length;
          const mine = [count(ours[i].sequence_ids, 0), count(ours[i].sequence_ids, 1)];
          const theirs = [count(e.getSequenceIds(), 0), count(e.getSequenceIds(), 1)];
          const bothCut = mine[0] + mine[1] === c.bothCutBudget && Math.min(...mine) === Math.floor(c.bothCutBudget / 2);
          if (bothCut && !same(mine, theirs)) { skipped++; continue; }
        }
        const ref = view(e), mine = ours[i] ? viewOurs(ours[i]) : null;
        if (!isPair) { delete ref.type_ids; if (mine) delete mine.type_ids; }
        if (c.noWordIds) { delete ref.word_ids; if (mine) delete mine.word_ids; }
        if (mine) {
          // When both sequences overflow, the peer's cut reorders the window combinations: main only.
          const bothOverflow = ref.overflowing.some((w) => w.overflowing.length > 0);
          const windows = c.noOverflow || bothOverflow ? 0 : Math.max(0, ref.overflowing.length - 1);
          // Windows of windows (both sequences overflowing) follow the same cut; compare one level.
          ref.overflowing = ref.overflowing.slice(0, windows).map((w) => ({ ...w, overflowing: [] }));
          mine.overflowing = mine.overflowing.slice(0, windows).map((w) => ({ ...w, overflowing: [] }));
          if (!c.noOverflow && ref.overflowing.length < windows) bad++;
        }
        if (!same(ref, mine)) { bad++; if (!example) example = { line: i + 1, diff: firstDifference(ref, mine) }; }
      }
      total += lines.length - skipped;
      mismatches += bad;
      console.log(`${bad === 0 ? 'ok      ' : 'MISMATCH'} ${name.padEnd(28)} ${c.name.padEnd(18)} ${lines.length} lines, ${bad} differ` +
                  (skipped ? `, ${skipped} skipped (both cut, odd token on the other side)` : ''));
      if (example) console.log('    first: ' + JSON.stringify(example));
    }
  }
  // Training: byte-level BPE with HF's default trainer (vocab 30,000, min frequency 0, no special
  // tokens, alphabet as seen) against `frugal tokenize train` with the same settings: vocabulary
  // and merges must be identical. Then HF loads frugal's trained files (BPE and WordPiece) and
  // must tokenize like frugal. (HF's WordPiece trainer is not deterministic from run to run, so
  // its vocabulary is compared only for size.)
  {
    const corpusFile = path.join(args.work, 'train-corpus.txt');
    fs.writeFileSync(corpusFile, data.sst2.slice(0, args.quick ? 5000 : 30000).join('\n') + '\n');
    const tk = require(peers);
    for (const kind of ['bpe', 'wordpiece']) {
      const hf = new tk.Tokenizer(kind === 'bpe' ? tk.BPE.empty() : tk.WordPiece.empty());
      if (kind === 'bpe') hf.setPreTokenizer(tk.byteLevelPreTokenizer(false));
      else { hf.setNormalizer(tk.bertNormalizer({})); hf.setPreTokenizer(tk.bertPreTokenizer()); }
      hf.train([corpusFile]);
      const hfFile = path.join(args.work, `hf-${kind}.json`);
      hf.save(hfFile);
      const outDir = path.join(args.work, `frugal-${kind}`);
      execFileSync(args.frugal, ['--no-progress', 'tokenize', 'train', '--type', kind, '--vocab-size', '30000', '--min-frequency', '0',
        '--special-tokens', '', '--alphabet', 'seen', '--corpus', corpusFile, '--out', outDir], { stdio: 'inherit' });
      const theirs = JSON.parse(fs.readFileSync(hfFile, 'utf8')).model;
      const ours = JSON.parse(fs.readFileSync(path.join(outDir, 'tokenizer.json'), 'utf8')).model;
      const norm = (m) => (m || []).map((x) => Array.isArray(x) ? x.join(' ') : x);
      // HF's WordPiece trainer varies from run to run (9,840 or 9,841 tokens seen on the same
      // 5,000 lines): its size must agree within 0.5%.
      const sizes = [Object.keys(theirs.vocab).length, Object.keys(ours.vocab).length];
      const identical = kind === 'bpe' ? same(theirs.vocab, ours.vocab) && same(norm(theirs.merges), norm(ours.merges))
                                       : Math.abs(sizes[0] - sizes[1]) <= 0.005 * sizes[0];
      total += 1;
      if (!identical) mismatches++;
      console.log(`${identical ? 'ok      ' : 'MISMATCH'} train ${kind.padEnd(22)} vocab ${Object.keys(ours.vocab).length} (HF ${Object.keys(theirs.vocab).length}), merges ${norm(ours.merges).length} (HF ${norm(theirs.merges).length})`);
      // HF loads frugal's trained tokenizer.json; both tokenize SST-2 dev alike.
      execFileSync(args.frugal, ['--no-progress', 'tokenize', 'train', '--type', kind, '--vocab-size', '8000',
        '--corpus', corpusFile, '--out', outDir], { stdio: 'inherit' });
      const trained = Tokenizer.fromFile(path.join(outDir, 'tokenizer.json'));
      const input = path.join(args.work, 'dev.txt');
      fs.writeFileSync(input, data.sst2.slice(-872).join('\n') + '\n');
      const output = path.join(args.work, 'out.jsonl');
      execFileSync(args.frugal, ['--no-progress', 'tokenize', '--tokenizer', path.join(outDir, 'tokenizer.json'), '--input', input,
        '--output', output, '--format', 'jsonl'], { stdio: 'inherit' });
      const mine = fs.readFileSync(output, 'utf8').split('\n').filter((l) => l).map((l) => JSON.parse(l));
      const lines = data.sst2.slice(-872);
      const encs = await trained.encodeBatch(lines, { addSpecialTokens: true });
      let bad = 0;
      for (let i = 0; i < lines.length; i++) if (!same(encs[i].getIds(), mine[i].ids) || !same(encs[i].getOffsets(), mine[i].offsets)) bad++;
      total += lines.length;
      mismatches += bad;
      console.log(`${bad === 0 ? 'ok      ' : 'MISMATCH'} trained ${kind} (8000) read by HF: ${lines.length} lines, ${bad} differ`);
    }
  }
  console.log(`${mismatches} of ${total} encodings differ`);
  process.exit(mismatches ? 1 : 0);
})().catch((e) => { console.error(e); process.exit(2); });
