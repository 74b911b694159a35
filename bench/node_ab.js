'use strict'
// Two builds of the Node addon in one process, run alternately through the
// churn loops of bench/node_bench.js (node_batch, node_messages, node_call):
// a before/after comparison that the machine's slow spells hit alike. A
// first round of each build warms the JIT up and is not counted. Then each
// round runs A then B (B then A in odd rounds); the ratio is B ÷ A, per
// round, then its median. Both builds run the same JavaScript, so what
// differs is the addon. Every run must see the same participants go idle and
// return as node_call of build A did in the warm-up.
//
// Usage: node --expose-gc bench/node_ab.js DUMP_DIR N ROUNDS ADDON_A ADDON_B
// (ADDON_*: paths of `.node` files; DUMP_DIR from `chatlife-bench --dump-churn`).
// Prints one JSON line per row: {"impl", "n", "rounds", "a_median", "b_median", "ratio_median"}.

const path = require('node:path')
const { loadChurn, runApplyMany, runMessages, runCalls, settle } = require('./node_bench')

const ROWS = [['node_batch', runApplyMany], ['node_messages', runMessages], ['node_call', runCalls]]

function median (xs) {
  const sorted = [...xs].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
}

async function main (directory, n, rounds, addons) {
  const churn = loadChurn(directory, n)
  const builds = addons.map((file) => ({ ...churn, Engine: require(path.resolve(file)).Engine }))
  const expected = runCalls(builds[0]).idle
  if (!(expected > 0)) throw new Error(`node_call of ${addons[0]} saw no participant go idle or return`)
  const run = async (impl, runRow, b) => {
    const { ns, idle } = runRow(builds[b])
    await settle()
    if (idle !== expected) {
      throw new Error(`${impl} of ${addons[b]} saw ${idle} participants go idle or return, node_call ${expected}`)
    }
    return ns / churn.messages
  }
  for (const [impl, runRow] of ROWS) {
    for (const b of [0, 1]) await run(impl, runRow, b)
    const ns = [[], []]
    for (let round = 0; round < rounds; round++) {
      for (const b of round % 2 ? [1, 0] : [0, 1]) ns[b].push(await run(impl, runRow, b))
    }
    const ratios = ns[1].map((b, i) => b / ns[0][i])
    console.log(JSON.stringify({
      impl, n, rounds, a_median: Math.round(median(ns[0])), b_median: Math.round(median(ns[1])),
      ratio_median: Math.round(median(ratios) * 1000) / 1000,
    }))
  }
}

const [directory, n, rounds, ...addons] = process.argv.slice(2)
if (!directory || !(Number(rounds) > 0) || addons.length !== 2) {
  console.error('usage: node --expose-gc bench/node_ab.js DUMP_DIR N ROUNDS ADDON_A ADDON_B')
  process.exit(2)
}
if (!global.gc) {
  console.error('node_ab.js needs --expose-gc: a collection before each timed loop')
  process.exit(2)
}
main(directory, Number(n), Number(rounds), addons).catch((e) => {
  console.error(e)
  process.exit(1)
})
