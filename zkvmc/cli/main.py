"""`zkvmc` entry point: the command group and the exit-code policy.

Exit codes live in zkvmc.errors: 0 ok, 1 negative result, 2 usage/input error, 3 internal error.
"""

from __future__ import annotations

import importlib
import sys

import click

from zkvmc import __version__
from zkvmc.cli.console import err
from zkvmc.errors import EXIT_INTERNAL, EXIT_USAGE, ZkvmcError

COMMANDS: dict[str, str] = {
    "assemble": "asm_cmds", "run": "asm_cmds",
    "compile": "compile_cmds", "info": "compile_cmds", "witness": "compile_cmds",
    "check": "check_cmds",
    "setup": "proof_cmds", "prove": "proof_cmds", "verify": "proof_cmds",
    "aggregate-setup": "aggregate_cmds", "aggregate": "aggregate_cmds", "verify-aggregate": "aggregate_cmds",
    "prove-many": "cluster_cmds",
    "export": "interop_cmds", "import": "interop_cmds",
    "export-verifier": "evm_cmds", "export-bridge": "evm_cmds", "calldata": "evm_cmds",
    "wallet": "wallet_cmds",
    "rollup": "rollup_cmds",
    "node": "node_cmds",
    "l1": "l1_cmds",
    "ceremony": "ceremony_cmds",
    "doctor": "doctor_cmds",
}
"""Command name -> the zkvmc.cli module whose register() defines it."""


class LazyGroup(click.Group):
    """Imports a command's module only when that command runs, so `zkvmc verify` does not pay
    for the assembler, the compiler or Poseidon's constants at start-up."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name not in COMMANDS:
            return None
        module = importlib.import_module(f"zkvmc.cli.{COMMANDS[name]}")
        scratch = click.Group()
        module.register(scratch)
        return scratch.commands.get(name)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="zkvmc")
def cli() -> None:
    """zkvmc: zkVM assembly -> R1CS -> Groth16 proofs on BN254."""


def main(argv: list[str] | None = None) -> None:
    """Run the CLI, mapping every error to its documented exit code."""
    try:
        rv = cli.main(args=argv, standalone_mode=False)
    except ZkvmcError as e:
        err(e.render())
        sys.exit(e.exit_code)
    except click.exceptions.Abort:
        err("aborted")
        sys.exit(EXIT_USAGE)
    except click.ClickException as e:
        e.show()
        sys.exit(EXIT_USAGE)
    except KeyboardInterrupt:
        err("interrupted")
        sys.exit(130)
    except Exception:  # noqa: BLE001 - the one place internal errors are reported
        import traceback  # only here: every command's start-up would pay for it

        err("internal error (please report this with the command you ran):")
        err(traceback.format_exc())
        sys.exit(EXIT_INTERNAL)
    sys.exit(rv if isinstance(rv, int) else 0)
