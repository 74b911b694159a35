#!/usr/bin/env node
// packaging/npm.js BUILD_DIR OUT_DIR: napi-rs's per-platform layout from one
// `napi build --platform` output (index.js, index.d.ts, chatlife.<platform>.node).
// The main package `chatlife` holds the loader, the types and the CLI, and
// names one package per platform in optionalDependencies; npm installs only
// the one whose os/cpu/libc match, and index.js requires it by that name.
'use strict'

const fs = require('node:fs')
const path = require('node:path')

const [buildDir, outDir] = process.argv.slice(2)
const root = path.resolve(__dirname, '..')
const source = JSON.parse(fs.readFileSync(path.join(root, 'bindings/node/package.json'), 'utf8'))

// The napi-rs platform names of the targets in package.json, as index.js asks for them.
const PLATFORMS = {
  'x86_64-unknown-linux-gnu': { suffix: 'linux-x64-gnu', os: ['linux'], cpu: ['x64'], libc: ['glibc'] },
}

const common = {
  version: source.version,
  license: source.license,
  engines: source.engines,
}

function write(dir, manifest, files) {
  fs.rmSync(dir, { recursive: true, force: true })
  fs.mkdirSync(dir, { recursive: true })
  for (const [from, name] of files) fs.copyFileSync(from, path.join(dir, name))
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify(manifest, null, 2) + '\n')
}

const optionalDependencies = {}
for (const target of source.napi.targets) {
  const platform = PLATFORMS[target]
  if (!platform) throw new Error(`packaging/npm.js knows no npm platform for ${target}`)
  const name = `${source.name}-${platform.suffix}`
  const binary = `${source.napi.binaryName}.${platform.suffix}.node`
  optionalDependencies[name] = source.version
  write(
    path.join(outDir, name),
    {
      name,
      ...common,
      description: `${source.description}: the ${platform.suffix} binary`,
      os: platform.os,
      cpu: platform.cpu,
      libc: platform.libc,
      main: binary,
      files: [binary, 'LICENSE'],
    },
    [
      [path.join(buildDir, binary), binary],
      [path.join(root, 'LICENSE'), 'LICENSE'],
    ],
  )
}

write(
  path.join(outDir, source.name),
  {
    name: source.name,
    ...common,
    description: source.description,
    main: source.main,
    types: source.types,
    bin: source.bin,
    files: ['index.js', 'index.d.ts', 'cli.js', 'README.md', 'LICENSE'],
    optionalDependencies,
  },
  [
    [path.join(buildDir, 'index.js'), 'index.js'],
    [path.join(buildDir, 'index.d.ts'), 'index.d.ts'],
    [path.join(root, 'bindings/node/cli.js'), 'cli.js'],
    [path.join(root, 'bindings/node/README.md'), 'README.md'],
    [path.join(root, 'LICENSE'), 'LICENSE'],
  ],
)
