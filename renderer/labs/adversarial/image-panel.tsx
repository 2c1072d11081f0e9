/**
 * The images brought in: a strip of thumbnails (each the exact crop the model sees), the one
 * chosen for the attack, and where that crop sits in the source photo. Open images… or drop
 * them anywhere on the window.
 */
import { useEffect, useRef } from 'react';
import type { DecodedImage } from '../../../main/protocol/messages';
import { rgbToImageData } from './rgb-image';
import type { LoadedImage } from './use-images';

interface ImagePanelProps {
  images: LoadedImage[];
  selected: LoadedImage | null;
  busy: string | null;
  /** Images added without being selected, and why. */
  note?: string | null;
  /** The model's reading of the selected image, once a run has classified it. */
  verdict: string | null;
  onOpen: () => void;
  /** Brings the app's sample photos back into an empty list. */
  onSamples: () => void;
  onSelect: (id: string) => void;
  onRemove: (id: string) => void;
}

export function ImagePanel({ images, selected, busy, note, verdict, onOpen, onSamples, onSelect, onRemove }: ImagePanelProps) {
  return (
    <section className="panel adv-image-panel" data-testid="image-panel">
      <div className="panel-title-row">
        <h2>Images</h2>
        <button type="button" className="small" onClick={onOpen} data-testid="open-images" title="JPEG, PNG, WebP, GIF (first frame) or BMP; or drop them on the window">
          Open images…
        </button>
      </div>
      {!images.length && !busy && (
        <p className="muted small-text adv-first">
          Drop one or more photos anywhere on the window, or open them. Each is cropped to the model’s square input.{' '}
          <button type="button" className="link-button" onClick={onSamples} data-testid="sample-images">
            Use the sample photos
          </button>
        </p>
      )}
      {images.length > 0 && (
        <ul className="adv-thumbs" aria-label="Loaded images" data-testid="image-list">
          {images.map((im) => (
            <li key={im.id} className={im.id === selected?.id ? 'adv-thumb selected' : 'adv-thumb'} data-testid="image-thumb" data-name={im.name}>
              <button type="button" className="adv-thumb-button" onClick={() => onSelect(im.id)} title={`${im.name}: ${im.decoded.sourceWidth}×${im.decoded.sourceHeight} ${im.decoded.format}`} aria-pressed={im.id === selected?.id}>
                <RgbThumb image={im.decoded} />
              </button>
              <button type="button" className="adv-thumb-remove" onClick={() => onRemove(im.id)} aria-label={`Remove ${im.name}`} title="Remove">
                ×
              </button>
            </li>
          ))}
        </ul>
      )}
      {busy && <p className="muted small-text" data-testid="image-busy">{busy}</p>}
      {note && (
        <p className="small-text" role="status" data-testid="image-note">
          {note}
        </p>
      )}
      {selected && <CropPreview image={selected} verdict={verdict} />}
    </section>
  );
}

/** The decoded pixels themselves, drawn once per decoding. */
function RgbThumb({ image }: { image: DecodedImage }) {
  const ref = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const canvas = ref.current;
    const ctx = canvas?.getContext('2d');
    if (!canvas || !ctx) return;
    canvas.width = image.width;
    canvas.height = image.height;
    const data = ctx.createImageData(image.width, image.height);
    rgbToImageData(image.rgb, data);
    ctx.putImageData(data, 0, 0);
  }, [image]);
  return <canvas ref={ref} className="adv-thumb-canvas" />;
}

/** CSS pixels the source preview may take in the sidebar. */
const CROP_BOX = { width: 256, height: 132 };

/** The source photo with the model's crop outlined, and what the model makes of it. */
function CropPreview({ image, verdict }: { image: LoadedImage; verdict: string | null }) {
  const d = image.decoded;
  const pct = (v: number, of: number) => `${(100 * v) / of}%`;
  // Fitted in JS, not CSS: the outline's percentages need the photo undistorted.
  const scale = Math.min(CROP_BOX.width / d.sourceWidth, CROP_BOX.height / d.sourceHeight);
  return (
    <div className="adv-crop" data-testid="selected-image">
      <div className="adv-crop-frame" style={{ width: Math.round(d.sourceWidth * scale), height: Math.round(d.sourceHeight * scale) }}>
        <img src={image.url} alt={image.name} className="adv-crop-img" draggable={false} />
        <div
          className="adv-crop-rect"
          data-testid="crop-rect"
          style={{ left: pct(d.crop.left, d.sourceWidth), top: pct(d.crop.top, d.sourceHeight), width: pct(d.crop.width, d.sourceWidth), height: pct(d.crop.height, d.sourceHeight) }}
        />
      </div>
      <p className="small-text adv-crop-note">
        <b data-testid="selected-name">{image.name}</b>{' '}
        <span className="muted">
          {d.format.toUpperCase()} {d.sourceWidth}×{d.sourceHeight}; the model sees the outlined {d.crop.width}×{d.crop.height} crop at {d.width}×{d.height}
        </span>
        {verdict && (
          <>
            <br />
            <span data-testid="image-verdict">{verdict}</span>
          </>
        )}
      </p>
    </div>
  );
}
