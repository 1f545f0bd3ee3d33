import type { FileTree } from '@momo/testing';

/**
 * A small polyglot monorepo: an Nx TypeScript library, an app that imports it by package name,
 * a Python package (src-less layout with relative imports), Markdown docs, and files every walk
 * must leave out (ignored, vendored, generated, binary). Built inside each test, never committed.
 */
export function polyglotTree(): FileTree {
  return {
    'package.json': JSON.stringify({ name: 'fixture-monorepo', private: true, workspaces: ['libs/*', 'apps/*'] }, null, 2),
    'nx.json': '{}\n',
    // Nx-style path aliases, with the comments tsconfig files allow
    'tsconfig.base.json': '{\n  // shared compiler options\n  "compilerOptions": {\n    "baseUrl": ".",\n    "paths": { "@fx/colors": ["libs/colors/src/index.ts"] }\n  }\n}\n',
    '.gitignore': 'dist/\n*.log\nsecret/\n',
    '.dvcignore': 'data/raw/\n',
    'debug.log': 'noise\n',
    secret: { 'token.ts': 'export const TOKEN = "x";\n' },
    data: { raw: { 'dump.py': 'X = 1\n' } },
    node_modules: { leftpad: { 'index.js': 'module.exports = (s) => s;\n' } },
    'logo.png': Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0]),
    libs: {
      colors: {
        'project.json': JSON.stringify({ name: 'colors', projectType: 'library' }, null, 2),
        src: { 'index.ts': '/** The red of the brand palette. */\nexport const RED = "#d00";\n' },
      },
      geometry: {
        'project.json': JSON.stringify({ name: 'geometry', projectType: 'library', sourceRoot: 'libs/geometry/src' }, null, 2),
        'package.json': JSON.stringify({ name: '@fx/geometry', main: 'dist/index.js', types: 'dist/index.d.ts' }, null, 2),
        'README.md': '# geometry\n\nShapes and the maths to measure them.\n',
        dist: { 'index.js': 'export const built = 1;\n' },
        src: {
          'index.ts': "export * from './shapes.js';\nexport { area } from './area.js';\n",
          'shapes.ts': [
            '/** A circle given by its radius. */',
            'export class Circle {',
            '  constructor(readonly radius: number) {}',
            '',
            '  /** Perimeter of the circle (its circumference). */',
            '  circumference(): number {',
            '    return 2 * Math.PI * this.radius;',
            '  }',
            '}',
            '',
            '/** An axis-aligned rectangle. */',
            'export interface Rectangle {',
            '  width: number;',
            '  height: number;',
            '}',
            '',
          ].join('\n'),
          'area.ts': [
            "import { Circle } from './shapes.js';",
            '',
            '/** Computes the area of a circle in square units. */',
            'export function area(c: Circle): number {',
            '  return Math.PI * c.radius ** 2;',
            '}',
            '',
          ].join('\n'),
          'broken.ts': 'export function broken( {\n  return 1;\n',
          'blob.ts': Buffer.from('export const a = 1;\u0000\u0000binary\n', 'latin1'),
        },
      },
      python: {
        'momo-stats': {
          'pyproject.toml': '[project]\nname = "momo-stats"\ndescription = "Small statistics helpers"\ndependencies = ["numpy>=1.26"]\n',
          momo_stats: {
            '__init__.py': '"""Statistics helpers."""\nfrom .mean import arithmetic_mean\n\n__all__ = ["arithmetic_mean"]\n',
            'mean.py': [
              'import numpy as np',
              'from .util import check_not_empty',
              '',
              '',
              'def arithmetic_mean(values):',
              '    """Return the arithmetic mean of a list of numbers."""',
              '    check_not_empty(values)',
              '    return sum(values) / len(values)',
              '',
              '',
              'class RunningMean:',
              '    """Keeps a mean up to date as numbers stream in."""',
              '',
              '    def __init__(self):',
              '        self.total = 0.0',
              '        self.count = 0',
              '',
              '    def push(self, x):',
              '        """Add one observation."""',
              '        self.total += x',
              '        self.count += 1',
              '',
            ].join('\n'),
            'util.py': [
              'def check_not_empty(values):',
              '    """Raise ValueError when the sequence is empty."""',
              '    if not values:',
              '        raise ValueError("empty sequence")',
              '',
            ].join('\n'),
            'bad.py': 'def oops(:\n    pass\n\ndef fine():\n    return 2\n',
            'cli.py': 'from momo_stats.mean import arithmetic_mean\n\n\ndef main(argv):\n    """Print the mean of the numbers on the command line."""\n    print(arithmetic_mean([float(a) for a in argv]))\n',
          },
        },
      },
    },
    apps: {
      viewer: {
        'package.json': JSON.stringify({ name: '@fx/viewer', dependencies: { '@fx/geometry': '*', chalk: '5.0.0' } }, null, 2),
        src: {
          'main.ts': [
            "import { area, Circle } from '@fx/geometry';",
            "import { RED } from '@fx/colors';",
            "import chalk from 'chalk';",
            '',
            '/** Renders the area of a circle of radius r as a label. */',
            'export function renderArea(r: number): string {',
            '  return chalk.hex(RED).bold(`area=${area(new Circle(r))}`);',
            '}',
            '',
          ].join('\n'),
        },
      },
    },
    tools: {
      scripts: {
        'momo.md': '# scripts\n\nMaintenance scripts for the fixture.\n',
        'cleanup.py': 'import shutil\n\n\ndef remove_build_dirs(root):\n    """Delete build output below root."""\n    shutil.rmtree(root)\n',
      },
    },
    docs: {
      'guide.md': [
        '# Guide',
        '',
        'How to use the fixture.',
        '',
        '## Installing',
        '',
        'Run npm install in the workspace root to set up the toolchain.',
        '',
        '## Computing areas',
        '',
        'Call [area](../libs/geometry/src/area.ts) with a circle.',
        '',
      ].join('\n'),
    },
  };
}
