// The ONNX Runtime peers of the benchmark, imported from here so that they resolve from
// bench/node_modules (bench/package.json), wherever bench/peers/onnx-runtime.ts was compiled to.
export * as ortNode from 'onnxruntime-node';
export * as ortWeb from 'onnxruntime-web';
