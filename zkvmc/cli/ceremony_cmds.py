"""CLI: `ceremony contribute | beacon | verify | export` -- a Groth16 phase-2 ceremony.

A ceremony starts with `zkvmc setup -c CIRCUIT --ptau POT.ptau -o circuit_0000.zkey.json`
(phase 2 from a public phase 1). Each state file is a zkey.json or, when its name ends in
`.zkey`, snarkjs's binary `.zkey` (read either way), so zkvmc and snarkjs contributors can
take turns. Secrets never leave zkvmc.ceremony.phase2; each contribution's public hash goes to
stdout for the contributor to publish. verify: exit 0 all checks pass, 1 the first bad
contribution or section is named, 2 unreadable inputs. docs/ceremony.md.
"""

from __future__ import annotations

import json
import time
from typing import TYPE_CHECKING

import click

from zkvmc.cli.console import err, out
from zkvmc.errors import InputError

if TYPE_CHECKING:
    from zkvmc.artifacts.zkey import Zkey
    from zkvmc.compiler.circuit import Circuit


@click.group("ceremony")
def ceremony_group() -> None:
    """Phase-2 trusted-setup ceremony (snarkjs-compatible .zkey / zkvmc zkey.json states)."""


def _delta_is_one(z: Zkey) -> bool:
    """Whether a key's delta is still the generator (no contribution: anyone can forge proofs)."""
    from zkvmc.ceremony.points import point_to_lem
    from zkvmc.curve.adapter import G1_GEN

    return z.delta_g1 == point_to_lem(G1_GEN)


def _check_out(path: str) -> None:
    from zkvmc.artifacts.io import check_writable

    check_writable(path)


def _publish(z: Zkey, output: str, t0: float, as_json: bool) -> None:
    from zkvmc.ceremony.phase2 import contributions_summary

    num, kind, name, h = contributions_summary(z)[-1]
    if as_json:
        out(json.dumps({"contribution": num, "type": kind, "name": name, "hash": h, "output": output}))
    else:
        out(h)
    err(f"{kind} #{num}{f' ({name})' if name else ''} ({time.perf_counter() - t0:.2f} s) -> {output}; "
        "publish its hash (stdout) so everyone can check it is in the final key")


@ceremony_group.command("contribute")
@click.argument("input_state", type=click.Path(dir_okay=False))
@click.argument("output_state", type=click.Path(dir_okay=False))
@click.option("--name", default="", help="Your name, recorded in the key (at most 64 characters kept).")
@click.option("--entropy", default="", help="Extra randomness mixed into the secret (never stored).")
@click.option("--json", "as_json", is_flag=True, help="Print the contribution's record as JSON.")
def contribute_cmd(input_state: str, output_state: str, name: str, entropy: str, as_json: bool) -> None:
    """Add a secret contribution: delta times a fresh secret from `secrets` (+ --entropy)."""
    from zkvmc.artifacts.zkey import read_zkey, write_zkey
    from zkvmc.ceremony.phase2 import contribute

    _check_out(output_state)
    z, digest = read_zkey(input_state)
    t0 = time.perf_counter()
    z = contribute(z, name, entropy.encode())
    write_zkey(output_state, z, digest)
    _publish(z, output_state, t0, as_json)


def _beacon_bytes(text: str) -> bytes:
    try:
        b = bytes.fromhex(text)
    except ValueError:
        raise InputError(f"--beacon {text[:40]!r}: not a hexadecimal string") from None
    if len(b) * 2 != len(text):
        raise InputError("--beacon: an even number of hexadecimal digits is required")
    return b


@ceremony_group.command("beacon")
@click.argument("input_state", type=click.Path(dir_okay=False))
@click.argument("output_state", type=click.Path(dir_okay=False))
@click.option("--beacon", "beacon_hex", required=True, help="The public random value, in hexadecimal.")
@click.option("--iterations", type=int, default=10, show_default=True,
              help="SHA-256 is iterated 2^N times over the beacon (10..63).")
@click.option("--name", default="final beacon", show_default=True, help="Name recorded with the contribution.")
@click.option("--json", "as_json", is_flag=True, help="Print the contribution's record as JSON.")
def beacon_cmd(input_state: str, output_state: str, beacon_hex: str, iterations: int, name: str,
               as_json: bool) -> None:
    """Add a public-beacon contribution (anyone can recompute it from the beacon)."""
    from zkvmc.artifacts.zkey import read_zkey, write_zkey
    from zkvmc.ceremony.phase2 import beacon, check_beacon

    value = _beacon_bytes(beacon_hex)
    check_beacon(value, iterations)
    _check_out(output_state)
    z, digest = read_zkey(input_state)
    t0 = time.perf_counter()
    z = beacon(z, value, iterations, name)
    write_zkey(output_state, z, digest)
    _publish(z, output_state, t0, as_json)


