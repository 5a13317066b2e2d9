"""The rollup's L1 side through web3.py: deploy its contracts, queue deposits, commit batches,
follow withdrawals, and a local anvil devnet. docs/l1.md, "The rollup bridge".

- `config`: l1.json (`L1Info`), where the contracts live;
- `solc`, `deploy`: compile (solcjs) and deploy the verifier and `RollupBridge` (sources from
  zkvmc.evm) for a rollup folder;
- `bridge`: `BridgeClient`, the node's and the wallet's handle on the bridge;
- `devnet`: start and stop anvil on 127.0.0.1;
- `chain`, `units`, `abi`: web3 plumbing, ether amounts, the bridge's ABI.

web3.py is the `rollup` extra (pip install -e '.[rollup]'); without it these raise InputError.
"""

from zkvmc.errors import L1Error, L1Unavailable
from zkvmc.l1.config import L1Info, read_info, write_info

__all__ = ["L1Error", "L1Info", "L1Unavailable", "read_info", "write_info"]
