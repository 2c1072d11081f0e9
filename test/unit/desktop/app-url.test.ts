import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { APP_INDEX_URL, contentTypeFor, rendererFileFor } from '../../../main/desktop/app-url';

const ROOT = resolve('/opt/Descent Lab/resources/app.asar/dist/renderer');

describe('app:// URLs', () => {
  it('should map the page and its assets to files under the renderer folder', () => {
    expect(rendererFileFor(APP_INDEX_URL, ROOT)).toBe(join(ROOT, 'index.html'));
    expect(rendererFileFor('app://descent/', ROOT)).toBe(join(ROOT, 'index.html'));
    expect(rendererFileFor('app://descent/assets/index-k5MD5dnv.js?v=1#x', ROOT)).toBe(join(ROOT, 'assets/index-k5MD5dnv.js'));
    expect(rendererFileFor('app://descent/assets/a%20b.css', ROOT)).toBe(join(ROOT, 'assets/a b.css'));
    // Plain dot segments are resolved by URL parsing, as the browser does, so they stay inside.
    expect(rendererFileFor('app://descent/../../../../etc/passwd', ROOT)).toBe(join(ROOT, 'etc/passwd'));
    expect(rendererFileFor('app://descent/%2e%2e/%2e%2e/secret.txt', ROOT)).toBe(join(ROOT, 'secret.txt'));
  });

  it('should refuse other schemes, other hosts and paths that climb out once decoded', () => {
    for (const url of [
      'file:///etc/passwd',
      'https://descent/index.html',
      'app://other/index.html',
      'app://descent/assets/%2e%2e%2f%2e%2e%2fsecret.txt',
      'app://descent/..%5C..%5Csecret.txt',
      'app://descent/a%00.js',
      'app://descent/%E0%A4%A',
      'not a url',
    ]) {
      expect(rendererFileFor(url, ROOT), url).toBeNull();
    }
  });

  it('should name JavaScript as JavaScript, since module scripts are refused otherwise', () => {
    expect(contentTypeFor('a/index.js')).toMatch(/^text\/javascript/);
    expect(contentTypeFor('index.HTML')).toMatch(/^text\/html/);
    expect(contentTypeFor('x.css')).toMatch(/^text\/css/);
    expect(contentTypeFor('x.bin')).toBe('application/octet-stream');
  });
});
