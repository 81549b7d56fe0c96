"""The subcommands, one module each; importing a module attaches its commands to the `govsoc`
group. govsoc.cli.main.COMMANDS names them, so that only the one that runs is imported."""
