/**
 * The model manifest, model resolution (DESCENT_MODELS_DIR, any folder), the disk IOHandler and
 * the cat/dog groups in both label orders.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import {
  loadManifest,
  modelsDirFromEnv,
  modelsFolder,
  ModelNotAvailableError,
  namedModelSource,
  openModelFolder,
  readLabels,
  sha256,
  verifyWeights,
} from '../../../../main/engine/adversarial/model-registry';
import { locateModel } from '../../../../main/engine/adversarial/model-fetch';
import { diskModelHandler, ModelFolderError } from '../../../../main/engine/adversarial/disk-io-handler';
import { CAT_STANDARD_INDICES, classGroupsFor, DOG_STANDARD_INDICES } from '../../../../main/engine/adversarial/class-groups';
import { ImageClassifier } from '../../../../main/engine/adversarial/image-classifier';
import { SHARED_MODELS_DIR, skipRealModels } from './shared-models';
import { saveModel, tinyConvModel } from './tiny-models';

const tmp = mkdtempSync(join(tmpdir(), 'descent-models-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const standard = readLabels(join(modelsFolder(), 'labels/imagenet-standard.json'));
const darknet = readLabels(join(modelsFolder(), 'labels/imagenet-darknet.json'));

describe('manifest', () => {
  const manifest = loadManifest();

  it('lists both ImageNet models with scaling, output kind, input size and labels', () => {
    expect(manifest.models['mobilenet_v1_0.75_224']).toMatchObject({
      format: 'layers-model',
      inputScaling: 'pixel/127.5-1',
      output: 'probabilities',
      inputSize: { height: 224, width: 224 },
      labels: 'labels/imagenet-standard.json',
      urls: ['https://storage.googleapis.com/tfjs-models/tfjs/mobilenet_v1_0.75_224/model.json'],
    });
    expect(manifest.models['darknet-tiny']).toMatchObject({ inputScaling: 'pixel/255', output: 'scores', labels: 'labels/imagenet-darknet.json' });
    expect(manifest.models['darknet-tiny']!.urls[0]).toMatch(/^https:\/\/.*ml5-data-and-models.*darknettiny\/model\.json$/);
  });

  it('ships 1000 labels in each order', () => {
    expect(standard).toHaveLength(1000);
    expect(darknet).toHaveLength(1000);
    expect(standard[281]).toBe('tabby, tabby cat');
    expect(darknet[0]).toBe('kit fox');
    expect(darknet[173]).toBe('tabby');
  });

  it('rejects a malformed manifest, naming the field', () => {
    const bad = structuredClone(manifest) as unknown as { models: Record<string, Record<string, unknown>> };
    bad.models['darknet-tiny']!.inputScaling = 'pixel/2';
    const path = join(tmp, 'manifest.json');
    writeFileSync(path, JSON.stringify(bad));
    expect(() => loadManifest(path)).toThrow(/darknet-tiny.*inputScaling/);
    bad.models['darknet-tiny']!.inputScaling = 'pixel/255';
    bad.models['darknet-tiny']!.urls = ['http://example.com/model.json'];
    writeFileSync(path, JSON.stringify(bad));
    expect(() => loadManifest(path)).toThrow(/urls must be https/);
  });

  it("matches the shared models' bytes: model.json and every weight file", async ({ skip }) => {
    skip(skipRealModels !== undefined, skipRealModels);
    for (const name of Object.keys(manifest.models)) {
      const dir = join(SHARED_MODELS_DIR, name);
      expect(sha256(readFileSync(join(dir, 'model.json')))).toBe(manifest.models[name]!.modelJsonSha256);
      const source = await namedModelSource(name, { modelsDir: SHARED_MODELS_DIR });
      await verifyWeights(source);
      // The shipped label lists are the models' own.
      expect(source.labels).toEqual(readLabels(join(dir, 'labels.json')));
    }
  });
});

describe('cat and dog groups', () => {
  it('are 281–285 and 151–268 in the standard order', () => {
    expect(classGroupsFor(standard, standard)).toEqual({ cat: [...CAT_STANDARD_INDICES], dog: [...DOG_STANDARD_INDICES] });
    expect(DOG_STANDARD_INDICES).toHaveLength(118);
  });

  it("map by name onto Darknet's order, the corgi 'Cardigan' and not the sweater 'cardigan'", () => {
    const groups = classGroupsFor(darknet, standard);
    expect(groups.cat.map((i) => darknet[i]).sort()).toEqual(['Egyptian cat', 'Persian cat', 'Siamese cat', 'tabby', 'tiger cat']);
    expect(groups.dog).toHaveLength(118);
    expect(groups.dog).toContain(darknet.indexOf('Cardigan'));
    expect(groups.dog).not.toContain(darknet.indexOf('cardigan'));
    expect(groups.dog.map((i) => darknet[i])).toContain('Pembroke');
    expect(groups.dog.map((i) => darknet[i])).not.toContain('dingo');
  });

  it('are empty for labels that are not ImageNet classes', () => {
    expect(classGroupsFor(['cat', 'dog', 'car'], standard)).toEqual({ cat: [], dog: [] });
  });
});

describe('finding a model', () => {
  it('a named model with no DESCENT_MODELS_DIR is not available offline, and says what to do', async () => {
    const err = await namedModelSource('darknet-tiny', { modelsDir: undefined }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ModelNotAvailableError);
    expect((err as Error).message).toBe('model darknet-tiny is not available offline; set DESCENT_MODELS_DIR or open a model folder');
  });

  it('a models folder without that model: the same typed error', async () => {
    await expect(namedModelSource('mobilenet_v1_0.75_224', { modelsDir: tmp })).rejects.toThrow(ModelNotAvailableError);
  });

  it('an unknown name lists the known ones', async () => {
    await expect(locateModel('resnet-9000', { modelsDir: tmp })).rejects.toThrow(/unknown model "resnet-9000" \(known: .*darknet-tiny/);
  });

  it('reads DESCENT_MODELS_DIR', () => {
    expect(modelsDirFromEnv({ DESCENT_MODELS_DIR: '../shared/models' })).toBe(join(process.cwd(), '../shared/models'));
    expect(modelsDirFromEnv({ DESCENT_MODELS_DIR: ' ' })).toBeUndefined();
  });

  it('refuses a model.json that is not the one the manifest names', async ({ skip }) => {
    skip(skipRealModels !== undefined, skipRealModels);
    const dir = join(tmp, 'models', 'darknet-tiny');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'model.json'), readFileSync(join(SHARED_MODELS_DIR, 'darknet-tiny/model.json'), 'utf8') + ' ');
    await expect(namedModelSource('darknet-tiny', { modelsDir: join(tmp, 'models') })).rejects.toThrow(/not the darknet-tiny the manifest describes/);
  });

  it('an opened folder holding a manifest model is recognised by checksum', async ({ skip }) => {
    skip(skipRealModels !== undefined, skipRealModels);
    const source = await openModelFolder(join(SHARED_MODELS_DIR, 'darknet-tiny'));
    expect(source).toMatchObject({ name: 'darknet-tiny', manifestName: 'darknet-tiny', inputScaling: 'pixel/255', output: 'scores', format: 'layers-model' });
    expect(source.labels?.[173]).toBe('tabby');
  });
});

describe('disk IOHandler and user folders', () => {
  it('loads a saved layers model with its labels.json; the layer-by-layer program predicts as the model does', async () => {
    const model = tinyConvModel();
    const dir = join(tmp, 'tiny');
    await saveModel(model, dir);
    writeFileSync(join(dir, 'labels.json'), JSON.stringify(['red', 'green', 'blue']));
    const source = await openModelFolder(dir, { inputScaling: 'pixel/127.5-1' });
    expect(source).toMatchObject({ name: 'tiny', format: 'layers-model', inputScaling: 'pixel/127.5-1', labels: ['red', 'green', 'blue'], manifestName: undefined });
    const classifier = await ImageClassifier.load(source);
    expect(classifier.output).toBe('probabilities'); // its last layer is a softmax
    const pixels = tf.randomUniform([1, 8, 8, 3], 0, 255, 'float32', 11) as tf.Tensor4D;
    const expected = tf.tidy(() => Array.from((model.predict(tf.sub(tf.div(pixels, 127.5), 1)) as tf.Tensor).dataSync()));
    const p = classifier.probabilities(pixels);
    expected.forEach((v, i) => expect(p[i]).toBeCloseTo(v, 5));
    classifier.dispose();
    model.dispose();
    pixels.dispose();
  });

  it('without labels.json: "class N" labels, pixel/255 by default', async () => {
    const model = tinyConvModel();
    const dir = join(tmp, 'unlabelled');
    await saveModel(model, dir);
    model.dispose();
    const source = await openModelFolder(dir);
    expect(source.inputScaling).toBe('pixel/255');
    const classifier = await ImageClassifier.load(source);
    expect(classifier.labels).toEqual(['class 0', 'class 1', 'class 2']);
    expect(classifier.groups).toEqual({ cat: [], dog: [] });
    classifier.dispose();
  });

  it('refuses weight paths outside the folder, missing or short weight files, and non-models', async () => {
    const model = tinyConvModel();
    const dir = join(tmp, 'broken');
    await saveModel(model, dir);
    model.dispose();
    const json = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8'));
    const write = (paths: string[]) => writeFileSync(join(dir, 'model.json'), JSON.stringify({ ...json, weightsManifest: [{ ...json.weightsManifest[0], paths }] }));
    write(['../tiny/weights.bin']);
    await expect(tf.loadLayersModel(diskModelHandler(dir))).rejects.toThrow(/points outside/);
    write(['missing.bin']);
    await expect(tf.loadLayersModel(diskModelHandler(dir))).rejects.toThrow(/missing.bin is missing/);
    writeFileSync(join(dir, 'short.bin'), Buffer.alloc(12));
    write(['short.bin']);
    await expect(tf.loadLayersModel(diskModelHandler(dir))).rejects.toThrow(/hold 12 bytes/);
    writeFileSync(join(dir, 'model.json'), JSON.stringify({ hello: 'world' }));
    await expect(openModelFolder(dir)).rejects.toThrow(ModelFolderError);
    await expect(openModelFolder(join(tmp, 'no-such-folder'))).rejects.toThrow(/no model.json/);
  });

  it('says plainly that a graph model cannot be attacked', async () => {
    const dir = join(tmp, 'graph');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'model.json'), JSON.stringify({ format: 'graph-model', modelTopology: { node: [] }, weightsManifest: [] }));
    const source = await openModelFolder(dir);
    expect(source.format).toBe('graph-model');
    await expect(ImageClassifier.load(source)).rejects.toThrow(/graph model; the attacks need a layers model/);
  });

  it('a copy of a shared model in another folder keeps its manifest identity', async ({ skip }) => {
    skip(skipRealModels !== undefined, skipRealModels);
    const dir = join(tmp, 'my-copy');
    cpSync(join(SHARED_MODELS_DIR, 'mobilenet_v1_0.75_224'), dir, { recursive: true });
    rmSync(join(dir, 'labels.json'));
    const source = await locateModel(dir);
    expect(source).toMatchObject({ manifestName: 'mobilenet_v1_0.75_224', inputScaling: 'pixel/127.5-1', output: 'probabilities' });
    expect(source.labels?.[281]).toBe('tabby, tabby cat');
  });
});
