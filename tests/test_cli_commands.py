"""The lazy command table in zkvmc.cli.main lists exactly the commands the modules define."""

from __future__ import annotations

import importlib

import click

from zkvmc.cli.main import COMMANDS, cli


def test_every_module_command_is_in_the_table_and_vice_versa() -> None:
    defined: dict[str, str] = {}
    for module in set(COMMANDS.values()):
        group = click.Group()
        importlib.import_module(f"zkvmc.cli.{module}").register(group)
        defined.update({name: module for name in group.commands})
    assert defined == COMMANDS


def test_help_lists_every_command(capsys) -> None:
    ctx = click.Context(cli)
    assert cli.list_commands(ctx) == sorted(COMMANDS)
    assert all(cli.get_command(ctx, name) is not None for name in COMMANDS)
    assert cli.get_command(ctx, "nope") is None