def _circuit(path: str) -> tuple[Circuit, str]:
    """(circuit, digest) from a circuit file or a `.r1cs` binary (told apart by its magic)."""
    from zkvmc.artifacts.circuit_file import circuit_digest, read_circuit_and_digest
    from zkvmc.artifacts.iden3 import read_bytes
    from zkvmc.artifacts.iden3_r1cs import r1cs_from_bytes

    data = read_bytes(path)
    if data[:4] == b"r1cs":
        c = r1cs_from_bytes(data, path)
        return c, circuit_digest(c)
    return read_circuit_and_digest(path)


def phase2_setup(circuit: str, ptau: str, output: str, insecure_seed: int | None) -> None:
    """`zkvmc setup --ptau`: the initial phase-2 state (no secret involved); its csHash to stdout."""
    from zkvmc.artifacts.zkey import write_zkey
    from zkvmc.ceremony.phase2 import new_zkey
    from zkvmc.ceremony.ptau import read_ptau

    if insecure_seed is not None:
        raise InputError("--insecure-seed has no use with --ptau: phase 2 starts without secrets; "
                         "contributions draw theirs with `zkvmc ceremony contribute`")
    _check_out(output)
    c, digest = _circuit(circuit)
    p = read_ptau(ptau)
    t0 = time.perf_counter()
    z = new_zkey(c.r1cs, p)
    write_zkey(output, z, digest)
    out(z.cs_hash.hex())
    err(f"phase 2 initialised ({time.perf_counter() - t0:.2f} s) from {ptau} (2^{p.power} powers"
        f"{'' if p.prepared else ', Lagrange basis computed here'}): domain {z.domain_size}, {z.n_vars} wires "
        f"-> {output} (csHash on stdout). Next: zkvmc ceremony contribute {output} NEXT.zkey.json --name ...")


@ceremony_group.command("verify")
@click.argument("state", type=click.Path(dir_okay=False))
@click.option("-c", "--circuit", default="circuit.r1cs.json", show_default=True,
              help="Circuit file (or .r1cs) the key must be for.")
@click.option("--ptau", required=True, help="The powers-of-tau file phase 2 started from.")
@click.option("--json", "as_json", is_flag=True, help='Print {"valid": ..., "reason": ..., "contributions": [...]}.')
def verify_cmd(state: str, circuit: str, ptau: str, as_json: bool) -> None:
    """Replay every check: exit 0 valid, 1 invalid (names the first bad one), 2 bad input."""
    from zkvmc.artifacts.zkey import read_zkey
    from zkvmc.ceremony.ptau import read_ptau
    from zkvmc.ceremony.verify import verify_zkey
    from zkvmc.errors import CeremonyInvalid

    c, c_digest = _circuit(circuit)
    z, digest = read_zkey(state)
    p = read_ptau(ptau)
    t0 = time.perf_counter()
    try:
        if digest and digest != c_digest:
            raise CeremonyInvalid(f"the key was set up for another circuit file than {circuit} (circuit_digest)")
        summary = verify_zkey(z, c.r1cs, p)
    except CeremonyInvalid as e:
        if as_json:
            out(json.dumps({"valid": False, "reason": str(e)}))
        raise CeremonyInvalid(f"{state}: invalid: {e}") from None
    rows = [{"contribution": n, "type": k, "name": nm, "hash": h} for n, k, nm, h in summary]
    if as_json:
        out(json.dumps({"valid": True, "reason": None, "contributions": rows}))
    else:
        for r in rows:
            out(f"#{r['contribution']} {r['type']} {r['name']!r} {r['hash']}")
    err(f"valid ({time.perf_counter() - t0:.2f} s): {len(rows)} contribution(s), circuit {circuit}, ptau {ptau}"
        + ("" if rows else " -- warning: no contributions, the key's delta is the generator"))


@ceremony_group.command("export")
@click.argument("state", type=click.Path(dir_okay=False))
@click.option("--pk", "pk_path", default="proving_key.json", show_default=True, help="Proving key to write.")
@click.option("--vk", "vk_path", default="verification_key.json", show_default=True, help="Verification key to write.")
@click.option("-c", "--circuit", default=None,
              help="Circuit to bind the keys to (required for a snarkjs .zkey; checked when given).")
