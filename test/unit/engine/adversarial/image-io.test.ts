/**
 * Image decoding for the Adversarial lab: every supported format, GIF's first frame, EXIF
 * orientation, the centre crop, transparency, the PNG round trip, and clear errors for files
 * that are not images, are corrupt or are too large. Test images are made here (sharp for the
 * formats it writes, BMP by hand from the format's layout).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32, deflateSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import sharp from 'sharp';
import { centerCrop, decodeForModel, encodePng, ImageDecodeError, loadImageFile } from '../../../../main/engine/adversarial/image-io';

const dir = mkdtempSync(join(tmpdir(), 'descent-image-io-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** w × h RGB with a different colour in each quadrant, so orientation and crop show. */
function quadrants(w: number, h: number): Buffer {
  const rgb = Buffer.alloc(w * h * 3);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const q = (y < h / 2 ? 0 : 2) + (x < w / 2 ? 0 : 1);
      const colour = [[220, 30, 30], [30, 200, 40], [40, 50, 210], [240, 230, 30]][q]!;
      rgb.set(colour, (y * w + x) * 3);
    }
  }
  return rgb;
}

const raw = (rgb: Buffer, width: number, height: number, channels: 3 | 4 = 3) => sharp(rgb, { raw: { width, height, channels } });

/** 24-bit bottom-up BMP (BITMAPINFOHEADER): rows of BGR padded to 4 bytes, last row first. */
function bmp24(rgb: Buffer, w: number, h: number): Buffer {
  const stride = Math.ceil((w * 3) / 4) * 4;
  const out = Buffer.alloc(54 + stride * h);
  out.write('BM', 0, 'ascii');
  out.writeUInt32LE(out.length, 2);
  out.writeUInt32LE(54, 10);
  out.writeUInt32LE(40, 14);
  out.writeInt32LE(w, 18);
  out.writeInt32LE(h, 22);
  out.writeUInt16LE(1, 26);
  out.writeUInt16LE(24, 28);
  out.writeUInt32LE(stride * h, 34);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const src = (y * w + x) * 3;
      const dst = 54 + (h - 1 - y) * stride + x * 3;
      out[dst] = rgb[src + 2]!;
      out[dst + 1] = rgb[src + 1]!;
      out[dst + 2] = rgb[src]!;
    }
  }
  return out;
}

function pixel(rgb: Uint8Array, w: number, x: number, y: number): number[] {
  return Array.from(rgb.subarray((y * w + x) * 3, (y * w + x) * 3 + 3));
}

function expectNear(actual: number[], expected: number[], tolerance: number): void {
  actual.forEach((v, i) => expect(Math.abs(v - expected[i]!), `${actual} vs ${expected}`).toBeLessThanOrEqual(tolerance));
}

