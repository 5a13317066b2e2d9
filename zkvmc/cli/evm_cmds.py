"""CLI: `export-verifier`, `export-bridge`, `calldata` -- the L1 side of zkvmc's Groth16 proofs.

Reads verification_key.json / proof.json / public.json (zkvmc.artifacts.groth16_files, which
names file and field of anything malformed), writes Solidity sources atomically (zkvmc.evm), and
prints verifyProof's arguments on stdout in `snarkjs zkey export soliditycalldata`'s format.
docs/l1.md.
"""

from __future__ import annotations

from typing import Callable

import click

from zkvmc import __version__
from zkvmc.cli.console import err, out


def _export(vk_path: str, output: str, render: Callable[..., str], what: str) -> None:
    """Render a contract from the key at vk_path and write it atomically to output."""
    from zkvmc.artifacts.groth16_files import read_vk
    from zkvmc.artifacts.io import write_atomic
    from zkvmc.errors import ArtifactError
    from zkvmc.errors import UnsupportedKey

    vk = read_vk(vk_path)
    try:
        source = render(vk, __version__)
    except UnsupportedKey as e:
        raise ArtifactError(vk_path, e.field, e.message) from None
    write_atomic(output, source.encode("utf-8"))
    err(f"{what} for {vk.n_public} public signals -> {output}")


@click.command("export-verifier")
@click.option("--vk", "vk_path", default="verification_key.json", show_default=True, help="Verification key.")
@click.option("-o", "--output", default="Verifier.sol", show_default=True, help="Solidity file to write.")
def export_verifier_cmd(vk_path: str, output: str) -> None:
    """Write a Solidity Groth16Verifier contract for a verification key."""
    from zkvmc.evm import render_verifier

    _export(vk_path, output, render_verifier, "contract Groth16Verifier")


@click.command("export-bridge")
@click.option("--vk", "vk_path", default="verification_key.json", show_default=True,
              help="Verification key of a program with public signals [newRoot, oldRoot].")
@click.option("-o", "--output", default="Bridge.sol", show_default=True, help="Solidity file to write.")
def export_bridge_cmd(vk_path: str, output: str) -> None:
    """Write a Solidity rollup Bridge (with its Groth16Verifier) for a state-update key."""
    from zkvmc.evm import render_bridge

    _export(vk_path, output, render_bridge, "contracts Groth16Verifier, Bridge")


@click.command("calldata")
@click.option("-p", "--proof", "proof_path", default="proof.json", show_default=True, help="Proof.")
@click.option("--public", "public_path", default="public.json", show_default=True, help="Public signals.")
@click.option("--abi", "as_abi", is_flag=True, help="Print the ABI-encoded arguments (hex, no selector) instead.")
def calldata_cmd(proof_path: str, public_path: str, as_abi: bool) -> None:
    """Print verifyProof's arguments, as `snarkjs zkey export soliditycalldata` does."""
    from zkvmc.artifacts.groth16_files import read_proof, read_public
    from zkvmc.evm import abi_encode, soliditycalldata, verifier_args

    args = verifier_args(read_proof(proof_path), read_public(public_path))
    out("0x" + abi_encode(args).hex() if as_abi else soliditycalldata(args))


def register(group: click.Group) -> None:
    """Add export-verifier, export-bridge and calldata to the zkvmc group."""
    for cmd in (export_verifier_cmd, export_bridge_cmd, calldata_cmd):
        group.add_command(cmd)
