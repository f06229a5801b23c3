"""The composition root: the one place that builds a role PC (kiosk, display, counter,
reception, manager) or the demo from the core, the hardware and the windows.

Only here do ``kiosk/`` (public screens), ``counter/`` (staff screens), ``hardware/``
and the core's database and clock meet; each of those stays unaware of the others.
The ``loket`` command's role and demo subcommands live here too (``roles.commands``),
so ``loket/`` itself never imports a window.
"""
