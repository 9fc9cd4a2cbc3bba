#!/usr/bin/env node
// HF tokenizers (npm `tokenizers`, native Rust) on the corpora of bench_tokenizer.cpp, in
// process: encodeBatch over all lines, no special tokens, median of --runs. Thread count
// comes from RAYON_NUM_THREADS (set it: 1 or 2). Prints one JSON line per case.
//   RAYON_NUM_THREADS=1 node bench/tokenizer_peer.js --mirror ../shared/data
'use strict';
const fs = require('fs');
const path = require('path');
const args = {};
for (let i = 2; i < process.argv.length; i += 2) args[process.argv[i].replace(/^--/, '')] = process.argv[i + 1];
const runs = Number(args.runs || 5);
const { Tokenizer } = require(path.join(__dirname, '..', 'tools', 'peers', 'node_modules', 'tokenizers'));

const squad = JSON.parse(fs.readFileSync(path.join(args.mirror, 'squad', 'dev-v1.1.json'), 'utf8'));
const contexts = [];
for (const a of squad.data) for (const p of a.paragraphs) contexts.push(p.context);
const sst = fs.readFileSync(path.join(args.mirror, 'sst2', 'train.tsv'), 'utf8').split('\n').slice(1).filter((l) => l).map((l) => l.split('\t')[0]);

(async () => {
  for (const [name, file] of [['bert-base-uncased', 'bert-base-uncased/tokenizer.json'], ['gpt2', 'gpt2/tokenizer.json']]) {
    const tok = Tokenizer.fromFile(path.join(args.mirror, 'vocab', file));
    for (const [corpus, lines] of [['squad-contexts', contexts], ['sst2-train', sst]]) {
      const bytes = lines.reduce((n, l) => n + Buffer.byteLength(l), 0);
      let tokens = 0;
      const times = [];
      for (let r = 0; r < runs + 1; r++) {
        const t0 = process.hrtime.bigint();
        const encodings = await tok.encodeBatch(lines, { addSpecialTokens: false });
        const t1 = process.hrtime.bigint();
        if (r === 0) { tokens = encodings.reduce((n, e) => n + e.getLength(), 0); continue; }  // warm-up
        times.push(Number(t1 - t0) / 1e6);
      }
      times.sort((a, b) => a - b);
      const ms = times[Math.floor(times.length / 2)];
      console.log(JSON.stringify({ peer: 'hf-tokenizers-0.23.2', tokenizer: name, corpus, threads: Number(process.env.RAYON_NUM_THREADS || 0),
        lines: lines.length, tokens, ms: Math.round(ms * 10) / 10, tokens_per_s: Math.round(tokens / ms * 1000), mb_per_s: Math.round(bytes / ms / 1000 * 10) / 10 }));
    }
  }
})();
