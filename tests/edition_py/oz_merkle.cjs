#!/usr/bin/env node
// Test oracle: builds trees with the real npm @openzeppelin/merkle-tree so that the Python port
// (gaoling/merkle.py) can be compared with it. Reads one JSON request on stdin:
//   {"build": [{"values": [[...], ...], "encoding": ["address", "uint256"]}, ...],
//    "load":  [<dump produced by Python>, ...]}
// and prints, for each built tree, its root, the proof of every value (by index and by value),
// and its dump as an object and as JSON.stringify text; for each loaded dump, its root, proofs,
// and whether every proof verifies.
'use strict';
const { StandardMerkleTree } = require('@openzeppelin/merkle-tree');

const chunks = [];
process.stdin.on('data', c => chunks.push(c));
process.stdin.on('end', () => {
  const request = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  const built = (request.build || []).map(({ values, encoding }) => {
    const tree = StandardMerkleTree.of(values, encoding);
    return {
      root: tree.root,
      proofsByIndex: values.map((_, i) => tree.getProof(i)),
      proofsByValue: values.map(v => tree.getProof(v)),
      dump: tree.dump(),
      json2: JSON.stringify(tree.dump(), null, 2),
      json: JSON.stringify(tree.dump()),
    };
  });
  const loaded = (request.load || []).map(dump => {
    const tree = StandardMerkleTree.load(dump);
    const proofs = dump.values.map((_, i) => tree.getProof(i));
    const verified = dump.values.every(({ value }, i) =>
      StandardMerkleTree.verify(tree.root, dump.leafEncoding, value, proofs[i]));
    return { root: tree.root, proofs, verified };
  });
  process.stdout.write(JSON.stringify({ built, loaded }));
});
