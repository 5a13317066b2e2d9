"""RollupBridge's ABI, the same for every rollup configuration (depth and batch size are constants
inside the contract; slots are a dynamic array). Generated from the compiled contract
(zkvmc.evm.rollup_bridge + solcjs, one entry a line); tests/test_l1_contract.py checks that it
still matches the contract.
"""

from __future__ import annotations

import json
from typing import Any

BRIDGE_ABI: list[dict[str, Any]] = json.loads("""[
{"inputs":[{"internalType":"address","name":"verifier_","type":"address"},{"internalType":"uint256","name":"forceDelay","type":"uint256"}],"stateMutability":"nonpayable","type":"constructor"},
{"anonymous":false,"inputs":[{"indexed":true,"internalType":"uint256","name":"batch","type":"uint256"},{"indexed":false,"internalType":"uint256","name":"oldRoot","type":"uint256"},{"indexed":false,"internalType":"uint256","name":"newRoot","type":"uint256"}],"name":"BatchCommitted","type":"event"},
{"anonymous":false,"inputs":[{"indexed":true,"internalType":"uint256","name":"queueIndex","type":"uint256"},{"indexed":true,"internalType":"uint256","name":"account","type":"uint256"},{"indexed":false,"internalType":"uint256","name":"ax","type":"uint256"},{"indexed":false,"internalType":"uint256","name":"ay","type":"uint256"},{"indexed":false,"internalType":"uint256","name":"amount","type":"uint256"}],"name":"Deposit","type":"event"},
{"anonymous":false,"inputs":[{"indexed":true,"internalType":"address","name":"to","type":"address"},{"indexed":false,"internalType":"uint256","name":"amountGwei","type":"uint256"},{"indexed":false,"internalType":"bool","name":"paid","type":"bool"}],"name":"Withdrawal","type":"event"},
{"anonymous":false,"inputs":[{"indexed":true,"internalType":"address","name":"to","type":"address"},{"indexed":false,"internalType":"uint256","name":"amount","type":"uint256"}],"name":"WithdrawalClaimed","type":"event"},
{"inputs":[],"name":"BATCH","outputs":[{"internalType":"uint256","name":"","type":"uint256"}],"stateMutability":"view","type":"function"},
{"inputs":[],"name":"DEPTH","outputs":[{"internalType":"uint256","name":"","type":"uint256"}],"stateMutability":"view","type":"function"},
{"inputs":[],"name":"EMPTY_ROOT","outputs":[{"internalType":"uint256","name":"","type":"uint256"}],"stateMutability":"view","type":"function"},
{"inputs":[],"name":"FORCE_DELAY","outputs":[{"internalType":"uint256","name":"","type":"uint256"}],"stateMutability":"view","type":"function"},
{"inputs":[],"name":"WITHDRAW_GAS","outputs":[{"internalType":"uint256","name":"","type":"uint256"}],"stateMutability":"view","type":"function"},
{"inputs":[],"name":"claimWithdrawal","outputs":[],"stateMutability":"nonpayable","type":"function"},
{"inputs":[{"internalType":"uint256[2]","name":"a","type":"uint256[2]"},{"internalType":"uint256[2][2]","name":"b","type":"uint256[2][2]"},{"internalType":"uint256[2]","name":"c","type":"uint256[2]"},{"internalType":"uint256","name":"newRoot","type":"uint256"},{"internalType":"uint256[]","name":"slots","type":"uint256[]"}],"name":"commitBatch","outputs":[],"stateMutability":"nonpayable","type":"function"},
{"inputs":[{"internalType":"uint256","name":"firstBatch","type":"uint256"},{"internalType":"uint256[2][]","name":"a","type":"uint256[2][]"},{"internalType":"uint256[2][2][]","name":"b","type":"uint256[2][2][]"},{"internalType":"uint256[2][]","name":"c","type":"uint256[2][]"},{"internalType":"uint256[]","name":"newRoots","type":"uint256[]"},{"internalType":"uint256[]","name":"slots","type":"uint256[]"}],"name":"commitBatches","outputs":[],"stateMutability":"nonpayable","type":"function"},
{"inputs":[{"internalType":"bytes32","name":"oldStateRoot","type":"bytes32"},{"internalType":"bytes32","name":"newStateRoot","type":"bytes32"},{"internalType":"bytes","name":"zkProof","type":"bytes"}],"name":"commitStateUpdate","outputs":[{"internalType":"bool","name":"","type":"bool"}],"stateMutability":"nonpayable","type":"function"},
{"inputs":[{"internalType":"uint256","name":"ax","type":"uint256"},{"internalType":"uint256","name":"ay","type":"uint256"}],"name":"deposit","outputs":[{"internalType":"uint256","name":"account","type":"uint256"}],"stateMutability":"payable","type":"function"},
{"inputs":[{"internalType":"uint256","name":"","type":"uint256"}],"name":"depositBlock","outputs":[{"internalType":"uint256","name":"","type":"uint256"}],"stateMutability":"view","type":"function"},
{"inputs":[],"name":"depositCount","outputs":[{"internalType":"uint256","name":"","type":"uint256"}],"stateMutability":"view","type":"function"},
{"inputs":[{"internalType":"uint256","name":"","type":"uint256"}],"name":"depositHash","outputs":[{"internalType":"bytes32","name":"","type":"bytes32"}],"stateMutability":"view","type":"function"},
{"inputs":[],"name":"depositsConsumed","outputs":[{"internalType":"uint256","name":"","type":"uint256"}],"stateMutability":"view","type":"function"},
{"inputs":[{"internalType":"bytes32","name":"","type":"bytes32"}],"name":"indexOf","outputs":[{"internalType":"uint256","name":"","type":"uint256"}],"stateMutability":"view","type":"function"},
{"inputs":[],"name":"lastBatch","outputs":[{"internalType":"uint256","name":"","type":"uint256"}],"stateMutability":"view","type":"function"},
{"inputs":[],"name":"nextIndex","outputs":[{"internalType":"uint256","name":"","type":"uint256"}],"stateMutability":"view","type":"function"},
{"inputs":[{"internalType":"address","name":"","type":"address"}],"name":"pendingWithdrawals","outputs":[{"internalType":"uint256","name":"","type":"uint256"}],"stateMutability":"view","type":"function"},
{"inputs":[],"name":"stateRoot","outputs":[{"internalType":"uint256","name":"","type":"uint256"}],"stateMutability":"view","type":"function"},
{"inputs":[],"name":"totalDeposited","outputs":[{"internalType":"uint256","name":"","type":"uint256"}],"stateMutability":"view","type":"function"},
{"inputs":[],"name":"verifier","outputs":[{"internalType":"contract IRollupVerifier","name":"","type":"address"}],"stateMutability":"view","type":"function"}
]""")
