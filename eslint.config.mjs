// Layering, as STYLE.md sets it out: each folder may import only what its runtime has.
// This config checks imports and nothing else; formatting and style are left to review.
import tseslint from 'typescript-eslint';

const node = ['node:*', 'fs', 'path', 'os', 'child_process', 'http', 'net', 'util', 'module', 'worker_threads'];
const tfjs = ['@tensorflow/*'];
const ui = ['react', 'react-dom', 'react-dom/*', 'three', 'three/*', 'uplot', 'd3-contour'];
const server = ['ws', 'sirv'];

/** One layer's rule: these packages (and, optionally, these relative paths) are off limits. */
function layer(files, packages, { paths = [], message } = {}) {
  return {
    files,
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: packages, message },
            ...paths.map((p) => ({ group: [p.pattern], message: p.message, allowTypeImports: p.allowTypeImports ?? false })),
          ],
        },
      ],
    },
  };
}

export default tseslint.config(
  { ignores: ['dist/**', 'release/**', 'node_modules/**', 'test-results/**'] },
  {
    files: ['**/*.ts', '**/*.tsx'],
    languageOptions: { parser: tseslint.parser },
    plugins: { '@typescript-eslint': tseslint.plugin },
  },
  layer(['main/protocol/**'], ['electron', ...tfjs, ...node, ...ui, ...server], {
    message: 'main/protocol is plain TypeScript shared by every process: no runtime-specific imports.',
  }),
  layer(['main/engine/**'], ['electron', ...ui, ...server], {
    message: 'The engine does tensor work only: never Electron, the DOM or UI libraries.',
  }),
  layer(['main/app.ts', 'main/desktop/**'], [...tfjs, ...ui], {
    paths: [{ pattern: '**/engine/**', message: 'Electron main relays to the engine process; it never imports it.' }],
    message: 'Electron main never loads TensorFlow.js or UI code: the engine runs in its own process.',
  }),
  layer(['main/engine-supervisor.ts', 'main/restart-budget.ts'], ['electron', ...tfjs, ...node, ...ui, ...server], {
    paths: [{ pattern: '**/engine/**', message: 'The supervisor drives engine processes; it never imports the engine.' }],
    message: 'Engine supervision serves every transport (Electron utilityProcess, Node child): plain TypeScript, no runtime imports.',
  }),
  layer(['preload/**'], [...tfjs, ...node, ...ui, ...server], {
    paths: [{ pattern: '**/engine/**', message: 'The preload sees protocol types only.' }],
    message: 'The preload may import electron (ipcRenderer, contextBridge) and protocol modules only.',
  }),
  layer(['renderer/**'], ['electron', ...tfjs, ...node, ...server, 'zod'], {
    paths: [
      { pattern: '**/main/engine/**', message: 'The renderer talks to the engine through an EngineClient only.' },
      { pattern: '**/main/desktop/**', message: 'The renderer never imports Electron main code.' },
      {
        pattern: '**/protocol/messages',
        allowTypeImports: true,
        message: 'Import types only from messages.ts (its values pull zod into the bundle); limits live in limits.ts.',
      },
    ],
    message: 'The renderer runs in a sandboxed page: browser APIs only.',
  }),
);
