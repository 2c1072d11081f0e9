/**
 * `descent universal` — one perturbation, within ε in L∞, that changes the model's verdict on
 * as many images of a folder as it can (engine/adversarial/universal.ts).
 *   descent universal --images DIR --model NAME|DIR --epsilon E [--iterations N] [--step S]
 *                     [--out FILE] [--amplify K] [--backend B] [--scaling S] [--json]
 * Everything is of 8-bit images: the perturbation is whole levels, and --out writes it as a PNG
 * of 128 + δ (128 + K·δ with --amplify K, to look at; K = 1 adds back exactly).
 */
import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { decimal, integer, UsageError } from './args';
import { chooseBackend, describe, imageFiles, openClassifier } from './classifier-input';
import { runUniversal } from '../engine/adversarial/universal';
import { encodePng, ImageDecodeError, loadImageFile } from '../engine/adversarial/image-io';
import { INPUT_SCALINGS, type InputScaling } from '../engine/adversarial/model-registry';

export const UNIVERSAL_USAGE = `usage: descent universal --images DIR --model NAME|DIR --epsilon E [--iterations N] [--step S] [--out FILE] [--amplify K] [--backend tensorflow|wasm|cpu] [--scaling ${INPUT_SCALINGS.join('|')}] [--json]`;

const DEFAULT_ITERATIONS = 10;

function parse(args: string[]) {
  try {
    return parseArgs({
      args,
      allowPositionals: true,
      options: {
        images: { type: 'string' },
        model: { type: 'string' },
        epsilon: { type: 'string' },
        iterations: { type: 'string' },
        step: { type: 'string' },
        out: { type: 'string' },
        amplify: { type: 'string' },
        backend: { type: 'string' },
        scaling: { type: 'string' },
        json: { type: 'boolean', default: false },
      },
    });
  } catch (e) {
    if (!(e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) throw e;
    throw new UsageError((e as Error).message.replace(/\s*\n\s*/g, ' '));
  }
}

export async function universalCommand(args: string[]): Promise<void> {
  const { values, positionals } = parse(args);
  if (positionals.length) throw new UsageError(`unexpected argument "${positionals[0]}"`);
  if (!values.images) throw new UsageError('--images is required (a folder of images)');
  if (!values.model) throw new UsageError('--model is required (a model name from models/manifest.json, or a folder with model.json)');
  if (values.epsilon === undefined) throw new UsageError('--epsilon is required (the largest change of any value, in levels of 1/255)');
  const epsilon = decimal(values.epsilon, '--epsilon', 1, 255)!;
  const iterations = integer(values.iterations, '--iterations', 1, 10_000) ?? DEFAULT_ITERATIONS;
  const step = decimal(values.step, '--step', 1e-3, 255);
  const amplify = decimal(values.amplify, '--amplify', 1, 64) ?? 1;
  if (values.scaling !== undefined && !INPUT_SCALINGS.includes(values.scaling as InputScaling)) throw new UsageError(`--scaling must be ${INPUT_SCALINGS.join(' or ')}`);
  const { files, folder } = await imageFiles(values.images);
  if (!folder) throw new UsageError(`--images ${values.images} is a file; a universal perturbation is made for a folder of images`);
  const backend = await chooseBackend(values.backend ?? process.env.DESCENT_BACKEND ?? '');
  const { source, classifier } = await openClassifier(values.model, values.scaling as InputScaling | undefined);
  const { inputWidth: w, inputHeight: h } = classifier;
  try {
    const images: { name: string; rgb: Uint8Array }[] = [];
    const skipped: { file: string; error: string }[] = [];
    for (const file of files) {
      try {
        images.push({ name: file, rgb: (await loadImageFile(file, w, h)).rgb });
      } catch (e) {
        if (!(e instanceof ImageDecodeError)) throw e;
        skipped.push({ file, error: e.message });
      }
    }
    if (images.length === 0) throw new UsageError(`${values.images} holds no image this app reads`);
    let curve: { epsilon: number; foolingRate: number }[] = [];
    let png: Uint8Array | null = null;
    const result = (await runUniversal(classifier, images, { epsilon, iterations, ...(step !== undefined ? { step } : {}) }, {
      inspect: (u) => {
        curve = u.curve();
        if (values.out) png = u.perturbationRgb(amplify);
      },
    }))!;
    if (values.out) await writeFile(values.out, await encodePng(png!, w, h));
    const perImage = result.perImage.map(({ name, success, before, after }) => ({ file: name, success, before, after }));
    const body = {
      backend,
      model: { name: source.name, displayName: source.displayName, dir: source.dir, inputScaling: source.inputScaling },
      epsilon,
      iterations,
      step: result.step,
      foolingRate: result.foolingRate,
      perImage,
      skipped,
      curve,
      history: result.history,
      msPerIteration: result.msPerIteration,
      out: values.out ? { file: values.out, offset: 128, amplify } : null,
    };
    if (values.json) {
      process.stdout.write(JSON.stringify(body) + '\n');
      return;
    }
    console.log(`${source.displayName} on ${backend}; universal perturbation, ε ${epsilon} levels (L∞), ${iterations} iteration(s) of step ${result.step.toPrecision(3)}, ${result.msPerIteration.toFixed(0)} ms each`);
    for (const r of perImage) console.log(`${r.file}: ${describe(r.before)} → ${describe(r.after)}; ${r.success ? 'fooled' : 'not fooled'}`);
    for (const s of skipped) console.log(`${s.file}: skipped: ${s.error}`);
    console.log(`fooling rate ${perImage.filter((r) => r.success).length}/${perImage.length}`);
    console.log(`fooling rate against ε: ${body.curve.map((p) => `${p.epsilon}: ${(100 * p.foolingRate).toFixed(0)}%`).join(', ')}`);
    if (values.out) console.log(`wrote ${values.out} (128 + ${amplify === 1 ? '' : `${amplify}·`}δ)`);
  } finally {
    classifier.dispose();
  }
}
