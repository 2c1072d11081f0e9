/**
 * `descent attack` end to end through main(): argument errors, a real attack on a sample photo
 * (--json), --out writing the PNG whose classification the report gave, and a folder of images.
 * Models come from ../shared/models via DESCENT_MODELS_DIR; the download cache is a temporary
 * folder, so nothing is fetched and ~/.cache is left alone.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { roundedAwayWarning } from '../../main/cli/attack-command';
import { encodePng, loadImageFile } from '../../main/engine/adversarial/image-io';
import { cli } from './run-cli';
import { SAMPLE_IMAGES_DIR, SHARED_MODELS_DIR, skipRealModels } from './engine/adversarial/shared-models';

const tmp = mkdtempSync(join(tmpdir(), 'descent-cli-attack-'));
const CAT = join(SAMPLE_IMAGES_DIR, 'img_1.jpg');
const saved = { models: process.env.DESCENT_MODELS_DIR, cache: process.env.DESCENT_MODEL_CACHE };

beforeAll(() => {
  process.env.DESCENT_MODELS_DIR = SHARED_MODELS_DIR;
  process.env.DESCENT_MODEL_CACHE = join(tmp, 'cache');
});
afterAll(() => {
  for (const [key, value] of [['DESCENT_MODELS_DIR', saved.models], ['DESCENT_MODEL_CACHE', saved.cache]] as const) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
  rmSync(tmp, { recursive: true, force: true });
});


const MOBILENET = ['--model', 'mobilenet_v1_0.75_224', '--backend', 'wasm'];

describe('descent attack', () => {
  it('should fail with a one-line error and exit code 2 on bad arguments', async () => {
    const cases = [
      ['attack'],
      ['attack', '--image', CAT],
      ['attack', '--image', CAT, '--model', 'darknet-tiny'],
      ['attack', '--image', CAT, '--model', 'darknet-tiny', '--method', 'carlini'],
      ['attack', '--image', CAT, '--model', 'darknet-tiny', '--method', 'cw-l2', '--param', 'c=0'],
      ['attack', '--image', CAT, '--model', 'darknet-tiny', '--method', 'cw-l2', '--param', 'searchSteps=2.5'],
      ['attack', '--image', CAT, '--model', 'darknet-tiny', '--method', 'cw-l2', '--param', 'kappa=-1'],
      ['attack', '--image', CAT, '--model', 'darknet-tiny', '--method', 'cw-l2', '--param', 'c'],
      ['attack', '--image', CAT, '--model', 'darknet-tiny', '--method', 'deepfool', '--param', 'c=1'],
      ['attack', '--image', CAT, '--model', 'darknet-tiny', '--method', 'deepfool', '--param', 'candidates=0'],
      ['attack', '--image', CAT, '--model', 'darknet-tiny', '--method', 'pgd', '--param', 'c=1'],
      ['attack', '--image', CAT, '--model', 'darknet-tiny', '--method', 'pgd', '--epsilon', '300'],
      ['attack', '--image', CAT, '--model', 'darknet-tiny', '--method', 'bim', '--epsilon', 'four'],
      ['attack', '--image', CAT, '--model', 'darknet-tiny', '--method', 'pgd-l2', '--epsilon', '2e6'],
      ['attack', '--image', CAT, '--model', 'darknet-tiny', '--method', 'pgd-l2', '--step', '0'],
      ['attack', '--image', CAT, '--model', 'darknet-tiny', '--method', 'signed', '--iterations', '-1'],
      ['classify'],
      ['classify', '--image', CAT],
      ['classify', '--image', CAT, '--model', 'darknet-tiny', '--scaling', 'pixel/2'],
      ['classify', '--image', CAT, '--model', 'darknet-tiny', 'extra'],
      ['classify', '--image', '/no/such/image.png', '--model', 'darknet-tiny'],
      ['attack', '--image', CAT, '--model', 'darknet-tiny', '--method', 'signed', '--iterations', '10001'],
      ['attack', '--image', CAT, '--model', 'darknet-tiny', '--method', 'signed', '--stop-at', '1.5'],
      ['attack', '--image', CAT, '--model', 'darknet-tiny', '--method', 'signed', '--seed', '-1'],
      ['attack', '--image', CAT, '--model', 'darknet-tiny', '--method', 'signed', '--jobs', '0'],
      ['attack', '--image', CAT, '--model', 'darknet-tiny', '--method', 'signed', '--jobs', 'two'],
      ['attack', '--image', CAT, '--model', 'darknet-tiny', '--method', 'signed', '--scaling', 'pixel/2'],
      ['attack', '--image', CAT, '--model', 'darknet-tiny', '--method', 'signed', '--backend', 'quantum'],
      ['attack', '--image', CAT, '--model', 'darknet-tiny', '--method', 'signed', '--bogus'],
      ['attack', '--image', CAT, '--model', 'darknet-tiny', '--method', 'signed', 'extra'],
      ['attack', '--image', '/no/such/image.png', '--model', 'darknet-tiny', '--method', 'signed'],
      ['attack', '--image', CAT, '--model', 'resnet-9000', '--method', 'signed', '--backend', 'cpu'],
    ];
    for (const args of cases) {
      const { code, err } = await cli(args);
      expect(code, args.join(' ')).toBe(2);
      expect(err.trim().split('\n'), args.join(' ')).toHaveLength(1);
      expect(err, args.join(' ')).toMatch(/^descent: /);
    }
  });

  it('universal: bad arguments are one line, exit 2', async () => {
    for (const [args, message] of [
      [['universal', '--model', 'darknet-tiny', '--epsilon', '10'], /--images is required/],
      [['universal', '--images', SAMPLE_IMAGES_DIR, '--model', 'darknet-tiny'], /--epsilon is required/],
      [['universal', '--images', SAMPLE_IMAGES_DIR, '--model', 'darknet-tiny', '--epsilon', '0'], /--epsilon must be a number from 1 to 255, got "0"/],
      [['universal', '--images', SAMPLE_IMAGES_DIR, '--model', 'darknet-tiny', '--epsilon', '10', '--iterations', '0'], /--iterations must be an integer from 1/],
      [['universal', '--images', CAT, '--model', 'darknet-tiny', '--epsilon', '10'], /is a file; a universal perturbation is made for a folder/],
    ] as const) {
      const { code, err } = await cli([...args]);
      expect(code, args.join(' ')).toBe(2);
      expect(err.trim().split('\n')).toHaveLength(1);
      expect(err).toMatch(message);
    }
  });

  it('universal: one perturbation at ε = 10 levels fools at least 4 of the 5 photos on MobileNet; --out writes 128 + δ, which adds back to the reported images', { timeout: 300_000 }, async ({ skip }) => {
    skip(skipRealModels !== undefined, skipRealModels);
    const out = join(tmp, 'universal.png');
    const { code, out: stdout, err } = await cli(['universal', '--images', SAMPLE_IMAGES_DIR, ...MOBILENET, '--epsilon', '10', '--iterations', '2', '--out', out, '--json']);
    expect(err).toBe('');
    expect(code).toBe(0);
    const r = JSON.parse(stdout);
    expect(r).toMatchObject({ backend: 'wasm', epsilon: 10, iterations: 2, step: 12.5, out: { file: out, offset: 128, amplify: 1 } });
    expect(r.perImage).toHaveLength(5);
    expect(r.perImage.filter((p: { success: boolean }) => p.success).length).toBeGreaterThanOrEqual(4);
    expect(r.foolingRate).toBe(r.perImage.filter((p: { success: boolean }) => p.success).length / 5);
    for (const p of r.perImage) expect(p.success).toBe(p.after.top5[0].index !== p.before.top5[0].index);
    // The curve: fooling rate against ε′ from 0 to ε, ending at the run's own.
    expect(r.curve[0]).toEqual({ epsilon: 0, foolingRate: 0 });
    expect(r.curve.at(-1)).toEqual({ epsilon: 10, foolingRate: r.foolingRate });
    expect(r.history.map((h: { iteration: number }) => h.iteration)).toEqual([0, 1, 2]);
    // The PNG is 128 + δ with |δ| ≤ 10: adding it to a photo gives the image whose verdict was reported.
    const delta = (await loadImageFile(out, 224, 224)).rgb;
    expect(delta.reduce((m, v) => Math.max(m, Math.abs(v - 128)), 0)).toBeLessThanOrEqual(10);
    const photo = (await loadImageFile(join(SAMPLE_IMAGES_DIR, 'img_1.jpg'), 224, 224)).rgb;
    const sum = Uint8Array.from(photo, (v, i) => Math.min(255, Math.max(0, v + delta[i]! - 128)));
    const summed = join(tmp, 'img_1-universal.png');
    writeFileSync(summed, await encodePng(sum, 224, 224));
    const again = await cli(['classify', '--image', summed, ...MOBILENET, '--json']);
    expect(JSON.parse(again.out).classification).toEqual(r.perImage[1].after);
  });

  it('should name the bad --param and what the method takes', async () => {
    const run = (...p: string[]) => cli(['attack', '--image', CAT, '--model', 'darknet-tiny', ...p]);
    expect((await run('--method', 'cw-l2', '--param', 'c=0')).err).toBe('descent: --param c must be in (0, 1000000], got "0"\n');
    expect((await run('--method', 'cw-l2', '--param', 'searchSteps=2.5')).err).toBe('descent: --param searchSteps must be a whole number, got "2.5"\n');
    expect((await run('--method', 'deepfool', '--param', 'kappa=1')).err).toBe('descent: --param kappa: deepfool takes overshoot, candidates\n');
    expect((await run('--method', 'pgd', '--param', 'c=1')).err).toBe('descent: --param c: pgd takes no parameters\n');
  });

  it('should run DeepFool and C&W with --param, report their own figures, and write the 8-bit image they report', { timeout: 300_000 }, async ({ skip }) => {
    skip(skipRealModels !== undefined, skipRealModels);
    const out = join(tmp, 'deepfool.png');
    const df = await cli(['attack', '--image', CAT, ...MOBILENET, '--method', 'deepfool', '--param', 'candidates=3', '--out', out, '--json']);
    expect(df.err).toBe('');
    const r = JSON.parse(df.out);
    expect(r).toMatchObject({ method: 'deepfool', epsilon: null, step: null, iterations: 50, params: { overshoot: 0.02, candidates: 3 }, success: true });
    expect(r.stepsUsed).toBeLessThanOrEqual(5);
    expect(r.detail.boundaryDistance).toBeGreaterThan(0);
    expect(r.detail.roundingScale).toBeGreaterThan(0);
    expect(r.distance.l2).toBeGreaterThan(0);
    // The PNG it wrote classifies as it reported.
    const again = await cli(['classify', '--image', out, ...MOBILENET, '--json']);
    expect(JSON.parse(again.out).classification).toEqual(r.after);

    const cw = await cli(['attack', '--image', CAT, ...MOBILENET, '--method', 'cw-l2', '--iterations', '3', '--param', 'searchSteps=2', '--param', 'c=0.01']);
    expect(cw.code).toBe(0);
    // Round 1 at c = 0.01; round 2 at 0.005 if that worked (then the smaller one that worked is final), else at 0.1.
    expect(cw.out).toMatch(/final c (0\.0100|0\.00500|0\.100|none \(no c succeeded\)) after 2 round\(s\)/);
  });

  it('should refuse a file that is not an image, and a target the model does not have, with exit code 2', async ({ skip }) => {
    skip(skipRealModels !== undefined, skipRealModels);
    const text = join(tmp, 'notes.png');
    writeFileSync(text, 'not a picture');
    for (const [args, message] of [
      [['--image', text, '--method', 'signed'], /notes\.png is not an image this app reads/],
      [['--image', CAT, '--method', 'signed', '--target', 'unicorn'], /--target "unicorn" is not dog, cat, untargeted/],
      [['--image', CAT, '--method', 'signed', '--target', '1000'], /the model has classes 0 to 999/],
    ] as const) {
      const { code, err } = await cli(['attack', ...args, ...MOBILENET]);
      expect(code, args.join(' ')).toBe(2);
      expect(err.trim().split('\n')).toHaveLength(1);
      expect(err).toMatch(message);
    }
  });

  it('should turn a cat photo into "dog" with signed steps and report it as JSON; --out writes the PNG that classifies as reported', async ({ skip }) => {
    skip(skipRealModels !== undefined, skipRealModels);
    const out = join(tmp, 'adversarial.png');
    const { code, out: stdout, err } = await cli(['attack', '--image', CAT, ...MOBILENET, '--method', 'signed', '--iterations', '10', '--target', 'dog', '--stop-at', '0.9', '--out', out, '--json']);
    expect(err).toBe('');
    expect(code).toBe(0);
    const r = JSON.parse(stdout);
    expect(r).toMatchObject({ backend: 'wasm', method: 'signed', epsilon: null, step: 1, target: 'dog', success: true, out });
    expect(r.model).toMatchObject({ name: 'mobilenet_v1_0.75_224', inputScaling: 'pixel/127.5-1' });
    expect(r.before.top5).toHaveLength(5);
    expect(r.before.top5[0].label).toBe('Persian cat');
    expect(r.before.cat).toBeGreaterThan(0.5);
    expect(r.after.dog).toBeGreaterThan(0.9);
    expect(r.targetConfidence).toBeCloseTo(r.after.dog, 12);
    expect(r.stepsUsed).toBeGreaterThanOrEqual(1);
    expect(r.stepsUsed).toBeLessThanOrEqual(10);
    expect(r.history).toHaveLength(r.stepsUsed + 1);
    expect(r.distance.linf).toBeLessThanOrEqual(r.stepsUsed);
    expect(r.distance.l0Pixels).toBeGreaterThan(0);
    expect(r.distance.psnrDb).toBeGreaterThan(30);
    expect(r.distance.ssim).toBeGreaterThan(0.8);
    expect(r.msPerStep).toBeGreaterThan(0);
    expect(r.image).toMatchObject({ format: 'jpeg', crop: { width: expect.any(Number), height: expect.any(Number) } });
    expect(readFileSync(out).subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a'); // the PNG signature

    // Attacking the saved PNG starts from the classification the first run reported.
    const again = await cli(['attack', '--image', out, ...MOBILENET, '--method', 'signed', '--iterations', '1', '--target', 'dog', '--json']);
    expect(again.code).toBe(0);
    const r2 = JSON.parse(again.out);
    expect(r2.image.crop).toEqual({ left: 0, top: 0, width: 224, height: 224 });
    expect(r2.before).toEqual(r.after);
  });

  it('should run PGD-L2 without --epsilon on its default budget, and warn when a small one rounds away at 8 bits', async ({ skip }) => {
    skip(skipRealModels !== undefined, skipRealModels);
    // The default, 255 levels of L2 (51 a step): the saved image has changed.
    const byDefault = await cli(['attack', '--image', CAT, ...MOBILENET, '--method', 'pgd-l2', '--iterations', '2', '--json']);
    expect(byDefault.code).toBe(0);
    expect(byDefault.err).toBe('');
    const r = JSON.parse(byDefault.out);
    expect(r).toMatchObject({ method: 'pgd-l2', epsilon: 255, step: 51 });
    expect(r.distance.l2).toBeGreaterThan(0);
    // ε = 4 levels over 224 × 224 × 3 values: about 0.01 of a level each, all rounded away.
    const tiny = await cli(['attack', '--image', CAT, ...MOBILENET, '--method', 'pgd-l2', '--epsilon', '4', '--step', '1', '--iterations', '2', '--json']);
    expect(tiny.code).toBe(0);
    expect(JSON.parse(tiny.out).distance.l2).toBe(0);
    expect(tiny.err).toMatch(/^warning: the attack left the image unchanged once rounded to 8 bits \(L2 = 0\): .*try --epsilon 194 or more/);
  });

  it('should word the rounded-away warning by how many images it hit, and stay quiet when none', () => {
    const row = (l2: number, stepsUsed = 3) => ({ file: 'a.jpg', stepsUsed, distance: { linf: 0, l2, l0Pixels: 0, psnrDb: null, ssim: 1 } });
    const l2 = { method: 'pgd-l2' as const, epsilon: 4 };
    // 0.5 · √(224 · 224 · 3) = 0.5 · 387.98 = 193.99: the L2 that puts half a level on every value.
    expect(roundedAwayWarning(l2, [row(0)], 224 * 224 * 3)).toMatch(/the image unchanged .* try --epsilon 194 or more \(the default is 255\)$/);
    expect(roundedAwayWarning(l2, [row(0), row(3.5)], 224 * 224 * 3)).toMatch(/left 1 of 2 images unchanged/);
    expect(roundedAwayWarning(l2, [row(0), row(0)], 150_528)).toMatch(/left every image unchanged/);
    expect(roundedAwayWarning(l2, [row(2.5)], 150_528)).toBeNull();
    // No step taken (stopped at once): nothing was rounded away.
    expect(roundedAwayWarning(l2, [row(0, 0)], 150_528)).toBeNull();
    expect(roundedAwayWarning({ method: 'pgd', epsilon: 0.4 }, [row(0)], 150_528)).toMatch(/--epsilon 0.4 is under half a level/);
  });

  it('should classify without attacking: top five and the cat and dog sums, the same as attack --iterations 0 and as an attack\'s "before"', async ({ skip }) => {
    skip(skipRealModels !== undefined, skipRealModels);
    const classified = await cli(['classify', '--image', CAT, ...MOBILENET, '--json']);
    expect(classified.err).toBe('');
    expect(classified.code).toBe(0);
    const r = JSON.parse(classified.out);
    expect(r).toMatchObject({ backend: 'wasm', file: CAT, model: { name: 'mobilenet_v1_0.75_224' }, image: { format: 'jpeg' } });
    expect(r.classification.top5).toHaveLength(5);
    expect(r.classification.top5[0].label).toBe('Persian cat');
    expect(r.classification.cat).toBeGreaterThan(0.5);
    expect(r.classification.cat + r.classification.dog).toBeLessThanOrEqual(1);

    const noSteps = await cli(['attack', '--image', CAT, ...MOBILENET, '--iterations', '0', '--json']);
    expect(noSteps.code).toBe(0);
    expect(JSON.parse(noSteps.out)).toEqual(r);
    const oneStep = await cli(['attack', '--image', CAT, ...MOBILENET, '--method', 'signed', '--iterations', '1', '--target', 'dog', '--json']);
    expect(JSON.parse(oneStep.out).before).toEqual(r.classification);

    const text = await cli(['classify', '--image', CAT, ...MOBILENET]);
    expect(text.code).toBe(0);
    const lines = text.out.trim().split('\n');
    expect(lines[0]).toBe(`${r.model.displayName} on wasm`);
    expect(lines[1]).toMatch(/^.*img_1\.jpg: Persian cat \d+\.\d% \(cat \d+\.\d%, dog \d+\.\d%\)$/);
    expect(lines.slice(2)).toHaveLength(5);
    expect(lines[2]).toMatch(/^\s*\d+\.\d%  Persian cat \(283\)$/);

    // A folder: a row per image, an unreadable file as a row with its reason.
    const folder = join(tmp, 'to-classify');
    mkdirSync(folder, { recursive: true });
    copyFileSync(CAT, join(folder, 'cat.jpg'));
    writeFileSync(join(folder, 'broken.jpg'), Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10]));
    const rows = JSON.parse((await cli(['classify', '--image', folder, ...MOBILENET, '--json'])).out);
    expect(rows.folder).toBe(folder);
    expect(rows.images[0].error).toMatch(/corrupt/);
    expect(rows.images[1].classification).toEqual(r.classification);
  });

  it('should attack every image in a folder over --jobs workers: one row per file in file order, unreadable files as rows, and the success rate', async ({ skip }) => {
    skip(skipRealModels !== undefined, skipRealModels);
    const folder = join(tmp, 'photos');
    const outDir = join(tmp, 'out');
    rmSync(folder, { recursive: true, force: true });
    // Copies in a temporary folder (never in the repository): two photos and a broken file.
    mkdirSync(folder);
    for (const name of ['img_0.jpg', 'img_4.jpg']) copyFileSync(join(SAMPLE_IMAGES_DIR, name), join(folder, name));
    writeFileSync(join(folder, 'broken.jpg'), Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10]));
    writeFileSync(join(folder, 'readme.txt'), 'not listed: not an image extension');

    const args = ['attack', '--image', folder, ...MOBILENET, '--method', 'pgd', '--epsilon', '4', '--step', '1', '--iterations', '10', '--stop-at', '0', '--out', outDir];
    const { code, out } = await cli([...args, '--jobs', '2', '--json']);
    expect(code).toBe(0);
    const r = JSON.parse(out);
    expect(r.folder).toBe(folder);
    expect(r.images.map((i: { file: string }) => i.file)).toEqual(['broken.jpg', 'img_0.jpg', 'img_4.jpg'].map((n) => join(folder, n)));
    expect(r.images[0].error).toMatch(/corrupt/);
    for (const row of r.images.slice(1)) {
      expect(row).toMatchObject({ success: true });
      expect(row.after.top5[0].index).not.toBe(row.originalClass.index);
      expect(row.distance.linf).toBeLessThanOrEqual(4);
    }
    expect(r.attacked).toBe(2);
    expect(r.successRate).toBe(1);
    expect(readdirSync(outDir).sort()).toEqual(['img_0.adversarial.png', 'img_4.adversarial.png']);

    // One worker gives the same rows as two (timings aside), and as the file attacked alone in
    // the CLI's own thread: every worker runs the same wasm kernels on the same bytes.
    const timeless = (row: Record<string, unknown>) => JSON.parse(JSON.stringify(row, (k, v) => (k === 'msPerStep' || k === 'stepMs' ? 0 : v)));
    const one = JSON.parse((await cli([...args, '--jobs', '1', '--json'])).out);
    expect(one.images.map(timeless)).toEqual(r.images.map(timeless));
    const alone = JSON.parse((await cli(['attack', '--image', join(folder, 'img_4.jpg'), ...args.slice(3, -2), '--json'])).out);
    const { folder: _f, images: _i, attacked: _a, successRate: _s, ...settings } = r;
    expect(timeless(alone)).toEqual(timeless({ ...settings, ...r.images[2], out: undefined }));

    // The same as text: a line per file and the rate.
    const text = await cli(args);
    expect(text.code).toBe(0);
    expect(text.out).toMatch(/broken\.jpg: skipped: .*corrupt/);
    expect(text.out).toMatch(/img_0\.jpg: .* → .*; success after 1 step\(s\)/);
    expect(text.out).toMatch(/success rate 2\/2\n$/);
  });
});
