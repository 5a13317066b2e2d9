"""`zkvmc` entry point: the command group and the exit-code policy.

Exit codes live in zkvmc.errors: 0 ok, 1 negative result, 2 usage/input error, 3 internal error.
"""

from __future__ import annotations

import sys
import traceback

import click

from zkvmc import __version__
from zkvmc.cli import asm_cmds, check_cmds, compile_cmds, evm_cmds, interop_cmds, proof_cmds
from zkvmc.cli.console import err
from zkvmc.errors import EXIT_INTERNAL, EXIT_USAGE, ZkvmcError


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="zkvmc")
def cli() -> None:
    """zkvmc: zkVM assembly -> R1CS -> Groth16 proofs on BN254."""


for _module in (asm_cmds, compile_cmds, check_cmds, proof_cmds, interop_cmds, evm_cmds):
    _module.register(cli)


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
        err("internal error (please report this with the command you ran):")
        err(traceback.format_exc())
        sys.exit(EXIT_INTERNAL)
    sys.exit(rv if isinstance(rv, int) else 0)
