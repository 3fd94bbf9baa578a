"""Static analysis of the production contracts. Nothing here needs a chain: Slither compiles the
sources itself, with the same solc (the npm build behind tools/solc-adapter.cjs) and the npm
remappings Ape uses."""
