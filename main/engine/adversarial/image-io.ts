/**
 * Images in and out of the Adversarial lab, in Node. sharp (libvips, prebuilt per platform as
 * npm optional packages) decodes JPEG, PNG, WebP and GIF, honours EXIF orientation and reads a
 * file's dimensions from its header without decoding; its prebuilt libvips has no BMP loader,
 * so BMP goes through bmp-ts (pure TypeScript) and joins the same pipeline as raw pixels.
 *
 * The model sees a centred square crop of the (oriented) image, resized to its input size. The
 * crop rectangle is reported so a view can show what the model sees.
 */
import { readFile, stat } from 'node:fs/promises';
import sharp, { type Metadata, type OutputInfo, type Sharp } from 'sharp';
import { decode as decodeBmp } from 'bmp-ts';

/** Refuse to decode beyond this: a 50 MP RGBA frame is 200 MB of pixels before any resizing. */
export const MAX_IMAGE_PIXELS = 50_000_000;
/** Compressed files larger than this are refused before reading (a 50 MP PNG can be ~150 MB). */
export const MAX_IMAGE_FILE_BYTES = 256 * 1024 * 1024;

export type ImageFormat = 'jpeg' | 'png' | 'webp' | 'gif' | 'bmp';
export const IMAGE_FORMATS: readonly ImageFormat[] = ['jpeg', 'png', 'webp', 'gif', 'bmp'];

/** A file that is not an image we read, is corrupt, or is too large: the message says which. */
export class ImageDecodeError extends Error {
  override readonly name = 'ImageDecodeError';
  constructor(
    message: string,
    readonly reason: 'not-an-image' | 'corrupt' | 'too-large' | 'unreadable',
  ) {
    super(message);
  }
}

import type { CropRect } from '../../protocol/adversarial';

export type { CropRect } from '../../protocol/adversarial';

/** An image ready for a model: 8-bit RGB, row-major, `height × width × 3`. */
export interface ModelImage {
  rgb: Uint8Array;
  width: number;
  height: number;
  format: ImageFormat;
  /** The source's size after EXIF orientation. */
  sourceWidth: number;
  sourceHeight: number;
  /** EXIF orientation tag (1–8) that was applied, 1 when absent. */
  orientation: number;
  /** The part of the oriented source that was scaled to width × height. */
  crop: CropRect;
}

/** The centred square (or target-aspect) crop that "cover" scaling keeps. */
export function centerCrop(sourceWidth: number, sourceHeight: number, targetWidth: number, targetHeight: number): CropRect {
  const scale = Math.max(targetWidth / sourceWidth, targetHeight / sourceHeight);
  const width = Math.min(sourceWidth, Math.round(targetWidth / scale));
  const height = Math.min(sourceHeight, Math.round(targetHeight / scale));
  return { left: Math.floor((sourceWidth - width) / 2), top: Math.floor((sourceHeight - height) / 2), width, height };
}

function isBmp(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x42 && bytes[1] === 0x4d; // "BM"
}

/** BMP width and height straight from the header (BITMAPINFOHEADER and later, or OS/2 core). */
function bmpHeaderSize(bytes: Buffer): { width: number; height: number } {
  if (bytes.length < 26) throw new ImageDecodeError('the BMP file is truncated (no header)', 'corrupt');
  const headerSize = bytes.readUInt32LE(14);
  if (headerSize === 12) return { width: bytes.readUInt16LE(18), height: bytes.readUInt16LE(20) };
  // Negative height means rows stored top-down.
  return { width: Math.abs(bytes.readInt32LE(18)), height: Math.abs(bytes.readInt32LE(22)) };
}

function checkPixels(width: number, height: number, what: string): void {
  if (!(width > 0 && height > 0)) throw new ImageDecodeError(`${what} has no pixels (${width}×${height})`, 'corrupt');
  if (width * height > MAX_IMAGE_PIXELS) {
    throw new ImageDecodeError(
      `${what} is ${width}×${height} = ${((width * height) / 1e6).toFixed(1)} megapixels; images over ${MAX_IMAGE_PIXELS / 1e6} megapixels are not decoded`,
      'too-large',
    );
  }
}

/** bmp-ts → a sharp pipeline over raw RGB. Alpha is dropped: most 32-bit BMPs leave it 0. */
function bmpPipeline(bytes: Buffer): { pipeline: Sharp; width: number; height: number } {
  const { width, height } = bmpHeaderSize(bytes);
  checkPixels(width, height, 'the BMP image');
  let decoded;
  try {
    decoded = decodeBmp(bytes, { toRGBA: true });
  } catch (e) {
    throw new ImageDecodeError(`the BMP file is corrupt or uses an encoding we cannot read: ${(e as Error).message}`, 'corrupt');
  }
  const expected = width * height * 4;
  if (decoded.data.length < expected) throw new ImageDecodeError('the BMP file is truncated', 'corrupt');
  const rgb = Buffer.alloc(width * height * 3);
  for (let i = 0, j = 0; j < rgb.length; i += 4, j += 3) {
    rgb[j] = decoded.data[i]!;
    rgb[j + 1] = decoded.data[i + 1]!;
    rgb[j + 2] = decoded.data[i + 2]!;
  }
  return { pipeline: sharp(rgb, { raw: { width, height, channels: 3 } }), width, height };
}

