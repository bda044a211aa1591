// Owns the speaker-embedding model on ONNX Runtime: the exports sherpa-onnx runs (3D-Speaker
// ERes2Net / CAM++, WeSpeaker ResNet34), or any graph in their layout: input (N, frames, melBins)
// of Kaldi log-mel fbank, output (N, D). The names and D are read from the session and one run
// at load, never assumed; the pack's parameters say how the samples are scaled and whether each
// bin's mean over the segment is subtracted (sherpa-onnx's feature_normalize_type "global-mean").

import * as ort from 'onnxruntime-node';
import { RedubError } from '../../../shared/errors.js';
import { runWithFallback, type ExecutionPreference, type SessionHolder } from '../../models/execution-providers.js';
import { openModel } from './model-session.js';
import { KaldiFbank } from './fbank.js';
import type { EmbeddingParameters } from './pack-parameters.js';

export class EmbeddingModel {
  readonly fbank: KaldiFbank;

  private constructor(
    readonly holder: SessionHolder,
    readonly parameters: EmbeddingParameters,
    private readonly inputName: string,
    private readonly outputName: string,
    /** The embedding's length; 0 until the load-time run has read it. */
    public dimension: number,
  ) {
    this.fbank = new KaldiFbank({ sampleRate: parameters.sampleRate, melBins: parameters.melBins });
  }

  static async load(modelPath: string, parameters: EmbeddingParameters, preference: ExecutionPreference, log?: (message: string) => void): Promise<EmbeddingModel> {
    const { holder, inputName, outputName, inputShape: shape } = await openModel(modelPath, 'speaker embedding', preference, log, wrongLayout);
    const session = holder.session;
    const model = new EmbeddingModel(holder, parameters, inputName, outputName, 0);
    try {
      if (shape && shape.length !== 3) throw wrongLayout(modelPath, `its input ${inputName} is [${shape.join(', ')}] where (N, frames, ${parameters.melBins}) was expected`);
      if (shape && typeof shape[2] === 'number' && shape[2] > 0 && shape[2] !== parameters.melBins) {
        throw wrongLayout(modelPath, `its input takes ${shape[2]} mel bins where the pack says ${parameters.melBins}`);
      }
      // One second of quiet noise: silence alone would be a constant the graph may divide by.
      const probe = new Float32Array(parameters.sampleRate);
      let state = 12_345;
      for (let index = 0; index < probe.length; index++) {
        state = (state * 1_103_515_245 + 12_345) >>> 0;
        probe[index] = (state / 2 ** 32 - 0.5) * 0.01;
      }
      model.dimension = (await model.embed(probe, modelPath)).length;
    } catch (error) {
      await session.release().catch(() => undefined);
      throw error;
    }
    return model;
  }

  /** The embedding of one voice's speech (at least one fbank frame of it). */
  async embed(samples: Float32Array, modelPath = 'the speaker embedding model'): Promise<Float32Array> {
    const { frames, features } = this.fbank.compute(samples, this.parameters.sampleScale);
    return this.embedFeatures(features, frames, modelPath);
  }

  /** The embedding of fbank frames (frames × melBins, unnormalised); they are normalised in place. */
  async embedFeatures(features: Float32Array, frames: number, modelPath = 'the speaker embedding model'): Promise<Float32Array> {
    if (frames === 0) throw new RangeError('no fbank frames to embed');
    if (this.parameters.normalizeFeatures === 'global-mean') subtractBinMeans(features, frames, this.parameters.melBins);
    const result = await runWithFallback(this.holder, { [this.inputName]: new ort.Tensor('float32', features, [1, frames, this.parameters.melBins]) });
    const output = result[this.outputName]!;
    const dims = output.dims;
    if (output.type !== 'float32' || dims.length !== 2 || dims[0] !== 1 || dims[1]! < 1 || (this.dimension > 0 && dims[1] !== this.dimension)) {
      throw wrongLayout(modelPath, `its output ${this.outputName} is ${output.type} [${dims.join(', ')}] where float32 [1, D] was expected`);
    }
    const embedding = output.data as Float32Array;
    if (!embedding.every(Number.isFinite)) throw wrongLayout(modelPath, 'its output holds values that are not finite numbers');
    return embedding.slice();
  }

  async release(): Promise<void> {
    await this.holder.session.release();
  }
}

/** Each bin's mean over the frames subtracted from it, in place (features are frames × bins). */
export function subtractBinMeans(features: Float32Array, frames: number, bins: number): void {
  for (let bin = 0; bin < bins; bin++) {
    let sum = 0;
    for (let frame = 0; frame < frames; frame++) sum += features[frame * bins + bin]!;
    const mean = sum / frames;
    for (let frame = 0; frame < frames; frame++) features[frame * bins + bin] = features[frame * bins + bin]! - mean;
  }
}

function wrongLayout(modelPath: string, reason: string): RedubError {
  return new RedubError('E_MODEL_CORRUPT', {
    message: `The speaker embedding model does not have the layout of a speaker-embedding export (fbank frames in, one embedding out): ${reason}.`,
    details: [`Model: ${modelPath}`],
    action: 'Install the speaker embedding pack again; if it keeps failing, check that the catalog entry\'s parameters match the model.',
  });
}
