// Owns the speaker-segmentation model on ONNX Runtime: pyannote/segmentation-3.0 as sherpa-onnx
// exports it (MIT), or any graph in its layout: input x (N, 1, samples) of 16 kHz mono in −1…1,
// output y (N, frames, classes) of powerset log-probabilities. The layout is checked when the
// model loads, by its declared shapes and by one run on a silent window, so a wrong file fails
// there with a sentence instead of giving nonsense later.

import * as ort from 'onnxruntime-node';
import { RedubError } from '../../../shared/errors.js';
import { runWithFallback, type ExecutionPreference, type SessionHolder } from '../../models/execution-providers.js';
import { openModel } from './model-session.js';
import { framesPerWindow, type SegmentationParameters } from './pack-parameters.js';
import { decodePowerset, powersetClasses } from './powerset.js';

export class SegmentationModel {
  readonly frames: number;
  readonly classes: number[][];

  private constructor(
    readonly holder: SessionHolder,
    readonly parameters: SegmentationParameters,
    private readonly inputName: string,
    private readonly outputName: string,
  ) {
    this.frames = framesPerWindow(parameters);
    this.classes = powersetClasses(parameters.localSpeakers, parameters.powersetMaxClasses);
  }

  static async load(modelPath: string, parameters: SegmentationParameters, preference: ExecutionPreference, log?: (message: string) => void): Promise<SegmentationModel> {
    const { holder, inputName, outputName, inputShape: shape } = await openModel(modelPath, 'speaker segmentation', preference, log, wrongLayout);
    const session = holder.session;
    const model = new SegmentationModel(holder, parameters, inputName, outputName);
    try {
      if (shape && (shape.length !== 3 || (typeof shape[1] === 'number' && shape[1] !== 1))) {
        throw wrongLayout(modelPath, `its input ${inputName} is [${shape.join(', ')}] where (N, 1, samples) was expected`);
      }
      if (shape && typeof shape[2] === 'number' && shape[2] > 0 && shape[2] !== parameters.windowSamples) {
        throw wrongLayout(modelPath, `its input takes ${shape[2]} samples where the pack says windows are ${parameters.windowSamples}`);
      }
      await model.activity(new Float32Array(parameters.windowSamples), modelPath);
    } catch (error) {
      await session.release().catch(() => undefined);
      throw error;
    }
    return model;
  }

  /** Frame-by-speaker activity (frames × localSpeakers) of one window of windowSamples. */
  async activity(window: Float32Array, modelPath = 'the segmentation model'): Promise<Uint8Array> {
    const result = await runWithFallback(this.holder, { [this.inputName]: new ort.Tensor('float32', window, [1, 1, window.length]) });
    const output = result[this.outputName]!;
    const dims = output.dims;
    if (output.type !== 'float32' || dims.length !== 3 || dims[0] !== 1 || dims[1] !== this.frames || dims[2] !== this.classes.length) {
      throw wrongLayout(modelPath, `its output ${this.outputName} is ${output.type} [${dims.join(', ')}] where float32 [1, ${this.frames}, ${this.classes.length}] was expected (frames of ${this.parameters.receptiveFieldSamples} samples every ${this.parameters.receptiveFieldShift}, powerset of ${this.parameters.localSpeakers} speakers at most ${this.parameters.powersetMaxClasses} at once)`);
    }
    return decodePowerset(output.data as Float32Array, this.frames, this.classes, this.parameters.localSpeakers);
  }

  async release(): Promise<void> {
    await this.holder.session.release();
  }
}

function wrongLayout(modelPath: string, reason: string): RedubError {
  return new RedubError('E_MODEL_CORRUPT', {
    message: `The speaker segmentation model does not have the layout of pyannote's segmentation-3.0: ${reason}.`,
    details: [`Model: ${modelPath}`],
    action: 'Install the speaker segmentation pack again; if it keeps failing, check that the catalog entry\'s parameters match the model.',
  });
}