/**
 * Decodes an image and scales its centred crop to `width × height` RGB. Checks the header's
 * dimensions before decoding anything; GIFs give their first frame; EXIF orientation is applied
 * before cropping; transparency is composited over white.
 */
export async function decodeForModel(bytes: Buffer, width: number, height: number, what = 'the file'): Promise<ModelImage> {
  let pipeline: Sharp;
  let format: ImageFormat;
  let sourceWidth: number;
  let sourceHeight: number;
  let orientation = 1;
  if (isBmp(bytes)) {
    const bmp = bmpPipeline(bytes);
    ({ pipeline } = bmp);
    format = 'bmp';
    sourceWidth = bmp.width;
    sourceHeight = bmp.height;
  } else {
    let meta: Metadata;
    try {
      // Header only: sharp reads dimensions and orientation without decoding pixels.
      meta = await sharp(bytes, { limitInputPixels: false }).metadata();
    } catch (e) {
      const message = (e as Error).message;
      if (/unsupported image format/i.test(message)) {
        throw new ImageDecodeError(`${what} is not an image this app reads (${IMAGE_FORMATS.join(', ')})`, 'not-an-image');
      }
      throw new ImageDecodeError(`${what} is a corrupt image: ${message}`, 'corrupt');
    }
    if (!(IMAGE_FORMATS as readonly string[]).includes(meta.format ?? '')) {
      throw new ImageDecodeError(`${what} is a ${meta.format ?? 'unknown'} file; this app reads ${IMAGE_FORMATS.join(', ')}`, 'not-an-image');
    }
    format = meta.format as ImageFormat;
    checkPixels(meta.width ?? 0, meta.height ?? 0, what);
    orientation = meta.orientation ?? 1;
    sourceWidth = meta.autoOrient?.width ?? meta.width!;
    sourceHeight = meta.autoOrient?.height ?? meta.height!;
    // failOn 'truncated': a cut-off JPEG or PNG is an error, not a grey half-picture.
    pipeline = sharp(bytes, { limitInputPixels: MAX_IMAGE_PIXELS, failOn: 'truncated', pages: 1, page: 0 }).rotate();
  }
  const crop = centerCrop(sourceWidth, sourceHeight, width, height);
  pipeline = pipeline.extract(crop);
  // Resampling at the same size is skipped, so a saved 224×224 PNG comes back byte for byte.
  if (crop.width !== width || crop.height !== height) pipeline = pipeline.resize(width, height, { fit: 'fill', kernel: 'lanczos3' });
  let data: Buffer;
  let info: OutputInfo;
  try {
    ({ data, info } = await pipeline
      .flatten({ background: { r: 255, g: 255, b: 255 } })
      .toColourspace('srgb')
      .removeAlpha()
      .raw()
      .toBuffer({ resolveWithObject: true }));
  } catch (e) {
    throw new ImageDecodeError(`${what} is corrupt: ${(e as Error).message}`, 'corrupt');
  }
  if (info.channels !== 3 || info.width !== width || info.height !== height) {
    throw new ImageDecodeError(`${what} decoded to ${info.width}×${info.height}×${info.channels}, expected ${width}×${height}×3`, 'corrupt');
  }
  return {
    rgb: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
    width,
    height,
    format,
    sourceWidth,
    sourceHeight,
    orientation,
    crop,
  };
}

/** Reads and decodes an image file; size-checks the file before reading it. */
export async function loadImageFile(path: string, width: number, height: number): Promise<ModelImage> {
  let size: number;
  try {
    const info = await stat(path);
    if (!info.isFile()) throw new ImageDecodeError(`${path} is not a file`, 'unreadable');
    size = info.size;
  } catch (e) {
    if (e instanceof ImageDecodeError) throw e;
    throw new ImageDecodeError(`cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, 'unreadable');
  }
  if (size > MAX_IMAGE_FILE_BYTES) {
    throw new ImageDecodeError(`${path} is ${(size / 2 ** 20).toFixed(0)} MiB; image files over ${MAX_IMAGE_FILE_BYTES / 2 ** 20} MiB are refused`, 'too-large');
  }
  if (size === 0) throw new ImageDecodeError(`${path} is empty`, 'not-an-image');
  return decodeForModel(await readFile(path), width, height, path);
}

/** 8-bit RGB PNG of exactly these bytes (lossless, no metadata, no colour profile). */
export async function encodePng(rgb: Uint8Array, width: number, height: number): Promise<Buffer> {
  if (rgb.length !== width * height * 3) throw new RangeError(`expected ${width * height * 3} RGB bytes, got ${rgb.length}`);
  return sharp(Buffer.from(rgb.buffer, rgb.byteOffset, rgb.byteLength), { raw: { width, height, channels: 3 } })
    .png({ compressionLevel: 9, palette: false })
    .toBuffer();
}
