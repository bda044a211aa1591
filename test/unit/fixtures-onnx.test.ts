import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { buildOnnxModel, OnnxType } from '../fixtures/onnx/onnx-model.js';
import { encodeVarint, ProtobufWriter } from '../fixtures/onnx/protobuf-writer.js';
import { tinyExpectedSamples, tinyPiperModel } from '../fixtures/onnx/tiny-piper.js';

describe('protobuf writer', () => {
  it('encodes varints as protobuf does, negative int64 in ten bytes', () => {
    expect([...encodeVarint(0)]).toEqual([0]);
    expect([...encodeVarint(1)]).toEqual([1]);
    expect([...encodeVarint(150)]).toEqual([0x96, 0x01]);
    expect([...encodeVarint(300)]).toEqual([0xac, 0x02]);
    expect([...encodeVarint(-1)]).toEqual([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]);
    expect(() => encodeVarint(1.5)).toThrow(RangeError);
  });

  it('writes tags, strings, nested messages and fixed32 floats', () => {
    // The protobuf documentation's examples: field 1 = 150; field 2 = "testing"; field 3 = {1: 150}.
    expect([...new ProtobufWriter().varint(1, 150).finish()]).toEqual([0x08, 0x96, 0x01]);
    expect([...new ProtobufWriter().string(2, 'testing').finish()]).toEqual([0x12, 0x07, ...new TextEncoder().encode('testing')]);
    expect([...new ProtobufWriter().message(3, (inner) => inner.varint(1, 150)).finish()]).toEqual([0x1a, 0x03, 0x08, 0x96, 0x01]);
    expect([...new ProtobufWriter().float(2, 1).finish()]).toEqual([0x15, 0x00, 0x00, 0x80, 0x3f]);
    expect([...new ProtobufWriter().packedVarints(4, [3, 270]).finish()]).toEqual([0x22, 0x03, 0x03, 0x8e, 0x02]);
  });
});

describe('ONNX model builder', () => {
  it('builds a model onnxruntime loads and runs: Add with an initializer, Mul by a Constant attribute', async () => {
    const bytes = buildOnnxModel({
      name: 'add',
      inputs: [{ name: 'x', type: OnnxType.float, dims: ['batch', 3] }],
      outputs: [{ name: 'y', type: OnnxType.float, dims: ['batch', 3] }],
      initializers: [{ name: 'bias', type: OnnxType.float, dims: [3], values: [1, 2, 3.5] }],
      nodes: [
        { opType: 'Add', inputs: ['x', 'bias'], outputs: ['sum'], name: 'add' },
        { opType: 'Constant', inputs: [], outputs: ['two'], attributes: [{ name: 'value_float', float: 2 }] },
        { opType: 'Mul', inputs: ['sum', 'two'], outputs: ['y'] },
      ],
    });
    const session = await ort.InferenceSession.create(bytes);
    try {
      expect(session.inputNames).toEqual(['x']);
      expect(session.outputNames).toEqual(['y']);
      const x = new ort.Tensor('float32', Float32Array.from([10, 20, 30, -1, -2, -3]), [2, 3]);
      const { y } = await session.run({ x });
      expect(y!.dims).toEqual([2, 3]);
      expect([...(y!.data as Float32Array)]).toEqual([22, 44, 67, 0, 0, 1]);
    } finally {
      await session.release();
    }
  });

  it('writes int64 initializers and INTS attributes onnxruntime reads back', async () => {
    const bytes = buildOnnxModel({
      name: 'ints',
      inputs: [{ name: 'x', type: OnnxType.int64, dims: [2, 3] }],
      outputs: [{ name: 'y', type: OnnxType.int64, dims: [3, 2] }],
      initializers: [{ name: 'offset', type: OnnxType.int64, dims: [1], values: [-5] }],
      nodes: [
        { opType: 'Transpose', inputs: ['x'], outputs: ['t'], attributes: [{ name: 'perm', ints: [1, 0] }] },
        { opType: 'Add', inputs: ['t', 'offset'], outputs: ['y'] },
      ],
    });
    const session = await ort.InferenceSession.create(bytes);
    try {
      const x = new ort.Tensor('int64', BigInt64Array.from([1n, 2n, 3n, 4n, 5n, 6n]), [2, 3]);
      const { y } = await session.run({ x });
      expect(y!.dims).toEqual([3, 2]);
      expect([...(y!.data as BigInt64Array)]).toEqual([-4n, -1n, -3n, 0n, -2n, 1n]);
    } finally {
      await session.release();
    }
  });
});

describe('tiny Piper graph', () => {
  it('takes Piper\'s input names and types and gives a [1,1,1,samples] output whose length follows the ids and length_scale', async () => {
    const session = await ort.InferenceSession.create(tinyPiperModel());
    try {
      expect(session.inputNames).toEqual(['input', 'input_lengths', 'scales']);
      expect(session.outputNames).toEqual(['output']);
      const run = async (count: number, lengthScale: number) => {
        const ids = BigInt64Array.from({ length: count }, (_, index) => BigInt(index % 10));
        const { output } = await session.run({
          input: new ort.Tensor('int64', ids, [1, count]),
          input_lengths: new ort.Tensor('int64', BigInt64Array.from([BigInt(count)]), [1]),
          scales: new ort.Tensor('float32', Float32Array.from([0.667, lengthScale, 0.8]), [3]),
        });
        return output!;
      };
      const short = await run(10, 1);
      expect(short.dims).toEqual([1, 1, 1, tinyExpectedSamples(10, 1)]);
      expect(short.dims[3]).toBe(640);
      const peak = Math.max(...(short.data as Float32Array));
      expect(peak).toBeCloseTo(0.667, 5);
      expect((await run(20, 1)).dims[3]).toBe(1280);
      expect((await run(20, 0.5)).dims[3]).toBe(640);
      expect((await run(10, 1.25)).dims[3]).toBe(tinyExpectedSamples(10, 1.25));
    } finally {
      await session.release();
    }
  });
});
