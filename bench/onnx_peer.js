// ONNX Runtime (npm onnxruntime-node) peer of BM_EncoderForward: the BERT encoder exported by
// bench/model_peer.py --onnx DIR, batch 1 and 32 x 128 tokens, same thread count.
// Run: node bench/onnx_peer.js --model DIR/encoder.onnx --threads 2
const path = require('path');
const ort = require(path.join(__dirname, '..', 'tools', 'peers', 'node_modules', 'onnxruntime-node'));

function arg(name, fallback) {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : fallback;
}

async function main() {
  const threads = Number(arg('--threads', '2'));
  const seconds = Number(arg('--seconds', '5'));
  const session = await ort.InferenceSession.create(arg('--model'), {
    intraOpNumThreads: threads, interOpNumThreads: 1, graphOptimizationLevel: 'all', executionMode: 'sequential'});
  console.log(`onnxruntime-node ${require(path.join(__dirname, '..', 'tools', 'peers', 'node_modules', 'onnxruntime-node', 'package.json')).version}, threads ${threads}`);
  for (const batch of [1, 32]) {
    const n = batch * 128;
    const ids = new BigInt64Array(n);
    for (let i = 0; i < n; ++i) ids[i] = BigInt(5 + ((i * 7919) % 7990));
    const feeds = {
      input_ids: new ort.Tensor('int64', ids, [batch, 128]),
      token_type_ids: new ort.Tensor('int64', new BigInt64Array(n), [batch, 128]),
      attention_mask: new ort.Tensor('int64', new BigInt64Array(n).fill(1n), [batch, 128]),
    };
    await session.run(feeds);
    let runs = 0;
    const start = process.hrtime.bigint();
    while (Number(process.hrtime.bigint() - start) / 1e9 < seconds) {
      await session.run(feeds);
      ++runs;
    }
    const ms = Number(process.hrtime.bigint() - start) / 1e6 / runs;
    console.log(`encoder_forward batch=${batch}: ${ms.toFixed(2)} ms`);
  }
}
main().catch((e) => { console.error(e); process.exit(1); });