describe('decodeForModel', () => {
  const rgb = quadrants(16, 16);
  const cases: [string, () => Promise<Buffer>, number][] = [
    ['png', () => raw(rgb, 16, 16).png().toBuffer(), 0],
    ['webp', () => raw(rgb, 16, 16).webp({ lossless: true }).toBuffer(), 0],
    ['jpeg', () => raw(rgb, 16, 16).jpeg({ quality: 95 }).toBuffer(), 40],
    ['gif', () => raw(rgb, 16, 16).gif().toBuffer(), 12],
    ['bmp', async () => bmp24(rgb, 16, 16), 0],
  ];
  for (const [format, make, tolerance] of cases) {
    it(`reads ${format} at its own size, colours in place`, async () => {
      const img = await decodeForModel(await make(), 16, 16);
      expect(img.format).toBe(format);
      expect(img.rgb.length).toBe(16 * 16 * 3);
      expect(img.crop).toEqual({ left: 0, top: 0, width: 16, height: 16 });
      for (const [x, y] of [[2, 2], [13, 2], [2, 13], [13, 13]] as const) expectNear(pixel(img.rgb, 16, x, y), pixel(rgb, 16, x, y), tolerance);
      if (tolerance === 0) expect(Buffer.from(img.rgb).equals(rgb)).toBe(true);
    });
  }

  it('reads a BMP of odd width (padded rows) exactly', async () => {
    const odd = quadrants(5, 3);
    const img = await decodeForModel(bmp24(odd, 5, 3), 5, 3);
    expect(Buffer.from(img.rgb).equals(odd)).toBe(true);
  });

  it("gives a GIF's first frame", async () => {
    const red = raw(Buffer.alloc(8 * 8 * 3, Buffer.from([255, 0, 0])), 8, 8).png().toBuffer();
    const blue = raw(Buffer.alloc(8 * 8 * 3, Buffer.from([0, 0, 255])), 8, 8).png().toBuffer();
    const gif = await sharp([await red, await blue], { join: { animated: true } }).gif().toBuffer();
    expect((await sharp(gif).metadata()).pages).toBe(2);
    const img = await decodeForModel(gif, 8, 8);
    expectNear(pixel(img.rgb, 8, 4, 4), [255, 0, 0], 8);
  });

  it('applies EXIF orientation before cropping (6: turn 90° clockwise)', async () => {
    // Stored 40 wide × 20 high; shown 20 wide × 40 high, the stored left half on top.
    const stored = quadrants(40, 20);
    const jpeg = await raw(stored, 40, 20).jpeg({ quality: 95 }).withMetadata({ orientation: 6 }).toBuffer();
    expect((await sharp(jpeg).metadata()).orientation).toBe(6);
    const img = await decodeForModel(jpeg, 20, 40);
    expect(img).toMatchObject({ orientation: 6, sourceWidth: 20, sourceHeight: 40, crop: { left: 0, top: 0, width: 20, height: 40 } });
    // Clockwise: stored bottom-left (blue) → shown top-left; stored top-left (red) → top-right.
    expectNear(pixel(img.rgb, 20, 4, 4), [40, 50, 210], 40);
    expectNear(pixel(img.rgb, 20, 15, 4), [220, 30, 30], 40);
    expectNear(pixel(img.rgb, 20, 4, 35), [240, 230, 30], 40);
    expectNear(pixel(img.rgb, 20, 15, 35), [30, 200, 40], 40);
  });

  it('crops the centre square of a landscape image and reports the rectangle', async () => {
    // 300 × 200, left third red, middle green, right third blue: the centre 200 × 200 square
    // (left 50) keeps a sliver of red and blue at its edges and green in the middle.
    const w = 300;
    const h = 200;
    const rgb3 = Buffer.alloc(w * h * 3);
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) rgb3.set(x < 100 ? [255, 0, 0] : x < 200 ? [0, 255, 0] : [0, 0, 255], (y * w + x) * 3);
    const img = await decodeForModel(await raw(rgb3, w, h).png().toBuffer(), 20, 20);
    expect(img.crop).toEqual({ left: 50, top: 0, width: 200, height: 200 });
    expect(img).toMatchObject({ sourceWidth: 300, sourceHeight: 200, width: 20, height: 20 });
    expectNear(pixel(img.rgb, 20, 1, 10), [255, 0, 0], 30);
    expectNear(pixel(img.rgb, 20, 10, 10), [0, 255, 0], 30);
    expectNear(pixel(img.rgb, 20, 18, 10), [0, 0, 255], 30);
  });

  it('centerCrop keeps the target aspect ratio', () => {
    expect(centerCrop(500, 374, 224, 224)).toEqual({ left: 63, top: 0, width: 374, height: 374 });
    expect(centerCrop(100, 400, 224, 224)).toEqual({ left: 0, top: 150, width: 100, height: 100 });
    expect(centerCrop(400, 400, 200, 100)).toEqual({ left: 0, top: 100, width: 400, height: 200 });
  });

  it('puts transparent pixels on white', async () => {
    const rgba = Buffer.alloc(4 * 4 * 4); // all transparent black
    const img = await decodeForModel(await raw(rgba, 4, 4, 4).png().toBuffer(), 4, 4);
    expect(Array.from(img.rgb).every((v) => v === 255)).toBe(true);
  });
});

