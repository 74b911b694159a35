'use strict'
// README.md's "Amazon Connect adapter" block runs as pasted, from the
// repository root, and prints what the README says it prints.

const { test } = require('node:test')
const assert = require('node:assert/strict')
const { spawnSync } = require('node:child_process')
const fs = require('node:fs')
const path = require('node:path')

const ROOT = path.join(__dirname, '..', '..', '..')

test('the README block runs as pasted', () => {
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8')
  const section = readme.split('\n## Amazon Connect adapter\n')[1]?.split('\n## ')[0]
  assert.ok(section, 'README.md has no "Amazon Connect adapter" section')
  const [, script, printed] = /```sh\n([\s\S]*?)```[\s\S]*?```text\n([\s\S]*?)```/.exec(section) ?? []
  assert.ok(script && printed, 'the section has no sh block followed by a text block')
  // The trap is the test's, not the README's: if a line fails, the emulator
  // the block started in the background does not outlive it.
  const guarded = `trap 'kill $(jobs -p) 2>/dev/null || true' EXIT\n${script}`
  const run = spawnSync('bash', ['-euo', 'pipefail', '-c', guarded], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 })
  assert.equal(run.status, 0, run.stderr)
  assert.equal(run.stdout, printed)
})
