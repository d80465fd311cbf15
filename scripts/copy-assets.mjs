// After `tsc`, copies the files the compiled code reads at run time (Lua scripts, api-docs, web
// pages, traffic profiles…) beside it in dist/, with the same relative paths.
import { cpSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const roots = ['src', 'simulator'];
let copied = 0;
function walk(dir) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path);
    else if (!/\.(ts|tsx)$/.test(name)) {
      cpSync(path, join('dist', relative('.', path)));
      copied++;
    }
  }
}
for (const root of roots) walk(root);
console.log(`copied ${copied} asset files into dist/`);