def export_cmd(state: str, pk_path: str, vk_path: str, circuit: str | None) -> None:
    """Write the final state's keys as proving_key.json and verification_key.json."""
    from zkvmc.artifacts.groth16_files import write_keys
    from zkvmc.artifacts.zkey import read_zkey
    from zkvmc.ceremony.convert import check_zkey_circuit, zkey_to_keys

    for p in (pk_path, vk_path):
        _check_out(p)
    z, digest = read_zkey(state)
    if circuit is not None:
        c, c_digest = _circuit(circuit)
        check_zkey_circuit(z, c.r1cs)
        if digest and digest != c_digest:
            raise InputError(f"{state}: circuit_digest: set up for another circuit file than {circuit}")
        digest = c_digest
    if not digest:
        raise InputError(f"{state} does not say which circuit it is for: pass -c CIRCUIT.r1cs.json")
    if _delta_is_one(z):
        err("warning: this key has no contributions: its delta is the generator (anyone can forge proofs)")
    pk, vk = zkey_to_keys(z, digest)
    write_keys(pk_path, pk, vk_path, vk)
    err(f"exported {state} ({len(z.contributions)} contribution(s)) -> {pk_path}, {vk_path}")


def register(group: click.Group) -> None:
    """Add the ceremony group to the zkvmc group."""
    group.add_command(ceremony_group)


# ---- `zkvmc export zkey` / `zkvmc import zkey` (registered in zkvmc.cli.interop_cmds) ----------


@click.command("zkey")
@click.argument("key", default="proving_key.json", type=click.Path(dir_okay=False))
@click.option("-o", "--output", default="circuit.zkey", show_default=True, help=".zkey file to write.")
@click.option("--vk", "vk_path", default="verification_key.json", show_default=True,
              help="Verification key of the proving key (its IC and gamma go into the .zkey).")
@click.option("-c", "--circuit", default="circuit.r1cs.json", show_default=True,
              help="Circuit of the key (the .zkey carries its A/B coefficients).")
def export_zkey_cmd(key: str, output: str, vk_path: str, circuit: str) -> None:
    """Export proving_key.json (+ its vk and circuit), or a ceremony state, as snarkjs's .zkey."""
    from zkvmc.artifacts.groth16_files import pk_from_json, read_vk
    from zkvmc.artifacts.io import read_json
    from zkvmc.artifacts.zkey import JSON_FORMAT, write_zkey_binary, zkey_from_json
    from zkvmc.ceremony.convert import keys_to_zkey
    from zkvmc.errors import KeyMismatch

    _check_out(output)
    obj = read_json(key)
    if isinstance(obj, dict) and obj.get("format") == JSON_FORMAT:
        z, _ = zkey_from_json(obj, key)
        write_zkey_binary(output, z)
        err(f"exported ceremony state {key} ({len(z.contributions)} contribution(s)) -> {output}")
        return
    pk, vk = pk_from_json(obj, key), read_vk(vk_path)
    c, c_digest = _circuit(circuit)
    if pk.circuit_digest != c_digest:
        raise KeyMismatch(f"{key}: circuit_digest: the proving key was made for another circuit than {circuit}")
    write_zkey_binary(output, keys_to_zkey(pk, vk, c.r1cs))
    err(f"exported {key} + {vk_path} -> {output} (domain {pk.domain_size}, {pk.n_wires} wires; no ceremony "
        "history: `snarkjs zkey verify` rejects it, `snarkjs groth16 prove` uses it)")


@click.command("zkey")
@click.argument("zkey_path", type=click.Path(dir_okay=False))
@click.option("-o", "--output", default="proving_key.json", show_default=True, help="Proving key to write.")
@click.option("--vk", "vk_path", default="verification_key.json", show_default=True,
              help="Verification key to write.")
@click.option("-c", "--circuit", default="circuit.r1cs.json", show_default=True,
              help="Circuit the key is for (checked: shape and every A/B coefficient).")
@click.option("--state", default=None, help="Also write the key as a zkey.json ceremony state.")
def import_zkey_cmd(zkey_path: str, output: str, vk_path: str, circuit: str, state: str | None) -> None:
    """Import a snarkjs Groth16 .zkey as proving_key.json and verification_key.json."""
    from zkvmc.artifacts.groth16_files import write_keys
    from zkvmc.artifacts.zkey import read_zkey_binary, write_zkey
    from zkvmc.ceremony.convert import check_zkey_circuit, zkey_to_keys

    for p in (output, vk_path, *([state] if state else [])):
        _check_out(p)
    z = read_zkey_binary(zkey_path)
    c, c_digest = _circuit(circuit)
    check_zkey_circuit(z, c.r1cs)
    pk, vk = zkey_to_keys(z, c_digest)
    write_keys(output, pk, vk_path, vk)
    if state:
        write_zkey(state, z, c_digest)
    if _delta_is_one(z):
        err("warning: the key has no phase-2 contributions: its delta is the generator (anyone can forge proofs)")
    err(f"imported {zkey_path} ({len(z.contributions)} contribution(s); run `zkvmc ceremony verify` to check "
        f"them) -> {output}, {vk_path}" + (f", {state}" if state else ""))
