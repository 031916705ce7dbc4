// Times an ONNX model on ONNX Runtime's CPU execution provider.
//   node bench/ort_bench.js MODEL.onnx THREADS RUNS INPUTS_JSON
// INPUTS_JSON: [{"name": "x", "dtype": "float32"|"int64", "shape": [1, 128, 768]}, ...]
// Prints the median of RUNS timed runs after one warm-up run, in ms.
const ort = require('onnxruntime-node');

async function main() {
  const [model, threads, runs, inputsJson] = process.argv.slice(2);
  const session = await ort.InferenceSession.create(model, {
    intraOpNumThreads: Number(threads),
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: 'all',
  });
  const feeds = {};
  for (const spec of JSON.parse(inputsJson)) {
    const n = spec.shape.reduce((a, b) => a * b, 1);
    const data = spec.dtype === 'int64'
        ? BigInt64Array.from({length: n}, () => 1n)
        : Float32Array.from({length: n}, () => Math.random() * 2 - 1);
    feeds[spec.name] = new ort.Tensor(spec.dtype, data, spec.shape);
  }
  await session.run(feeds); // warm-up
  const times = [];
  for (let i = 0; i < Number(runs); ++i) {
    const start = process.hrtime.bigint();
    await session.run(feeds);
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  times.sort((a, b) => a - b);
  const mid = times.length >> 1;
  console.log(times.length % 2 ? times[mid] : (times[mid - 1] + times[mid]) / 2);
}

main().catch((e) => { console.error(String(e)); process.exit(1); });