describe('errors', () => {
  const reason = async (bytes: Buffer) => {
    try {
      await decodeForModel(bytes, 8, 8, 'the file');
    } catch (e) {
      expect(e).toBeInstanceOf(ImageDecodeError);
      return { reason: (e as ImageDecodeError).reason, message: (e as Error).message };
    }
    throw new Error('decoded');
  };

  it('a text file is not an image, and the message lists the formats', async () => {
    const r = await reason(Buffer.from('name,height\nann,170\n'));
    expect(r.reason).toBe('not-an-image');
    expect(r.message).toMatch(/not an image.*jpeg, png, webp, gif, bmp/);
  });

  it('an image format outside the five is refused by name', async () => {
    const tiff = await raw(quadrants(8, 8), 8, 8).tiff().toBuffer();
    expect(await reason(tiff)).toEqual({ reason: 'not-an-image', message: expect.stringMatching(/tiff file/) });
  });

  it('a truncated JPEG and a damaged PNG are corrupt', async () => {
    const jpeg = await raw(quadrants(64, 64), 64, 64).jpeg().toBuffer();
    expect((await reason(jpeg.subarray(0, Math.floor(jpeg.length / 2)))).reason).toBe('corrupt');
    const png = Buffer.from(await raw(quadrants(64, 64), 64, 64).png({ compressionLevel: 0 }).toBuffer());
    png.fill(0x5a, 60, png.length - 40); // scribble over the compressed pixel data
    expect((await reason(png)).reason).toBe('corrupt');
    expect((await reason(bmp24(quadrants(8, 8), 8, 8).subarray(0, 70))).reason).toBe('corrupt');
  });

  it('refuses images over 50 megapixels from the header alone, before decoding', async () => {
    // A 300-byte PNG whose IHDR says 10000 × 6000 RGB; its one IDAT holds a single row.
    const chunk = (type: string, data: Buffer) => {
      const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
      const out = Buffer.alloc(12 + data.length);
      out.writeUInt32BE(data.length, 0);
      body.copy(out, 4);
      out.writeUInt32BE(crc32(body), 8 + data.length);
      return out;
    };
    const ihdr = Buffer.alloc(13);
    ihdr.writeUInt32BE(10_000, 0);
    ihdr.writeUInt32BE(6_000, 4);
    ihdr[8] = 8;
    ihdr[9] = 2;
    const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(Buffer.alloc(30_001))), chunk('IEND', Buffer.alloc(0))]);
    expect(await reason(png)).toEqual({ reason: 'too-large', message: expect.stringMatching(/10000×6000 = 60\.0 megapixels/) });
    // The same for a BMP header (checked by our own header read, not bmp-ts).
    const bmp = bmp24(quadrants(2, 2), 2, 2);
    bmp.writeInt32LE(9_000, 18);
    bmp.writeInt32LE(-9_000, 22);
    expect((await reason(bmp)).reason).toBe('too-large');
  });

  it('loadImageFile: a missing path, an empty file and a folder say so', async () => {
    const empty = join(dir, 'empty.png');
    writeFileSync(empty, '');
    await expect(loadImageFile(join(dir, 'nope.jpg'), 8, 8)).rejects.toThrow(/cannot read .*ENOENT/);
    await expect(loadImageFile(empty, 8, 8)).rejects.toThrow(/is empty/);
    await expect(loadImageFile(dir, 8, 8)).rejects.toThrow(/not a file/);
  });
});

describe('encodePng', () => {
  it('writes 8-bit RGB that decodes to the same bytes', async () => {
    const rgb = new Uint8Array(24 * 24 * 3);
    for (let i = 0; i < rgb.length; i++) rgb[i] = (i * 7919) % 256; // every byte value, no pattern
    const png = await encodePng(rgb, 24, 24);
    const meta = await sharp(png).metadata();
    expect(meta).toMatchObject({ format: 'png', channels: 3, depth: 'uchar', width: 24, height: 24 });
    const path = join(dir, 'round.png');
    writeFileSync(path, png);
    const back = await loadImageFile(path, 24, 24);
    expect(Buffer.from(back.rgb).equals(Buffer.from(rgb))).toBe(true);
  });

  it('refuses a buffer of the wrong size', async () => {
    await expect(encodePng(new Uint8Array(10), 2, 2)).rejects.toThrow(RangeError);
  });
});
