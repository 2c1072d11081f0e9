/**
 * `descent classify` — what a model makes of images, with no attack.
 *   descent classify --image FILE|DIR --model NAME|DIR [--backend B]
 *                    [--scaling pixel/255|pixel/127.5-1] [--json]
 * Prints the top five classes and, for ImageNet models, the cat and dog sums; `descent attack
 * --iterations 0` means the same. The model sees what an attack would start from: the image
 * decoded, oriented and centre-cropped to its input size (loadImageFile).
 */
import { parseArgs } from 'node:util';
import { UsageError } from './args';
import { chooseBackend, describe, imageFiles, openClassifier } from './classifier-input';
import type { Classification } from '../protocol/adversarial';
import * as tf from '@tensorflow/tfjs';
import { classify } from '../engine/adversarial/attack-run';
import { ImageDecodeError, loadImageFile, type ModelImage } from '../engine/adversarial/image-io';
import { INPUT_SCALINGS, type InputScaling } from '../engine/adversarial/model-registry';

export const CLASSIFY_USAGE = `usage: descent classify --image FILE|DIR --model NAME|DIR [--backend tensorflow|wasm|cpu] [--scaling ${INPUT_SCALINGS.join('|')}] [--json]`;

export interface ClassifyOptions {
  image?: string;
  model?: string;
  backend?: string;
  scaling?: string;
  json: boolean;
}

interface ImageClassification {
  file: string;
  image: Pick<ModelImage, 'format' | 'sourceWidth' | 'sourceHeight' | 'orientation' | 'crop'>;
  classification: Classification;
}

/** Classifies the images `options.image` names and prints them; shared with `attack --iterations 0`. */
export async function runClassify(options: ClassifyOptions): Promise<void> {
  if (!options.image) throw new UsageError('--image is required (a file or a folder of images)');
  if (!options.model) throw new UsageError('--model is required (a model name from models/manifest.json, or a folder with model.json)');
  if (options.scaling !== undefined && !INPUT_SCALINGS.includes(options.scaling as InputScaling)) {
    throw new UsageError(`--scaling must be ${INPUT_SCALINGS.join(' or ')}`);
  }
  const { files, folder } = await imageFiles(options.image);
  const backend = await chooseBackend(options.backend ?? process.env.DESCENT_BACKEND ?? '');
  const { source, classifier } = await openClassifier(options.model, options.scaling as InputScaling | undefined);
  try {
    const results: (ImageClassification | { file: string; error: string })[] = [];
    for (const file of files) {
      let image: ModelImage;
      try {
        image = await loadImageFile(file, classifier.inputWidth, classifier.inputHeight);
      } catch (e) {
        if (!(e instanceof ImageDecodeError)) throw e;
        // In a folder, one unreadable file is a row, not the end of the run.
        if (!folder) throw new UsageError(e.message);
        results.push({ file, error: e.message });
        continue;
      }
      const pixels = tf.tensor4d(Float32Array.from(image.rgb), [1, classifier.inputHeight, classifier.inputWidth, 3]);
      const probabilities = classifier.probabilities(pixels);
      pixels.dispose();
      const { format, sourceWidth, sourceHeight, orientation, crop } = image;
      results.push({ file, image: { format, sourceWidth, sourceHeight, orientation, crop }, classification: classify(probabilities, classifier) });
    }
    const settings = { backend, model: { name: source.name, displayName: source.displayName, dir: source.dir, inputScaling: source.inputScaling } };
    if (options.json) {
      process.stdout.write(JSON.stringify(folder ? { ...settings, folder: options.image, images: results } : { ...settings, ...results[0]! }) + '\n');
      return;
    }
    console.log(`${source.displayName} on ${backend}`);
    for (const r of results) {
      if ('error' in r) {
        console.log(`${r.file}: skipped: ${r.error}`);
        continue;
      }
      console.log(`${r.file}: ${describe(r.classification)}`);
      for (const c of r.classification.top5) console.log(`  ${(100 * c.probability).toFixed(1).padStart(5)}%  ${c.label} (${c.index})`);
    }
  } finally {
    classifier.dispose();
  }
}

export async function classifyCommand(args: string[]): Promise<void> {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      options: { image: { type: 'string' }, model: { type: 'string' }, backend: { type: 'string' }, scaling: { type: 'string' }, json: { type: 'boolean', default: false } },
    });
  } catch (e) {
    if (!(e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) throw e;
    throw new UsageError((e as Error).message.replace(/\s*\n\s*/g, ' '));
  }
  const { values, positionals } = parsed;
  if (positionals.length) throw new UsageError(`unexpected argument "${positionals[0]}"`);
  await runClassify({ ...values, json: values.json! });
}
