// Reference CIDs from the npm `ipfs-unixfs-importer` (17.1.1), which reproduces Kubo's
// `ipfs add`. Usage: node oracle.mjs PATH CID_VERSION RAW_LEAVES(true|false) [--hidden]
// Prints the root CID of PATH (a file, or a directory added recursively), like `ipfs add -Q`.
import fs from 'node:fs'
import path from 'node:path'
import { importer } from 'ipfs-unixfs-importer'
import { MemoryBlockstore } from 'blockstore-core/memory'
import { BlackHoleBlockstore } from 'blockstore-core/black-hole'

const [target, version, raw] = process.argv.slice(2)
const hidden = process.argv.includes('--hidden')
const options = { cidVersion: Number(version), rawLeaves: raw === 'true' }

function * walk (abs, rel) {
  const st = fs.statSync(abs)
  if (st.isDirectory()) {
    yield { path: rel }
    const names = fs.readdirSync(abs).sort()
    for (const name of names) {
      if (!hidden && name.startsWith('.')) continue
      yield * walk(path.join(abs, name), rel + '/' + name)
    }
  } else {
    // streamed in 1 MiB pieces so that big files are not read at once
    yield { path: rel, content: fs.createReadStream(abs, { highWaterMark: 1 << 20 }) }
  }
}

const abs = path.resolve(target)
const st = fs.statSync(abs)
const source = st.isDirectory()
  ? walk(abs, path.basename(abs))
  : [{ content: fs.createReadStream(abs, { highWaterMark: 1 << 20 }) }]
const blockstore = process.env.ORACLE_KEEP_BLOCKS ? new MemoryBlockstore() : new BlackHoleBlockstore()
let last
for await (const entry of importer(source, blockstore, options)) last = entry
console.log(last.cid.toString())
