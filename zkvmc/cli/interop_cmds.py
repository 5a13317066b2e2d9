"""CLI: `export r1cs|wtns` and `import r1cs|wtns` — zkvmc JSON artefacts <-> iden3 binaries.

The binaries are the ones circom writes and snarkjs reads (docs/formats.md, "iden3 binary
formats"). Messages go to stderr; a witness that does not satisfy its circuit exits 1.
"""

from __future__ import annotations

import click

from zkvmc.cli.console import err
from zkvmc.errors import InputError, NegativeResult


@click.group("export")
def export_group() -> None:
    """Write zkvmc artefacts as iden3 binaries (.r1cs, .wtns, .zkey) for snarkjs/circom tools."""


@export_group.command("r1cs")
@click.argument("circuit", default="circuit.r1cs.json", type=click.Path(dir_okay=False))
@click.option("-o", "--output", default="circuit.r1cs", show_default=True, help=".r1cs file to write.")
@click.option("--no-metadata", is_flag=True,
              help="Omit the zkvmc section (witness program, source lines); import then cannot restore them.")
def export_r1cs(circuit: str, output: str, no_metadata: bool) -> None:
    """Export a circuit file as an iden3 .r1cs (snarkjs r1cs info / groth16 setup read it)."""
    from zkvmc.artifacts.circuit_file import read_circuit
    from zkvmc.artifacts.iden3_r1cs import header_of, write_r1cs_binary

    c = read_circuit(circuit)
    write_r1cs_binary(output, c, with_metadata=not no_metadata)
    h = header_of(c)
    err(f"exported {circuit} -> {output}: {h.n_constraints} constraints, {h.n_wires} wires, "
        f"{h.n_pub_out} outputs, {h.n_pub_in} public inputs, {h.n_prv_in} private input wires"
        + ("" if no_metadata else " (+ zkvmc section)"))


@export_group.command("wtns")
@click.argument("witness", default="witness.json", type=click.Path(dir_okay=False))
@click.option("-o", "--output", default="witness.wtns", show_default=True, help=".wtns file to write.")
@click.option("--no-metadata", is_flag=True, help="Omit the zkvmc section holding the circuit digest.")
def export_wtns(witness: str, output: str, no_metadata: bool) -> None:
    """Export a witness file as an iden3 .wtns (snarkjs wtns check / groth16 prove read it)."""
    from zkvmc.artifacts.iden3_wtns import write_wtns
    from zkvmc.artifacts.witness_file import read_witness

    w = read_witness(witness)
    write_wtns(output, w, with_digest=not no_metadata)
    err(f"exported {witness} -> {output}: {len(w.values)} wires")


@click.group("import")
def import_group() -> None:
    """Read iden3 binaries (.r1cs, .wtns, .zkey from circom or snarkjs) into zkvmc artefacts."""


@import_group.command("r1cs")
@click.argument("r1cs", type=click.Path(dir_okay=False))
@click.option("-o", "--output", default="circuit.r1cs.json", show_default=True, help="Circuit file to write.")
def import_r1cs(r1cs: str, output: str) -> None:
    """Import an iden3 .r1cs as a circuit file (exact if zkvmc exported it with its section)."""
    from zkvmc.artifacts.circuit_file import circuit_digest, write_circuit
    from zkvmc.artifacts.iden3_r1cs import read_r1cs_binary

    c = read_r1cs_binary(r1cs)
    write_circuit(output, c)
    err(f"imported {r1cs} -> {output}: {len(c.r1cs.constraints)} constraints, {c.r1cs.n_wires} wires, "
        f"digest {circuit_digest(c)[:16]}")
    if not c.steps and c.r1cs.n_wires > 1:
        err("note: no witness program (the file has no zkvmc section): import a witness with "
            f"`zkvmc import wtns WITNESS.wtns -c {output}` instead of running `zkvmc witness`")


def _bind(wtns_path: str, values: tuple[int, ...], embedded: str | None, circuit: str) -> str:
    """The digest of `circuit` after checking the witness fits and satisfies it.

    -c wins over the digest in the file: the constraint check is what makes the binding safe,
    and it lets a witness follow its circuit through an export/import without zkvmc section.
    """
    from zkvmc.artifacts.circuit_file import circuit_digest, read_circuit
    from zkvmc.errors import ArtifactError
    from zkvmc.r1cs.system import first_unsatisfied
    from zkvmc.witness import describe_constraint

    c = read_circuit(circuit)
    dig = circuit_digest(c)
    if len(values) != c.r1cs.n_wires:
        raise ArtifactError(wtns_path, "section 1 (header).nWitness",
                            f"{len(values)} values, but {circuit} has {c.r1cs.n_wires} wires")
    k = first_unsatisfied(c.r1cs, list(values))
    if k is not None:
        raise NegativeResult(f"{wtns_path}: the witness does not satisfy {circuit}: "
                             f"{describe_constraint(c, k, values)}")
    if embedded is not None and embedded != dig:
        err(f"note: {wtns_path} was exported for circuit {embedded[:16]}, now bound to {circuit} ({dig[:16]})")
    return dig


@import_group.command("wtns")
@click.argument("wtns", type=click.Path(dir_okay=False))
@click.option("-o", "--output", default="witness.json", show_default=True, help="Witness file to write.")
@click.option("-c", "--circuit", default=None,
              help="Circuit file to bind the witness to (checked: wire count and every constraint).")
def import_wtns(wtns: str, output: str, circuit: str | None) -> None:
    """Import an iden3 .wtns as a witness file (exit 1 if it does not satisfy the -c circuit)."""
    from zkvmc.artifacts.iden3_wtns import read_wtns
    from zkvmc.artifacts.witness_file import Witness, write_witness

    w = read_wtns(wtns)
    if circuit is not None:
        dig = _bind(wtns, w.values, w.circuit_digest, circuit)
    elif w.circuit_digest is not None:
        dig = w.circuit_digest
    else:
        raise InputError(f"{wtns}: the file does not say which circuit it belongs to (no zkvmc section); "
                         "pass -c CIRCUIT.r1cs.json to bind and check it")
    write_witness(output, Witness(w.values, dig))
    err(f"imported {wtns} -> {output}: {len(w.values)} wires" + (f", satisfies {circuit}" if circuit else ""))


from zkvmc.cli.ceremony_cmds import export_zkey_cmd, import_zkey_cmd  # noqa: E402 (.zkey: issue 14)

export_group.add_command(export_zkey_cmd)
import_group.add_command(import_zkey_cmd)


def register(group: click.Group) -> None:
    """Add the export and import groups to the zkvmc group."""
    for cmd in (export_group, import_group):
        group.add_command(cmd)
