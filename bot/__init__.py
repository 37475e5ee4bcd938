"""Everything that touches the outside world: CLI, console, chat adapters, scheduler."""
