#!/usr/bin/env node
// Whole-process peer of `frugal tokenize --format ids`: load a tokenizer.json with HF
// tokenizers, encode every line of a file, write one line of ids per input line.
//   node bench/tokenize_file_peer.js TOKENIZER_JSON INPUT OUTPUT
'use strict';
const fs = require('fs');
const path = require('path');
const { Tokenizer } = require(path.join(__dirname, '..', 'tools', 'peers', 'node_modules', 'tokenizers'));
const [tokenizerPath, input, output] = process.argv.slice(2);
(async () => {
  const tok = Tokenizer.fromFile(tokenizerPath);
  const lines = fs.readFileSync(input, 'utf8').split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  const out = [];
  for (let i = 0; i < lines.length; i += 8192) {
    for (const e of await tok.encodeBatch(lines.slice(i, i + 8192), { addSpecialTokens: true })) out.push(e.getIds().join(' '));
  }
  fs.writeFileSync(output, out.join('\n') + '\n');
})();
