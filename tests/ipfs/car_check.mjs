// Read a CAR back with @ipld/car (5.4.7): print the roots, then one line per block with its
// CID and whether its bytes hash to that CID. Usage: node car_check.mjs FILE.car
import fs from 'node:fs'
import { CarReader } from '@ipld/car'
import { sha256 } from 'multiformats/hashes/sha2'
import { equals } from 'multiformats/bytes'

const reader = await CarReader.fromBytes(fs.readFileSync(process.argv[2]))
const roots = await reader.getRoots()
console.log(JSON.stringify({ version: reader.version, roots: roots.map(String) }))
for await (const { cid, bytes } of reader.blocks()) {
  const digest = await sha256.digest(bytes)
  console.log(JSON.stringify({ cid: cid.toString(), ok: equals(digest.digest, cid.multihash.digest) }))
}
