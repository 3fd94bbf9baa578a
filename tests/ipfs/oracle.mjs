// Reference CIDs from the npm `ipfs-unixfs-importer` (17.1.1), which reproduces Kubo's
// `ipfs add`. Usage: node oracle.mjs CID_VERSION RAW_LEAVES(true|false) PATH...
// Prints one root CID per PATH (a file, or a directory added recursively), like `ipfs add -Q`.
// Hidden files are skipped, as `ipfs add -r` does without --hidden.
import fs from 'node:fs'
import path from 'node:path'
import { importer } from 'ipfs-unixfs-importer'
import { BlackHoleBlockstore } from 'blockstore-core/black-hole'

const [version, raw, ...targets] = process.argv.slice(2)
const hidden = false
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
    // small files are read at once, big ones streamed in 1 MiB pieces
    yield { path: rel, content: st.size < (1 << 20) ? fs.readFileSync(abs) : fs.createReadStream(abs, { highWaterMark: 1 << 20 }) }
  }
}

for (const target of targets) {
  const abs = path.resolve(target)
  const st = fs.statSync(abs)
  const source = st.isDirectory()
    ? walk(abs, path.basename(abs))
    : [{ content: fs.createReadStream(abs, { highWaterMark: 1 << 20 }) }]
  let last
  for await (const entry of importer(source, new BlackHoleBlockstore(), options)) last = entry
  console.log(last.cid.toString())
}
